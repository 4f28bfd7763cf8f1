import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createApprovals, type ApprovalsDeps } from '../../../lib/background/approvals';
import type { BatchItemResponse, GraphClient } from '../../../lib/graph/client';
import { GraphRequestError } from '../../../lib/graph/errors';
import { APPROVER_QUIET_MS, type Approval } from '../../../lib/pim/approvals';
import { a1, a1Connection, setConnection } from '../account-fixture';
import { createActivityLog } from '../../../lib/background/activity';
import { approval, NOW } from '../pim/approval-fixtures';

const account = { homeAccountId: 'h', oid: 'me', tenantId: 't', name: 'Lidia', username: 'adm-lidia@contoso.com' };
let now = new Date(NOW);

function graphStub(patch: GraphClient['patch'] = async () => null): GraphClient & { patch: ReturnType<typeof vi.fn> } {
  return {
    get: vi.fn(async () => ({})),
    post: vi.fn(async () => ({})),
    patch: vi.fn(patch),
    batch: vi.fn(async () => []),
  } as unknown as GraphClient & { patch: ReturnType<typeof vi.fn> };
}

function setup(graph: GraphClient, refresh: () => Promise<unknown> = vi.fn(async () => undefined)) {
  const deps: ApprovalsDeps = {
    now: () => now,
    items: { approvals: a1.approvals, authState: a1.authState, connection: a1Connection },
    graphFor: () => graph,
    activity: createActivityLog({ item: a1.activity, now: () => now, newId: () => 'id' }),
    refresh,
  };
  return { approvals: createApprovals(deps), refresh };
}

const empty = (id: string): [string, BatchItemResponse] => [id, { id, status: 200, headers: {}, body: { value: [] } }];

async function store(items: Approval[]) {
  await a1.approvals.set({
    principalId: 'me',
    fetchedAt: now.toISOString(),
    items,
    error: null,
    quietUntil: null,
    left: [],
  });
}

beforeEach(async () => {
  fakeBrowser.reset();
  now = new Date(NOW);
  await a1.authState.set({ status: 'signed-in', account, detail: null });
  await setConnection({
    cloudId: 'global',
    tenant: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-4333-8444-555555555555',
  });
});

describe('approver reads: a user who approves nothing backs off', () => {
  it('reads once, then not again for the quiet period (longer than a refresh interval), then once more', async () => {
    const { approvals } = setup(graphStub());
    const sent: number[] = [];
    // A refresh every 15 minutes for three hours: how many carry the approver reads?
    for (let minute = 0; minute < 180; minute += 15) {
      now = new Date(NOW + minute * 60_000);
      const reads = await approvals.reads('me', now);
      if (reads.length) {
        sent.push(minute);
        await approvals.settle({
          graph: graphStub(),
          principalId: 'me',
          answers: new Map([empty('apRole'), empty('apGroup')]),
          now,
        });
      }
    }
    expect(sent).toEqual([0, 60, 120]);
    expect(APPROVER_QUIET_MS).toBe(60 * 60_000);
  });

  it('an approver (something waiting) is read at every refresh', async () => {
    const { approvals } = setup(graphStub());
    await store([approval()]);
    expect(await approvals.reads('me', now)).toHaveLength(2);
    now = new Date(NOW + 15 * 60_000);
    expect(await approvals.reads('me', now)).toHaveLength(2);
  });
});

describe('pim.decide', () => {
  const decide = (
    a: ReturnType<typeof setup>['approvals'],
    ids: string[],
    decision: 'Approve' | 'Deny',
    j: string | null,
  ) => a.handlers['pim.decide']({ accountId: 'a1', ids, decision, justification: j }, {} as never);

  it('Approve sends one PATCH to the beta step with the typed reason, records it, and drops the row', async () => {
    const graph = graphStub();
    const { approvals, refresh } = setup(graph);
    await store([approval({ id: 'r1', approvalId: 'ap1', stepId: 's1' })]);
    const { results } = await decide(approvals, ['r1'], 'Approve', '  per CHG-7 ');
    expect(results).toEqual([expect.objectContaining({ key: 'r1', kind: 'ok', status: 'Approved' })]);
    expect(graph.patch).toHaveBeenCalledTimes(1);
    expect(graph.patch).toHaveBeenCalledWith(
      '/roleManagement/directory/roleAssignmentApprovals/ap1/steps/s1',
      { reviewResult: 'Approve', justification: 'per CHG-7' },
      { version: 'beta' },
    );
    expect((await a1.approvals.get())!.items).toEqual([]);
    expect((await a1.activity.get())[0]).toMatchObject({ action: 'approve', outcome: 'Approved', requestId: 'r1' });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('groups: the v1.0 path; a second click while the first is on its way shares the one PATCH', async () => {
    let release!: () => void;
    const graph = graphStub(() => new Promise((r) => (release = () => r(null))));
    const { approvals } = setup(graph);
    await store([approval({ id: 'g1', kind: 'group', approvalId: 'g1', stepId: 'st', justificationRequired: false })]);
    const first = decide(approvals, ['g1'], 'Deny', null);
    const second = decide(approvals, ['g1'], 'Deny', null);
    await vi.waitFor(() => expect(graph.patch).toHaveBeenCalledTimes(1));
    release();
    expect((await first).results[0]!.kind).toBe('ok');
    expect((await second).results[0]!.kind).toBe('ok');
    expect(graph.patch).toHaveBeenCalledWith(
      '/identityGovernance/privilegedAccess/group/assignmentApprovals/g1/steps/st',
      { reviewResult: 'Deny', justification: '' },
    );
  });

  it.each([
    // status, code, still listed after the refresh, kind, sentence
    [409, 'Conflict', false, 'state', /is already decided: another approver answered first/],
    [403, 'Authorization_RequestDenied', true, 'fatal', /may no longer be one of its approvers.*Run Check connection/],
    [400, 'BadRequest', false, 'state', /no longer waiting: it expired or was cancelled/],
    [404, 'Request_ResourceNotFound', false, 'state', /no longer waiting/],
    [400, 'BadRequest', true, 'fatal', /did not go through \(HTTP 400 BadRequest: x\)/],
    [503, 'ServiceUnavailable', true, 'retry', /did not go through .*Try again/],
  ] as const)('PIM answers %i %s (listed after the refresh: %s) → %s', async (status, code, listed, kind, text) => {
    const graph = graphStub(async () => {
      throw new GraphRequestError({ status, code, message: 'x' });
    });
    // The refresh after the decision: Graph still lists the request, or no longer does.
    const refresh = vi.fn(async () => {
      if (!listed) await store([]);
    });
    const { approvals } = setup(graph, refresh);
    await store([approval({ id: 'r1' })]);
    const { results } = await decide(approvals, ['r1'], 'Approve', 'ok');
    expect(results[0]).toMatchObject({ kind, text: expect.stringMatching(text) });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('sends nothing without a required reason, for an unknown or expired id, or without a step (portal)', async () => {
    const graph = graphStub();
    const { approvals } = setup(graph);
    await store([
      approval({ id: 'needs-reason' }),
      approval({ id: 'old', createdDateTime: new Date(NOW - 25 * 3_600_000).toISOString() }),
      approval({ id: 'portal', stepId: null, detailError: 'HTTP 400 BadRequest: changed' }),
    ]);
    const { results } = await decide(approvals, ['needs-reason', 'old', 'portal', 'made-up'], 'Approve', ' ');
    expect(results.map((r) => [r.key, r.kind, r.field])).toEqual([
      ['needs-reason', 'field', 'justification'],
      ['old', 'state', null],
      ['portal', 'fatal', null],
      ['made-up', 'state', null],
    ]);
    expect(graph.patch).not.toHaveBeenCalled();
  });

  it('signed out: nothing is sent', async () => {
    const graph = graphStub();
    const { approvals } = setup(graph);
    await store([approval({ id: 'r1' })]);
    await a1.authState.set({ status: 'signed-out', account: null, detail: null });
    const { results } = await decide(approvals, ['r1'], 'Approve', 'ok');
    expect(results[0]!.kind).toBe('auth');
    expect(graph.patch).not.toHaveBeenCalled();
  });
});
