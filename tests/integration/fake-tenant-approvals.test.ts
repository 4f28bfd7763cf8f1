/**
 * The stand-in's approver side (issue 15): the approver's request list, the approval objects (beta for roles, v1.0 for
 * groups), the decision PATCH and its documented answers, the 24-hour window, and the control API deciding first.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { call, enc, graph, requestAs, signIn, type HttpResult } from '../fake-tenant/testing.ts';
import { GROUP_INT_EXCHANGE, REQUESTER, ROLE, withApprovals } from '../e2e/scenarios.ts';

let tenant: FakeTenant;
let admin: string;
const ROLE_REQ = '/roleManagement/directory/roleAssignmentScheduleRequests';
const GROUP_REQ = '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests';
const APPROVER = "filterByCurrentUser(on='approver')?$filter=status eq 'PendingApproval'";
const ROLE_APPROVALS = '/roleManagement/directory/roleAssignmentApprovals';
const GROUP_APPROVALS = '/identityGovernance/privilegedAccess/group/assignmentApprovals';

const beta = (method: string, path: string, body?: unknown, token = admin): Promise<HttpResult> =>
  call(tenant, {
    host: 'graph.microsoft.com',
    method,
    path: `/beta${path}`,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
const askForGlobalAdmin = async () =>
  (
    await requestAs(
      tenant,
      REQUESTER.userPrincipalName,
      REQUESTER.id,
      { roleDefinitionId: ROLE.globalAdmin },
      'Fix CA policy',
    )
  ).json<{
    id: string;
    approvalId: string;
    status: string;
  }>();
const askForGroup = async () =>
  (
    await requestAs(
      tenant,
      REQUESTER.userPrincipalName,
      REQUESTER.id,
      { groupId: GROUP_INT_EXCHANGE, accessId: 'member' },
      'Mailbox move',
    )
  ).json<{ id: string; approvalId: string; status: string }>();

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(() => tenant.close());
beforeEach(async () => {
  await tenant.control.loadScenario(withApprovals());
  admin = (await signIn(tenant)).access_token;
});

describe('stand-in: approvals', () => {
  it("lists the requester's Global Administrator request for its approver, with the requester expanded; not for others", async () => {
    const asked = await askForGlobalAdmin();
    expect(asked.status).toBe('PendingApproval');
    const list = await graph(tenant, admin, 'GET', enc(`${ROLE_REQ}/${APPROVER}&$expand=roleDefinition,principal`));
    expect(list.status).toBe(200);
    expect(list.json().value).toEqual([
      expect.objectContaining({
        id: asked.id,
        approvalId: asked.approvalId,
        justification: 'Fix CA policy',
        principal: expect.objectContaining({ userPrincipalName: REQUESTER.userPrincipalName }),
        roleDefinition: expect.objectContaining({ displayName: 'Global Administrator' }),
      }),
    ]);
    const requester = (await signIn(tenant, { upn: REQUESTER.userPrincipalName })).access_token;
    const own = await graph(tenant, requester, 'GET', enc(`${ROLE_REQ}/${APPROVER}`));
    expect(own.json().value).toEqual([]);
  });

  it('role approval steps are beta only; Approve → 204, the request is active; a second PATCH → 409', async () => {
    const asked = await askForGlobalAdmin();
    expect((await graph(tenant, admin, 'GET', `${ROLE_APPROVALS}/${asked.approvalId}`)).json().error.message).toMatch(
      /segment 'roleAssignmentApprovals'/,
    );
    const approval = await beta('GET', `${ROLE_APPROVALS}/${asked.approvalId}`);
    expect(approval.status).toBe(200);
    const step = approval.json().steps[0];
    expect(step).toMatchObject({ status: 'InProgress', reviewResult: 'NotReviewed', assignedToMe: true });
    const path = `${ROLE_APPROVALS}/${asked.approvalId}/steps/${step.id}`;
    expect((await beta('PATCH', path, { reviewResult: 'Approve', justification: '' })).status).toBe(400);
    const ok = await beta('PATCH', path, { reviewResult: 'Approve', justification: 'Change CHG-1' });
    expect(ok.status).toBe(204);
    const state = await tenant.control.state();
    expect(state.activeAssignments).toContainEqual(
      expect.objectContaining({ principalId: REQUESTER.id, roleDefinitionId: ROLE.globalAdmin }),
    );
    expect((await beta('PATCH', path, { reviewResult: 'Deny', justification: 'x' })).status).toBe(409);
    const list = await graph(tenant, admin, 'GET', enc(`${ROLE_REQ}/${APPROVER}`));
    expect(list.json().value).toEqual([]);
  });

  it('group approvals are v1.0 (stages), Deny without a justification where the policy does not ask for one', async () => {
    const asked = await askForGroup();
    const approval = await graph(tenant, admin, 'GET', `${GROUP_APPROVALS}/${asked.id}`);
    expect(approval.status).toBe(200);
    const stage = approval.json().stages[0];
    const denied = await graph(tenant, admin, 'PATCH', `${GROUP_APPROVALS}/${asked.id}/steps/${stage.id}`, {
      reviewResult: 'Deny',
      justification: '',
    });
    expect(denied.status).toBe(204);
    expect((await tenant.control.state()).requests).toContainEqual(
      expect.objectContaining({ id: asked.id, status: 'Denied' }),
    );
  });

  it('another approver first → 409; the requester is not an approver → 403; 24 h later the request has expired', async () => {
    const first = await askForGlobalAdmin();
    const step = (await beta('GET', `${ROLE_APPROVALS}/${first.approvalId}`)).json().steps[0];
    await tenant.control.approve(first.id);
    const late = await beta('PATCH', `${ROLE_APPROVALS}/${first.approvalId}/steps/${step.id}`, {
      reviewResult: 'Approve',
      justification: 'ok',
    });
    expect(late.status).toBe(409);

    const group = await askForGroup();
    const requester = (await signIn(tenant, { upn: REQUESTER.userPrincipalName })).access_token;
    const stage = (await graph(tenant, admin, 'GET', `${GROUP_APPROVALS}/${group.id}`)).json().stages[0];
    const own = await graph(tenant, requester, 'PATCH', `${GROUP_APPROVALS}/${group.id}/steps/${stage.id}`, {
      reviewResult: 'Approve',
      justification: 'me',
    });
    expect(own.status).toBe(403);

    await tenant.control.advance(24 * 3_600_000);
    admin = (await signIn(tenant)).access_token;
    const expired = await graph(tenant, admin, 'PATCH', `${GROUP_APPROVALS}/${group.id}/steps/${stage.id}`, {
      reviewResult: 'Approve',
      justification: 'ok',
    });
    expect(expired.status).toBe(400);
    expect((await graph(tenant, admin, 'GET', enc(`${GROUP_REQ}/${APPROVER}`))).json().value).toEqual([]);
  });

  it('needs the write permission to decide: a token with only the read permission gets 403', async () => {
    const scenario = withApprovals() as ReturnType<typeof withApprovals> & { app: { grantedScopes: string[] } };
    scenario.app.grantedScopes.push('RoleAssignmentSchedule.Read.Directory');
    await tenant.control.loadScenario(scenario);
    const asked = await askForGlobalAdmin();
    const readOnly = (
      await signIn(tenant, {
        scope: 'https://graph.microsoft.com/RoleAssignmentSchedule.Read.Directory openid profile offline_access',
      })
    ).access_token;
    const step = (await beta('GET', `${ROLE_APPROVALS}/${asked.approvalId}`, undefined, readOnly)).json().steps[0];
    const r = await beta(
      'PATCH',
      `${ROLE_APPROVALS}/${asked.approvalId}/steps/${step.id}`,
      { reviewResult: 'Approve', justification: 'ok' },
      readOnly,
    );
    expect(r.status).toBe(403);
  });
});
