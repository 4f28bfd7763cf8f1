import { describe, expect, it, vi } from 'vitest';
import { createGraphClient } from '../../../lib/graph/client';
import { GraphRequestError } from '../../../lib/graph/errors';
import { GROUP_INFO_TTL_MS, groupRolesUrl } from '../../../lib/graph/group-info';
import { READ_BATCH, refreshSnapshot } from '../../../lib/graph/reads';
import { groupKey, roleKey, Snapshot } from '../../../lib/pim/model';
import type { GroupInfo } from '../../../lib/storage';
import { batches, batchHandler, fakeFetch, GRAPH, type BatchItemRequest, type Reply } from './fake-graph';
import * as P from './payloads';

const NOW = new Date('2024-05-01T10:00:00Z');

const SECTION_BODIES: Record<string, unknown> = {
  rElig: P.roleEligibility,
  rAct: P.roleActive,
  gElig: P.groupEligibility,
  gAct: P.groupActive,
  rReq: P.rolePending,
  gReq: P.groupPending,
};

/** A tenant: batch-1 items by id (overridable per batch), group roles and names by URL. */
function tenant(overrides: Record<string, Reply | ((batchIndex: number) => Reply)> = {}) {
  return batchHandler((item: BatchItemRequest, batchIndex) => {
    const override = overrides[item.id];
    if (override) return typeof override === 'function' ? override(batchIndex) : override;
    if (item.id in SECTION_BODIES) return { body: SECTION_BODIES[item.id] };
    if (item.url === groupRolesUrl(P.GROUP.exchangeOps))
      return { body: P.groupRoles('Exchange Administrator', 'Exchange Recipient Administrator') };
    if (item.url === groupRolesUrl(P.GROUP.tier0)) return { body: P.groupRoles('Global Administrator') };
    return { status: 404, body: { error: { code: 'Request_ResourceNotFound', message: item.url } } };
  });
}

function run(
  handler: ReturnType<typeof tenant>,
  opts: { previous?: Snapshot | null; groupInfo?: Record<string, GroupInfo>; now?: Date } = {},
) {
  const { fetch, calls } = fakeFetch(handler);
  const graph = createGraphClient({ getToken: async () => 'tok', graphBase: GRAPH, fetch });
  const sleep = vi.fn(async (_ms: number) => {});
  const result = refreshSnapshot({
    graph,
    principalId: P.ME,
    previous: opts.previous ?? null,
    groupInfo: opts.groupInfo ?? {},
    now: opts.now ?? NOW,
    sleep,
  });
  return { result, calls, sleep };
}

const warmGroupInfo = (at: Date = NOW): Record<string, GroupInfo> => ({
  [P.GROUP.exchangeOps]: {
    displayName: 'Exchange Ops',
    grants: ['Exchange Administrator'],
    fetchedAt: at.toISOString(),
  },
  [P.GROUP.tier0]: { displayName: 'Tier 0 Admins', grants: ['Global Administrator'], fetchedAt: at.toISOString() },
});

describe('refreshSnapshot', () => {
  it('sends batch 1 exactly as reference §5 (six parallel GETs)', async () => {
    const { result, calls } = run(tenant(), { groupInfo: warmGroupInfo() });
    await result;
    expect(calls[0]!.url).toBe(`${GRAPH}/v1.0/$batch`);
    expect(batches(calls)[0]).toEqual([
      {
        id: 'rElig',
        method: 'GET',
        url: "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition,directoryScope",
      },
      {
        id: 'rAct',
        method: 'GET',
        url: "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition,directoryScope",
      },
      {
        id: 'gElig',
        method: 'GET',
        url: "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group",
      },
      {
        id: 'gAct',
        method: 'GET',
        url: "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=group",
      },
      {
        id: 'rReq',
        method: 'GET',
        url: "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')?$expand=roleDefinition,directoryScope&$filter=status eq 'PendingApproval' or status eq 'Granted'",
      },
      {
        id: 'gReq',
        method: 'GET',
        url: "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests/filterByCurrentUser(on='principal')?$expand=group&$filter=status eq 'PendingApproval' or status eq 'Granted'",
      },
    ]);
    expect(READ_BATCH).toHaveLength(6);
  });

  it('warm (group info cached): exactly one request', async () => {
    const { result, calls } = run(tenant(), { groupInfo: warmGroupInfo(new Date(NOW.getTime() - 60_000)) });
    const { requests, snapshot } = await result;
    expect(requests).toBe(1);
    expect(calls).toHaveLength(1);
    expect(Object.values(snapshot.sections).every((s) => s.error === null && s.fetchedAt === NOW.toISOString())).toBe(
      true,
    );
  });

  it('cold: a second batch for group roles only; names come from $expand, never from /groups', async () => {
    const { result, calls } = run(tenant());
    const { requests, groupInfo } = await result;
    expect(requests).toBe(2);
    expect(calls).toHaveLength(2);
    expect(batches(calls)[1]).toEqual([
      {
        id: `roles-${P.GROUP.exchangeOps}`,
        method: 'GET',
        url: `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${P.GROUP.exchangeOps}'&$expand=roleDefinition`,
      },
      { id: `roles-${P.GROUP.tier0}`, method: 'GET', url: groupRolesUrl(P.GROUP.tier0) },
    ]);
    expect(
      batches(calls)
        .flat()
        .some((r) => /\/groups\/|\/directoryObjects/i.test(r.url)),
    ).toBe(false);
    expect(groupInfo).toEqual({
      [P.GROUP.exchangeOps]: {
        displayName: 'Exchange Ops',
        grants: ['Exchange Administrator', 'Exchange Recipient Administrator'],
        fetchedAt: NOW.toISOString(),
      },
      [P.GROUP.tier0]: { displayName: 'Tier 0 Admins', grants: ['Global Administrator'], fetchedAt: NOW.toISOString() },
    });
  });

  it('re-fetches group info older than 24 h (the roles only)', async () => {
    const old = new Date(NOW.getTime() - GROUP_INFO_TTL_MS - 1);
    const cache = warmGroupInfo();
    cache[P.GROUP.exchangeOps] = { ...cache[P.GROUP.exchangeOps]!, fetchedAt: old.toISOString() };
    const { result, calls } = run(tenant(), { groupInfo: cache });
    const { requests, groupInfo } = await result;
    expect(requests).toBe(2);
    expect(batches(calls)[1]!.map((r) => r.id)).toEqual([`roles-${P.GROUP.exchangeOps}`]);
    expect(groupInfo[P.GROUP.exchangeOps]!.grants).toEqual([
      'Exchange Administrator',
      'Exchange Recipient Administrator',
    ]);
    expect(groupInfo[P.GROUP.tier0]).toEqual(cache[P.GROUP.tier0]);
  });

  it('maps every section to assignments', async () => {
    const { snapshot } = await run(tenant()).result;
    expect(snapshot.principalId).toBe(P.ME);
    const find = (key: string, state: string) => snapshot.assignments.find((a) => a.key === key && a.state === state);

    expect(find(roleKey(P.ROLE.exchangeAdmin, '/'), 'eligible')).toMatchObject({
      kind: 'role',
      id: 'Q9Bb2cu7t0u_j2V0ZwAl6zyY0KJ6Wr9Dg6jZBn5ZALw-1-e',
      displayName: 'Exchange Administrator',
      scopeName: null,
      memberType: 'direct',
      endDateTime: '2024-07-10T08:00:00.000Z',
    });
    expect(find(roleKey(P.ROLE.userAdmin, `/administrativeUnits/${P.AU}`), 'eligible')).toMatchObject({
      displayName: 'User Administrator',
      scopeName: 'Seattle Office',
      endDateTime: null,
    });
    expect(find(roleKey(P.ROLE.globalReader, '/'), 'active')).toMatchObject({
      assignmentType: 'Activated',
      memberType: 'direct',
      startDateTime: '2024-05-01T09:00:00.000Z',
      endDateTime: '2024-05-01T11:00:00.000Z',
    });
    expect(find(roleKey(P.ROLE.exchangeAdmin, '/'), 'pending')).toMatchObject({
      id: 'req-role-1',
      displayName: 'Exchange Administrator',
      status: 'PendingApproval',
      justification: 'Mailbox migration CHG-1234',
      startDateTime: '2024-05-01T09:55:00.000Z',
      // Requested PT2H from its start: kept so the row can say "for 2 h".
      endDateTime: '2024-05-01T11:55:00.000Z',
    });
    expect(find(groupKey(P.GROUP.exchangeOps, 'member'), 'eligible')).toMatchObject({
      kind: 'group',
      accessId: 'member',
      displayName: 'Exchange Ops',
      grants: ['Exchange Administrator', 'Exchange Recipient Administrator'],
    });
    expect(find(groupKey(P.GROUP.exchangeOps, 'member'), 'active')).toMatchObject({
      assignmentType: 'Activated',
      endDateTime: '2024-05-01T10:30:00.000Z',
    });
    expect(find(groupKey(P.GROUP.tier0, 'owner'), 'eligible')).toMatchObject({
      displayName: 'Tier 0 Admins',
      grants: ['Global Administrator'],
      endDateTime: null,
    });
    expect(find(groupKey(P.GROUP.tier0, 'owner'), 'pending')).toMatchObject({
      status: 'PendingApproval',
      displayName: 'Tier 0 Admins',
      justification: null,
      endDateTime: '2024-05-01T10:58:00.000Z',
    });
    expect(snapshot.assignments).toHaveLength(8);
    // What storage will accept (snapshotItem parses on write).
    expect(Snapshot.parse(snapshot)).toEqual(snapshot);
  });

  it('names the group a role is held through, when the group is known', async () => {
    const viaGroup = {
      value: [
        {
          ...P.roleActive.value[0],
          id: 'via-1',
          principalId: P.GROUP.exchangeOps,
          memberType: 'Group',
          assignmentType: 'Assigned',
          roleDefinitionId: P.ROLE.exchangeAdmin,
        },
      ],
    };
    const { snapshot } = await run(tenant({ rAct: { body: viaGroup } }), { groupInfo: warmGroupInfo() }).result;
    expect(snapshot.assignments.find((a) => a.id === 'via-1')).toMatchObject({
      memberType: 'group',
      viaGroupName: 'Exchange Ops',
    });
    expect(snapshot.assignments.find((a) => a.state === 'eligible' && a.kind === 'role')).not.toHaveProperty(
      'viaGroupName',
    );
  });

  const previousSnapshot = async (): Promise<Snapshot> =>
    (await run(tenant(), { groupInfo: warmGroupInfo() }).result).snapshot;

  it.each([
    [
      '403 unconsented scope',
      { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } } },
      403,
      'Authorization_RequestDenied',
    ],
    ['500', { status: 500, body: { error: { code: 'UnknownError', message: '' } } }, 500, 'UnknownError'],
    ['503 without a body', { status: 503 }, 503, ''],
    ['unparsable body', { status: 200, body: { unexpected: true } }, 200, 'InvalidResponse'],
    [
      '429 that stays throttled',
      { status: 429, headers: { 'Retry-After': '1' }, body: { error: { code: 'TooManyRequests', message: 'x' } } },
      429,
      'TooManyRequests',
    ],
  ])('a %s item keeps that section’s last good data; the others update', async (_name, reply, status, code) => {
    const previous = await previousSnapshot();
    const later = new Date(NOW.getTime() + 120_000);
    const changedActive = { value: [] };
    const { result } = run(tenant({ rElig: reply, rAct: { body: changedActive } }), {
      previous,
      groupInfo: warmGroupInfo(),
      now: later,
    });
    const { snapshot } = await result;

    expect(snapshot.sections.roleEligible).toEqual({
      fetchedAt: NOW.toISOString(),
      error: expect.objectContaining({ status, code }),
    });
    expect(snapshot.assignments.filter((a) => a.kind === 'role' && a.state === 'eligible')).toEqual(
      previous.assignments.filter((a) => a.kind === 'role' && a.state === 'eligible'),
    );
    expect(snapshot.sections.roleActive).toEqual({ fetchedAt: later.toISOString(), error: null });
    expect(snapshot.assignments.filter((a) => a.state === 'active' && a.kind === 'role')).toEqual([]);
    expect(snapshot.fetchedAt).toBe(later.toISOString());
  });

  it('a failed section with no previous snapshot is empty with its error', async () => {
    const { snapshot } = await run(
      tenant({ gReq: { status: 403, body: { error: { code: '', message: 'Forbidden' } } } }),
      { groupInfo: warmGroupInfo() },
    ).result;
    expect(snapshot.sections.groupPending).toEqual({
      fetchedAt: null,
      error: { status: 403, code: '', message: 'Forbidden' },
    });
    expect(snapshot.assignments.some((a) => a.kind === 'group' && a.state === 'pending')).toBe(false);
  });

  it('retries 429 items once, in one follow-up batch, after the longest Retry-After', async () => {
    const throttled = (seconds: string) => (batchIndex: number) =>
      batchIndex === 0
        ? {
            status: 429,
            headers: { 'Retry-After': seconds },
            body: { error: { code: 'TooManyRequests', message: 'x' } },
          }
        : { body: SECTION_BODIES.rAct };
    const { result, calls, sleep } = run(
      tenant({
        rAct: throttled('2.128'),
        gAct: (i) => (i === 0 ? { status: 429, headers: { 'Retry-After': '0.5' } } : { body: P.groupActive }),
      }),
      { groupInfo: warmGroupInfo() },
    );
    const { snapshot, requests } = await result;
    expect(sleep.mock.calls).toEqual([[2128]]);
    expect(batches(calls)[1]!.map((r) => r.id)).toEqual(['rAct', 'gAct']);
    expect(requests).toBe(2);
    expect(snapshot.sections.roleActive?.error).toBeNull();
    expect(snapshot.assignments.some((a) => a.state === 'active' && a.kind === 'role')).toBe(true);
  });

  it('a 429 without Retry-After is retried after 1 s; one retry only', async () => {
    const { result, calls, sleep } = run(
      tenant({ rReq: { status: 429, body: { error: { code: 'TooManyRequests', message: 'x' } } } }),
      { groupInfo: warmGroupInfo() },
    );
    const { snapshot, requests } = await result;
    expect(sleep.mock.calls).toEqual([[1000]]);
    expect(calls).toHaveLength(2);
    expect(requests).toBe(2);
    expect(snapshot.sections.rolePending?.error).toMatchObject({ status: 429 });
  });

  it('does not wait out a long item Retry-After', async () => {
    const { result, calls, sleep } = run(tenant({ rReq: { status: 429, headers: { 'Retry-After': '90' } } }), {
      groupInfo: warmGroupInfo(),
    });
    const { snapshot } = await result;
    expect(sleep).not.toHaveBeenCalled();
    expect(calls).toHaveLength(1);
    expect(snapshot.sections.rolePending?.error).toMatchObject({ status: 429 });
  });

  it.each([
    ['offline', () => 'network-error' as const, 0],
    [
      '$batch answers 500',
      () => ({ status: 500, body: { error: { code: 'InternalServerError', message: 'x' } } }),
      500,
    ],
    [
      '$batch answers 401 twice',
      () => ({ status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'x' } } }),
      401,
    ],
  ])('throws GraphRequestError when the whole batch fails (%s)', async (_name, reply, status) => {
    const { result } = run(reply);
    const error = await result.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as GraphRequestError).status).toBe(status);
  });

  it('ignores a previous snapshot of another user', async () => {
    const previous = { ...(await previousSnapshot()), principalId: 'someone-else' };
    const { snapshot } = await run(tenant({ rElig: { status: 403 } }), { previous, groupInfo: warmGroupInfo() }).result;
    expect(snapshot.assignments.some((a) => a.kind === 'role' && a.state === 'eligible')).toBe(false);
    expect(snapshot.sections.roleEligible?.fetchedAt).toBeNull();
  });

  it('keeps the old group info when the second batch fails, and still returns the snapshot', async () => {
    const old = new Date(NOW.getTime() - GROUP_INFO_TTL_MS - 1).toISOString();
    const cache = {
      [P.GROUP.exchangeOps]: { displayName: 'Exchange Ops', grants: ['Exchange Administrator'], fetchedAt: old },
    };
    const handler = tenant();
    const { fetch } = fakeFetch((req, n) => (n === 0 ? handler(req, n) : 'network-error'));
    const graph = createGraphClient({ getToken: async () => 'tok', graphBase: GRAPH, fetch });
    const { snapshot, groupInfo, requests } = await refreshSnapshot({
      graph,
      principalId: P.ME,
      previous: null,
      groupInfo: cache,
      now: NOW,
    });
    expect(requests).toBe(2);
    expect(groupInfo[P.GROUP.exchangeOps]).toEqual(cache[P.GROUP.exchangeOps]);
    expect(snapshot.assignments.find((a) => a.targetId === P.GROUP.exchangeOps)?.grants).toEqual([
      'Exchange Administrator',
    ]);
  });

  it('a pending request is named by its own $expand, even with no eligibility or cache to borrow from', async () => {
    const { snapshot } = await run(tenant({ rElig: { body: P.empty }, gElig: { body: P.empty } })).result;
    expect(snapshot.assignments.find((a) => a.id === 'req-role-1')).toMatchObject({
      displayName: 'Exchange Administrator',
    });
    expect(snapshot.assignments.find((a) => a.id === 'req-group-1')).toMatchObject({ displayName: 'Tier 0 Admins' });
    expect(snapshot.assignments.some((a) => a.nameMissing)).toBe(false);
  });

  it('an id is shown only when Graph named the target nowhere, and then labelled', async () => {
    const noName = { value: P.rolePending.value.map(({ roleDefinition: _n, ...r }) => r) };
    const { snapshot } = await run(
      tenant({ rElig: { body: P.empty }, rReq: { body: noName }, gReq: { body: P.empty } }),
      { groupInfo: {} },
    ).result;
    const role = snapshot.assignments.find((a) => a.id === 'req-role-1')!;
    expect(role).toMatchObject({
      nameMissing: true,
      displayName: `Unnamed role (Graph sent no name; id ${P.ROLE.exchangeAdmin})`,
    });
    const tier0 = snapshot.assignments.find((a) => a.targetId === P.GROUP.tier0)!;
    expect(tier0).toMatchObject({
      nameMissing: true,
      displayName: `Unnamed group (Graph sent no name; id ${P.GROUP.tier0})`,
    });
    // Named again as soon as Graph names it.
    const again = await run(tenant(), { previous: snapshot, groupInfo: {} }).result;
    expect(again.snapshot.assignments.find((a) => a.id === 'req-role-1')).toMatchObject({
      displayName: 'Exchange Administrator',
    });
    expect(again.snapshot.assignments.find((a) => a.id === 'req-role-1')).not.toHaveProperty('nameMissing');
  });

  it('caches a 403 on the group lookups for a day instead of asking on every refresh', async () => {
    const denied = { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'no' } } };
    const handler = batchHandler((item) => (item.id in SECTION_BODIES ? { body: SECTION_BODIES[item.id] } : denied));
    const first = await run(handler).result;
    expect(first.requests).toBe(2);
    expect(first.groupInfo[P.GROUP.tier0]).toEqual({
      displayName: 'Tier 0 Admins',
      grants: [],
      fetchedAt: NOW.toISOString(),
    });
    const second = await run(tenant(), { groupInfo: first.groupInfo, now: new Date(NOW.getTime() + 3_600_000) }).result;
    expect(second.requests).toBe(1);
  });

  describe('paging', () => {
    const ELIG =
      "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition,directoryScope";
    const roleId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const page = (n: number, last: number) => ({
      value: Array.from({ length: 100 }, (_, k) => n * 100 + k).map((i) => ({
        id: `e${i}`,
        principalId: P.ME,
        roleDefinitionId: roleId(i),
        directoryScopeId: '/',
        memberType: 'Direct',
        roleDefinition: { id: roleId(i), displayName: `Role ${i}` },
      })),
      ...(n < last ? { '@odata.nextLink': `${GRAPH}/v1.0${ELIG}&$skiptoken=page${n + 1}` } : {}),
    });

    it('follows @odata.nextLink in follow-up $batch rounds (relative URLs) until the last page', async () => {
      const { result, calls } = run(tenant({ rElig: (i) => ({ body: page(i, 2) }) }), { groupInfo: warmGroupInfo() });
      const { snapshot, requests } = await result;
      expect(requests).toBe(3);
      expect(batches(calls).slice(1)).toEqual([
        [{ id: 'rElig', method: 'GET', url: `${ELIG}&$skiptoken=page1` }],
        [{ id: 'rElig', method: 'GET', url: `${ELIG}&$skiptoken=page2` }],
      ]);
      expect(snapshot.assignments.filter((a) => a.kind === 'role' && a.state === 'eligible')).toHaveLength(300);
      expect(snapshot.sections.roleEligible?.error).toBeNull();
    });

    it('a page that fails fails its section (last good data kept), never a silently shortened list', async () => {
      const previous = await previousSnapshot();
      const failing = (i: number) =>
        i === 0
          ? { body: page(0, 2) }
          : { status: 500, body: { error: { code: 'UnknownError', message: 'page lost' } } };
      const { snapshot } = await run(tenant({ rElig: failing }), {
        previous,
        groupInfo: warmGroupInfo(),
        now: new Date(NOW.getTime() + 60_000),
      }).result;
      expect(snapshot.sections.roleEligible?.error).toMatchObject({ status: 500, code: 'UnknownError' });
      expect(snapshot.assignments.filter((a) => a.kind === 'role' && a.state === 'eligible')).toEqual(
        previous.assignments.filter((a) => a.kind === 'role' && a.state === 'eligible'),
      );
    });

    it('stops after 50 pages of a list that never ends', async () => {
      const endless = (i: number) => ({ body: { ...page(0, 1), value: [page(0, 1).value[i % 100]!] } });
      const { requests } = await run(tenant({ rElig: endless }), { groupInfo: warmGroupInfo() }).result;
      expect(requests).toBe(50);
    });
  });

  it('asks for at most 20 group lookups per refresh', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const many = {
      value: ids.map((groupId, i) => ({
        id: `e${i}`,
        groupId,
        accessId: 'member',
        principalId: P.ME,
        memberType: 'direct',
      })),
    };
    const { result, calls } = run(tenant({ gElig: { body: many }, gAct: { body: P.empty }, gReq: { body: P.empty } }));
    const { groupInfo } = await result;
    const second = batches(calls)[1]!;
    expect(second).toHaveLength(20); // 20 groups × roles; no name lookups
    expect(Object.keys(groupInfo)).toHaveLength(20);
  });
});
