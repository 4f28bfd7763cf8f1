/**
 * Issue 14 journeys on the release build against the stand-in's management.azure.com: the three Azure eligibilities
 * with readable scope paths, one-click re-activation by one documented PUT, the 5-minute floor, the management-group
 * Owner activated at its management group, a worker killed mid-PUT reconciled by the request's GUID, a throttled ARM
 * read that degrades only the Azure section, and Azure roles switched off (no ARM token, no ARM request).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { readFileSync } from 'node:fs';
import { DEFAULT_SCENARIO_PATH, type LogEntry, type Scenario } from '../fake-tenant/index';
import {
  accountKey,
  accountSeed,
  configure,
  launch,
  readStorage,
  signIn,
  waitForStorage,
  type Session,
  openPopup,
} from './harness';
import { useStandIn } from './stand-in';
import { badgeNames, waitForBadge } from './badge';

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const SUB = '/subscriptions/3c1f8e2a-7b4d-4e9f-a6c5-1d2e3f4a5b6c';
const RG = `${SUB}/resourceGroups/rg-web`;
const KV = `${RG}/providers/Microsoft.KeyVault/vaults/kv-web-01`;
const MG = '/providers/Microsoft.Management/managementGroups/contoso-platform';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const KV_OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';
const KEY = {
  contributor: `azure:${CONTRIBUTOR}:${RG.toLowerCase()}`,
  owner: `azure:${OWNER}:${MG.toLowerCase()}`,
  kvOfficer: `azure:${KV_OFFICER}:${KV.toLowerCase()}`,
};
const REMEMBERED = {
  templateId: null,
  durationMinutes: 60,
  ticketNumber: null,
  ticketSystem: null,
  justification: 'Web release 42',
};

const armLog = (log: LogEntry[]) => log.filter((e) => e.host === 'management.azure.com');
const puts = (log: LogEntry[]) =>
  armLog(log).filter((e) => e.method === 'PUT' && /\/roleAssignmentScheduleRequests\//i.test(e.path));
const row = (key: string, state?: string) =>
  `[data-testid="assignment"][data-key="${key}"]${state ? `[data-state="${state}"]` : ''}`;

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function start(seed: Record<string, unknown> = {}): Promise<Session> {
  const s = await launch(tenant);
  if (Object.keys(seed).length > 0)
    await (await s.worker()).evaluate(`chrome.storage.local.set(${JSON.stringify(accountSeed(seed))})`);
  await configure(s);
  await signIn(s);
  await waitForStorage(
    s,
    'local',
    accountKey('snapshot'),
    '(v) => !!v && v.assignments.some((a) => a.kind === "azure")',
  );
  return s;
}

async function refreshNow(s: Session, popup: Page): Promise<void> {
  const before = (await readStorage<{ fetchedAt: string }>(s, 'local', accountKey('snapshot'))).fetchedAt;
  await popup.locator('[data-testid="refresh"]').click();
  await waitForStorage(s, 'local', accountKey('snapshot'), `(v) => v.fetchedAt !== ${JSON.stringify(before)}`);
}

describe('Azure resource roles in the popup', () => {
  it('lists the three Azure eligibilities with scope paths, re-activates the resource-group Contributor with one PUT, and keeps the 5-minute floor', async () => {
    session = await start({ remembered: { [KEY.contributor]: REMEMBERED } });
    const popup = await openPopup(session, { width: 380, height: 900 });
    await popup.waitForSelector(row(KEY.kvOfficer, 'eligible'));
    const azureRows = await popup.$$eval('[data-testid="assignment"][data-kind="azure"]', (els) =>
      els.map((e) => ({
        state: e.getAttribute('data-state'),
        tag: e.querySelector('.badge')?.textContent ?? '',
        scope: e.querySelector('[data-testid="scope"]')?.textContent ?? '',
        text: e.textContent ?? '',
      })),
    );
    expect(azureRows.filter((r) => r.state === 'eligible')).toHaveLength(3);
    expect(azureRows.every((r) => r.tag === 'Azure')).toBe(true);
    const scopeOf = (name: string) => azureRows.find((r) => r.text.includes(name))!.scope;
    expect(scopeOf('Contributor')).toBe('Contoso Prod › rg-web');
    expect(scopeOf('Key Vault Secrets Officer')).toBe('Contoso Prod › rg-web › kv-web-01');
    expect(scopeOf('Owner')).toBe('Contoso Platform');

    await tenant.control.clearLog();
    await popup.locator(`${row(KEY.contributor, 'eligible')} [data-testid="activate"]`).click();
    await popup.waitForSelector(`${row(KEY.contributor, 'active')} [data-testid="time-left"]`);
    const sent = puts(await tenant.control.log());
    expect(sent).toHaveLength(1);
    expect(sent[0]!.status).toBe(201);
    expect(sent[0]!.path).toMatch(
      new RegExp(`^${RG}/providers/Microsoft\\.Authorization/roleAssignmentScheduleRequests/[0-9a-f-]{36}$`, 'i'),
    );
    expect(sent[0]!.query).toContain('api-version=2020-10-01');
    expect(sent[0]!.body).toEqual({
      properties: {
        principalId: '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71',
        roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`,
        requestType: 'SelfActivate',
        linkedRoleEligibilityScheduleId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        justification: 'Web release 42',
        scheduleInfo: {
          startDateTime: expect.any(String),
          expiration: { type: 'AfterDuration', endDateTime: null, duration: 'PT1H' },
        },
      },
    });
    const left = await popup.$eval(
      `${row(KEY.contributor, 'active')} [data-testid="time-left"]`,
      (e) => e.textContent ?? '',
    );
    expect(left).toMatch(/^(59 min|1 h) left$|^1 h 0 min left$/);

    // Within five minutes of the start Deactivate is not offered; after it, it works.
    const off = await popup.waitForSelector(`${row(KEY.contributor, 'active')} [data-testid="deactivate"]`);
    expect(await off!.evaluate((b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await tenant.control.advance(5 * 60_000 + 2_000);
    await refreshNow(session, popup);
    await popup.waitForSelector(`${row(KEY.contributor, 'active')} [data-testid="deactivate"]:not([disabled])`);
    await tenant.control.clearLog();
    await popup.locator(`${row(KEY.contributor, 'active')} [data-testid="deactivate"]`).click();
    await popup.waitForSelector(row(KEY.contributor, 'active'), { hidden: true });
    const deactivations = puts(await tenant.control.log());
    expect(
      deactivations.map((e) => [(e.body as { properties: { requestType: string } }).properties.requestType, e.status]),
    ).toEqual([['SelfDeactivate', 201]]);
  });

  it('steps up once for the authentication context the Contributor policy asks, then sends the PUT with an ARM token carrying acrs c1', async () => {
    const scenario = JSON.parse(readFileSync(DEFAULT_SCENARIO_PATH, 'utf8')) as {
      azure: { policies: { roleDefinitionId: string; authenticationContext?: string | null }[] };
    };
    for (const p of scenario.azure.policies) if (p.roleDefinitionId === CONTRIBUTOR) p.authenticationContext = 'c1';
    await tenant.control.loadScenario(scenario as Scenario);
    session = await start({ remembered: { [KEY.contributor]: REMEMBERED } });
    await waitForStorage(
      session,
      'local',
      accountKey('policies'),
      `(v) => !!v && !!v[${JSON.stringify(KEY.contributor)}]`,
    );
    const popup = await openPopup(session, { width: 380, height: 900 });
    await tenant.control.clearLog();
    const stepUpTab = session.browser.waitForTarget(
      (t) => t.url().includes('signin.html') && t.url().includes('stepup'),
    );
    await popup.locator(`${row(KEY.contributor, 'eligible')} [data-testid="activate"]`).click();
    const page = (await (await stepUpTab).page())!;
    const authWindow = session.browser.waitForTarget(
      (t) => t.url().includes('/oauth2/v2.0/authorize') && t.url().includes('acrs'),
    );
    await page.locator('[data-testid="stepup"]').click();
    await (await (await authWindow).page())!.locator('#stepup-approve').click();
    await waitForStorage(
      session,
      'local',
      accountKey('snapshot'),
      `(v) => v.assignments.some((a) => a.key === ${JSON.stringify(KEY.contributor)} && a.state === 'active')`,
    );
    const sent = puts(await tenant.control.log());
    expect(sent.map((e) => e.status)).toEqual([201]);
    expect(sent[0]!.tokenClaims?.acrs).toContain('c1');
    expect(sent[0]!.tokenClaims?.scp).toBe('user_impersonation');
  });

  it('sends the Owner for approval when its policy asks for it, and cancels the pending request', async () => {
    const scenario = JSON.parse(readFileSync(DEFAULT_SCENARIO_PATH, 'utf8')) as {
      azure: { policies: { roleDefinitionId: string; approvalRequired?: boolean }[] };
    };
    for (const p of scenario.azure.policies) if (p.roleDefinitionId === OWNER) p.approvalRequired = true;
    await tenant.control.loadScenario(scenario as Scenario);
    session = await start({ remembered: { [KEY.owner]: REMEMBERED } });
    await waitForStorage(session, 'local', accountKey('policies'), `(v) => !!v && !!v[${JSON.stringify(KEY.owner)}]`);
    const popup = await openPopup(session, { width: 380, height: 900 });
    await popup.locator(`${row(KEY.owner, 'eligible')} [data-testid="activate"]`).click();
    const outcome = await Promise.race([
      popup.waitForSelector('[data-testid="activation-form"]').then(() => 'form'),
      popup.waitForSelector(row(KEY.owner, 'pending')).then(() => 'pending'),
    ]);
    if (outcome === 'form') await popup.locator('[data-testid="activation-submit"]').click();
    await popup.waitForSelector(row(KEY.owner, 'pending'));
    await tenant.control.clearLog();
    await popup.locator(`${row(KEY.owner, 'pending')} [data-testid="cancel"]`).click();
    await popup.waitForSelector(row(KEY.owner, 'pending'), { hidden: true });
    const cancels = armLog(await tenant.control.log()).filter(
      (e) => e.method === 'POST' && /\/roleAssignmentScheduleRequests\/[0-9a-f-]{36}\/cancel$/i.test(e.path),
    );
    expect(cancels.map((e) => [e.path.startsWith(MG), e.status])).toEqual([[true, 200]]);
  });

  it('activates the subscription Owner inherited from a management group at the management group', async () => {
    session = await start({ remembered: { [KEY.owner]: REMEMBERED } });
    const popup = await openPopup(session, { width: 380, height: 900 });
    await tenant.control.clearLog();
    await popup.locator(`${row(KEY.owner, 'eligible')} [data-testid="activate"]`).click();
    await popup.waitForSelector(`${row(KEY.owner, 'active')} [data-testid="time-left"]`);
    const sent = puts(await tenant.control.log());
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path.startsWith(`${MG}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/`)).toBe(
      true,
    );
    expect(sent[0]!.body).toMatchObject({
      properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${OWNER}` },
    });
  });
});

describe('Azure portal badge', () => {
  it('shows the roles whose scope contains the Key Vault in view, and follows the portal to another resource', async () => {
    session = await start();
    await (
      await session.worker()
    ).evaluate(`chrome.storage.local.set({ portalLayout: { azure: { collapsed: false } } })`);
    const page = await session.browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(`https://portal.azure.com/#@contoso.onmicrosoft.com/resource${KV}/overview`);
    await waitForBadge(page, (j) => j.includes('Key Vault Secrets Officer'));
    const atVault = await badgeNames(page);
    // The vault's own role, its resource group's and its management group's; the Entra roles of the Azure portal.
    for (const name of ['Key Vault Secrets Officer', 'Contributor', 'Owner', 'Global Administrator'])
      expect(atVault).toContain(name);
    await page.evaluate((hash: string) => {
      location.hash = hash;
    }, `#@contoso.onmicrosoft.com/resource${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01/overview`);
    await waitForBadge(page, (j) => !j.includes('Key Vault Secrets Officer'));
    const atStorage = await badgeNames(page);
    expect(atStorage).not.toContain('Contributor');
    expect(atStorage).toContain('Owner');
    expect(atStorage).toContain('Global Administrator');
  });
});

describe('Azure roles when something goes wrong', () => {
  it('a worker killed between the PUT and its answer: the journal reconciles by the request GUID, one PUT in the log', async () => {
    session = await start({ remembered: { [KEY.contributor]: REMEMBERED } });
    const popup = await openPopup(session, { width: 380, height: 900 });
    await tenant.control.clearLog();
    await tenant.control.addFault({
      match: { host: 'management.azure.com', method: 'PUT', path: 'roleAssignmentScheduleRequests' },
      respond: { kind: 'processed-then-timeout' },
    });
    await popup.locator(`${row(KEY.contributor, 'eligible')} [data-testid="activate"]`).click();
    // The PUT reached ARM (and was acted on) before the worker dies: only its answer is lost.
    await until(async () => puts(await tenant.control.log()).length === 1, 'the activation PUT');
    await waitForStorage(session, 'local', accountKey('journal'), '(v) => Array.isArray(v) && v.length === 1');
    await (await session.worker()).close();
    await popup.close();

    const again = await openPopup(session, { width: 380, height: 900 });
    await again.locator(`${row(KEY.contributor, 'eligible')} [data-testid="activate"]`).click();
    await again.waitForSelector(`${row(KEY.contributor, 'active')} [data-testid="time-left"]`, { timeout: 20_000 });
    await waitForStorage(session, 'local', accountKey('journal'), '(v) => Array.isArray(v) && v.length === 0');
    const log = await tenant.control.log();
    const sent = puts(log);
    expect(sent).toHaveLength(1);
    // Asked by name: the GET of that very request.
    expect(armLog(log).some((e) => e.method === 'GET' && e.path === sent[0]!.path)).toBe(true);
    const activity = await readStorage<Array<{ key: string; outcome: string }>>(
      session,
      'local',
      accountKey('activity'),
    );
    expect(activity.find((a) => a.key === KEY.contributor)).toMatchObject({ outcome: 'Provisioned' });
  });

  it('ARM throttles one read: the Azure section keeps its last good data with a note, the Entra sections update', async () => {
    session = await start();
    const popup = await openPopup(session, { width: 380, height: 900 });
    await popup.waitForSelector(row(KEY.kvOfficer, 'eligible'));
    await tenant.control.addFault({
      match: { host: 'management.azure.com', path: 'roleEligibilityScheduleInstances' },
      respond: {
        status: 429,
        headers: { 'Retry-After': '60' },
        body: { error: { code: 'TooManyRequests', message: 'The request is being throttled.' } },
      },
    });
    await refreshNow(session, popup);
    const snapshot = await readStorage<{
      sections: Record<string, { error: { status: number } | null }>;
      assignments: { kind: string; state: string }[];
    }>(session, 'local', accountKey('snapshot'));
    expect(snapshot.sections.azureEligible!.error!.status).toBe(429);
    expect(snapshot.sections.roleEligible!.error).toBeNull();
    expect(snapshot.sections.azureActive!.error).toBeNull();
    expect(snapshot.assignments.filter((a) => a.kind === 'azure' && a.state === 'eligible')).toHaveLength(3);
    const note = await popup.waitForSelector('[data-notice="section:azure:throttled"]');
    expect(await note!.evaluate((e) => (e as HTMLElement).innerText)).toContain('eligible Azure roles');
    expect(await popup.$$('[data-notice^="section:role"], [data-notice^="section:group"]')).toHaveLength(0);
    await popup.waitForSelector(row(KEY.kvOfficer, 'eligible'));
  });

  it('with Azure roles switched off, no ARM token is asked for and no ARM request is made', async () => {
    const s = await launch(tenant);
    session = s;
    await (await s.worker()).evaluate(`chrome.storage.sync.set({ settings: { azureRoles: false } })`);
    await configure(s);
    await signIn(s);
    await waitForStorage(s, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
    const popup = await openPopup(s, { width: 380, height: 900 });
    await refreshNow(s, popup);
    const log = await tenant.control.log();
    expect(armLog(log)).toEqual([]);
    const tokenRequests = log.filter((e) => e.host === 'login.microsoftonline.com' && /\/token$/.test(e.path));
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const e of tokenRequests) expect(JSON.stringify(e.body ?? '')).not.toContain('management.azure.com');
    const snapshot = await readStorage<{ assignments: { kind: string }[] }>(s, 'local', accountKey('snapshot'));
    expect(snapshot.assignments.some((a) => a.kind === 'azure')).toBe(false);
  });
});
