/**
 * Issue 12 journeys: the product against a stand-in as strict as a real tenant (documented payloads, least-privileged
 * consent, scope echo as Entra's v2 endpoint writes it, paged lists, revoked refresh tokens). Every journey here and
 * elsewhere is also checked by tests/e2e/setup.ts (no /groups or /directoryObjects read).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { DEFAULT_SCENARIO_PATH, startFakeTenant, type FakeTenant, type LogEntry, type Scenario } from '../fake-tenant/index';
import { configure, launch, readStorage, signIn, waitForStorage, type Session } from './harness';
import { ADMIN, defaultScenario, ROLE } from './scenarios';

let tenant: FakeTenant;
let session: Session | undefined;

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(async () => {
  await tenant.close();
});
beforeEach(async () => {
  await tenant.control.loadScenario(DEFAULT_SCENARIO_PATH);
});
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const TEAMS_GROUP = '4e6d8f0a-2b1c-4d3e-8f5a-6b7c8d9e0f12';
const RECIPIENT_ADMIN = '31392ffb-586c-42d1-9346-e59415a2cc4e';

async function openPopup(s: Session): Promise<Page> {
  const page = await s.browser.newPage();
  await page.setViewport({ width: 380, height: 700 });
  await page.goto(`chrome-extension://${s.extensionId}/popup.html`);
  return page;
}

async function rowText(page: Page, state: string, kind: string): Promise<string[]> {
  return page.$$eval(
    `[data-testid="assignment"][data-state="${state}"][data-kind="${kind}"]`,
    (els) => els.map((el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ')),
  );
}

const tokenRequests = (log: LogEntry[]) => log.filter((e) => e.method === 'POST' && e.path.endsWith('/oauth2/v2.0/token'));

async function refreshFromPopup(popup: Page, s: Session): Promise<void> {
  const before = (await readStorage<{ fetchedAt: string }>(s, 'local', 'snapshot')).fetchedAt;
  await popup.locator('[data-testid="refresh"]').click();
  await waitForStorage(s, 'local', 'snapshot', `(v) => v && v.fetchedAt !== ${JSON.stringify(before)}`);
}

async function signedInPopup(scenario: Scenario): Promise<Page> {
  await tenant.control.loadScenario(scenario);
  session = await launch(tenant);
  await configure(session);
  await signIn(session);
  await waitForStorage(session, 'local', 'snapshot', '(v) => !!v && v.assignments.length > 0');
  return openPopup(session);
}

describe('real tenant: names, tokens, paging, lifecycle and least privilege', () => {
  it('names pending role and group requests from their own $expand, with no directory read', async () => {
    const s = defaultScenario() as Scenario & { pendingRequests: unknown[] };
    // Targets the user holds no eligibility for, so no other row can lend a name: only the request's $expand can.
    s.pendingRequests.push(
      { id: 'pending-role', principal: ADMIN, roleDefinitionId: RECIPIENT_ADMIN, justification: 'Mailbox moves', start: '-2m', duration: 'PT2H' },
      { id: 'pending-group', principal: ADMIN, groupId: TEAMS_GROUP, accessId: 'owner', justification: 'Teams rollout', start: '-2m', duration: 'PT1H' },
    );
    const popup = await signedInPopup(s);
    await popup.waitForSelector('[data-testid="assignment"][data-state="pending"]');
    expect(await rowText(popup, 'pending', 'role')).toEqual([expect.stringContaining('Exchange Recipient Administrator')]);
    expect(await rowText(popup, 'pending', 'group')).toEqual([expect.stringContaining('PIM – Teams admins')]);
    const all = (await rowText(popup, 'pending', 'role')).concat(await rowText(popup, 'pending', 'group')).join(' ');
    expect(all).not.toContain(RECIPIENT_ADMIN);
    expect(all).not.toContain(TEAMS_GROUP);
    expect(await tenant.control.directoryReads()).toEqual([]);
  });

  it.each(['short', 'requested'] as const)(
    'scope echo %s: sign-in, three refreshes and an activation cost at most 2 token requests',
    async (scopeEcho) => {
      const s = defaultScenario();
      s.app = { ...s.app, scopeEcho };
      await tenant.control.loadScenario(s);
      await tenant.control.clearLog();
      session = await launch(tenant);
      await configure(session);
      await signIn(session);
      await waitForStorage(session, 'local', 'snapshot', '(v) => !!v && v.assignments.length > 0');
      const popup = await openPopup(session);
      for (let i = 0; i < 3; i++) await refreshFromPopup(popup, session);
      const key = `role:${ROLE.globalAdmin}:/`;
      await popup.locator(`[data-testid="assignment"][data-key="${key}"][data-state="eligible"] [data-testid="activate"]`).click();
      await popup.waitForSelector('[data-testid="activation-form"]');
      await popup.locator('[data-testid="activation-form"] [data-testid="justification"]').fill('Quarterly access review');
      await popup.locator('[data-testid="activation-submit"]').click();
      await popup.waitForSelector(`[data-testid="assignment"][data-key="${key}"][data-state="pending"]`);

      const log = await tenant.control.log();
      const posts = log.filter((e) => e.method === 'POST' && e.path === '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests');
      expect(posts).toHaveLength(1);
      expect(log.filter((e) => e.host === 'graph.microsoft.com' && e.method !== 'OPTIONS').length).toBeGreaterThanOrEqual(5);
      expect(tokenRequests(log).length).toBeLessThanOrEqual(2);
    },
  );

  it('with the refresh token revoked, the popup asks to sign in again and never says offline', async () => {
    const popup = await signedInPopup(defaultScenario());
    await tenant.control.revokeSignIns(ADMIN);
    // The access token MSAL holds ends on the stand-in's clock: Graph answers 401, the refresh token is refused (AADSTS50173)
    // and the silent renewal finds no session.
    await tenant.control.advance(61 * 60_000);
    await tenant.control.clearLog();
    await popup.locator('[data-testid="refresh"]').click();
    const notice = await popup.waitForSelector('[data-notice="renewal-required"]');
    expect(await notice!.evaluate((e) => (e as HTMLElement).innerText)).toMatch(/sign in/i);
    await waitForStorage(session!, 'local', 'refreshState', '(v) => v && !v.inFlight');
    expect(await popup.$('[data-notice="offline"]')).toBeNull();
    expect(await popup.evaluate(() => document.body.innerText)).not.toMatch(/offline/i);
    const refreshState = await readStorage<{ offline: boolean; error: string | null }>(session!, 'local', 'refreshState');
    expect(refreshState.offline).toBe(false);
    const log = await tenant.control.log();
    expect(tokenRequests(log).map((e) => e.status)).toContain(400);
  });

  it('300 eligibilities that Graph pages all appear in the popup', async () => {
    const s = defaultScenario() as Scenario & { roleDefinitions: unknown[]; eligibilities: unknown[] };
    const base = s.eligibilities.length;
    for (let i = 0; i < 300; i++) {
      const id = `c0ffee00-0000-4000-8000-${String(i).padStart(12, '0')}`;
      s.roleDefinitions.push({ id, displayName: `Custom role ${String(i).padStart(3, '0')}` });
      s.eligibilities.push({ id: `Lidia-custom-${i}-e`, principal: ADMIN, roleDefinitionId: id, start: '-10d', end: '+300d' });
    }
    const popup = await signedInPopup(s);
    const eligible = await waitForStorage(session!, 'local', 'snapshot', '(v) => !!v && v.assignments.filter((a) => a.state === "eligible").length >= 300');
    expect((eligible as { assignments: { state: string }[] }).assignments.filter((a) => a.state === 'eligible')).toHaveLength(base + 300);
    // Graph's pages, followed: the eligibility list came in 4 pages of at most 100.
    const log = await tenant.control.log();
    const pages = log.flatMap((e) => e.batch ?? []).filter((b) => b.url.includes('roleEligibilityScheduleInstances'));
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.slice(1).every((b) => b.url.includes('$skiptoken='))).toBe(true);
    await popup.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="assignment"][data-state="eligible"] .row-name')].filter((e) => e.textContent?.startsWith('Custom role ')).length === 300,
      { timeout: 20_000 },
    );
    const names = await popup.$$eval('[data-testid="assignment"][data-state="eligible"] .row-name', (els) => els.map((e) => e.textContent ?? ''));
    for (const n of ['Custom role 000', 'Custom role 150', 'Custom role 299']) expect(names).toContain(n);
  });
});
