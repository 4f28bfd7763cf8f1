/**
 * Issue 13: the main journeys in headless Firefox ESR with the release Firefox build (event page background, MSAL
 * in the background page itself, the key of MSAL's cache in storage.session). Same stand-in tenant as the Chromium
 * suite, reached through a loopback CONNECT proxy. Every test ends by asserting that the extension left nothing in
 * Firefox's console: no uncaught error, no CSP violation, no "unimplemented" API notice, no console.error / warn.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { type LogEntry } from '../fake-tenant/index';
import { FABRIKAM } from '../fake-tenant/testing';
import { accountKey, accountSeed, scoped, popupReady } from './harness';
import {
  closeChecked,
  configureFx,
  launchFirefox,
  signInFx,
  waitForStorageFx,
  type FirefoxSession,
} from './firefox-harness';
import { defaultScenario, ROLE, withExchangeGroupActive } from './scenarios';
import { useStandIn } from './stand-in';

const tenant = useStandIn();
let session: FirefoxSession | undefined;
afterEach(async () => {
  const s = session;
  session = undefined;
  await closeChecked(s);
});

const OSLO = '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09';
const OSLO_KEY = `role:${ROLE.exchangeAdmin}:${OSLO}`;
const TEMPLATE = { id: 'tpl', name: 'Mail', justification: 'Mailbox migration for {role}', durationMinutes: 60 };
const SEED = {
  templates: [TEMPLATE],
  remembered: {
    [OSLO_KEY]: { templateId: 'tpl', durationMinutes: 60, ticketNumber: null, ticketSystem: null, justification: null },
  },
};
const row = (key: string, state?: string) =>
  `[data-testid="assignment"][data-key="${key}"]${state ? `[data-state="${state}"]` : ''}`;
const authorizes = (log: LogEntry[]) =>
  log.filter((e) => e.host === 'login.microsoftonline.com' && e.path.endsWith('/oauth2/v2.0/authorize'));
const tokens = (log: LogEntry[]) =>
  log.filter((e) => e.host === 'login.microsoftonline.com' && e.path.endsWith('/oauth2/v2.0/token'));
const batches = (log: LogEntry[]) => log.filter((e) => e.method === 'POST' && e.path === '/v1.0/$batch');
const roleRequests = (log: LogEntry[]) =>
  log.filter((e) => e.method === 'POST' && e.path === '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests');

const waitForStorage = waitForStorageFx;
/** Security Reader, one of the guest's eligible roles in Fabrikam (policy: 1 hour, nothing required). */
const FABRIKAM_SECURITY_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';

/**
 * Configured and signed in through the sign-in page (MSAL + identity.launchWebAuthFlow), snapshot and policies fetched.
 */
async function start(
  opts: { seed?: Record<string, unknown>; prefs?: Record<string, unknown> } = {},
): Promise<FirefoxSession> {
  const s = await launchFirefox(tenant, { prefs: opts.prefs });
  session = s;
  if (opts.seed) await s.ext(`browser.storage.local.set(${JSON.stringify(accountSeed(opts.seed))})`);
  await configureFx(s);
  await signInFx(s);
  await waitForStorage(s, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
  await waitForStorage(s, 'local', accountKey('policies'), '(v) => !!v && Object.keys(v).length > 0');
  return s;
}

async function openPopup(s: FirefoxSession): Promise<Page> {
  const page = await s.browser.newPage();
  await page.setViewport({ width: 380, height: 800 });
  await s.navigate(page, `${s.origin}/popup.html`);
  await popupReady(page);
  return page;
}

/**
 * After a write: the background's own refresh has stored the role as active and finished (a later one must fetch anew).
 */
async function writeSettled(s: FirefoxSession, key: string): Promise<void> {
  await waitForStorage(
    s,
    'local',
    accountKey('snapshot'),
    `(v) => !!v && v.assignments.some((a) => a.key === ${JSON.stringify(key)} && a.state === 'active')`,
  );
  await waitForStorage(s, 'local', accountKey('refreshState'), '(v) => !!v && !v.inFlight');
}

/** A refresh the way the periodic alarm does it: the alarm wakes a suspended event page. */
async function refreshByAlarm(s: FirefoxSession): Promise<void> {
  const before = await s.ext<string>(
    `browser.storage.local.get('${accountKey('snapshot')}').then((v) => v['${accountKey('snapshot')}'].fetchedAt)`,
  );
  await s.ext(`browser.alarms.create('${scoped('refresh')}', { when: Date.now() })`);
  await waitForStorage(s, 'local', accountKey('snapshot'), `(v) => v.fetchedAt !== ${JSON.stringify(before)}`);
}

async function waitFor<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Firefox', () => {
  it('signs in, shows the rows, and keeps its tokens across event-page suspensions: no authorize, at most one token request', async () => {
    const s = await start({ prefs: { 'extensions.background.idle.timeout': 1500 } });
    expect(await s.ext(`browser.storage.session.get('msalCacheKey').then((v) => !!v.msalCacheKey)`)).toBe(true);
    const popup = await openPopup(s);
    await popup.waitForFunction(
      (n: number) => document.querySelectorAll('[data-testid="assignment"]').length === n,
      {},
      defaultRows(),
    );
    await popup.close();

    await tenant.control.clearLog();
    await refreshByAlarm(s);
    for (let i = 0; i < 2; i++) {
      await s.waitForSuspension();
      await refreshByAlarm(s);
    }
    const log = await tenant.control.log();
    expect(batches(log).length).toBeGreaterThanOrEqual(3);
    expect(authorizes(log)).toEqual([]);
    const grants = tokens(log);
    expect(grants.length).toBeLessThanOrEqual(1);
    for (const g of grants) expect(g.body).toMatchObject({ grant_type: 'refresh_token' });
  }, 120_000);

  it('activates in one click, and deactivates after the five-minute floor', async () => {
    const s = await start({ seed: SEED });
    const popup = await openPopup(s);
    await tenant.control.clearLog();
    await (await popup.waitForSelector(`${row(OSLO_KEY, 'eligible')} [data-testid="activate"]`))!.click();
    const button = await popup.waitForSelector(`${row(OSLO_KEY, 'active')} [data-testid="deactivate"]`);
    expect(await button!.evaluate((b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(
      roleRequests(await tenant.control.log()).map((e) => [(e.body as { action: string }).action, e.status]),
    ).toEqual([['selfActivate', 201]]);
    await writeSettled(s, OSLO_KEY);

    await tenant.control.advance(5 * 60_000 + 2_000);
    await refreshByAlarm(s);
    await popup.waitForSelector(`${row(OSLO_KEY, 'active')} [data-testid="deactivate"]:not([disabled])`);
    await tenant.control.clearLog();
    await popup.locator(`${row(OSLO_KEY, 'active')} [data-testid="deactivate"]`).click();
    await popup.waitForSelector(row(OSLO_KEY, 'active'), { hidden: true });
    expect(
      roleRequests(await tenant.control.log()).map((e) => [(e.body as { action: string }).action, e.status]),
    ).toEqual([['selfDeactivate', 201]]);
  }, 120_000);

  it('shows the badge in the Exchange admin center with the active group and the role it grants', async () => {
    await tenant.control.loadScenario(withExchangeGroupActive(1));
    const s = await start();
    await s.ext(`browser.storage.local.set({ portalLayout: { exchange: { collapsed: false } } })`);
    const page = await s.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await s.navigate(page, 'https://admin.exchange.microsoft.com/');
    await page.waitForSelector('pim-companion-badge');
    // The badge's shadow root is closed; the page can still find its rendered text, as a reader would.
    for (const text of ['PIM: 2 active', 'PIM – INT – Exchange administrator', 'Exchange Administrator']) {
      await page.waitForFunction(
        (t: string) => {
          getSelection()?.removeAllRanges();
          return (window as unknown as { find(s: string): boolean }).find(t);
        },
        { polling: 100 },
        text,
      );
    }
  }, 120_000);

  it('warns ten minutes before the end; a click on the notification opens the popup at that row with Extend and Deactivate', async () => {
    const quiet = defaultScenario() as ReturnType<typeof defaultScenario> & {
      assignments: unknown[];
      pendingRequests: unknown[];
    };
    quiet.assignments = [];
    quiet.pendingRequests = [];
    await tenant.control.loadScenario(quiet);
    const s = await start({ seed: SEED, prefs: { 'alerts.useSystemBackend': false } });
    const popup = await openPopup(s);
    await (await popup.waitForSelector(`${row(OSLO_KEY, 'eligible')} [data-testid="activate"]`))!.click();
    await popup.waitForSelector(row(OSLO_KEY, 'active'));
    await writeSettled(s, OSLO_KEY);
    await popup.close();

    await tenant.control.advance(50 * 60_000);
    await refreshByAlarm(s);
    const ids = await waitFor(
      () => s.ext<Record<string, unknown>>('browser.notifications.getAll()').then(Object.keys),
      (all) => all.some((id) => id.startsWith(scoped('warn:'))),
      'warning',
    );
    expect(ids.filter((id) => id.startsWith(scoped('warn:')))).toEqual([scoped(`warn:${OSLO_KEY}:10`)]);

    // No buttons on Firefox notifications: the click opens the popup (or, without a focused window, the same page in a
    // small window) at the row, where Extend and Deactivate are.
    const texts = await s.ext<string>(`browser.notifications.getAll().then((all) => JSON.stringify(all))`);
    expect(await s.clickNotifications('Exchange Administrator'), texts).toBe(1);
    const buttons = await waitFor(
      () =>
        s.ext<string[]>(`(() => {
          const popup = browser.extension.getViews().find((w) => w.location.pathname === '/popup.html');
          const r = popup && popup.document.querySelector(${JSON.stringify(row(OSLO_KEY, 'active'))});
          return r ? Array.from(r.querySelectorAll('button[data-testid]'), (b) => b.dataset.testid) : [];
        })()`),
      (b) => b.includes('extend') && b.includes('deactivate'),
      'popup at the warned row',
    );
    expect(buttons).toEqual(expect.arrayContaining(['extend', 'deactivate']));
  }, 120_000);
});

describe('Firefox: several accounts (issue 16)', () => {
  it('signs in to Contoso and, as her guest account, to Fabrikam; switches; activates in Fabrikam with its token', async () => {
    const s = await launchFirefox(tenant);
    session = s;
    await configureFx(s);
    await configureFx(s, { cloudId: 'global', tenant: FABRIKAM.domain, clientId: FABRIKAM.clientId }, 'a2', 'Fabrikam');
    // adm-lidia both times (the picker shows her home UPN at Fabrikam too); MSAL runs in the event page, one client per
    // account's connection.
    await signInFx(s, undefined, 'a1');
    await signInFx(s, undefined, 'a2');
    for (const id of ['a1', 'a2'])
      await waitForStorage(s, 'local', `account.${id}.snapshot`, '(v) => !!v && v.assignments.length > 0');
    expect(
      await s.ext<{ oid: string; tenantId: string }>(
        `browser.storage.local.get('account.a2.authState').then((v) => v['account.a2.authState'].account)`,
      ),
    ).toMatchObject({ oid: FABRIKAM.guestOid, tenantId: FABRIKAM.id });

    const popup = await openPopup(s);
    await popup.waitForSelector('[data-testid="account-switch"]');
    await popup.select('[data-testid="account-switch"]', 'all');
    await popup.waitForSelector('[data-testid="all-accounts"] section[data-account="a2"] li[data-key]');
    const labels = await popup.$$eval('[data-testid="all-accounts"] section h2', (hs) =>
      hs.map((h) => h.textContent?.trim()),
    );
    expect(labels).toEqual(['Account 1', 'Fabrikam']);

    await popup.select('[data-testid="account-switch"]', 'a2');
    const securityReader = `role:${FABRIKAM_SECURITY_READER}:/`;
    await tenant.control.clearLog();
    await (await popup.waitForSelector(`${row(securityReader, 'eligible')} [data-testid="activate"]`))!.click();
    await popup.waitForSelector(row(securityReader, 'active'));
    const sent = roleRequests(await tenant.control.log()).filter((e) => e.status === 201);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.tokenClaims).toMatchObject({ tid: FABRIKAM.id, oid: FABRIKAM.guestOid });
    expect(sent[0]!.body).toMatchObject({ principalId: FABRIKAM.guestOid });
    await waitForStorage(s, 'local', 'account.a2.refreshState', '(v) => !!v && !v.inFlight');
  }, 120_000);
});

function defaultRows(): number {
  // Seven Entra roles and PIM groups, three Azure resource roles.
  return 10;
}
