/**
 * Issue 15 journeys on the release build: the signed-in admin approves and denies what another user of the stand-in
 * asked for, from the popup; another approver deciding first; a user who approves nothing stops paying for the reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { LogEntry } from '../fake-tenant/index';
import { graph, requestAs, signIn as signInAs } from '../fake-tenant/testing';
import {
  accountKey,
  configure,
  launch,
  readStorage,
  signIn,
  scoped,
  stopWorker,
  waitForStorage,
  type Session,
  popupReady,
} from './harness';
import { GROUP_INT_EXCHANGE, REQUESTER, ROLE, withApprovals } from './scenarios';
import { useStandIn } from './stand-in';
import { audit } from './axe';

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const decisions = (log: LogEntry[]) =>
  log.filter((e) => e.host === 'graph.microsoft.com' && e.method === 'PATCH').map((e) => `${e.method} ${e.path}`);

async function askFor(target: 'globalAdmin' | 'group', reason: string): Promise<{ id: string; approvalId: string }> {
  const answer = await requestAs(
    tenant,
    REQUESTER.userPrincipalName,
    REQUESTER.id,
    target === 'globalAdmin'
      ? { roleDefinitionId: ROLE.globalAdmin }
      : { groupId: GROUP_INT_EXCHANGE, accessId: 'member' },
    reason,
  );
  expect(answer.status).toBe(201);
  return answer.json();
}

async function startAsApprover(): Promise<Page> {
  session = await launch(tenant);
  await configure(session);
  await signIn(session);
  const popup = await session.browser.newPage();
  await popup.setViewport({ width: 380, height: 700 });
  await popup.goto(`chrome-extension://${session.extensionId}/popup.html`);
  await popupReady(popup);
  return popup;
}

const approvalRow = (id: string) => `[data-testid="approval"][data-id="${id}"]`;
const waitRow = (popup: Page, id: string) =>
  popup.waitForSelector(approvalRow(id), { timeout: 20_000 }).catch(async (e: unknown) => {
    console.log(
      'DEBUG',
      JSON.stringify(await readStorage(session!, 'session', accountKey('approvals'))),
      JSON.stringify(await readStorage(session!, 'local', accountKey('refreshState'))),
      JSON.stringify(await readStorage(session!, 'local', accountKey('authState'))),
      JSON.stringify(
        (await tenant.control.log())
          .filter((x) => x.host === 'graph.microsoft.com')
          .map((x) => [x.at, x.method, x.path, x.status, x.batch?.map((b) => [b.id, b.status])]),
      ),
      session!.consoleProblems(),
    );
    throw e;
  });

describe('approvals: requests waiting for the signed-in admin', () => {
  it('shows the Global Administrator request with its reason; Approve with a justification sends one PATCH to the beta step and the request becomes active', async () => {
    await tenant.control.loadScenario(withApprovals());
    const asked = await askFor('globalAdmin', 'Fix the conditional access policy for INC-42');
    const popup = await startAsApprover();
    const row = await waitRow(popup, asked.id);
    const text = await row!.evaluate((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' '));
    expect(text).toContain('Global Administrator');
    expect(text).toContain(`Requested by ${REQUESTER.displayName} (${REQUESTER.userPrincipalName})`);
    expect(text).toContain('Reason: Fix the conditional access policy for INC-42');
    expect(text).toMatch(/Expires unanswered/);
    expect(text).toMatch(/Your reason \(required\)/);
    expect(await audit(popup, '[data-testid="section-approvals"]')).toEqual([]);

    await tenant.control.clearLog();
    await popup.locator(`${approvalRow(asked.id)} [data-testid="approve"]`).click();
    // Required by the role's settings: nothing is sent without a reason.
    await popup.waitForSelector(`${approvalRow(asked.id)} [data-testid="approval-row-result"]`);
    expect(decisions(await tenant.control.log())).toEqual([]);

    await popup.locator(`${approvalRow(asked.id)} [data-testid="approval-justification"]`).fill('Approved per CHG-7');
    await popup.locator(`${approvalRow(asked.id)} [data-testid="approve"]`).click();
    await popup.waitForSelector('[data-testid="approval-result"][data-kind="ok"]');
    await popup.waitForFunction(() => document.querySelectorAll('[data-testid="approval"]').length === 0);

    const patches = decisions(await tenant.control.log());
    expect(patches).toEqual([
      expect.stringMatching(
        new RegExp(`^PATCH /beta/roleManagement/directory/roleAssignmentApprovals/${asked.approvalId}/steps/[^/]+$`),
      ),
    ]);
    const state = await tenant.control.state();
    expect(state.requests).toContainEqual(expect.objectContaining({ id: asked.id, status: 'Provisioned' }));
    expect(state.activeAssignments).toContainEqual(
      expect.objectContaining({ principalId: REQUESTER.id, roleDefinitionId: ROLE.globalAdmin }),
    );
    const activity = await readStorage<Array<{ action: string; outcome: string; justification: string }>>(
      session!,
      'local',
      accountKey('activity'),
    );
    expect(activity[0]).toMatchObject({ action: 'approve', outcome: 'Approved', justification: 'Approved per CHG-7' });
  });

  it('denies a PIM group request in one click (no reason required) with one v1.0 PATCH', async () => {
    await tenant.control.loadScenario(withApprovals());
    const asked = await askFor('group', 'Mailbox move for the Oslo office');
    const popup = await startAsApprover();
    await popup.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await waitRow(popup, asked.id);
    expect(await popup.$eval(`${approvalRow(asked.id)} [data-testid="approval-reason"]`, (e) => e.textContent)).toBe(
      'Reason: Mailbox move for the Oslo office',
    );
    expect(await audit(popup, '[data-testid="section-approvals"]')).toEqual([]);
    await tenant.control.clearLog();
    await popup.locator(`${approvalRow(asked.id)} [data-testid="deny"]`).click();
    await popup.waitForFunction(() => document.querySelectorAll('[data-testid="approval"]').length === 0);
    expect(decisions(await tenant.control.log())).toEqual([
      expect.stringMatching(
        new RegExp(
          `^PATCH /v1.0/identityGovernance/privilegedAccess/group/assignmentApprovals/${asked.id}/steps/[^/]+$`,
        ),
      ),
    ]);
    expect((await tenant.control.state()).requests).toContainEqual(
      expect.objectContaining({ id: asked.id, status: 'Denied' }),
    );
  });

  it('multi-select: one reason approves a role and a group request, one PATCH each', async () => {
    await tenant.control.loadScenario(withApprovals());
    const role = await askFor('globalAdmin', 'Fix CA');
    const group = await askFor('group', 'Mailbox move');
    const popup = await startAsApprover();
    await waitRow(popup, role.id);
    await waitRow(popup, group.id);
    await tenant.control.clearLog();
    await popup.locator(`${approvalRow(role.id)} [data-testid="approval-select"]`).click();
    await popup.locator(`${approvalRow(group.id)} [data-testid="approval-select"]`).click();
    await popup.locator('[data-testid="approvals-shared-justification"]').fill('Change window CHG-9');
    await popup.locator('[data-testid="approve-selected"]').click();
    await popup.waitForFunction(() => document.querySelectorAll('[data-testid="approval"]').length === 0);
    expect(decisions(await tenant.control.log()).sort()).toEqual([
      expect.stringMatching(/^PATCH \/beta\/roleManagement\/directory\/roleAssignmentApprovals\//),
      expect.stringMatching(/^PATCH \/v1.0\/identityGovernance\/privilegedAccess\/group\/assignmentApprovals\//),
    ]);
    const requests = (await tenant.control.state()).requests;
    expect(requests).toContainEqual(expect.objectContaining({ id: role.id, status: 'Provisioned' }));
    expect(requests).toContainEqual(expect.objectContaining({ id: group.id, status: 'Provisioned' }));
  });

  it('another approver decides first: Approve says "already decided" and the list refreshes', async () => {
    await tenant.control.loadScenario(withApprovals());
    const asked = await askFor('group', 'Mailbox move');
    const popup = await startAsApprover();
    await waitRow(popup, asked.id);
    await tenant.control.approve(asked.id);
    await popup.locator(`${approvalRow(asked.id)} [data-testid="approve"]`).click();
    const result = await popup.waitForSelector('[data-testid="approval-result"][data-kind="state"]');
    expect(await result!.evaluate((e) => e.textContent)).toMatch(/is already decided: another approver answered first/);
    await popup.waitForFunction(() => document.querySelectorAll('[data-testid="approval"]').length === 0);
    const stored = await readStorage<{ items: unknown[] }>(session!, 'session', accountKey('approvals'));
    expect(stored.items).toEqual([]);
  });

  it('beta answering differently than documented: the request is shown with a link to decide in the portal', async () => {
    await tenant.control.loadScenario(withApprovals());
    const asked = await askFor('globalAdmin', 'Fix CA');
    await tenant.control.addFault({
      match: { method: 'GET', path: '/beta/roleManagement/directory/roleAssignmentApprovals/' },
      times: 5,
      respond: { status: 200, body: { id: asked.approvalId, stages: [{ id: 'moved', status: 'InProgress' }] } },
    });
    const popup = await startAsApprover();
    await waitRow(popup, asked.id);
    const portal = await popup.waitForSelector(`${approvalRow(asked.id)} [data-testid="approval-portal"]`);
    expect(await portal!.evaluate((e) => (e as HTMLElement).innerText)).toMatch(/Decide in the Entra admin center/);
    expect(await portal!.$eval('a', (a) => a.getAttribute('href'))).toMatch(/^https:\/\/entra\.microsoft\.com\//);
    expect(await popup.$$(`${approvalRow(asked.id)} [data-testid="approve"]`)).toHaveLength(0);
    expect(decisions(await tenant.control.log())).toEqual([]);
  });

  it('a request its requester withdraws disappears with a note, not an error', async () => {
    await tenant.control.loadScenario(withApprovals());
    const asked = await askFor('globalAdmin', 'Fix CA');
    const popup = await startAsApprover();
    await waitRow(popup, asked.id);
    const megan = (await signInAs(tenant, { upn: REQUESTER.userPrincipalName })).access_token;
    const cancel = await graph(
      tenant,
      megan,
      'POST',
      `/roleManagement/directory/roleAssignmentScheduleRequests/${asked.id}/cancel`,
    );
    expect(cancel.status).toBe(204);
    await popup.locator('[data-testid="refresh"]').click();
    const note = await popup.waitForSelector('[data-testid="approval-left"]');
    expect(await note!.evaluate((e) => e.textContent)).toMatch(
      /Megan Bowen for Global Administrator is no longer waiting for you/,
    );
    expect(await popup.$$('[data-testid="approval"]')).toHaveLength(0);
    expect(await popup.$$('[data-notice="approvals-error"]')).toHaveLength(0);
  });

  it('a user who approves nothing: the approver reads ride in the first refresh only, then back off', async () => {
    session = await launch(tenant);
    await configure(session);
    await signIn(session);
    await waitForStorage(session, 'session', accountKey('approvals'), '(v) => !!v && !!v.quietUntil');
    // The approver reads settle inside the refresh, before its snapshot is stored: wait for that too.
    await waitForStorage(session, 'local', accountKey('refreshState'), '(v) => !!v && !v.inFlight');
    await waitForStorage(session, 'local', accountKey('snapshot'), '(v) => !!v');
    const first = (await tenant.control.log()).filter((e) => e.path === '/v1.0/$batch');
    expect(first[0]!.batch!.map((b) => b.id)).toEqual(expect.arrayContaining(['apRole', 'apGroup']));
    expect(first[0]!.batch).toHaveLength(8);

    await tenant.control.clearLog();
    const popup = await session.browser.newPage();
    await popup.goto(`chrome-extension://${session.extensionId}/popup.html`);
    await popupReady(popup);
    for (let i = 0; i < 2; i++) {
      const before = (await readStorage<{ fetchedAt: string }>(session, 'local', accountKey('snapshot'))).fetchedAt;
      await popup.locator('[data-testid="refresh"]').click();
      await waitForStorage(
        session,
        'local',
        accountKey('snapshot'),
        `(v) => v && v.fetchedAt !== ${JSON.stringify(before)}`,
      );
    }
    const later = (await tenant.control.log()).filter((e) => e.host === 'graph.microsoft.com');
    expect(later.length).toBeGreaterThan(0);
    expect(later.flatMap((e) => e.batch ?? []).filter((b) => b.url.includes("on='approver'"))).toEqual([]);
  });

  it('a new request while the popup is closed: exactly one notification, none again after a worker restart; the toolbar counts them', async () => {
    // Nothing of the admin's own is active, so the toolbar has room for the count.
    await tenant.control.loadScenario({ ...withApprovals(), assignments: [] });
    const first = await askFor('globalAdmin', 'Fix CA');
    session = await launch(tenant);
    await configure(session);
    await signIn(session);
    const s = session;
    const inWorker = async <T>(source: string) => (await s.worker()).evaluate(source) as Promise<T>;
    const approvalNotices = async () =>
      Object.keys(await inWorker<Record<string, boolean>>('chrome.notifications.getAll()')).filter((id) =>
        id.startsWith(scoped('approval:')),
      );
    await waitFor(approvalNotices, (ids) => ids.includes(scoped(`approval:${first.id}`)));

    const second = await askFor('group', 'Mailbox move');
    await inWorker(`chrome.notifications.clear('${scoped(`approval:${first.id}`)}')`);
    const before = (await readStorage<{ fetchedAt: string }>(s, 'session', accountKey('approvals'))).fetchedAt;
    // A refresh the way the periodic alarm makes it (the product's own alarm, fired now).
    await inWorker(`chrome.alarms.create('${scoped('refresh')}', { when: Date.now() })`);
    await waitForStorage(
      s,
      'session',
      accountKey('approvals'),
      `(v) => v && v.fetchedAt !== ${JSON.stringify(before)}`,
    );
    expect(await waitFor(approvalNotices, (ids) => ids.length > 0)).toEqual([scoped(`approval:${second.id}`)]);
    expect(await inWorker<string>('chrome.action.getBadgeText({})')).toBe('2');

    // The worker dies and comes back (a message from an extension page wakes it): nothing is announced again.
    const page = await s.open('options.html');
    await page.evaluate(`chrome.notifications.clear('${scoped(`approval:${second.id}`)}')`);
    await page.evaluate(`chrome.action.setBadgeText({ text: '' })`);
    await stopWorker(s);
    await page.evaluate(
      `chrome.runtime.sendMessage({ name: 'snapshot.refresh', payload: { force: true } }).catch(() => undefined)`,
    );
    // The restarted worker's first sync repaints the count: it ran.
    await page.waitForFunction(`chrome.action.getBadgeText({}).then((t) => t === '2')`, { timeout: 30_000 });
    const shown = Object.keys((await page.evaluate('chrome.notifications.getAll()')) as Record<string, boolean>);
    expect(shown.filter((id) => id.startsWith(scoped('approval:')))).toEqual([]);
    const notifier = (await page.evaluate(
      `chrome.storage.local.get('${accountKey('notifier')}').then((v) => v['${accountKey('notifier')}'])`,
    )) as {
      notified: Record<string, string>;
    };
    expect(
      Object.keys(notifier.notified)
        .filter((k) => k.startsWith('approval:'))
        .sort(),
    ).toEqual([`approval:${first.id}`, `approval:${second.id}`].sort());
  });
});

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
