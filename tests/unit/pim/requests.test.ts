import { describe, expect, it } from 'vitest';
import type { Assignment } from '../../../lib/pim/model';
import {
  ScheduleRequestResponse,
  activate,
  canDeactivate,
  cancelRequest,
  deactivate,
  extendActivation,
  groupSelfActivate,
  groupSelfDeactivate,
  requestOutcome,
  roleSelfActivate,
  roleSelfDeactivate,
  roleSelfExtendEligibility,
} from '../../../lib/pim/requests';

const now = new Date('2026-11-22T10:00:00.000Z');
const me = '071cc716-8147-4397-a5ba-b2105951cc0b';
const role = { principalId: me, roleDefinitionId: '8424c6f0-a189-499e-bbd0-26c1753c96d4', directoryScopeId: '/' };
const group = { principalId: me, groupId: '2b5ed229-4072-478d-9504-a047ebd4b07d', accessId: 'member' as const };

function assignment(over: Partial<Assignment>): Assignment {
  return {
    key: 'role:8424c6f0-a189-499e-bbd0-26c1753c96d4:/',
    kind: 'role',
    state: 'active',
    id: 'inst-1',
    principalId: me,
    targetId: '8424c6f0-a189-499e-bbd0-26c1753c96d4',
    displayName: 'Exchange Administrator',
    directoryScopeId: '/',
    scopeName: null,
    accessId: null,
    assignmentType: 'Activated',
    memberType: 'direct',
    startDateTime: '2026-11-22T09:00:00Z',
    endDateTime: '2026-11-22T11:00:00Z',
    grants: [],
    status: null,
    justification: null,
    ...over,
  };
}

describe('directory role requests', () => {
  it('selfActivate: ids copied, start now, afterDuration, ticket when given', () => {
    expect(
      roleSelfActivate(role, {
        justification: '  Need access to update the CA policy ',
        durationMinutes: 300,
        now,
        ticket: { ticketNumber: 'CONTOSO:Normal-67890', ticketSystem: 'MS Project' },
      }),
    ).toEqual({
      method: 'POST',
      path: '/roleManagement/directory/roleAssignmentScheduleRequests',
      body: {
        action: 'selfActivate',
        principalId: me,
        roleDefinitionId: '8424c6f0-a189-499e-bbd0-26c1753c96d4',
        directoryScopeId: '/',
        justification: 'Need access to update the CA policy',
        scheduleInfo: {
          startDateTime: '2026-11-22T10:00:00.000Z',
          expiration: { type: 'afterDuration', duration: 'PT5H' },
        },
        ticketInfo: { ticketNumber: 'CONTOSO:Normal-67890', ticketSystem: 'MS Project' },
      },
    });
  });

  it('selfActivate: copies an administrative-unit scope exactly and omits ticketInfo without a ticket number', () => {
    const body = roleSelfActivate(
      { ...role, directoryScopeId: '/administrativeUnits/5d107bba-d8e2-4e7d-8fb6-3d3e8f1c7f0a' },
      {
        justification: 'Reset passwords in Sales AU',
        durationMinutes: 105,
        now,
        ticket: { ticketNumber: '  ', ticketSystem: 'Jira' },
      },
    ).body!;
    expect(body.directoryScopeId).toBe('/administrativeUnits/5d107bba-d8e2-4e7d-8fb6-3d3e8f1c7f0a');
    expect(body.scheduleInfo.expiration).toEqual({ type: 'afterDuration', duration: 'PT1H45M' });
    expect(body).not.toHaveProperty('ticketInfo');
  });

  it.each([
    ['a future start schedules the activation', new Date('2026-11-22T12:00:00.000Z'), '2026-11-22T12:00:00.000Z'],
    ['a past start is treated as now', new Date('2026-11-22T08:00:00.000Z'), '2026-11-22T10:00:00.000Z'],
  ])('selfActivate: %s', (_, startAt, expected) => {
    expect(
      roleSelfActivate(role, { justification: 'x y', durationMinutes: 60, now, startAt }).body!.scheduleInfo
        .startDateTime,
    ).toBe(expected);
  });

  it('selfActivate: a ticket without a system sends only the number', () => {
    expect(
      roleSelfActivate(role, { justification: 'x y', durationMinutes: 60, now, ticket: { ticketNumber: 'INC1' } }).body!
        .ticketInfo,
    ).toEqual({ ticketNumber: 'INC1' });
  });

  it('selfDeactivate: no scheduleInfo', () => {
    expect(roleSelfDeactivate(role)).toEqual({
      method: 'POST',
      path: '/roleManagement/directory/roleAssignmentScheduleRequests',
      body: {
        action: 'selfDeactivate',
        principalId: me,
        roleDefinitionId: '8424c6f0-a189-499e-bbd0-26c1753c96d4',
        directoryScopeId: '/',
      },
    });
    expect(roleSelfDeactivate(role, 'Done early').body).toHaveProperty('justification', 'Done early');
  });

  it('selfExtend goes to the eligibility requests with the wanted new end', () => {
    expect(
      roleSelfExtendEligibility(role, {
        justification: 'Still on the Exchange project',
        until: new Date('2027-06-01T00:00:00Z'),
        now,
      }),
    ).toEqual({
      method: 'POST',
      path: '/roleManagement/directory/roleEligibilityScheduleRequests',
      body: {
        action: 'selfExtend',
        principalId: me,
        roleDefinitionId: '8424c6f0-a189-499e-bbd0-26c1753c96d4',
        directoryScopeId: '/',
        justification: 'Still on the Exchange project',
        scheduleInfo: {
          startDateTime: '2026-11-22T10:00:00.000Z',
          expiration: { type: 'afterDateTime', endDateTime: '2027-06-01T00:00:00.000Z' },
        },
      },
    });
    expect(
      roleSelfExtendEligibility(role, { justification: 'r', until: now, now, action: 'selfRenew' }).body.action,
    ).toBe('selfRenew');
  });
});

describe('PIM for Groups requests', () => {
  it('selfActivate has accessId and groupId', () => {
    expect(groupSelfActivate(group, { justification: 'Exchange change window', durationMinutes: 120, now })).toEqual({
      method: 'POST',
      path: '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
      body: {
        accessId: 'member',
        principalId: me,
        groupId: '2b5ed229-4072-478d-9504-a047ebd4b07d',
        action: 'selfActivate',
        scheduleInfo: {
          startDateTime: '2026-11-22T10:00:00.000Z',
          expiration: { type: 'afterDuration', duration: 'PT2H' },
        },
        justification: 'Exchange change window',
      },
    });
  });

  it('selfDeactivate has no scheduleInfo', () => {
    expect(groupSelfDeactivate({ ...group, accessId: 'owner' })).toEqual({
      method: 'POST',
      path: '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
      body: {
        accessId: 'owner',
        principalId: me,
        groupId: '2b5ed229-4072-478d-9504-a047ebd4b07d',
        action: 'selfDeactivate',
      },
    });
  });
});

describe('cancel', () => {
  it.each([
    ['role', '/roleManagement/directory/roleAssignmentScheduleRequests/req-1/cancel'],
    ['group', '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests/req-1/cancel'],
  ] as const)('%s requests are cancelled by id with no body', (kind, path) => {
    expect(cancelRequest(kind, 'req-1')).toEqual({ method: 'POST', path });
  });

  it('encodes the id', () => {
    expect(cancelRequest('role', 'a/b').path).toContain('/a%2Fb/cancel');
  });
});

describe('from a snapshot assignment', () => {
  it('uses the signed-in user as principal, not the eligibility principal (a group for group-derived eligibilities)', () => {
    const viaGroup = assignment({ state: 'eligible', principalId: 'role-assignable-group-id', memberType: 'group' });
    expect(activate(viaGroup, me, { justification: 'r s', durationMinutes: 60, now }).body).toMatchObject({
      principalId: me,
    });
  });

  it('dispatches groups and roles', () => {
    const g = assignment({ kind: 'group', key: 'group:g1:owner', targetId: 'g1', accessId: 'owner' });
    expect(activate(g, me, { justification: 'r s', durationMinutes: 60, now }).body).toMatchObject({
      groupId: 'g1',
      accessId: 'owner',
      action: 'selfActivate',
    });
    expect(deactivate(g, me)).toEqual(groupSelfDeactivate({ principalId: me, groupId: 'g1', accessId: 'owner' }));
    expect(deactivate(assignment({}), me)).toEqual(roleSelfDeactivate(role));
  });

  it('extends an activation with a new selfActivate that starts at the current end, clamped by the policy', () => {
    const req = extendActivation(assignment({ endDateTime: '2026-11-22T11:00:00Z' }), me, {
      justification: 'More time',
      durationMinutes: 240,
      maxMinutes: 105,
      now,
    });
    expect(req.path).toBe('/roleManagement/directory/roleAssignmentScheduleRequests');
    expect(req.body).toMatchObject({
      action: 'selfActivate',
      scheduleInfo: {
        startDateTime: '2026-11-22T11:00:00.000Z',
        expiration: { type: 'afterDuration', duration: 'PT1H45M' },
      },
    });
  });

  it('extending an activation that already ended starts now', () => {
    const req = extendActivation(assignment({ endDateTime: '2026-11-22T09:30:00Z' }), me, {
      justification: 'More',
      durationMinutes: 60,
      maxMinutes: 480,
      now,
    });
    expect(req.body && 'scheduleInfo' in req.body && req.body.scheduleInfo.startDateTime).toBe(
      '2026-11-22T10:00:00.000Z',
    );
  });
});

describe('canDeactivate', () => {
  const started = '2026-11-22T10:00:00.000Z';
  const at = (mmss: string) => {
    const [m, s] = mmss.split(':').map(Number);
    return new Date(Date.parse(started) + (m! * 60 + s!) * 1000);
  };

  it.each([
    ['0:00', { ok: false, reason: 'too-soon', availableAt: '2026-11-22T10:05:00.000Z' }],
    ['4:59', { ok: false, reason: 'too-soon', availableAt: '2026-11-22T10:05:00.000Z' }],
    ['5:00', { ok: true }],
    ['45:00', { ok: true }],
  ])('%s after the start → %j', (elapsed, expected) => {
    expect(canDeactivate(assignment({ startDateTime: started }), at(elapsed))).toEqual(expected);
  });

  it.each<[string, Partial<Assignment>, string]>([
    ['a standing (Assigned) assignment', { assignmentType: 'Assigned' }, 'not-activated'],
    ['an eligibility', { state: 'eligible', assignmentType: null }, 'not-activated'],
    ['a pending request', { state: 'pending', assignmentType: null }, 'not-activated'],
    ['an activation held through a group', { memberType: 'group' }, 'via-group'],
    ['an inherited activation', { memberType: 'inherited' }, 'via-group'],
  ])('refuses %s', (_, over, reason) => {
    expect(canDeactivate(assignment({ startDateTime: started, ...over }), at('30:00'))).toEqual({ ok: false, reason });
  });

  it('lets PIM decide when the start is unknown', () => {
    expect(canDeactivate(assignment({ startDateTime: null }), now)).toEqual({ ok: true });
  });
});

describe('request outcome', () => {
  it.each([
    ['Provisioned', 'done'],
    ['Granted', 'scheduled'],
    ['PendingApproval', 'pending-approval'],
    ['pendingAdminDecision', 'pending-approval'],
    ['Revoked', 'revoked'],
    ['Canceled', 'canceled'],
    ['Denied', 'denied'],
    ['Failed', 'failed'],
    ['PendingProvisioning', 'in-progress'],
    ['PendingEvaluation', 'in-progress'],
    ['SomethingNew', 'in-progress'],
  ])('%s → %s', (status, outcome) => {
    expect(requestOutcome(status)).toBe(outcome);
  });

  it('parses the created request leniently', () => {
    const r = ScheduleRequestResponse.parse({
      id: 'req-1',
      status: 'PendingApproval',
      approvalId: 'req-1',
      scheduleInfo: {},
      extra: true,
    });
    expect(r).toMatchObject({ id: 'req-1', status: 'PendingApproval', approvalId: 'req-1' });
    expect(ScheduleRequestResponse.safeParse({ status: 'Provisioned' }).success).toBe(false);
  });
});
