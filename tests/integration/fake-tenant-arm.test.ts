/**
 * The stand-in's management.azure.com: ARM's URL shapes, api-version checks, tokens per resource, management-group
 * inheritance, policy enforcement, the 5-minute floor and reading a request back by its GUID.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_SCENARIO_PATH, startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { call, redeem, signIn } from '../fake-tenant/testing.ts';

let tenant: FakeTenant;
let graphToken: string;
let armToken: string;
const ME = '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71';
const SUB = '/subscriptions/3c1f8e2a-7b4d-4e9f-a6c5-1d2e3f4a5b6c';
const MG = '/providers/Microsoft.Management/managementGroups/contoso-platform';
const RG = `${SUB}/resourceGroups/rg-web`;
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const AUTH = '/providers/Microsoft.Authorization';
const V = 'api-version=2020-10-01';

function arm(method: string, path: string, body?: unknown, token = armToken) {
  return call(tenant, {
    host: 'management.azure.com',
    method,
    path,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

const eligible = async (scope = '') =>
  (await arm('GET', `${scope}${AUTH}/roleEligibilityScheduleInstances?${V}&$filter=asTarget()`)).json().value as {
    properties: {
      scope: string;
      roleEligibilityScheduleId: string;
      roleDefinitionId: string;
      expandedProperties: { roleDefinition: { displayName: string } };
    };
  }[];

function activation(roleDefinitionId: string, schedule: string, extra: Record<string, unknown> = {}) {
  return {
    properties: {
      principalId: ME,
      roleDefinitionId,
      requestType: 'SelfActivate',
      linkedRoleEligibilityScheduleId: schedule,
      justification: 'Deploy',
      scheduleInfo: {
        startDateTime: new Date().toISOString(),
        expiration: { type: 'AfterDuration', endDateTime: null, duration: 'PT1H' },
      },
      ...extra,
    },
  };
}

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(async () => {
  await tenant.close();
});
beforeEach(async () => {
  await tenant.control.loadScenario(DEFAULT_SCENARIO_PATH);
  armToken = await armTokenNow();
});

/** Signs in for Graph, then redeems the refresh token for ARM: one account, no second pick. */
async function armTokenNow(): Promise<string> {
  const tokens = await signIn(tenant);
  graphToken = tokens.access_token;
  const refreshed = await redeem(tenant, {
    grant_type: 'refresh_token',
    refresh_token: tokens.refresh_token,
    scope: 'https://management.azure.com/user_impersonation offline_access',
  });
  expect(refreshed.status).toBe(200);
  return refreshed.json().access_token as string;
}

describe('stand-in Azure Resource Manager', () => {
  it('issues an ARM token from the same refresh token and refuses one request for two resources', async () => {
    const both = await redeem(tenant, {
      grant_type: 'refresh_token',
      refresh_token: (await signIn(tenant)).refresh_token,
      scope:
        'https://management.azure.com/user_impersonation https://graph.microsoft.com/RoleManagementPolicy.Read.Directory',
    });
    expect(both.status).toBe(400);
    expect(both.json().error_codes).toEqual([28000]);
    expect(
      (await arm('GET', `${AUTH}/roleEligibilityScheduleInstances?${V}&$filter=asTarget()`, undefined, graphToken))
        .status,
    ).toBe(401);
  });

  it('answers a missing or wrong api-version with ARM 400s', async () => {
    const missing = await arm('GET', `${AUTH}/roleEligibilityScheduleInstances?$filter=asTarget()`);
    expect(missing.status).toBe(400);
    expect(missing.json().error.code).toBe('MissingApiVersionParameter');
    const wrong = await arm(
      'GET',
      `${AUTH}/roleEligibilityScheduleInstances?api-version=2018-01-01&$filter=asTarget()`,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.json().error.code).toBe('NoRegisteredProviderFound');
  });

  it('lists the management-group eligibility at the root but not at the subscription', async () => {
    const root = await eligible();
    expect(root.map((e) => e.properties.expandedProperties.roleDefinition.displayName).sort()).toEqual([
      'Contributor',
      'Key Vault Secrets Officer',
      'Owner',
    ]);
    expect(root.find((e) => e.properties.scope === MG)).toBeTruthy();
    const atSub = await eligible(SUB);
    expect(atSub.map((e) => e.properties.scope)).not.toContain(MG);
    expect(atSub).toHaveLength(2);
  });

  it('pages long lists with nextLink', async () => {
    const scenario = JSON.parse(readFileSync(DEFAULT_SCENARIO_PATH, 'utf8')) as { azure: Record<string, unknown> };
    await tenant.control.loadScenario({ ...scenario, azure: { ...scenario.azure, pageSize: 2 } } as never);
    armToken = await armTokenNow();
    const first = (await arm('GET', `${AUTH}/roleEligibilityScheduleInstances?${V}&$filter=asTarget()`)).json();
    expect(first.value).toHaveLength(2);
    const next = new URL(first.nextLink as string);
    expect(next.host).toBe('management.azure.com');
    const second = (await arm('GET', `${next.pathname}${next.search}`)).json();
    expect(second.value).toHaveLength(1);
    expect(second.nextLink).toBeUndefined();
  });

  it('activates by PUT at the eligibility scope, reads the request back by its GUID, and keeps the 5-minute floor', async () => {
    const owner = (await eligible()).find((e) => e.properties.scope === MG)!;
    const name = randomUUID();
    const put = await arm(
      'PUT',
      `${MG}${AUTH}/roleAssignmentScheduleRequests/${name}?${V}`,
      activation(owner.properties.roleDefinitionId, owner.properties.roleEligibilityScheduleId),
    );
    expect(put.status).toBe(201);
    expect(put.json().properties.status).toBe('Provisioned');
    const back = await arm('GET', `${MG}${AUTH}/roleAssignmentScheduleRequests/${name}?${V}`);
    expect(back.status).toBe(200);
    expect(back.json().name).toBe(name);
    expect((await arm('GET', `${MG}${AUTH}/roleAssignmentScheduleRequests/${randomUUID()}?${V}`)).status).toBe(404);
    const again = await arm(
      'PUT',
      `${MG}${AUTH}/roleAssignmentScheduleRequests/${randomUUID()}?${V}`,
      activation(owner.properties.roleDefinitionId, owner.properties.roleEligibilityScheduleId),
    );
    expect(again.json().error.code).toBe('RoleAssignmentExists');
    const off = {
      properties: {
        principalId: ME,
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`,
        requestType: 'SelfDeactivate',
      },
    };
    const early = await arm('PUT', `${MG}${AUTH}/roleAssignmentScheduleRequests/${randomUUID()}?${V}`, off);
    expect(early.status).toBe(400);
    expect(early.json().error.code).toBe('ActiveDurationTooShort');
    await tenant.control.advance(5 * 60_000 + 1000);
    const late = await arm('PUT', `${MG}${AUTH}/roleAssignmentScheduleRequests/${randomUUID()}?${V}`, off);
    expect(late.status).toBe(201);
    expect(late.json().properties.status).toBe('Revoked');
  });

  it('enforces the policy read at the eligibility scope', async () => {
    const kv = (await eligible()).find(
      (e) => e.properties.expandedProperties.roleDefinition.displayName === 'Key Vault Secrets Officer',
    )!;
    const policy = await arm(
      'GET',
      `${kv.properties.scope}${AUTH}/roleManagementPolicyAssignments?${V}&$filter=${encodeURIComponent(`roleDefinitionId eq '${kv.properties.roleDefinitionId}'`)}`,
    );
    const rules = policy.json().value[0].properties.effectiveRules as { id: string; enabledRules?: string[] }[];
    expect(rules.find((r) => r.id === 'Enablement_EndUser_Assignment')!.enabledRules).toContain('Ticketing');
    const refused = await arm(
      'PUT',
      `${kv.properties.scope}${AUTH}/roleAssignmentScheduleRequests/${randomUUID()}?${V}`,
      activation(kv.properties.roleDefinitionId, kv.properties.roleEligibilityScheduleId),
    );
    expect(refused.status).toBe(400);
    expect(refused.json().error).toEqual({
      code: 'RoleAssignmentRequestPolicyValidationFailed',
      message: 'The following policy rules failed: ["TicketingRule"]',
    });
    const rg = (await eligible()).find((e) => e.properties.scope === RG)!;
    expect(rg.properties.roleDefinitionId).toContain(CONTRIBUTOR);
  });
});
