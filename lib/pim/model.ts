/**
 * The domain model: one Assignment type for Entra roles and PIM groups, in every state the user cares about.
 * Everything here is plain data (it is stored in the snapshot and sent between contexts).
 */
// zod/mini: the popup loads this; classic zod does not tree-shake (docs/PERFORMANCE.md).
import { z } from 'zod/mini';

/** role: an Entra role; group: a PIM group; azure: an Azure resource role (ARM RBAC, management.azure.com). */
export const AssignmentKind = z.enum(['role', 'group', 'azure']);
export type AssignmentKind = z.infer<typeof AssignmentKind>;

/** eligible: can be activated; active: in force now (activated or assigned); pending: a request awaiting approval. */
export const AssignmentState = z.enum(['eligible', 'active', 'pending']);
export type AssignmentState = z.infer<typeof AssignmentState>;

export const GroupAccess = z.enum(['member', 'owner']);
export type GroupAccess = z.infer<typeof GroupAccess>;

export const MemberType = z.enum(['direct', 'group', 'inherited']);
export type MemberType = z.infer<typeof MemberType>;

export const Assignment = z.object({
  /**
   * Stable identity of the *target* (what one activates): role:{roleDefinitionId}:{directoryScopeId} or
   * group:{groupId}:{accessId} or azure:{roleDefinitionGuid}:{ARM scope, lower case}. An eligibility, its activation
   * and a pending request for it share the key.
   */
  key: z.string(),
  kind: AssignmentKind,
  state: AssignmentState,
  /** Graph id of the instance (eligible/active) or of the request (pending). */
  id: z.string(),
  principalId: z.string(),
  /** Role definition id (roles; for Azure roles the full ARM id) or group id (groups). */
  targetId: z.string(),
  /** Role name, or group display name. When Graph gave none, a labelled stand-in naming the id (see nameMissing). */
  displayName: z.string(),
  /** True when no Graph answer named this target: displayName is then the labelled id, never a bare id. */
  nameMissing: z.optional(z.boolean()),
  /**
   * Roles only: '/' for tenant-wide, else e.g. '/administrativeUnits/{id}'. Groups: '/'. Azure roles: the ARM scope the
   * eligibility names (e.g. /providers/Microsoft.Management/managementGroups/{id} or
   * /subscriptions/{id}/resourceGroups/rg).
   */
  directoryScopeId: z.string(),
  /**
   * Display name of a non-tenant-wide scope (an administrative unit; for Azure roles the readable scope path), when
   * known.
   */
  scopeName: z.nullable(z.string()),
  /** Groups only. */
  accessId: z.nullable(GroupAccess),
  /** Active only: Activated (self-activated, may self-deactivate) or Assigned (standing, set by an admin). */
  assignmentType: z.nullable(z.enum(['Activated', 'Assigned'])),
  /** direct, or held through a role-assignable group. */
  memberType: MemberType,
  /** memberType 'group': display name of the group it is held through, when known (the popup says "via group X"). */
  viaGroupName: z.nullish(z.string()),
  /** Active/pending: when it started or will start. Eligible: when the eligibility started. Null = unknown/always. */
  startDateTime: z.nullable(z.string()),
  /**
   * Active: when it ends. Eligible: when the eligibility ends. Pending: when the requested activation would end. Null =
   * permanent.
   */
  endDateTime: z.nullable(z.string()),
  /** Groups: names of the Entra roles the group grants (e.g. Exchange Administrator), when known. */
  grants: z.array(z.string()),
  /** Pending only: the request's status (PendingApproval, Granted, …) and justification. */
  status: z.nullable(z.string()),
  justification: z.nullable(z.string()),
  /** Azure roles only: the eligibility's roleEligibilityScheduleId (SelfActivate's linkedRoleEligibilityScheduleId). */
  scheduleId: z.optional(z.string()),
});
export type Assignment = z.infer<typeof Assignment>;

export const SectionId = z.enum([
  'roleEligible',
  'roleActive',
  'groupEligible',
  'groupActive',
  'rolePending',
  'groupPending',
  'azureEligible',
  'azureActive',
  'azurePending',
]);
export type SectionId = z.infer<typeof SectionId>;

export const SectionError = z.object({
  status: z.number(),
  code: z.string(),
  message: z.string(),
});
export type SectionError = z.infer<typeof SectionError>;

export const Section = z.object({
  /** When this section's data was last fetched successfully (null: never). */
  fetchedAt: z.nullable(z.string()),
  /** Set when the last refresh failed for this section; its data is then the last good data. */
  error: z.nullable(SectionError),
});
export type Section = z.infer<typeof Section>;

export const Snapshot = z.object({
  /** When the last refresh completed (even partially). */
  fetchedAt: z.string(),
  /** The signed-in principal's object id the data belongs to. */
  principalId: z.string(),
  assignments: z.array(Assignment),
  /** Service clock minus local clock (from Graph's Date header); add it to Date.now() for PIM's "now". */
  clockSkewMs: z.optional(z.number()),
  // Partial: a section that was never fetched has no entry.
  sections: z.partialRecord(SectionId, Section),
});
export type Snapshot = z.infer<typeof Snapshot>;

export function roleKey(roleDefinitionId: string, directoryScopeId: string): string {
  return `role:${roleDefinitionId}:${directoryScopeId || '/'}`;
}

/**
 * Azure roles: by the role definition's GUID (its ARM id repeats the scope it was read at) and the scope, lower case.
 */
export function azureKey(roleDefinitionId: string, scope: string): string {
  const guid = roleDefinitionId.split('/').filter(Boolean).pop() ?? roleDefinitionId;
  return `azure:${guid.toLowerCase()}:${scope.toLowerCase().replace(/\/+$/, '') || '/'}`;
}

export function groupKey(groupId: string, accessId: GroupAccess): string {
  return `group:${groupId}:${accessId}`;
}
