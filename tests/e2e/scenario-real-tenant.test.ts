/**
 * Issue 12 journeys: the product against a stand-in as strict as a real tenant (documented payloads, least-privileged
 * consent, scope echo as Entra's v2 endpoint writes it, paged lists, revoked refresh tokens). Every journey here and
 * elsewhere is also checked by tests/e2e/setup.ts (no /groups or /directoryObjects read).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { type LogEntry, type Scenario } from '../fake-tenant/index';
import { accountKey, configure, launch, readStorage, signIn, waitForStorage, type Session, openPopup } from './harness';
import { graph, signIn as scriptedSignIn } from '../fake-tenant/testing';
import { ADMIN, defaultScenario, ROLE } from './scenarios';
import { useStandIn } from './stand-in';

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const TEAMS_GROUP = '4e6d8f0a-2b1c-4d3e-8f5a-6b7c8d9e0f12';
const RECIPIENT_ADMIN = '31392ffb-586c-42d1-9346-e59415a2cc4e';

async function rowText(page: Page, state: string, kind: string): Promise<string[]> {
  return page.$$eval(`[data-testid="assignment"][data-state="${state}"][data-kind="${kind}"]`, (els) =>
    els.map((el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ')),
  );
}

const tokenRequests = (log: LogEntry[]) =>
  log.filter((e) => e.method === 'POST' && e.path.endsWith('/oauth2/v2.0/token'));

async function refreshFromPopup(popup: Page, s: Session): Promise<void> {
  const before = (await readStorage<{ fetchedAt: string }>(s, 'local', accountKey('snapshot'))).fetchedAt;
  await popup.locator('[data-testid="refresh"]').click();
  await waitForStorage(s, 'local', accountKey('snapshot'), `(v) => v && v.fetchedAt !== ${JSON.stringify(before)}`);
}

async function signedInPopup(scenario: Scenario): Promise<Page> {
  await tenant.control.loadScenario(scenario);
  session = await launch(tenant);
  await configure(session);
  await signIn(session);
  await waitForStorage(session, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
  return openPopup(session, { width: 380, height: 700 });
}

describe('real tenant: names, tokens, paging, lifecycle and least privilege', () => {
  it('names pending role and group requests from their own $expand, with no directory read', async () => {
    const s = defaultScenario() as Scenario & { pendingRequests: unknown[] };
    // Targets the user holds no eligibility for, so no other row can lend a name: only the request's $expand can.
    s.pendingRequests.push(
      {
        id: 'pending-role',
        principal: ADMIN,
        roleDefinitionId: RECIPIENT_ADMIN,
        justification: 'Mailbox moves',
        start: '-2m',
        duration: 'PT2H',
      },
      {
        id: 'pending-group',
        principal: ADMIN,
        groupId: TEAMS_GROUP,
        accessId: 'owner',
        justification: 'Teams rollout',
        start: '-2m',
        duration: 'PT1H',
      },
    );
    const popup = await signedInPopup(s);
    await popup.waitForSelector('[data-testid="assignment"][data-state="pending"]');
    expect(await rowText(popup, 'pending', 'role')).toEqual([
      expect.stringContaining('Exchange Recipient Administrator'),
    ]);
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
      await waitForStorage(session, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
      const popup = await openPopup(session, { width: 380, height: 700 });
      for (let i = 0; i < 3; i++) await refreshFromPopup(popup, session);
      const key = `role:${ROLE.globalAdmin}:/`;
      await popup
        .locator(`[data-testid="assignment"][data-key="${key}"][data-state="eligible"] [data-testid="activate"]`)
        .click();
      await popup.waitForSelector('[data-testid="activation-form"]');
      await popup
        .locator('[data-testid="activation-form"] [data-testid="justification"]')
        .fill('Quarterly access review');
      await popup.locator('[data-testid="activation-submit"]').click();
      await popup.waitForSelector(`[data-testid="assignment"][data-key="${key}"][data-state="pending"]`);

      const log = await tenant.control.log();
      const posts = log.filter(
        (e) => e.method === 'POST' && e.path === '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests',
      );
      expect(posts).toHaveLength(1);
      expect(
        log.filter((e) => e.host === 'graph.microsoft.com' && e.method !== 'OPTIONS').length,
      ).toBeGreaterThanOrEqual(5);
      expect(tokenRequests(log).length).toBeLessThanOrEqual(2);
    },
  );

  it('with the refresh token revoked, the popup asks to sign in again and never says offline', async () => {
    const popup = await signedInPopup(defaultScenario());
    await tenant.control.revokeSignIns(ADMIN);
    // The access token MSAL holds ends on the stand-in's clock: Graph answers 401, the refresh token is refused
    // (AADSTS50173) and the silent renewal finds no session.
    await tenant.control.advance(61 * 60_000);
    await tenant.control.clearLog();
    await popup.locator('[data-testid="refresh"]').click();
    const notice = await popup.waitForSelector('[data-notice="renewal-required"]');
    expect(await notice!.evaluate((e) => (e as HTMLElement).innerText)).toMatch(/sign in/i);
    await waitForStorage(session!, 'local', accountKey('refreshState'), '(v) => v && !v.inFlight');
    expect(await popup.$('[data-notice="offline"]')).toBeNull();
    expect(await popup.evaluate(() => document.body.innerText)).not.toMatch(/offline/i);
    const refreshState = await readStorage<{ offline: boolean; error: string | null }>(
      session!,
      'local',
      accountKey('refreshState'),
    );
    expect(refreshState.offline).toBe(false);
    const log = await tenant.control.log();
    expect(tokenRequests(log).map((e) => e.status)).toContain(400);
    // The browser logs the refused refresh-token grant as a failed load in the auth document: that, and nothing else.
    expect(
      session!
        .consoleProblems()
        .filter((p) => !/auth\.html: Failed to load resource: the server responded with a status of 400/.test(p)),
    ).toEqual([]);
    await session!.close({ allowConsoleProblems: true });
    session = undefined;
  });

  it('300 eligibilities that Graph pages all appear in the popup', async () => {
    const s = defaultScenario() as Scenario & {
      roleDefinitions: unknown[];
      eligibilities: unknown[];
      azure?: { eligibilities?: unknown[] };
    };
    // The demo world's Entra eligibilities and its Azure ones.
    const base = s.eligibilities.length + (s.azure?.eligibilities?.length ?? 0);
    for (let i = 0; i < 300; i++) {
      const id = `c0ffee00-0000-4000-8000-${String(i).padStart(12, '0')}`;
      s.roleDefinitions.push({ id, displayName: `Custom role ${String(i).padStart(3, '0')}` });
      s.eligibilities.push({
        id: `Lidia-custom-${i}-e`,
        principal: ADMIN,
        roleDefinitionId: id,
        start: '-10d',
        end: '+300d',
      });
    }
    const popup = await signedInPopup(s);
    const eligible = await waitForStorage(
      session!,
      'local',
      accountKey('snapshot'),
      '(v) => !!v && v.assignments.filter((a) => a.state === "eligible").length >= 300',
    );
    expect(
      (eligible as { assignments: { state: string }[] }).assignments.filter((a) => a.state === 'eligible'),
    ).toHaveLength(base + 300);
    // Graph's pages, followed: the eligibility list came in 4 pages of at most 100.
    const log = await tenant.control.log();
    const pages = log.flatMap((e) => e.batch ?? []).filter((b) => b.url.includes('roleEligibilityScheduleInstances'));
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(pages.slice(1).every((b) => b.url.includes('$skiptoken='))).toBe(true);
    await popup.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="assignment"][data-state="eligible"] .row-name')].filter((e) =>
          e.textContent?.startsWith('Custom role '),
        ).length === 300,
      { timeout: 20_000 },
    );
    const names = await popup.$$eval('[data-testid="assignment"][data-state="eligible"] .row-name', (els) =>
      els.map((e) => e.textContent ?? ''),
    );
    for (const n of ['Custom role 000', 'Custom role 150', 'Custom role 299']) expect(names).toContain(n);
  });

  it('a 14:00 scheduled activation shows as scheduled and can be cancelled; another turns active at 14:00', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const s = defaultScenario() as Scenario & { clock?: { start?: string } };
    s.clock = { start: `${day}T13:00:00Z` };
    const popup = await signedInPopup(s);
    // Two activations approved for 14:00 (status Granted), asked for elsewhere (the Entra portal, another device).
    const token = (await scriptedSignIn(tenant)).access_token;
    const OSLO = '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09';
    const schedule = async (
      roleDefinitionId: string,
      directoryScopeId: string,
      extra: Record<string, unknown> = {},
    ) => {
      const body = {
        action: 'selfActivate',
        principalId: '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71',
        roleDefinitionId,
        directoryScopeId,
        justification: 'Change window',
        scheduleInfo: { startDateTime: `${day}T14:00:00Z`, expiration: { type: 'afterDuration', duration: 'PT1H' } },
        ...extra,
      };
      const r = await graph(tenant, token, 'POST', '/roleManagement/directory/roleAssignmentScheduleRequests', body);
      expect(r.json()).toMatchObject({ status: 'Granted' });
    };
    await schedule(ROLE.exchangeAdmin, OSLO);
    await schedule(ROLE.userAdmin, '/', { ticketInfo: { ticketNumber: 'CHG-7', ticketSystem: 'ServiceNow' } });
    await refreshFromPopup(popup, session!);

    const exo = `[data-testid="assignment"][data-key="role:${ROLE.exchangeAdmin}:${OSLO}"][data-state="pending"]`;
    const ua = `[data-testid="assignment"][data-key="role:${ROLE.userAdmin}:/"]`;
    // The browser's own time format: 14:00 or 2:00 PM.
    expect(await popup.$eval(`${exo} [data-testid="when"]`, (e) => e.textContent)).toMatch(
      /^Approved, scheduled · starts at (14:00|2:00\sPM) · for 1 h$/,
    );
    expect(await popup.$eval(`${ua}[data-state="pending"] [data-testid="when"]`, (e) => e.textContent)).toMatch(
      /scheduled · starts at (14:00|2:00\sPM)/,
    );

    await tenant.control.clearLog();
    await popup.locator(`${exo} [data-testid="cancel"]`).click();
    await popup.waitForSelector(exo, { hidden: true });
    const cancels = (await tenant.control.log()).filter((e) => e.method === 'POST' && e.path.endsWith('/cancel'));
    expect(cancels.map((e) => e.status)).toEqual([204]);

    await tenant.control.setClock(`${day}T14:00:30Z`);
    await refreshFromPopup(popup, session!);
    await popup.waitForSelector(`${ua}[data-state="active"]`);
    expect(await popup.$eval(`${ua}[data-state="active"] [data-testid="when"]`, (e) => e.textContent)).toMatch(
      /^Activated · until (15:00|3:00\sPM)$/,
    );
    expect(await popup.$(`${ua}[data-state="pending"]`)).toBeNull();
  });

  it('labels Activated, Assigned (time-bound) and permanent assignments differently', async () => {
    const s = defaultScenario() as Scenario & { assignments: unknown[] };
    const TEAMS = '69091246-20e8-4a56-aa4d-066075b2a7a8';
    const SHAREPOINT = 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c';
    s.assignments.push(
      {
        id: 'LidiaTeams-assigned',
        principal: ADMIN,
        roleDefinitionId: TEAMS,
        assignmentType: 'Assigned',
        start: '-1d',
        end: '+3d',
      },
      {
        id: 'LidiaSharePoint-assigned',
        principal: ADMIN,
        roleDefinitionId: SHAREPOINT,
        assignmentType: 'Assigned',
        start: '-30d',
        end: null,
      },
    );
    const popup = await signedInPopup(s);
    const active = (role: string) => `[data-testid="assignment"][data-key="role:${role}:/"][data-state="active"]`;
    await popup.waitForSelector(active(TEAMS));
    const when = (role: string) => popup.$eval(`${active(role)} [data-testid="when"]`, (e) => e.textContent ?? '');
    expect(await when(ROLE.securityReader)).toMatch(/^Activated · until /);
    expect(await when(TEAMS)).toMatch(/^Assigned until /);
    expect(await when(SHAREPOINT)).toBe('Assigned · permanent');
    expect(await popup.$(`${active(ROLE.securityReader)} [data-testid="time-left"]`)).not.toBeNull();
    expect(await popup.$(`${active(TEAMS)} [data-testid="time-left"]`)).toBeNull();
    for (const role of [TEAMS, SHAREPOINT])
      expect(await popup.$(`${active(role)} [data-testid="deactivate"]`)).toBeNull();
  });

  it('least privilege: Exchange Administrator activated by learning the rules from PIM; its PIM group stays on the Exchange badge', async () => {
    const s = defaultScenario() as Scenario & {
      eligibilities: unknown[];
      assignments: unknown[];
      policies: { roleDefinitionId?: string }[];
    };
    s.leastPrivileged = true;
    s.assignments = [];
    s.eligibilities.push({
      id: 'LidiaExchangeAdmin-1-e',
      principal: ADMIN,
      roleDefinitionId: ROLE.exchangeAdmin,
      start: '-30d',
      end: '+365d',
    });
    s.policies = s.policies.filter((p) => p.roleDefinitionId !== ROLE.exchangeAdmin);
    s.policies.push({
      roleDefinitionId: ROLE.exchangeAdmin,
      maximumDuration: 'PT2H',
      enabledRules: ['Justification', 'Ticketing'],
    } as never);
    const popup = await signedInPopup(s);
    // The refresh's policy reads were refused (403) and stored as unreadable.
    await waitForStorage(
      session!,
      'local',
      accountKey('policies'),
      '(v) => !!v && Object.values(v).some((e) => e.policy === null && /403/.test(e.error || ""))',
    );
    await tenant.control.clearLog();

    const key = `role:${ROLE.exchangeAdmin}:/`;
    const form = '[data-testid="activation-form"]';
    await popup
      .locator(`[data-testid="assignment"][data-key="${key}"][data-state="eligible"] [data-testid="activate"]`)
      .click();
    await popup.locator(`${form} [data-testid="justification"]`).fill('Mailbox migration wave 3');
    expect(await popup.$(`${form} [data-testid="ticket-number"]`)).toBeNull();
    await popup.locator(`${form} [data-testid="activation-submit"]`).click();

    // PIM refused; the form comes back asking for exactly the ticket, with the learned maximum.
    await popup.waitForSelector(`${form} [data-testid="ticket-number"]`);
    expect(await popup.$eval(form, (e) => (e as HTMLElement).innerText)).toMatch(/up to 2 h\b/);
    await popup.locator(`${form} [data-testid="ticket-number"]`).fill('CHG-4711');
    await popup.locator(`${form} [data-testid="ticket-system"]`).fill('ServiceNow');
    await popup.locator(`${form} [data-testid="activation-submit"]`).click();
    await popup.waitForSelector(`[data-testid="assignment"][data-key="${key}"][data-state="active"]`);

    const log = await tenant.control.log();
    const posts = log.filter(
      (e) => e.method === 'POST' && e.path === '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests',
    );
    expect(posts.map((e) => e.status)).toEqual([400, 201]);
    expect(posts[1]!.body).toMatchObject({
      ticketInfo: { ticketNumber: 'CHG-4711', ticketSystem: 'ServiceNow' },
      justification: 'Mailbox migration wave 3',
    });
    // The maximum came from one batch of dry runs, nothing created by them.
    const probes = log.flatMap((e) => e.batch ?? []).filter((b) => b.method === 'POST');
    expect(probes.length).toBeGreaterThan(0);
    expect(
      (await tenant.control.state()).requests.filter((r) => (r as { isValidationOnly?: boolean }).isValidationOnly),
    ).toEqual([]);
    // Remembered for that role.
    const policies = await readStorage<
      Record<string, { learned?: boolean; policy: { maxMinutes: number; requireTicket: boolean } | null }>
    >(session!, 'local', accountKey('policies'));
    expect(policies[key]).toMatchObject({ learned: true, policy: { maxMinutes: 120, requireTicket: true } });

    // What the PIM group grants is refused too; the Exchange admin center badge still shows it (by its name).
    await (
      await session!.worker()
    ).evaluate(`chrome.storage.local.set({ portalLayout: { exchange: { collapsed: false } } })`);
    const portal = await session!.browser.newPage();
    await portal.setViewport({ width: 1280, height: 800 });
    await portal.goto('https://admin.exchange.microsoft.com/');
    // The badge's closed shadow root is reached through the accessibility tree, as in portal.test.ts (polled: it paints
    // from storage).
    let names = '';
    for (let i = 0; i < 200 && !names.includes('PIM – INT – Exchange administrator'); i++) {
      names = JSON.stringify(await portal.accessibility.snapshot({ interestingOnly: false }));
      if (!names.includes('PIM – INT – Exchange administrator')) await new Promise((r) => setTimeout(r, 50));
    }
    expect(names).toContain('PIM – INT – Exchange administrator');
  });
});
