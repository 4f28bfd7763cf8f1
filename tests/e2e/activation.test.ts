/**
 * Issue 3 journeys on the release build against the stand-in tenant: one-click re-activation, approval and cancel,
 * step-up for an authentication context, bundles with a partial failure, the 5-minute deactivation floor, and
 * templates that survive a restart while a malformed import changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { type LogEntry } from '../fake-tenant/index';
import {
  accountKey,
  accountSeed,
  configure,
  launch,
  readStorage,
  scoped,
  signIn,
  waitForStorage,
  type Session,
  openPopup,
} from './harness';
import { GROUP_INT_EXCHANGE, ROLE, withExchangeGroupActive } from './scenarios';
import { useStandIn } from './stand-in';

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const OSLO = '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09';
const KEY = {
  exchangeOslo: `role:${ROLE.exchangeAdmin}:${OSLO}`,
  globalAdmin: `role:${ROLE.globalAdmin}:/`,
  userAdmin: `role:${ROLE.userAdmin}:/`,
  appAdmin: `role:${ROLE.appAdmin}:/`,
  intExchange: `group:${GROUP_INT_EXCHANGE}:member`,
};
const MAIL_TEMPLATE = {
  id: 'tpl-mail',
  name: 'Mailbox work',
  justification: 'Exchange change {ticket} for {role}',
  ticketSystem: 'ServiceNow',
  ticketNumber: 'CHG0042',
  durationMinutes: 90,
};
const remembered = (templateId: string, durationMinutes: number) => ({
  templateId,
  durationMinutes,
  ticketNumber: null,
  ticketSystem: null,
  justification: null,
});

const roleRequests = (log: LogEntry[]) =>
  log.filter((e) => e.method === 'POST' && e.path === '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests');
const groupRequests = (log: LogEntry[]) =>
  log.filter(
    (e) =>
      e.method === 'POST' && e.path === '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
  );

/** Signed in, with the snapshot and the activation policies fetched; `seed` is written to local storage first. */
async function start(seed: Record<string, unknown> = {}): Promise<Session> {
  const s = await launch(tenant);
  if (Object.keys(seed).length > 0)
    await (await s.worker()).evaluate(`chrome.storage.local.set(${JSON.stringify(accountSeed(seed))})`);
  await configure(s);
  await signIn(s);
  await waitForStorage(s, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
  await waitForStorage(s, 'local', accountKey('policies'), '(v) => !!v && Object.keys(v).length > 0');
  return s;
}

const row = (key: string, state?: string) =>
  `[data-testid="assignment"][data-key="${key}"]${state ? `[data-state="${state}"]` : ''}`;

async function rowButton(page: Page, key: string, state: string, testId: string): Promise<ElementHandle<Element>> {
  const handle = await page.waitForSelector(`${row(key, state)} [data-testid="${testId}"]`);
  return handle!;
}

/** Activates through the popup: one click when the remembered choices suffice, else the form with a justification. */
async function activate(page: Page, key: string, justification: string): Promise<void> {
  await (await rowButton(page, key, 'eligible', 'activate')).click();
  const outcome = await Promise.race([
    page.waitForSelector('[data-testid="activation-form"]').then(() => 'form'),
    page.waitForSelector(`${row(key, 'pending')}, ${row(key, 'active')}`).then(() => 'done'),
  ]);
  if (outcome === 'form') {
    await page.locator('[data-testid="activation-form"] [data-testid="justification"]').fill(justification);
    await page.locator('[data-testid="activation-submit"]').click();
  }
}

async function fireRefreshAlarm(s: Session): Promise<void> {
  await (await s.worker()).evaluate(`chrome.alarms.create('${scoped('refresh')}', { when: Date.now() })`);
}

describe('activation from the popup', () => {
  it('re-activates Exchange Administrator (Oslo office) in one click with its remembered template', async () => {
    session = await start({
      templates: [MAIL_TEMPLATE],
      remembered: { [KEY.exchangeOslo]: remembered('tpl-mail', 90) },
    });
    const popup = await openPopup(session);
    await tenant.control.clearLog();
    await (await rowButton(popup, KEY.exchangeOslo, 'eligible', 'activate')).click();
    await popup.waitForSelector(`${row(KEY.exchangeOslo, 'active')} [data-testid="time-left"]`);

    const posts = roleRequests(await tenant.control.log());
    expect(posts).toHaveLength(1);
    expect(posts[0]!.status).toBe(201);
    expect(posts[0]!.body).toMatchObject({
      action: 'selfActivate',
      roleDefinitionId: ROLE.exchangeAdmin,
      directoryScopeId: OSLO,
      justification: 'Exchange change CHG0042 for Exchange Administrator',
      ticketInfo: { ticketNumber: 'CHG0042', ticketSystem: 'ServiceNow' },
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H30M' } },
    });
    const left = await popup.$eval(
      `${row(KEY.exchangeOslo, 'active')} [data-testid="time-left"]`,
      (e) => e.textContent ?? '',
    );
    expect(left).toMatch(/^1 h (29|30) min left$/);
  });

  it('sends Global Administrator for approval, cancels it, and shows an approved request as active without a manual refresh', async () => {
    session = await start();
    const popup = await openPopup(session);
    await activate(popup, KEY.globalAdmin, 'Break-glass review of conditional access');
    await popup.waitForSelector(row(KEY.globalAdmin, 'pending'));
    await tenant.control.clearLog();
    await (await rowButton(popup, KEY.globalAdmin, 'pending', 'cancel')).click();
    await popup.waitForSelector(row(KEY.globalAdmin, 'pending'), { hidden: true });
    const cancels = (await tenant.control.log()).filter(
      (e) => e.method === 'POST' && /\/roleAssignmentScheduleRequests\/[^/]+\/cancel$/.test(e.path),
    );
    expect(cancels.map((e) => e.status)).toEqual([204]);

    await activate(popup, KEY.globalAdmin, 'Break-glass review of conditional access');
    await popup.waitForSelector(row(KEY.globalAdmin, 'pending'));
    const snapshot = await readStorage<{ assignments: { key: string; state: string; id: string }[] }>(
      session,
      'local',
      accountKey('snapshot'),
    );
    const pending = snapshot.assignments.find((a) => a.key === KEY.globalAdmin && a.state === 'pending')!;
    await tenant.control.approve(pending.id);
    await fireRefreshAlarm(session);
    await popup.waitForSelector(row(KEY.globalAdmin, 'active'));
  });

  it('steps up once for the authentication context, then activates with a token carrying acrs c1', async () => {
    session = await start({ templates: [MAIL_TEMPLATE], remembered: { [KEY.appAdmin]: remembered('tpl-mail', 60) } });
    const popup = await openPopup(session);
    await tenant.control.clearLog();
    const stepUpTab = session.browser.waitForTarget(
      (t) => t.url().includes('signin.html') && t.url().includes('stepup'),
    );
    await (await rowButton(popup, KEY.appAdmin, 'eligible', 'activate')).click();
    const page = (await (await stepUpTab).page())!;
    const authWindow = session.browser.waitForTarget(
      (t) => t.url().includes('/oauth2/v2.0/authorize') && t.url().includes('acrs'),
    );
    await page.locator('[data-testid="stepup"]').click();
    const auth = (await (await authWindow).page())!;
    await auth.locator('#stepup-approve').click();
    await waitForStorage(
      session,
      'local',
      accountKey('snapshot'),
      `(v) => v.assignments.some((a) => a.key === ${JSON.stringify(KEY.appAdmin)} && a.state === 'active')`,
    );

    const log = await tenant.control.log();
    const interactive = log.filter(
      (e) => e.path.endsWith('/oauth2/v2.0/authorize') && !/(^|&)prompt=none(&|$)/.test(e.query),
    );
    expect(interactive).toHaveLength(1);
    const posts = roleRequests(log).filter((e) => e.status === 201);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.tokenClaims?.acrs).toContain('c1');
  });

  it('activates a bundle of two roles and a group with a per-item result when one fails a policy rule', async () => {
    // Policies unreadable (403): the extension sends and reacts to what Graph answers.
    await tenant.control.addFault({
      match: { batchItemUrl: 'roleManagementPolicyAssignments' },
      times: 1000,
      respond: {
        status: 403,
        body: {
          error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
        },
      },
    });
    const routine = {
      id: 'tpl-routine',
      name: 'Routine',
      justification: 'Routine mailbox administration for {role}',
      durationMinutes: 60,
    };
    const bundle = {
      id: 'b-mail',
      name: 'Mail kit',
      items: [KEY.userAdmin, KEY.exchangeOslo, KEY.intExchange],
      templateId: 'tpl-routine',
      durationMinutes: 60,
    };
    const s = await launch(tenant);
    await (
      await s.worker()
    ).evaluate(`chrome.storage.local.set(${JSON.stringify({ templates: [routine], bundles: [bundle] })})`);
    session = s;
    await configure(s);
    await signIn(s);
    await waitForStorage(s, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
    const popup = await openPopup(s);
    await tenant.control.clearLog();
    await popup.locator('[data-testid="bundle-activate"]').click();
    await popup.waitForSelector(row(KEY.exchangeOslo, 'active'));
    await popup.waitForSelector(row(KEY.intExchange, 'active'));
    const log = await tenant.control.log();
    const statuses = [...roleRequests(log), ...groupRequests(log)].map(
      (e) =>
        `${(e.body as { roleDefinitionId?: string; groupId?: string }).roleDefinitionId ?? (e.body as { groupId: string }).groupId}:${e.status}`,
    );
    expect(statuses.sort()).toEqual(
      [`${GROUP_INT_EXCHANGE}:201`, `${ROLE.exchangeAdmin}:201`, `${ROLE.userAdmin}:400`].sort(),
    );
    const text = await popup.$eval('body', (b) => (b as HTMLElement).innerText);
    expect(text).toMatch(/User Administrator[^]*ticket/i);
    expect(await popup.$(row(KEY.userAdmin, 'active'))).toBeNull();
  });

  it('keeps Deactivate unavailable until five minutes after the start, then deactivates', async () => {
    session = await start({
      templates: [MAIL_TEMPLATE],
      remembered: { [KEY.exchangeOslo]: remembered('tpl-mail', 60) },
    });
    const popup = await openPopup(session);
    await (await rowButton(popup, KEY.exchangeOslo, 'eligible', 'activate')).click();
    const button = await rowButton(popup, KEY.exchangeOslo, 'active', 'deactivate');
    expect(await button.evaluate((b) => (b as HTMLButtonElement).disabled)).toBe(true);

    await tenant.control.advance(5 * 60_000 + 2_000);
    const before = (await readStorage<{ fetchedAt: string }>(session, 'local', accountKey('snapshot'))).fetchedAt;
    await popup.locator('[data-testid="refresh"]').click();
    await waitForStorage(session, 'local', accountKey('snapshot'), `(v) => v.fetchedAt !== ${JSON.stringify(before)}`);
    await popup.waitForSelector(`${row(KEY.exchangeOslo, 'active')} [data-testid="deactivate"]:not([disabled])`);
    await tenant.control.clearLog();
    await popup.locator(`${row(KEY.exchangeOslo, 'active')} [data-testid="deactivate"]`).click();
    await popup.waitForSelector(row(KEY.exchangeOslo, 'active'), { hidden: true });
    const posts = roleRequests(await tenant.control.log());
    expect(posts.map((e) => [(e.body as { action: string }).action, e.status])).toEqual([['selfDeactivate', 201]]);
  });

  it('keeps templates across a browser restart and rejects a malformed import without changing anything', async () => {
    session = await launch(tenant);
    let options = await session.open('options.html');
    await options.locator('[data-testid="template-new"]').click();
    await options.locator('#template-name').fill('Daily Exchange work');
    await options.locator('#template-justification').fill('Exchange administration for ticket {ticket}');
    await options.locator('[data-testid="template-save"]').click();
    await waitForStorage(session, 'local', 'templates', '(v) => Array.isArray(v) && v.length === 1');
    await session.close({ keepProfile: true });

    session = await launch(tenant, { userDataDir: session.userDataDir });
    options = await session.open('options.html');
    await options.waitForSelector('[data-testid="template-item"]');
    expect(
      await options.$$eval('[data-testid="template-name"]', (els) => els.map((e) => e.textContent?.trim())),
    ).toEqual(['Daily Exchange work']);

    const bad = join(tmpdir(), `pim-bad-import-${process.pid}.json`);
    writeFileSync(
      bad,
      JSON.stringify({
        format: 'pim-companion-templates',
        version: 1,
        templates: [{ id: 'x', name: 'X', justification: 'y'.repeat(501) }],
        bundles: [],
      }),
    );
    const input = (await options.$('[data-testid="templates-import"]')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(bad);
    const reason = await options.waitForSelector('[data-testid="import-error"]');
    expect(await reason!.evaluate((e) => (e as HTMLElement).innerText)).toMatch(/templates\[0\]\.justification/);
    const stored = await readStorage<{ name: string }[]>(session, 'local', 'templates');
    expect(stored.map((t) => t.name)).toEqual(['Daily Exchange work']);
  });

  it('Extend that PIM refuses offers a renewal; confirmed, and the new activation refused, the user is told at once with one-click Activate again', async () => {
    // Active for 55 minutes (past the 5-minute floor), 5 left; the reason used last time is remembered.
    await tenant.control.loadScenario(withExchangeGroupActive(55));
    session = await start({
      remembered: {
        [KEY.intExchange]: {
          templateId: null,
          durationMinutes: 60,
          ticketNumber: null,
          ticketSystem: null,
          justification: 'Mailbox migration',
        },
      },
    });
    const popup = await openPopup(session);
    await tenant.control.clearLog();
    await (await rowButton(popup, KEY.intExchange, 'active', 'extend')).click();
    const offer = await popup.waitForSelector(`${row(KEY.intExchange, 'active')} [data-testid="renew"]`);
    // PIM refused the new activation from the current end; nothing else was sent before the user's confirmation.
    expect(
      groupRequests(await tenant.control.log()).map((e) => [(e.body as { action: string }).action, e.status]),
    ).toEqual([['selfActivate', 400]]);
    // The deactivation goes through; the new activation is refused.
    await tenant.control.addFault({
      match: { method: 'POST', path: 'group/assignmentScheduleRequests', body: '"action":"selfActivate"' },
      respond: {
        status: 400,
        body: {
          error: {
            code: 'RoleAssignmentRequestPolicyValidationFailed',
            message: 'The following policy rules failed: ["ExpirationRule"]',
          },
        },
      },
    });
    await offer!.click();
    const again = await rowButton(popup, KEY.intExchange, 'eligible', 'activate-again');
    const said = await popup.$eval(
      `${row(KEY.intExchange, 'eligible')} [data-testid="result"]`,
      (el) => el.textContent ?? '',
    );
    expect(said).toMatch(/was deactivated for renewal, but activating it again failed: .*You are without the role now/);
    const notes = (await (await session.worker()).evaluate('chrome.notifications.getAll()')) as Record<string, unknown>;
    expect(Object.keys(notes)).toContain(scoped(`command:${KEY.intExchange}`));
    // One click, the same remembered reason: active again.
    await again.click();
    await popup.waitForSelector(row(KEY.intExchange, 'active'));
    const sent = groupRequests(await tenant.control.log()).map((e) => [
      (e.body as { action: string; justification?: string }).action,
      e.status,
      (e.body as { justification?: string }).justification,
    ]);
    expect(sent.map(([action, status]) => [action, status])).toEqual([
      ['selfActivate', 400],
      ['selfDeactivate', 201],
      ['selfActivate', 400],
      ['selfActivate', 201],
    ]);
    // The retry sent what the renewal would have: the remembered reason.
    expect(sent.at(-1)![2]).toBe('Mailbox migration');
  });
});
