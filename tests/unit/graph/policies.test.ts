import { describe, expect, it, vi } from 'vitest';
import { createGraphClient } from '../../../lib/graph/client';
import { groupRolesUrl } from '../../../lib/graph/group-info';
import {
  fetchPolicies,
  isPolicyFresh,
  mergePolicies,
  planPolicyRequests,
  POLICY_FAILED_TTL_MS,
  POLICY_TTL_MS,
} from '../../../lib/graph/policies';
import { refreshSnapshot } from '../../../lib/graph/reads';
import { groupKey, roleKey, type Assignment } from '../../../lib/pim/model';
import { groupPolicyUrl, rolePolicyUrl } from '../../../lib/pim/policy';
import type { GroupInfo, PolicyEntry } from '../../../lib/storage';
import { batches, batchHandler, fakeFetch, GRAPH, type BatchItemRequest, type Reply } from './fake-graph';
import * as P from './payloads';

const NOW = new Date('2024-05-01T10:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

/** A policy assignment list as Graph answers it, with the end-user rules that matter. */
function policyBody(p: { max?: string; rules?: string[]; approval?: boolean; acrs?: string } = {}) {
  const target = { caller: 'EndUser', level: 'Assignment', operations: ['All'] };
  return {
    value: [
      {
        id: 'pa-1',
        policy: {
          id: 'DirectoryRole_x_y',
          rules: [
            {
              '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
              id: 'Expiration_Admin_Eligibility',
              maximumDuration: 'P365D',
              target: { caller: 'Admin', level: 'Eligibility' },
            },
            {
              '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
              id: 'Expiration_EndUser_Assignment',
              isExpirationRequired: true,
              maximumDuration: p.max ?? 'PT8H',
              target,
            },
            {
              '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
              id: 'Enablement_EndUser_Assignment',
              enabledRules: p.rules ?? [],
              target,
            },
            {
              '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
              id: 'Approval_EndUser_Assignment',
              setting: { isApprovalRequired: p.approval ?? false },
              target,
            },
            {
              '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
              id: 'AuthenticationContext_EndUser_Assignment',
              isEnabled: !!p.acrs,
              claimValue: p.acrs ?? null,
              target,
            },
          ],
        },
      },
    ],
  };
}

function eligible(key: string, over: Partial<Assignment> = {}): Assignment {
  const [kind, targetId, rest] = key.split(':') as ['role' | 'group', string, string];
  return {
    key,
    kind,
    state: 'eligible',
    id: `${key}-e`,
    principalId: P.ME,
    targetId,
    displayName: key,
    directoryScopeId: kind === 'role' ? rest : '/',
    scopeName: null,
    accessId: kind === 'group' ? (rest as 'member' | 'owner') : null,
    assignmentType: null,
    memberType: 'direct',
    startDateTime: null,
    endDateTime: null,
    grants: [],
    status: null,
    justification: null,
    ...over,
  };
}

const entry = (fetchedAt: string, policy: PolicyEntry['policy'] = null): PolicyEntry => ({
  policy,
  fetchedAt,
  error: policy ? null : 'HTTP 403',
});
const okPolicy = {
  maxDuration: 'PT8H',
  maxMinutes: 480,
  expirationRequired: true,
  requireJustification: true,
  requireTicket: false,
  requireMfa: false,
  approvalRequired: false,
  authContext: null,
};

describe('policy requests', () => {
  it('asks once per role definition (scope /) and once per group + access, and names every key an answer is for', () => {
    const au = roleKey(P.ROLE.exchangeAdmin, `/administrativeUnits/${P.AU}`);
    const plan = planPolicyRequests(
      [
        eligible(roleKey(P.ROLE.exchangeAdmin, '/')),
        eligible(au),
        eligible(groupKey(P.GROUP.tier0, 'owner')),
        { ...eligible(roleKey(P.ROLE.userAdmin, '/')), state: 'active' },
      ],
      {},
      NOW,
    );
    expect(plan.requests.map((r) => r.url)).toEqual([
      rolePolicyUrl(P.ROLE.exchangeAdmin),
      groupPolicyUrl(P.GROUP.tier0, 'owner'),
    ]);
    expect(plan.keysById.get(plan.requests[0]!.id)).toEqual([roleKey(P.ROLE.exchangeAdmin, '/'), au]);
  });

  it('skips fresh entries: 12 h for a read policy, 1 h for a failed read', () => {
    const keys = ['role:a:/', 'role:b:/', 'role:c:/', 'role:d:/'];
    const cache = {
      'role:a:/': entry(ago(POLICY_TTL_MS - 1000), okPolicy),
      'role:b:/': entry(ago(POLICY_TTL_MS + 1000), okPolicy),
      'role:c:/': entry(ago(POLICY_FAILED_TTL_MS - 1000)),
      'role:d:/': entry(ago(POLICY_FAILED_TTL_MS + 1000)),
    };
    expect(keys.map((k) => isPolicyFresh(cache[k as keyof typeof cache], NOW))).toEqual([true, false, true, false]);
    const plan = planPolicyRequests(
      keys.map((k) => eligible(k)),
      cache,
      NOW,
    );
    expect(plan.requests.map((r) => r.url)).toEqual([rolePolicyUrl('b'), rolePolicyUrl('d')]);
  });

  it('drops entries unused for twice the TTL when merging', () => {
    const merged = mergePolicies(
      { old: entry(ago(2 * POLICY_TTL_MS + 1), okPolicy), kept: entry(ago(1000), okPolicy) },
      { added: entry(NOW.toISOString()) },
      NOW,
    );
    expect(Object.keys(merged).sort()).toEqual(['added', 'kept']);
  });

  it('a policy learned from PIM refusals survives a read that is refused again; a readable policy replaces it', () => {
    const learned: PolicyEntry = { ...entry(ago(1000), okPolicy), learned: true };
    const refused = entry(NOW.toISOString());
    expect(mergePolicies({ k: learned }, { k: refused }, NOW).k).toEqual({ ...learned, fetchedAt: NOW.toISOString() });
    const read = entry(NOW.toISOString(), okPolicy);
    expect(mergePolicies({ k: learned }, { k: read }, NOW).k).toEqual(read);
  });
});

describe('fetchPolicies', () => {
  it('batches at most 20 per $batch, extracts the activation rules, and caches a 403 as "unreadable"', async () => {
    const many = Array.from({ length: 25 }, (_, i) => eligible(`role:r${i}:/`));
    const { fetch, calls } = fakeFetch(
      batchHandler((item) =>
        item.url === rolePolicyUrl('r3')
          ? {
              status: 403,
              body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges.' } },
            }
          : { body: policyBody({ max: 'PT1H45M', rules: ['Justification', 'Ticketing'], acrs: 'c1' }) },
      ),
    );
    const graph = createGraphClient({ getToken: async () => 't', graphBase: GRAPH, fetch });
    const { updates, requests } = await fetchPolicies({ graph, assignments: many, cache: {}, now: NOW });
    expect(requests).toBe(2);
    expect(batches(calls).map((b) => b.length)).toEqual([20, 5]);
    expect(updates['role:r0:/']?.policy).toMatchObject({
      maxMinutes: 105,
      requireJustification: true,
      requireTicket: true,
      authContext: 'c1',
    });
    expect(updates['role:r3:/']).toMatchObject({ policy: null, fetchedAt: NOW.toISOString() });
    expect(updates['role:r3:/']?.error).toContain('403');
  });

  it('keeps nothing for throttled or failed items, so the next refresh asks again', async () => {
    const { fetch } = fakeFetch(
      batchHandler(() => ({ status: 503, body: { error: { code: 'ServiceUnavailable', message: 'x' } } })),
    );
    const graph = createGraphClient({ getToken: async () => 't', graphBase: GRAPH, fetch });
    expect((await fetchPolicies({ graph, assignments: [eligible('role:a:/')], cache: {}, now: NOW })).updates).toEqual(
      {},
    );
  });
});

describe('refresh with policies', () => {
  const SECTIONS: Record<string, unknown> = {
    rElig: P.roleEligibility,
    rAct: P.roleActive,
    gElig: P.groupEligibility,
    gAct: P.groupActive,
    rReq: P.rolePending,
    gReq: P.groupPending,
  };
  const route = (item: BatchItemRequest): Reply => {
    if (item.id in SECTIONS) return { body: SECTIONS[item.id] };
    if (item.url.startsWith('/policies/')) return { body: policyBody() };
    if (item.url === groupRolesUrl(P.GROUP.exchangeOps) || item.url === groupRolesUrl(P.GROUP.tier0))
      return { body: P.groupRoles('Exchange Administrator') };
    return { status: 404, body: { error: { code: 'NotFound', message: item.url } } };
  };
  const run = async (groupInfo: Record<string, GroupInfo>, policies: Record<string, PolicyEntry>) => {
    const { fetch, calls } = fakeFetch(batchHandler(route));
    const graph = createGraphClient({ getToken: async () => 't', graphBase: GRAPH, fetch });
    const result = await refreshSnapshot({
      graph,
      principalId: P.ME,
      previous: null,
      groupInfo,
      now: NOW,
      policies,
      sleep: vi.fn(async () => {}),
    });
    return { ...result, calls };
  };

  it('cold: the policies ride in the second round trip with the group details (2 requests in all)', async () => {
    const { requests, calls, policyUpdates } = await run({}, {});
    expect(requests).toBe(2);
    const second = batches(calls)[1]!;
    expect(
      second
        .filter((r) => r.url.startsWith('/policies/'))
        .map((r) => r.url)
        .sort(),
    ).toEqual(
      [
        rolePolicyUrl(P.ROLE.exchangeAdmin),
        rolePolicyUrl(P.ROLE.userAdmin),
        groupPolicyUrl(P.GROUP.exchangeOps, 'member'),
        groupPolicyUrl(P.GROUP.tier0, 'owner'),
      ].sort(),
    );
    expect(second.some((r) => r.url === groupRolesUrl(P.GROUP.tier0))).toBe(true);
    expect(Object.keys(policyUpdates ?? {}).sort()).toEqual(
      [
        roleKey(P.ROLE.exchangeAdmin, '/'),
        roleKey(P.ROLE.userAdmin, `/administrativeUnits/${P.AU}`),
        groupKey(P.GROUP.exchangeOps, 'member'),
        groupKey(P.GROUP.tier0, 'owner'),
      ].sort(),
    );
  });

  it('warm: group details and policies cached → exactly 1 request', async () => {
    const cold = await run({}, {});
    const policies = mergePolicies({}, cold.policyUpdates!, NOW);
    const warm = await run(cold.groupInfo, policies);
    expect(warm.requests).toBe(1);
    expect(warm.calls).toHaveLength(1);
    expect(warm.policyUpdates).toEqual({});
  });

  it('policies only (group details warm) still cost one extra round trip, not more', async () => {
    const cold = await run({}, {});
    const { requests, calls } = await run(cold.groupInfo, {});
    expect(requests).toBe(2);
    expect(batches(calls)[1]!.every((r) => r.url.startsWith('/policies/'))).toBe(true);
  });
});
