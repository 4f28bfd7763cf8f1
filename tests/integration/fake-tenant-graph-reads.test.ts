import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { ALL_SCOPES, enc, graph, signIn } from '../fake-tenant/testing.ts';

let tenant: FakeTenant;
let token: string;
const DEFAULT = 'tests/fake-tenant/scenarios/default.json';
const ME = '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71';
const GA = '62e90394-69f5-4237-9190-012177145e10';
const EXO = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const TEAMS_GROUP = '4e6d8f0a-2b1c-4d3e-8f5a-6b7c8d9e0f12';
const INT_GROUP = '0b1e7c3a-5d2f-4e8b-9a6c-4d3e2f1a0b91';
const MIN = 60_000;

const get = (path: string, tok = token) => graph(tenant, tok, 'GET', enc(path));

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(() => tenant.close());
beforeEach(async () => {
  await tenant.control.loadScenario(DEFAULT);
  token = (await signIn(tenant)).access_token;
});

describe('role reads', () => {
  it('lists my role eligibilities with roleDefinition and directoryScope expanded (comma-combined)', async () => {
    const r = await get(
      "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition,directoryScope",
    );
    expect(r.status).toBe(200);
    expect(r.headers['request-id']).toBeTruthy();
    const body = r.json();
    expect(body['@odata.context']).toContain('$metadata#Collection(unifiedRoleEligibilityScheduleInstance)');
    const names = body.value
      .map((v: { roleDefinition: { displayName: string } }) => v.roleDefinition.displayName)
      .sort();
    expect(names).toEqual([
      'Application Administrator',
      'Exchange Administrator',
      'Global Administrator',
      'Security Reader',
      'User Administrator',
    ]);
    const oslo = body.value.find((v: { roleDefinitionId: string }) => v.roleDefinitionId === EXO);
    expect(oslo.directoryScopeId).toMatch(/^\/administrativeUnits\//);
    expect(oslo.directoryScope).toMatchObject({
      '@odata.type': '#microsoft.graph.administrativeUnit',
      displayName: 'Oslo office',
    });
    const ga = body.value.find((v: { roleDefinitionId: string }) => v.roleDefinitionId === GA);
    expect(ga).toMatchObject({ principalId: ME, memberType: 'Direct', endDateTime: null, directoryScope: null });
    expect(ga.id).toMatch(/-e$/);
  });

  it('lists my active roles: the Security Reader activation with 40 minutes left, gone after expiry', async () => {
    const path =
      "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition";
    const v = (await get(path)).json().value;
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({
      assignmentType: 'Activated',
      memberType: 'Direct',
      roleDefinition: { displayName: 'Security Reader' },
    });
    const left = Date.parse(v[0].endDateTime) - Date.parse(await tenant.control.now());
    expect(left).toBeGreaterThan(39 * MIN);
    expect(left).toBeLessThanOrEqual(40 * MIN);
    await tenant.control.advance(41 * MIN);
    const fresh = (await signIn(tenant)).access_token;
    expect((await get(path, fresh)).json().value).toEqual([]);
  });

  it('filters my requests by status (case-insensitive keywords) and rejects unknown properties', async () => {
    const none = await get(
      "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')?$filter=status eq 'PendingApproval'",
    );
    expect(none.json().value).toEqual([]);
    await graph(tenant, token, 'POST', '/roleManagement/directory/roleAssignmentScheduleRequests', {
      action: 'selfActivate',
      principalId: ME,
      roleDefinitionId: GA,
      directoryScopeId: '/',
      justification: 'Break glass review',
      scheduleInfo: {
        startDateTime: new Date().toISOString(),
        expiration: { type: 'afterDuration', duration: 'PT1H' },
      },
    });
    const one = await get(
      "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')?$filter=status EQ 'PendingApproval' AND roleDefinitionId eq '" +
        GA +
        "'",
    );
    expect(one.json().value).toHaveLength(1);
    expect(one.json().value[0]).toMatchObject({
      status: 'PendingApproval',
      action: 'selfActivate',
      justification: 'Break glass review',
    });
    const byId = await get(`/roleManagement/directory/roleAssignmentScheduleRequests/${one.json().value[0].id}`);
    expect(byId.json().id).toBe(one.json().value[0].id);
    const bad = await get(
      "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')?$filter=colour eq 'blue'",
    );
    expect(bad.status).toBe(400);
    expect(bad.json().error.code).toBe('BadRequest');
  });

  it('tells which roles a group holds', async () => {
    const r = await get(
      `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${TEAMS_GROUP}'&$expand=roleDefinition`,
    );
    const names = r
      .json()
      .value.map((v: { roleDefinition: { displayName: string } }) => v.roleDefinition.displayName)
      .sort();
    expect(names).toEqual(['Exchange Administrator', 'SharePoint Administrator', 'Teams Administrator']);
  });
});

describe('group reads', () => {
  it('lists group eligibilities with the group expanded, active memberships and pending requests', async () => {
    const e = (
      await get(
        "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group",
      )
    ).json();
    expect(e.value.map((v: { group: { displayName: string } }) => v.group.displayName).sort()).toEqual([
      'PIM – INT – Exchange administrator',
      'PIM – Teams admins',
    ]);
    expect(e.value[0]).toMatchObject({ accessId: 'member', memberType: 'direct', principalId: ME });
    const a = await get(
      "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/filterByCurrentUser(on='principal')",
    );
    expect(a.json().value).toEqual([]);
    const r = await get(
      `/identityGovernance/privilegedAccess/group/assignmentScheduleRequests/filterByCurrentUser(on='principal')?$filter=status eq 'PendingApproval' and groupId eq '${INT_GROUP}'`,
    );
    expect(r.json().value).toEqual([]);
  });

  it('GET /groups/{id} needs a group read scope (403 as Graph writes it), and works with one', async () => {
    const denied = await get(`/groups/${INT_GROUP}?$select=displayName`);
    expect(denied.status).toBe(403);
    expect(denied.json().error).toMatchObject({
      code: 'Authorization_RequestDenied',
      innerError: {
        'request-id': expect.any(String),
        'client-request-id': expect.any(String),
        date: expect.any(String),
      },
    });
    const s = JSON.parse(readFileSync(DEFAULT, 'utf8'));
    s.app.grantedScopes.push('GroupMember.Read.All');
    await tenant.control.loadScenario(s);
    const tok = (await signIn(tenant, { scope: `${ALL_SCOPES} https://graph.microsoft.com/GroupMember.Read.All` }))
      .access_token;
    const ok = await get(`/groups/${INT_GROUP}?$select=displayName`, tok);
    expect(ok.json()).toEqual({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#groups(displayName)/$entity',
      id: INT_GROUP,
      displayName: 'PIM – INT – Exchange administrator',
    });
  });
});

describe('policies', () => {
  it('returns the 17 rules with the end-user rules from the scenario', async () => {
    const r = await get(
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3'&$expand=policy($expand=rules)`,
    );
    const [assignment] = r.json().value;
    expect(assignment).toMatchObject({
      scopeId: '/',
      scopeType: 'DirectoryRole',
      roleDefinitionId: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
    });
    expect(assignment.policyId).toMatch(/^DirectoryRole_6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b_/);
    const rules = assignment.policy.rules as { id: string; [k: string]: unknown }[];
    expect(rules).toHaveLength(17);
    const rule = (id: string) => rules.find((x) => x.id === id)!;
    expect(rule('Expiration_EndUser_Assignment')).toMatchObject({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      maximumDuration: 'PT2H',
      isExpirationRequired: true,
      target: { caller: 'EndUser', level: 'Assignment' },
    });
    expect(rule('AuthenticationContext_EndUser_Assignment')).toMatchObject({ isEnabled: true, claimValue: 'c1' });
    expect(rule('Enablement_EndUser_Assignment')).toMatchObject({ enabledRules: ['Justification'] });
    expect(rule('Approval_EndUser_Assignment')).toMatchObject({ setting: { isApprovalRequired: false } });
  });

  it('group policy for member, approval on Global Administrator, and 400 without scopeId/scopeType', async () => {
    const g = await get(
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '${TEAMS_GROUP}' and scopeType eq 'Group' and roleDefinitionId eq 'member'&$expand=policy($expand=rules)`,
    );
    const rules = g.json().value[0].policy.rules as { id: string; maximumDuration?: string; enabledRules?: string[] }[];
    expect(rules.find((x) => x.id === 'Expiration_EndUser_Assignment')!.maximumDuration).toBe('PT4H');
    expect(rules.find((x) => x.id === 'Enablement_EndUser_Assignment')!.enabledRules).toEqual([]);
    const ga = await get(
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${GA}'&$expand=policy($expand=rules)`,
    );
    expect(
      ga.json().value[0].policy.rules.find((x: { id: string }) => x.id === 'Approval_EndUser_Assignment').setting,
    ).toMatchObject({ isApprovalRequired: true, approvalMode: 'SingleStage' });
    const missing = await get(`/policies/roleManagementPolicyAssignments?$filter=roleDefinitionId eq '${GA}'`);
    expect(missing.status).toBe(400);
  });
});

describe('auth and pinned responses', () => {
  it('401 InvalidAuthenticationToken when the token expired on the stand-in clock or was not minted here', async () => {
    const path = "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')";
    await tenant.control.advance(61 * MIN);
    const expired = await get(path);
    expect(expired.status).toBe(401);
    expect(expired.json().error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token has expired or is not yet valid.',
    });
    const parts = token.split('.');
    const forged = `${parts[0]}.${parts[1]}.${'A'.repeat(43)}`;
    expect((await get(path, forged)).status).toBe(401);
    expect((await graph(tenant, '', 'GET', enc(path))).status).toBe(401);
  });

  it('403 when the token lacks the scope', async () => {
    const tok = (
      await signIn(tenant, {
        scope: 'https://graph.microsoft.com/RoleEligibilitySchedule.ReadWrite.Directory openid profile offline_access',
      })
    ).access_token;
    const r = await get(
      "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/filterByCurrentUser(on='principal')",
      tok,
    );
    expect(r.status).toBe(403);
  });

  it('replays a pinned response for an exact path + query', async () => {
    const s = JSON.parse(readFileSync(DEFAULT, 'utf8'));
    s.pinned = [
      {
        path: "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition",
        body: { value: [{ id: 'from-docs' }] },
      },
    ];
    await tenant.control.loadScenario(s);
    const tok = (await signIn(tenant)).access_token;
    const r = await get(
      "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition",
      tok,
    );
    expect(r.json()).toEqual({ value: [{ id: 'from-docs' }] });
  });
});
