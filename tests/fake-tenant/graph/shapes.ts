/** Store records → the JSON Graph returns, property for property as in the v1.0 resource docs. */
import { createHash } from 'node:crypto';
import type { AssignmentRec, EligibilityRec, RequestRec } from '../store.ts';
import type { ParsedTenantScenario } from '../scenario.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));

/** A stable GUID-shaped id derived from a string (policy ids, role-permission ids). */
export function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function roleDefinition(s: ParsedTenantScenario, id: string) {
  const d = s.roleDefinitions.find((r) => r.id === id);
  return {
    id,
    description: d?.description ?? '',
    displayName: d?.displayName ?? id,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ['/'],
    templateId: id,
    version: '1',
    rolePermissions: [{ allowedResourceActions: [], condition: null }],
  };
}

export function directoryScope(s: ParsedTenantScenario, scopeId: string) {
  const m = /^\/administrativeUnits\/(.+)$/.exec(scopeId);
  if (!m) return null;
  const au = s.administrativeUnits.find((a) => a.id === m[1]);
  return {
    '@odata.type': '#microsoft.graph.administrativeUnit',
    id: m[1],
    deletedDateTime: null,
    displayName: au?.displayName ?? m[1],
    description: au?.description ?? null,
    isMemberManagementRestricted: null,
    membershipRule: null,
    membershipRuleProcessingState: null,
    membershipType: null,
    visibility: null,
  };
}

export function group(s: ParsedTenantScenario, id: string) {
  const g = s.groups.find((x) => x.id === id);
  return {
    id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: '2024-01-15T09:00:00Z',
    description: g?.description ?? null,
    displayName: g?.displayName ?? null,
    groupTypes: [],
    isAssignableToRole: true,
    mail: null,
    mailEnabled: false,
    mailNickname: (g?.displayName ?? id).replace(/[^A-Za-z0-9]/g, ''),
    securityEnabled: true,
    visibility: 'Private',
  };
}

export function roleEligibilityInstance(e: EligibilityRec) {
  if (e.target.kind !== 'role') throw new Error('not a role eligibility');
  return {
    id: e.id,
    principalId: e.principalId,
    roleDefinitionId: e.target.roleDefinitionId,
    directoryScopeId: e.target.directoryScopeId,
    appScopeId: null,
    startDateTime: iso(e.startMs),
    endDateTime: iso(e.endMs),
    memberType: e.memberType,
    roleEligibilityScheduleId: e.id,
  };
}

export function roleAssignmentInstance(a: AssignmentRec) {
  if (a.target.kind !== 'role') throw new Error('not a role assignment');
  return {
    id: a.id,
    principalId: a.principalId,
    roleDefinitionId: a.target.roleDefinitionId,
    directoryScopeId: a.target.directoryScopeId,
    appScopeId: null,
    startDateTime: iso(a.startMs),
    endDateTime: iso(a.endMs),
    assignmentType: a.assignmentType,
    memberType: a.memberType,
    roleAssignmentOriginId: a.originId,
    roleAssignmentScheduleId: a.scheduleId,
  };
}

export function groupEligibilityInstance(e: EligibilityRec) {
  if (e.target.kind !== 'group') throw new Error('not a group eligibility');
  return {
    id: e.id,
    startDateTime: iso(e.startMs),
    endDateTime: iso(e.endMs),
    accessId: e.target.accessId,
    principalId: e.principalId,
    memberType: e.memberType.toLowerCase(),
    eligibilityScheduleId: e.id,
    groupId: e.target.groupId,
  };
}

export function groupAssignmentInstance(a: AssignmentRec) {
  if (a.target.kind !== 'group') throw new Error('not a group assignment');
  return {
    id: a.id,
    startDateTime: iso(a.startMs),
    endDateTime: iso(a.endMs),
    accessId: a.target.accessId,
    principalId: a.principalId,
    memberType: a.memberType.toLowerCase(),
    assignmentScheduleId: a.scheduleId,
    assignmentType: a.assignmentType.toLowerCase(),
    groupId: a.target.groupId,
  };
}

export function request(r: RequestRec) {
  const common = {
    id: r.id,
    status: r.status,
    createdDateTime: iso(r.createdMs),
    completedDateTime: iso(r.completedMs),
    approvalId: r.approvalId,
    customData: null,
    action: r.action,
    principalId: r.principalId,
    isValidationOnly: r.isValidationOnly,
    targetScheduleId: r.targetScheduleId,
    justification: r.justification,
    createdBy: { application: null, device: null, user: { displayName: null, id: r.createdById } },
    scheduleInfo: r.scheduleInfo,
    ticketInfo: r.ticketInfo,
  };
  if (r.target.kind === 'group') return { ...common, accessId: r.target.accessId, groupId: r.target.groupId };
  return {
    ...common,
    roleDefinitionId: r.target.roleDefinitionId,
    directoryScopeId: r.target.directoryScopeId,
    appScopeId: null,
  };
}
