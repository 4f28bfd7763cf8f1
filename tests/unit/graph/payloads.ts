/**
 * Graph-shaped payloads modelled on the Graph docs' examples (field names, casing quirks and all), trimmed to the
 * fields that matter plus a few extra ones we must ignore.
 */
export const ME = '9f2c4a3e-0b1d-4c55-9a61-7d1e2f3a4b5c';
export const ROLE = {
  exchangeAdmin: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  helpdeskAdmin: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
};
export const AU = 'a1b2c3d4-0000-4000-8000-000000000001';
export const GROUP = {
  exchangeOps: 'c0ffee00-1111-4222-8333-444455556666',
  tier0: 'deadbeef-aaaa-4bbb-8ccc-ddddeeeeffff',
};

export const roleEligibility = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(unifiedRoleEligibilityScheduleInstance)',
  value: [
    {
      id: 'Q9Bb2cu7t0u_j2V0ZwAl6zyY0KJ6Wr9Dg6jZBn5ZALw-1-e',
      principalId: ME,
      roleDefinitionId: ROLE.exchangeAdmin,
      directoryScopeId: '/',
      appScopeId: null,
      startDateTime: '2024-01-10T08:00:00Z',
      endDateTime: '2024-07-10T08:00:00Z',
      memberType: 'Direct',
      roleEligibilityScheduleId: '8c3e6ad7-59fa-4a09-9f5e-e9a5e6e2d1e0',
      roleDefinition: {
        id: ROLE.exchangeAdmin,
        displayName: 'Exchange Administrator',
        isBuiltIn: true,
        rolePermissions: [],
      },
      directoryScope: null,
    },
    {
      id: 'auScoped-1-e',
      principalId: ME,
      roleDefinitionId: ROLE.userAdmin,
      directoryScopeId: `/administrativeUnits/${AU}`,
      appScopeId: null,
      startDateTime: '2024-01-10T08:00:00.2873456Z',
      endDateTime: null,
      memberType: 'direct',
      roleDefinition: { id: ROLE.userAdmin, displayName: 'User Administrator' },
      directoryScope: { '@odata.type': '#microsoft.graph.administrativeUnit', id: AU, displayName: 'Seattle Office' },
    },
  ],
};

export const roleActive = {
  value: [
    {
      id: 'activeGR-1-e',
      principalId: ME,
      roleDefinitionId: ROLE.globalReader,
      directoryScopeId: '/',
      startDateTime: '2024-05-01T09:00:00Z',
      endDateTime: '2024-05-01T11:00:00Z',
      assignmentType: 'Activated',
      memberType: 'Direct',
      roleAssignmentOriginId: 'x',
      roleDefinition: { displayName: 'Global Reader' },
    },
  ],
};

export const groupEligibility = {
  // The doc example puts @odata.type where @odata.context belongs.
  '@odata.type': '#Collection(microsoft.graph.privilegedAccessGroupEligibilityScheduleInstance)',
  value: [
    {
      id: 'geli-1',
      accessId: 'member',
      groupId: GROUP.exchangeOps,
      principalId: ME,
      startDateTime: '2024-01-01T00:00:00Z',
      endDateTime: '2024-05-10T00:00:00Z',
      memberType: 'direct',
      eligibilityScheduleId: 'sched-1',
      group: { id: GROUP.exchangeOps, displayName: 'Exchange Ops' },
    },
    {
      // $expand=group on the function is unverified (reference §2): this item came back without it.
      id: 'geli-2',
      accessId: 'Owner',
      groupId: GROUP.tier0,
      principalId: ME,
      startDateTime: null,
      endDateTime: null,
      memberType: 'Direct',
    },
  ],
};

export const groupActive = {
  value: [
    {
      id: 'gact-1',
      accessId: 'member',
      groupId: GROUP.exchangeOps,
      principalId: ME,
      startDateTime: '2024-05-01T09:30:00Z',
      endDateTime: '2024-05-01T10:30:00Z',
      assignmentType: 'activated',
      memberType: 'direct',
      group: { id: GROUP.exchangeOps, displayName: 'Exchange Ops' },
    },
  ],
};

export const rolePending = {
  value: [
    {
      id: 'req-role-1',
      status: 'PendingApproval',
      action: 'selfActivate',
      principalId: ME,
      roleDefinitionId: ROLE.exchangeAdmin,
      directoryScopeId: '/',
      justification: 'Mailbox migration CHG-1234',
      createdDateTime: '2024-05-01T09:55:00Z',
      approvalId: 'req-role-1',
      scheduleInfo: {
        startDateTime: '2024-05-01T09:55:00Z',
        recurrence: null,
        expiration: { type: 'afterDuration', endDateTime: null, duration: 'PT2H' },
      },
      ticketInfo: { ticketNumber: null, ticketSystem: null },
      roleDefinition: { id: ROLE.exchangeAdmin, displayName: 'Exchange Administrator' },
    },
  ],
};

export const groupPending = {
  value: [
    {
      id: 'req-group-1',
      status: 'pendingApproval',
      action: 'selfActivate',
      principalId: ME,
      groupId: GROUP.tier0,
      accessId: 'owner',
      justification: null,
      scheduleInfo: { startDateTime: '2024-05-01T09:58:00Z', expiration: { type: 'AfterDuration', duration: 'PT1H' } },
      group: { id: GROUP.tier0, displayName: 'Tier 0 Admins' },
    },
  ],
};

/**
 * The roles a group holds (roleAssignmentScheduleInstances?$filter=principalId eq '{group}'&$expand=roleDefinition).
 */
export function groupRoles(...names: string[]) {
  return {
    value: names.map((displayName, i) => ({
      id: `grp-role-${i}`,
      principalId: 'some-group',
      roleDefinitionId: `role-${i}`,
      directoryScopeId: '/',
      assignmentType: 'Assigned',
      memberType: 'Direct',
      startDateTime: null,
      endDateTime: null,
      roleDefinition: { displayName },
    })),
  };
}

export const empty = { value: [] };
