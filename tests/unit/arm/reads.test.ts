import { describe, expect, it } from 'vitest';
import type { ArmClient } from '../../../lib/arm/client';
import { AZURE_READS, readAzure } from '../../../lib/arm/reads';
import { GraphRequestError } from '../../../lib/graph/errors';
import { mergeSnapshot } from '../../../lib/pim/snapshot';
import type { Snapshot } from '../../../lib/pim/model';

const ME = '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71';
const SUB = '/subscriptions/3c1f8e2a-7b4d-4e9f-a6c5-1d2e3f4a5b6c';
const RG = `${SUB}/resourceGroups/rg-web`;
const KV = `${RG}/providers/Microsoft.KeyVault/vaults/kv-web-01`;
const MG = '/providers/Microsoft.Management/managementGroups/contoso-platform';
const now = new Date('2026-12-02T10:00:00Z');

const eligibility = (scope: string, role: string, name: string, scopeName: string, type: string) => ({
  id: `${scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/${name}`,
  name,
  properties: {
    scope,
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
    principalId: ME,
    memberType: 'Direct',
    roleEligibilityScheduleId: `${scope}/providers/Microsoft.Authorization/roleEligibilitySchedules/s-${name}`,
    startDateTime: '2026-11-01T00:00:00Z',
    endDateTime: null,
    expandedProperties: {
      scope: { id: scope, displayName: scopeName, type },
      roleDefinition: { id: role, displayName: `Role ${role}`, type: 'BuiltInRole' },
    },
  },
});

const LISTS: Record<string, unknown[]> = {
  [AZURE_READS.azureEligible]: [
    eligibility(RG, 'r1', 'e1', 'rg-web', 'resourcegroup'),
    eligibility(KV, 'r2', 'e2', 'kv-web-01', 'resource'),
    eligibility(MG, 'r3', 'e3', 'Contoso Platform', 'managementgroup'),
    { id: 'broken' },
  ],
  [AZURE_READS.azureActive]: [],
  [AZURE_READS.azurePending]: [
    {
      id: `${SUB}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/old`,
      name: 'old',
      properties: {
        scope: SUB,
        roleDefinitionId: 'r3',
        principalId: ME,
        requestType: 'SelfActivate',
        status: 'Provisioned',
        expandedProperties: { scope: { id: SUB, displayName: 'Contoso Prod', type: 'subscription' } },
      },
    },
  ],
};

function fakeArm(fail: Partial<Record<string, GraphRequestError>> = {}): ArmClient {
  const list = async (path: string) => {
    if (fail[path]) throw fail[path];
    if (path.includes('roleManagementPolicyAssignments')) return [];
    return LISTS[path] ?? [];
  };
  return { list, get: async () => null, put: async () => null, post: async () => null };
}

describe('readAzure', () => {
  it('maps the three lists into Azure sections with readable scope paths from every name ARM sent', async () => {
    const read = await readAzure({ arm: fakeArm(), now });
    expect(read.results.azureEligible).toMatchObject({ ok: true });
    const rows = read.results.azureEligible!.ok ? read.results.azureEligible!.assignments : [];
    expect(rows.map((a) => [a.kind, a.state, a.scopeName])).toEqual([
      ['azure', 'eligible', 'Contoso Prod › rg-web'],
      ['azure', 'eligible', 'Contoso Prod › rg-web › kv-web-01'],
      ['azure', 'eligible', 'Contoso Platform'],
    ]);
    expect(rows[0]!.key).toBe(`azure:r1:${RG.toLowerCase()}`);
    expect(rows[0]!.scheduleId).toContain('s-e1');
    // A finished request names the subscription but is not shown as pending.
    expect(read.results.azurePending).toEqual({ ok: true, assignments: [] });
  });

  it('a 429 on one list degrades only that section: the merge keeps its last good rows with the error', async () => {
    const first = await readAzure({ arm: fakeArm(), now });
    const previous: Snapshot = mergeSnapshot({ previous: null, principalId: ME, now, results: first.results });
    const throttled = new GraphRequestError({ status: 429, code: 'TooManyRequests', message: 'slow down' });
    const second = await readAzure({ arm: fakeArm({ [AZURE_READS.azureEligible]: throttled }), now });
    const next = mergeSnapshot({
      previous,
      principalId: ME,
      now: new Date(now.getTime() + 60_000),
      results: second.results,
    });
    expect(next.sections.azureEligible).toEqual({
      fetchedAt: now.toISOString(),
      error: { status: 429, code: 'TooManyRequests', message: 'slow down' },
    });
    expect(next.sections.azureActive!.error).toBeNull();
    expect(next.assignments.filter((a) => a.kind === 'azure' && a.state === 'eligible')).toHaveLength(3);
  });

  it('no Azure results (switched off): the snapshot has no Azure section and drops earlier Azure rows', async () => {
    const first = await readAzure({ arm: fakeArm(), now });
    const previous = mergeSnapshot({ previous: null, principalId: ME, now, results: first.results });
    const off = mergeSnapshot({ previous, principalId: ME, now, results: {} });
    expect(off.assignments).toEqual([]);
    expect(off.sections.azureEligible).toBeUndefined();
  });
});
