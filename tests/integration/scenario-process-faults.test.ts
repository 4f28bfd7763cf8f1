/**
 * Process faults against the stand-in tenant: answers lost after (or before) a privileged request reached PIM, a
 * worker that died with a journal entry left behind, the next life reconciling it from Graph instead of resending,
 * the same command from popup, options and the portal badge at once, and offline then online.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  const { fakeBrowser } = await import('wxt/testing/fake-browser');
  (globalThis as { chrome?: unknown }).chrome = fakeBrowser;
});
import { createJournal } from '../../lib/background/journal';
import { createPortalCommandHandlers } from '../../lib/background/portal-commands';
import { createRefresher } from '../../lib/background/refresh';
import { describeRefreshError } from '../../lib/background/describe';
import { activate, cancelRequest, deactivate } from '../../lib/pim/requests';
import type { Snapshot } from '../../lib/pim/model';
import type { ActivityEntry, GroupInfo, JournalEntry, RefreshState } from '../../lib/storage';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { signIn } from '../fake-tenant/testing.ts';
import { CONNECTION, INPUT, K, ME, mem, OPTIONS, POPUP, SIGNED_IN, world, writes } from './scenario-world';

let tenant: FakeTenant;
let token: string;
const settle: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(() => tenant.close());
beforeEach(async () => {
  await tenant.control.loadScenario('tests/fake-tenant/scenarios/default.json');
  token = (await signIn(tenant)).access_token;
});
afterEach(async () => {
  await Promise.all(settle.splice(0).map((s) => s()));
});

async function life(opts: Partial<Parameters<typeof world>[1]> = {}) {
  const w = await world(tenant, { token: () => token, ...opts });
  settle.push(w.settled);
  return w;
}

/** What a worker does up to the moment it dies: journal the write, send it, never see the answer. */
async function diedAfterSending(
  journal: ReturnType<typeof mem<JournalEntry[]>>,
  w: Awaited<ReturnType<typeof life>>,
  key: string,
  action: JournalEntry['action'],
  request: { path: string; body?: unknown },
  send = true,
) {
  const now = new Date(await tenant.control.now());
  const j = createJournal({ item: journal, now: () => now, newId: () => `dead-${action}-${key}` });
  const body = (request.body ?? null) as Record<string, unknown> | null;
  await j.begin({ key, action, displayName: key, request: { path: request.path, body } });
  if (send) await w.graph().post(request.path, request.body);
}

const snapshotOf = async (w: Awaited<ReturnType<typeof life>>) => {
  await w.refresh();
  return w.snapshot.peek()!;
};
const eligible = (s: Snapshot, key: string) => s.assignments.find((a) => a.key === key && a.state === 'eligible')!;
const active = (s: Snapshot, key: string) => s.assignments.find((a) => a.key === key && a.state === 'active')!;
const pending = (s: Snapshot, key: string) => s.assignments.find((a) => a.key === key && a.state === 'pending')!;
const justified = (s: Snapshot, key: string, now: Date) =>
  activate(eligible(s, key), ME, {
    justification: `Planned change for ${eligible(s, key).displayName}`,
    durationMinutes: 60,
    now,
  });

describe('process faults: lost answers and the write journal', () => {
  it('an activation whose connection resets after PIM processed it is reported from Graph, with exactly one POST', async () => {
    const w = await life();
    await w.refresh();
    await tenant.control.clearLog();
    await tenant.control.addFault({
      match: { method: 'POST', path: 'roleAssignmentScheduleRequests' },
      respond: { kind: 'processed-then-reset' },
    });
    const { results } = await w.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: INPUT }, POPUP);
    expect(results[0]).toMatchObject({ kind: 'ok', status: 'Provisioned' });
    expect(await writes(tenant)).toHaveLength(1);
    expect(w.journal.peek()).toEqual([]);
  });

  it('an activation reset before it reached PIM is reported as not done and is not resent', async () => {
    const w = await life();
    await w.refresh();
    await tenant.control.clearLog();
    await tenant.control.addFault({
      match: { method: 'POST', path: 'roleAssignmentScheduleRequests' },
      respond: { kind: 'reset' },
    });
    const { results } = await w.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: INPUT }, POPUP);
    expect(results[0]).toMatchObject({ kind: 'retry' });
    expect(await writes(tenant)).toHaveLength(1);
    expect((await tenant.control.state()).requests).toHaveLength(0);
    expect(w.journal.peek()).toEqual([]);
  });

  it('a 504 on an activation is not retried blindly: one POST, and the outcome is read from Graph', async () => {
    const w = await life();
    await w.refresh();
    await tenant.control.clearLog();
    await tenant.control.addFault({
      match: { method: 'POST', path: 'roleAssignmentScheduleRequests' },
      respond: { status: 504, headers: { 'Retry-After': '0.1' } },
    });
    const { results } = await w.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: INPUT }, POPUP);
    expect(results[0]!.kind).toBe('retry');
    expect(await writes(tenant)).toHaveLength(1);
    expect((await tenant.control.log()).some((e) => e.path === '/v1.0/$batch')).toBe(true);
  });

  it('a worker terminated mid-activation: the next life reconciles the journal from Graph, records it, and sends nothing', async () => {
    const journal = mem<JournalEntry[]>([]);
    const activity = mem<ActivityEntry[]>([]);
    const dead = await life({ journal });
    const s = await snapshotOf(dead);
    await diedAfterSending(journal, dead, K.exo, 'activate', justified(s, K.exo, new Date(await tenant.control.now())));
    await tenant.control.clearLog();

    const next = await life({ journal, activity, snapshot: mem<Snapshot | null>(s) });
    const verdicts = await next.reconcile();
    expect([...(verdicts as Map<string, { outcome: string }>).values()].map((v) => v.outcome)).toEqual(['landed']);
    expect(await writes(tenant)).toHaveLength(0);
    expect(journal.peek()).toEqual([]);
    expect(activity.peek()[0]).toMatchObject({
      action: 'activate',
      key: K.exo,
      outcome: 'Provisioned',
      requestId: expect.any(String),
    });
    await next.settled();
    expect(active(next.snapshot.peek()!, K.exo)).toBeTruthy();
  });

  it('a journal entry whose POST never left is reconciled as not sent, and the next click activates exactly once', async () => {
    const journal = mem<JournalEntry[]>([]);
    const activity = mem<ActivityEntry[]>([]);
    const dead = await life({ journal });
    const s = await snapshotOf(dead);
    await diedAfterSending(
      journal,
      dead,
      K.exo,
      'activate',
      justified(s, K.exo, new Date(await tenant.control.now())),
      false,
    );
    const next = await life({ journal, activity, snapshot: mem<Snapshot | null>(s) });
    await next.reconcile();
    expect(activity.peek()[0]).toMatchObject({ outcome: 'NotSent', text: expect.stringMatching(/nothing changed/) });
    expect(journal.peek()).toEqual([]);
    await tenant.control.clearLog();
    expect(
      (await next.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: INPUT }, POPUP)).results[0],
    ).toMatchObject({
      kind: 'ok',
    });
    expect(await writes(tenant)).toHaveLength(1);
  });

  it('a command on a key with an unresolved entry is answered from Graph instead of posting a second time', async () => {
    const journal = mem<JournalEntry[]>([]);
    const dead = await life({ journal });
    const s = await snapshotOf(dead);
    await diedAfterSending(journal, dead, K.exo, 'activate', justified(s, K.exo, new Date(await tenant.control.now())));
    await tenant.control.clearLog();
    // The popup still shows the stale snapshot (eligible) and the user clicks again.
    const next = await life({ journal, snapshot: mem<Snapshot | null>(s) });
    const { results } = await next.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: INPUT }, POPUP);
    expect(results[0]).toMatchObject({ kind: 'ok', status: 'Provisioned' });
    expect(await writes(tenant)).toHaveLength(0);
  });

  it('while Graph cannot be asked the entry is kept and a new command for that key sends nothing; later it resolves', async () => {
    const journal = mem<JournalEntry[]>([]);
    const dead = await life({ journal });
    const s = await snapshotOf(dead);
    await diedAfterSending(
      journal,
      dead,
      K.exo,
      'activate',
      justified(s, K.exo, new Date(await tenant.control.now())),
      false,
    );
    await tenant.control.clearLog();
    // Both $batch calls fail: the policy read the command makes first, and the reconciliation's request list.
    await tenant.control.addFault({ match: { path: '$batch' }, times: 2, respond: { kind: 'reset' } });
    const next = await life({ journal, snapshot: mem<Snapshot | null>(s) });
    const { results } = await next.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: INPUT }, POPUP);
    expect(results[0]).toMatchObject({ kind: 'retry', text: expect.stringMatching(/try again/) });
    expect(await writes(tenant)).toHaveLength(0);
    expect(journal.peek()).toHaveLength(1);
    await next.reconcile();
    expect(journal.peek()).toEqual([]);
  });

  it('an interrupted deactivation that landed is recorded as Revoked, not sent again', async () => {
    const journal = mem<JournalEntry[]>([]);
    const activity = mem<ActivityEntry[]>([]);
    const w = await life({ journal, activity });
    await w.refresh();
    await w.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: INPUT }, POPUP);
    await w.settled();
    await tenant.control.advance(6 * 60_000);
    const s = await snapshotOf(w);
    await diedAfterSending(journal, w, K.exo, 'deactivate', deactivate(active(s, K.exo), ME));
    await tenant.control.clearLog();
    const next = await life({ journal, activity, snapshot: mem<Snapshot | null>(s) });
    await next.reconcile();
    expect(activity.peek()[0]).toMatchObject({ action: 'deactivate', outcome: 'Revoked' });
    expect(await writes(tenant)).toHaveLength(0);
  });

  it('an interrupted cancel that landed is recorded as Canceled, not sent again', async () => {
    const journal = mem<JournalEntry[]>([]);
    const activity = mem<ActivityEntry[]>([]);
    const w = await life({ journal, activity });
    await w.refresh();
    expect(
      (await w.h['pim.activate']({ accountId: 'a1', keys: [K.ga], input: INPUT }, POPUP)).results[0],
    ).toMatchObject({
      status: 'PendingApproval',
    });
    await w.settled();
    const s = await snapshotOf(w);
    await diedAfterSending(journal, w, K.ga, 'cancel', cancelRequest('role', pending(s, K.ga).id));
    await tenant.control.clearLog();
    const next = await life({ journal, activity, snapshot: mem<Snapshot | null>(s) });
    await next.reconcile();
    expect(activity.peek()[0]).toMatchObject({ action: 'cancel', outcome: 'Canceled' });
    expect(await writes(tenant)).toHaveLength(0);
  });

  it('an interrupted PIM group activation is found among the group requests by groupId', async () => {
    const journal = mem<JournalEntry[]>([]);
    const activity = mem<ActivityEntry[]>([]);
    const dead = await life({ journal });
    const s = await snapshotOf(dead);
    await diedAfterSending(
      journal,
      dead,
      K.teams,
      'activate',
      justified(s, K.teams, new Date(await tenant.control.now())),
    );
    const next = await life({ journal, activity, snapshot: mem<Snapshot | null>(s) });
    await next.reconcile();
    expect(activity.peek()[0]).toMatchObject({ key: K.teams, outcome: 'Provisioned' });
  });
});

describe('process faults: one assignment, several surfaces at once', () => {
  const portalSender = {
    id: 'ext',
    url: 'https://admin.exchange.microsoft.com/#/mailboxes',
    frameId: 0,
    tab: { id: 7, url: 'https://admin.exchange.microsoft.com/#/mailboxes' },
  } as unknown as Browser.runtime.MessageSender;

  it('popup, options and a notification activating the same role at once send one request', async () => {
    const w = await life({
      remembered: {
        [K.exo]: {
          templateId: 'tpl',
          durationMinutes: 60,
          ticketNumber: null,
          ticketSystem: null,
          justification: null,
        },
      },
    });
    await w.refresh();
    await tenant.control.clearLog();
    const [popup, options, notification] = await Promise.all([
      w.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: null }, POPUP),
      w.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: null }, OPTIONS),
      w.portal.activate(K.exo),
    ]);
    expect(await writes(tenant)).toHaveLength(1);
    expect(popup.results[0]).toMatchObject({ kind: 'ok' });
    expect(options.results[0]).toEqual(popup.results[0]);
    expect(notification.outcome).toBe('done');
  });

  it('popup and portal badge deactivating the same role at once send one request', async () => {
    const w = await life();
    await w.refresh();
    await w.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: INPUT }, POPUP);
    await w.settled();
    await tenant.control.advance(6 * 60_000);
    await w.refresh();
    const portal = createPortalCommandHandlers({
      accountOf: async (tabId) => (tabId === 7 ? { accountId: 'a1', portalId: 'exchange' } : null),
      snapshot: async (accountId) => (accountId === 'a1' ? w.snapshot.peek() : null),
      deactivate: async (accountId, key) => {
        expect(accountId).toBe('a1');
        return w.portal.deactivate(key);
      },
      confirm: async () => undefined,
      prefs: async () => ({}),
      sharePointHosts: async () => [],
    });
    await tenant.control.clearLog();
    await Promise.all([
      w.h['pim.deactivate']({ accountId: 'a1', key: K.exo }, POPUP),
      portal['portal.deactivate']({ key: K.exo, visible: true }, portalSender),
    ]);
    expect((await writes(tenant)).map((e) => (e.body as { action: string }).action)).toEqual(['selfDeactivate']);
  });
});

describe('process faults: offline then online', () => {
  it('a refresh while offline keeps the last snapshot and says so; back online the next refresh clears it', async () => {
    const w = await life();
    await w.refresh();
    const kept = w.snapshot.peek();
    const state = mem<RefreshState>({ inFlight: false, error: null, offline: false, startedAt: null });
    const refresher = createRefresher({
      now: () => new Date(),
      items: {
        connection: mem(CONNECTION),
        authState: { ...mem(SIGNED_IN), key: 'local:authState', remove: async () => {}, watch: () => () => {} },
        snapshot: { ...w.snapshot, key: 'local:snapshot', remove: async () => {}, watch: () => () => {} },
        groupInfo: {
          ...mem<Record<string, GroupInfo>>({}),
          key: 'local:groupInfo',
          remove: async () => {},
          watch: () => () => {},
        },
        refreshState: { ...state, key: 'local:refreshState', remove: async () => {}, watch: () => () => {} },
      },
      fetch: async ({ previous, groupInfo, now }) => {
        const { refreshSnapshot } = await import('../../lib/graph/reads');
        return refreshSnapshot({ graph: w.graph(), principalId: ME, previous, groupInfo, now });
      },
      describe: describeRefreshError,
    });
    await tenant.control.addFault({ match: { path: '$batch' }, times: 1, respond: { kind: 'reset' } });
    expect(await refresher.refresh({ force: true })).toBe(true);
    expect(state.peek()).toMatchObject({ offline: true, error: expect.stringMatching(/offline/i) });
    expect(w.snapshot.peek()).toBe(kept);
    await refresher.refresh({ force: true });
    expect(state.peek()).toMatchObject({ offline: false, error: null });
    expect(w.snapshot.peek()).not.toBe(kept);
  });
});
