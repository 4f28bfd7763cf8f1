/**
 * Parsed Graph items (lib/graph/schemas.ts) → domain Assignments (lib/pim/model.ts). Names Graph did not send are left
 * empty ('' / null) here; lib/pim/snapshot.ts fillMissingNames and the group-info cache complete them.
 */
import { safeParseDuration } from '../pim/duration';
import { groupKey, roleKey, type Assignment } from '../pim/model';
import type {
  GroupAssignmentInstance,
  GroupEligibilityInstance,
  GroupRequest,
  RoleAssignmentInstance,
  RoleEligibilityInstance,
  RoleRequest,
} from './schemas';

/** Requests in these states are history, not something the user is waiting for. */
const FINISHED_STATUSES = new Set(['Canceled', 'Denied', 'Failed', 'Provisioned', 'Revoked', 'ScheduleCreated']);
/** Removal requests never become an assignment to wait for. */
const REMOVAL_ACTIONS = new Set(['selfdeactivate', 'adminremove']);

/** Whether a request returned by the (server-filtered) requests query is still waiting to take effect. */
export function isOpenRequest(r: Pick<RoleRequest, 'status' | 'action'>): boolean {
  return !FINISHED_STATUSES.has(r.status) && !REMOVAL_ACTIONS.has((r.action ?? '').toLowerCase());
}

function scopeName(directoryScopeId: string, expanded: { displayName: string | null } | null): string | null {
  return directoryScopeId === '/' ? null : (expanded?.displayName ?? null);
}

function roleBase(
  i: RoleEligibilityInstance | RoleRequest,
  principalId: string,
): Omit<
  Assignment,
  'state' | 'id' | 'assignmentType' | 'memberType' | 'startDateTime' | 'endDateTime' | 'status' | 'justification'
> {
  return {
    key: roleKey(i.roleDefinitionId, i.directoryScopeId),
    kind: 'role',
    principalId: i.principalId ?? principalId,
    targetId: i.roleDefinitionId,
    displayName: i.roleDefinition?.displayName ?? '',
    directoryScopeId: i.directoryScopeId,
    scopeName: scopeName(i.directoryScopeId, i.directoryScope),
    accessId: null,
    grants: [],
  };
}

/** The fields an eligibility instance gives, role or group alike (an active instance adds its assignmentType). */
function instanceFields(i: RoleEligibilityInstance | GroupEligibilityInstance) {
  return {
    state: 'eligible' as const,
    id: i.id,
    assignmentType: null,
    memberType: i.memberType,
    startDateTime: i.startDateTime,
    endDateTime: i.endDateTime,
    status: null,
    justification: null,
  };
}

/** When the requested activation would end: its end time, or its start (else creation) plus the requested duration. */
function requestedEnd(r: RoleRequest | GroupRequest): string | null {
  const expiration = r.scheduleInfo?.expiration;
  if (expiration?.endDateTime) return expiration.endDateTime;
  const start = Date.parse(r.scheduleInfo?.startDateTime ?? r.createdDateTime ?? '');
  const duration = expiration?.duration ? safeParseDuration(expiration.duration) : null;
  return duration?.ok && !Number.isNaN(start) ? new Date(start + duration.minutes * 60_000).toISOString() : null;
}

/** The fields a pending request gives, role or group alike. */
function requestFields(r: RoleRequest | GroupRequest) {
  return {
    state: 'pending' as const,
    id: r.id,
    assignmentType: null,
    memberType: 'direct' as const,
    startDateTime: r.scheduleInfo?.startDateTime ?? null,
    endDateTime: requestedEnd(r),
    status: r.status,
    justification: r.justification,
  };
}

export function roleEligibleToAssignment(i: RoleEligibilityInstance, principalId: string): Assignment {
  return { ...roleBase(i, principalId), ...instanceFields(i) };
}

export function roleActiveToAssignment(i: RoleAssignmentInstance, principalId: string): Assignment {
  return { ...roleEligibleToAssignment(i, principalId), state: 'active', assignmentType: i.assignmentType };
}

export function rolePendingToAssignment(r: RoleRequest, principalId: string): Assignment {
  return { ...roleBase(r, principalId), ...requestFields(r) };
}

function groupBase(
  i: GroupEligibilityInstance | GroupRequest,
  principalId: string,
): Omit<
  Assignment,
  'state' | 'id' | 'assignmentType' | 'memberType' | 'startDateTime' | 'endDateTime' | 'status' | 'justification'
> {
  return {
    key: groupKey(i.groupId, i.accessId),
    kind: 'group',
    principalId: i.principalId ?? principalId,
    targetId: i.groupId,
    displayName: i.group?.displayName ?? '',
    directoryScopeId: '/',
    scopeName: null,
    accessId: i.accessId,
    grants: [],
  };
}

export function groupEligibleToAssignment(i: GroupEligibilityInstance, principalId: string): Assignment {
  return { ...groupBase(i, principalId), ...instanceFields(i) };
}

export function groupActiveToAssignment(i: GroupAssignmentInstance, principalId: string): Assignment {
  return { ...groupEligibleToAssignment(i, principalId), state: 'active', assignmentType: i.assignmentType };
}

export function groupPendingToAssignment(r: GroupRequest, principalId: string): Assignment {
  return { ...groupBase(r, principalId), ...requestFields(r) };
}
