import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { enc, graph, signIn } from '../fake-tenant/testing.ts';

let tenant: FakeTenant;
let token: string;
const ME = '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71';
const ROLES = {
  ga: '62e90394-69f5-4237-9190-012177145e10',
  exo: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  secReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  appAdmin: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  teams: '69091246-20e8-4a56-aa4d-066075b2a7a8',
};
const OSLO = '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09';
const TEAMS_GROUP = '4e6d8f0a-2b1c-4d3e-8f5a-6b7c8d9e0f12';
const INT_GROUP = '0b1e7c3a-5d2f-4e8b-9a6c-4d3e2f1a0b91';
const MIN = 60_000;
const ROLE_REQ = '/roleManagement/directory/roleAssignmentScheduleRequests';
const GROUP_REQ = '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests';
const MY_ROLES = "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')";

function activation(roleDefinitionId: string, extra: Record<string, unknown> = {}, duration = 'PT1H') {
  return {
    action: 'selfActivate',
    principalId: ME,
    roleDefinitionId,
    directoryScopeId: '/',
    justification: 'Mailbox migration',
    scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration } },
    ...extra,
  };
}
const post = (path: string, body: unknown, tok = token) => graph(tenant, tok, 'POST', path, body);
const myRoles = async (tok = token) =>
  (await graph(tenant, tok, 'GET', enc(MY_ROLES))).json().value as {
    roleDefinitionId: string;
    assignmentType: string;
    memberType: string;
    endDateTime: string;
  }[];

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(() => tenant.close());
beforeEach(async () => {
  await tenant.control.loadScenario('tests/fake-tenant/scenarios/default.json');
  token = (await signIn(tenant)).access_token;
});

describe('role activation rules', () => {
  it('activates immediately: 201 Provisioned and an Activated instance', async () => {
    const r = await post(ROLE_REQ, activation(ROLES.exo, { directoryScopeId: OSLO }, 'PT2H'));
    expect(r.status).toBe(201);
    const body = r.json();
    expect(body).toMatchObject({
      status: 'Provisioned',
      action: 'selfActivate',
      principalId: ME,
      roleDefinitionId: ROLES.exo,
      directoryScopeId: OSLO,
      isValidationOnly: false,
      justification: 'Mailbox migration',
    });
    expect(body.scheduleInfo.expiration).toMatchObject({ type: 'afterDuration', duration: 'PT2H' });
    const active = (await myRoles()).find((a) => a.roleDefinitionId === ROLES.exo)!;
    expect(active).toMatchObject({ assignmentType: 'Activated', memberType: 'Direct' });
    expect(Date.parse(active.endDateTime) - Date.parse(await tenant.control.now())).toBeGreaterThan(119 * MIN);
  });

  it.each([
    ['EligibilityRule (wrong scope)', activation(ROLES.exo), '["EligibilityRule"]'],
    ['EligibilityRule (not eligible)', activation(ROLES.teams), '["EligibilityRule"]'],
    [
      'JustificationRule + TicketingRule together',
      activation(ROLES.userAdmin, { justification: '' }),
      '["JustificationRule","TicketingRule"]',
    ],
    [
      'ExpirationRule for noExpiration',
      { ...activation(ROLES.exo, { directoryScopeId: OSLO }), scheduleInfo: { expiration: { type: 'noExpiration' } } },
      '["ExpirationRule"]',
    ],
  ])('%s → RoleAssignmentRequestPolicyValidationFailed', async (_name, body, rules) => {
    const r = await post(ROLE_REQ, body);
    expect(r.status).toBe(400);
    expect(r.json().error).toMatchObject({
      code: 'RoleAssignmentRequestPolicyValidationFailed',
      message: `The following policy rules failed: ${rules}`,
    });
  });

  it('ExpirationRule respects non-whole-hour maxima (PT1H45M ok, PT1H46M not)', async () => {
    const ticket = { ticketInfo: { ticketNumber: 'CHG-1', ticketSystem: 'ServiceNow' } };
    await tenant.control.advance(41 * MIN); // let the existing Security Reader activation expire
    token = (await signIn(tenant)).access_token;
    const over = await post(ROLE_REQ, activation(ROLES.secReader, ticket, 'PT1H46M'));
    expect(over.json().error.message).toBe('The following policy rules failed: ["ExpirationRule"]');
    expect((await post(ROLE_REQ, activation(ROLES.secReader, ticket, 'PT1H45M'))).status).toBe(201);
  });

  it('MfaRule when the policy requires MFA and the token has no mfa amr; passes after step-up', async () => {
    const scenario = JSON.parse(readFileSync('tests/fake-tenant/scenarios/default.json', 'utf8'));
    scenario.policies.find((p: { roleDefinitionId?: string }) => p.roleDefinitionId === ROLES.exo).enabledRules = [
      'MultiFactorAuthentication',
      'Justification',
    ];
    await tenant.control.loadScenario(scenario);
    const plain = (await signIn(tenant)).access_token;
    const r = await post(ROLE_REQ, activation(ROLES.exo, { directoryScopeId: OSLO }), plain);
    expect(r.json().error).toMatchObject({
      code: 'RoleAssignmentRequestPolicyValidationFailed',
      message: 'The following policy rules failed: ["MfaRule"]',
    });
    const mfa = (await signIn(tenant, { claims: '{"access_token":{"amr":{"values":["mfa"]}}}' })).access_token;
    expect((await post(ROLE_REQ, activation(ROLES.exo, { directoryScopeId: OSLO }), mfa)).status).toBe(201);
  });

  it('authentication context: RoleAssignmentRequestAcrsValidationFailed with claims, then success with an acrs token', async () => {
    const r = await post(ROLE_REQ, activation(ROLES.appAdmin));
    expect(r.status).toBe(400);
    const err = r.json().error;
    expect(err.code).toBe('RoleAssignmentRequestAcrsValidationFailed');
    const claims = decodeURIComponent(/&claims=(.*)$/.exec(err.message)![1]!);
    expect(JSON.parse(claims)).toEqual({ access_token: { acrs: { essential: true, value: 'c1' } } });
    const stepped = (await signIn(tenant, { claims })).access_token;
    expect((await post(ROLE_REQ, activation(ROLES.appAdmin), stepped)).json().status).toBe('Provisioned');
  });

  it('RoleAssignmentExists when already active; isValidationOnly changes nothing', async () => {
    const again = await post(
      ROLE_REQ,
      activation(ROLES.secReader, { ticketInfo: { ticketNumber: '1', ticketSystem: 'SN' } }),
    );
    expect(again.json().error).toMatchObject({
      code: 'RoleAssignmentExists',
      message: 'The Role assignment already exists.',
    });
    const dry = await post(ROLE_REQ, activation(ROLES.exo, { directoryScopeId: OSLO, isValidationOnly: true }));
    expect(dry.status).toBe(201);
    expect(dry.json().isValidationOnly).toBe(true);
    expect((await myRoles()).map((a) => a.roleDefinitionId)).toEqual([ROLES.secReader]);
  });
});

describe('approval, deactivation, time', () => {
  it('approval required → PendingApproval; PendingRoleAssignmentRequest; approve via control → active; deny → Denied', async () => {
    const r = await post(ROLE_REQ, activation(ROLES.ga));
    const req = r.json();
    expect(req).toMatchObject({ status: 'PendingApproval', approvalId: req.id, completedDateTime: null });
    expect((await post(ROLE_REQ, activation(ROLES.ga))).json().error.code).toBe('PendingRoleAssignmentRequest');
    await tenant.control.approve(req.id);
    expect((await myRoles()).some((a) => a.roleDefinitionId === ROLES.ga)).toBe(true);
    expect((await graph(tenant, token, 'GET', `${ROLE_REQ}/${req.id}`)).json().status).toBe('Provisioned');

    await tenant.control.loadScenario('tests/fake-tenant/scenarios/default.json');
    token = (await signIn(tenant)).access_token;
    const second = (await post(ROLE_REQ, activation(ROLES.ga))).json();
    await tenant.control.deny(second.id);
    expect((await graph(tenant, token, 'GET', `${ROLE_REQ}/${second.id}`)).json().status).toBe('Denied');
    expect((await myRoles()).some((a) => a.roleDefinitionId === ROLES.ga)).toBe(false);
  });

  it('cancel a pending request → 204 Canceled; cancelling a Provisioned one → 400', async () => {
    const pending = (await post(ROLE_REQ, activation(ROLES.ga))).json();
    const c = await post(`${ROLE_REQ}/${pending.id}/cancel`, undefined);
    expect(c.status).toBe(204);
    expect((await graph(tenant, token, 'GET', `${ROLE_REQ}/${pending.id}`)).json().status).toBe('Canceled');
    const done = (await post(ROLE_REQ, activation(ROLES.exo, { directoryScopeId: OSLO }))).json();
    expect((await post(`${ROLE_REQ}/${done.id}/cancel`, undefined)).status).toBe(400);
  });

  it('deactivation: ActiveDurationTooShort within 5 minutes, Revoked after, RoleAssignmentDoesNotExist when gone', async () => {
    const deact = { action: 'selfDeactivate', principalId: ME, roleDefinitionId: ROLES.exo, directoryScopeId: OSLO };
    await post(ROLE_REQ, activation(ROLES.exo, { directoryScopeId: OSLO }));
    const early = await post(ROLE_REQ, deact);
    expect(early.json().error).toMatchObject({
      code: 'ActiveDurationTooShort',
      message: 'The Active duration is too short. Miniumum Required is 5 minutes.',
    });
    await tenant.control.advance(5 * MIN);
    const ok = await post(ROLE_REQ, deact);
    expect(ok.status).toBe(201);
    expect(ok.json()).toMatchObject({ status: 'Revoked', action: 'selfDeactivate' });
    expect((await myRoles()).some((a) => a.roleDefinitionId === ROLES.exo)).toBe(false);
    expect((await post(ROLE_REQ, deact)).json().error.code).toBe('RoleAssignmentDoesNotExist');
  });

  it('a future start → Granted, no instance until the clock passes it; then it expires', async () => {
    const start = new Date(Date.parse(await tenant.control.now()) + 30 * MIN).toISOString();
    const body = activation(ROLES.exo, {
      directoryScopeId: OSLO,
      scheduleInfo: { startDateTime: start, expiration: { type: 'afterDuration', duration: 'PT1H' } },
    });
    const r = (await post(ROLE_REQ, body)).json();
    expect(r.status).toBe('Granted');
    expect((await myRoles()).some((a) => a.roleDefinitionId === ROLES.exo)).toBe(false);
    await tenant.control.advance(31 * MIN);
    token = (await signIn(tenant)).access_token;
    expect((await myRoles()).some((a) => a.roleDefinitionId === ROLES.exo)).toBe(true);
    expect((await graph(tenant, token, 'GET', `${ROLE_REQ}/${r.id}`)).json().status).toBe('Provisioned');
    await tenant.control.advance(60 * MIN);
    token = (await signIn(tenant)).access_token;
    expect((await myRoles()).some((a) => a.roleDefinitionId === ROLES.exo)).toBe(false);
  });

  it('eligibility selfExtend becomes a request waiting for an admin; approving extends the eligibility', async () => {
    const end = new Date(Date.parse(await tenant.control.now()) + 180 * 86_400_000).toISOString();
    const r = await post('/roleManagement/directory/roleEligibilityScheduleRequests', {
      action: 'selfExtend',
      principalId: ME,
      roleDefinitionId: ROLES.userAdmin,
      directoryScopeId: '/',
      justification: 'Still on the helpdesk rota',
      scheduleInfo: {
        startDateTime: new Date().toISOString(),
        expiration: { type: 'afterDateTime', endDateTime: end },
      },
    });
    expect(r.status).toBe(201);
    expect(r.json().status).toBe('PendingAdminDecision');
    await tenant.control.approve(r.json().id);
    const elig = (
      await graph(
        tenant,
        token,
        'GET',
        enc("/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')"),
      )
    )
      .json()
      .value.find((e: { roleDefinitionId: string }) => e.roleDefinitionId === ROLES.userAdmin);
    expect(Date.parse(elig.endDateTime)).toBe(Date.parse(end.replace(/\.\d+Z$/, 'Z')));
  });
});

describe('group activation', () => {
  it('selfActivate a group membership: Provisioned, targetScheduleId, group-held roles appear as memberType Group; deactivate', async () => {
    const body = {
      accessId: 'member',
      principalId: ME,
      groupId: TEAMS_GROUP,
      action: 'selfActivate',
      scheduleInfo: {
        startDateTime: new Date().toISOString(),
        expiration: { type: 'afterDuration', duration: 'PT4H' },
      },
    };
    const r = await post(GROUP_REQ, body);
    expect(r.status).toBe(201);
    const req = r.json();
    expect(req).toMatchObject({ status: 'Provisioned', accessId: 'member', groupId: TEAMS_GROUP });
    expect(req.targetScheduleId).toBe(`${TEAMS_GROUP}_member_${req.id}`);
    const active = (
      await graph(
        tenant,
        token,
        'GET',
        enc(
          "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/filterByCurrentUser(on='principal')",
        ),
      )
    ).json().value;
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ assignmentType: 'activated', groupId: TEAMS_GROUP });
    const viaGroup = (await myRoles()).filter((a) => a.memberType === 'Group').map((a) => a.roleDefinitionId);
    expect(viaGroup).toContain(ROLES.teams);
    expect(
      (
        await post(GROUP_REQ, {
          ...body,
          scheduleInfo: { ...body.scheduleInfo, expiration: { type: 'afterDuration', duration: 'PT5H' } },
        })
      ).json().error.code,
    ).toBe('RoleAssignmentExists');
    await tenant.control.advance(6 * MIN);
    const off = await post(GROUP_REQ, {
      accessId: 'member',
      principalId: ME,
      groupId: TEAMS_GROUP,
      action: 'selfDeactivate',
    });
    expect(off.json().status).toBe('Revoked');
  });

  it('group rules: justification required on INT group, max PT4H on Teams group, no selfExtend for groups', async () => {
    const base = {
      accessId: 'member',
      principalId: ME,
      action: 'selfActivate',
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
    };
    expect((await post(GROUP_REQ, { ...base, groupId: INT_GROUP })).json().error.message).toBe(
      'The following policy rules failed: ["JustificationRule"]',
    );
    const long = {
      ...base,
      groupId: TEAMS_GROUP,
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT5H' } },
    };
    expect((await post(GROUP_REQ, long)).json().error.message).toBe(
      'The following policy rules failed: ["ExpirationRule"]',
    );
    expect((await post(GROUP_REQ, { ...base, groupId: TEAMS_GROUP, action: 'selfExtend' })).status).toBe(400);
  });
});
