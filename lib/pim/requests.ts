/**
 * Self-service PIM requests as data: method, path (relative to the Graph version root) and body, in the shapes of
 * graph-pim.md §1.4, §2 and §7. The Graph layer sends them; nothing here talks to the network.
 */
import { z } from 'zod';
import { clampMinutes, minutesToIso } from './duration';
import type { Assignment, GroupAccess } from './model';
import { azureCancel, azureSelfActivate, azureSelfDeactivate, type AzureRequestBody } from '../arm/requests';

export const ROLE_ASSIGNMENT_REQUESTS = '/roleManagement/directory/roleAssignmentScheduleRequests';
export const ROLE_ELIGIBILITY_REQUESTS = '/roleManagement/directory/roleEligibilityScheduleRequests';
export const GROUP_ASSIGNMENT_REQUESTS = '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests';

export interface GraphRequest<B = unknown> {
  method: 'POST' | 'PUT';
  /** 'arm': an Azure resource role request, sent to Azure Resource Manager (lib/arm/requests.ts); else Graph. */
  api?: 'arm';
  path: string;
  body?: B;
}

export interface TicketInfo {
  ticketNumber: string;
  ticketSystem?: string;
}

interface ScheduleInfo {
  startDateTime: string;
  expiration: { type: 'afterDuration'; duration: string } | { type: 'afterDateTime'; endDateTime: string };
}

export interface RoleTarget {
  /**
   * The signed-in user's object id (token `oid`). Not the eligibility's principalId: for a group-derived eligibility
   * that is the group, and PIM expects the user (graph-pim.md §0).
   */
  principalId: string;
  roleDefinitionId: string;
  /**
   * Copied exactly from the eligibility: '/' or e.g. '/administrativeUnits/{id}' (a mismatch fails EligibilityRule).
   */
  directoryScopeId: string;
}

export interface GroupTarget {
  principalId: string;
  groupId: string;
  accessId: GroupAccess;
}

export interface ActivationInput {
  justification: string;
  durationMinutes: number;
  now: Date;
  /** Schedule for later; a start in the past is treated as now. */
  startAt?: Date;
  ticket?: TicketInfo;
}

export interface RoleActivateBody {
  action: 'selfActivate';
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
  justification: string;
  scheduleInfo: ScheduleInfo;
  ticketInfo?: TicketInfo;
}

export interface GroupActivateBody {
  accessId: GroupAccess;
  principalId: string;
  groupId: string;
  action: 'selfActivate';
  scheduleInfo: ScheduleInfo;
  justification: string;
  ticketInfo?: TicketInfo;
}

function startOf(now: Date, startAt: Date | undefined): string {
  return (startAt && startAt.getTime() > now.getTime() ? startAt : now).toISOString();
}

function schedule(input: ActivationInput): ScheduleInfo {
  return {
    startDateTime: startOf(input.now, input.startAt),
    expiration: { type: 'afterDuration', duration: minutesToIso(input.durationMinutes) },
  };
}

function ticketInfo(ticket: TicketInfo | undefined): { ticketInfo?: TicketInfo } {
  const number = ticket?.ticketNumber.trim();
  if (!number) return {};
  const system = ticket?.ticketSystem?.trim();
  return { ticketInfo: system ? { ticketNumber: number, ticketSystem: system } : { ticketNumber: number } };
}

export function roleSelfActivate(target: RoleTarget, input: ActivationInput): GraphRequest<RoleActivateBody> {
  return {
    method: 'POST',
    path: ROLE_ASSIGNMENT_REQUESTS,
    body: {
      action: 'selfActivate',
      principalId: target.principalId,
      roleDefinitionId: target.roleDefinitionId,
      directoryScopeId: target.directoryScopeId,
      justification: input.justification.trim(),
      scheduleInfo: schedule(input),
      ...ticketInfo(input.ticket),
    },
  };
}

/** No scheduleInfo: PIM ends the activation now (status Revoked). */
export function roleSelfDeactivate(target: RoleTarget, justification?: string) {
  const reason = justification?.trim();
  return {
    method: 'POST',
    path: ROLE_ASSIGNMENT_REQUESTS,
    body: {
      action: 'selfDeactivate' as const,
      principalId: target.principalId,
      roleDefinitionId: target.roleDefinitionId,
      directoryScopeId: target.directoryScopeId,
      ...(reason ? { justification: reason } : {}),
    },
  } satisfies GraphRequest;
}

/**
 * Ask admins to lengthen an ELIGIBILITY (selfExtend while it runs, selfRenew once expired); it becomes a pending
 * request. Groups have no self-extend (graph-pim.md §2).
 */
export function roleSelfExtendEligibility(
  target: RoleTarget,
  input: { justification: string; until: Date; now: Date; action?: 'selfExtend' | 'selfRenew' },
) {
  return {
    method: 'POST',
    path: ROLE_ELIGIBILITY_REQUESTS,
    body: {
      action: input.action ?? ('selfExtend' as const),
      principalId: target.principalId,
      roleDefinitionId: target.roleDefinitionId,
      directoryScopeId: target.directoryScopeId,
      justification: input.justification.trim(),
      scheduleInfo: {
        startDateTime: input.now.toISOString(),
        expiration: { type: 'afterDateTime' as const, endDateTime: input.until.toISOString() },
      },
    },
  } satisfies GraphRequest;
}

export function groupSelfActivate(target: GroupTarget, input: ActivationInput): GraphRequest<GroupActivateBody> {
  return {
    method: 'POST',
    path: GROUP_ASSIGNMENT_REQUESTS,
    body: {
      accessId: target.accessId,
      principalId: target.principalId,
      groupId: target.groupId,
      action: 'selfActivate',
      scheduleInfo: schedule(input),
      justification: input.justification.trim(),
      ...ticketInfo(input.ticket),
    },
  };
}

/** scheduleInfo omitted, as clients that work do (the property table marks it required; graph-pim.md §2). */
export function groupSelfDeactivate(target: GroupTarget) {
  return {
    method: 'POST',
    path: GROUP_ASSIGNMENT_REQUESTS,
    body: {
      accessId: target.accessId,
      principalId: target.principalId,
      groupId: target.groupId,
      action: 'selfDeactivate' as const,
    },
  } satisfies GraphRequest;
}

/** Withdraw a pending (PendingApproval/Granted) request; no body, 204. */
export function cancelRequest(kind: 'role' | 'group' | 'azure', requestId: string): GraphRequest<never> {
  if (kind === 'azure') return azureCancel(requestId);
  const base = kind === 'role' ? ROLE_ASSIGNMENT_REQUESTS : GROUP_ASSIGNMENT_REQUESTS;
  return { method: 'POST', path: `${base}/${encodeURIComponent(requestId)}/cancel` };
}

// ---------------------------------------------------------------------------------------------------------------
// From the domain model

/** The target of a self request for an assignment of the snapshot, as the signed-in user `principalId`. */
export function targetOf(
  a: Assignment,
  principalId: string,
): { kind: 'role'; target: RoleTarget } | { kind: 'group'; target: GroupTarget } {
  return a.kind !== 'group'
    ? { kind: 'role', target: { principalId, roleDefinitionId: a.targetId, directoryScopeId: a.directoryScopeId } }
    : { kind: 'group', target: { principalId, groupId: a.targetId, accessId: a.accessId ?? 'member' } };
}

export function activate(
  a: Assignment,
  principalId: string,
  input: ActivationInput,
): GraphRequest<RoleActivateBody | GroupActivateBody | AzureRequestBody> {
  if (a.kind === 'azure') return azureSelfActivate(a, principalId, input);
  const t = targetOf(a, principalId);
  return t.kind === 'role' ? roleSelfActivate(t.target, input) : groupSelfActivate(t.target, input);
}

export function deactivate(a: Assignment, principalId: string): GraphRequest {
  if (a.kind === 'azure') return azureSelfDeactivate(a, principalId);
  const t = targetOf(a, principalId);
  return t.kind === 'role' ? roleSelfDeactivate(t.target) : groupSelfDeactivate(t.target);
}

/**
 * "Extend" an activation: a new selfActivate that starts when the current one ends, for `durationMinutes` clamped to
 * the policy maximum. If the activation has already ended (or has no end), it starts now.
 */
export function extendActivation(
  active: Assignment,
  principalId: string,
  input: Omit<ActivationInput, 'startAt'> & { maxMinutes: number },
): GraphRequest<RoleActivateBody | GroupActivateBody | AzureRequestBody> {
  const end = active.endDateTime ? new Date(active.endDateTime) : undefined;
  return activate(active, principalId, {
    justification: input.justification,
    durationMinutes: clampMinutes(input.durationMinutes, input.maxMinutes),
    now: input.now,
    ticket: input.ticket,
    startAt: end && !Number.isNaN(end.getTime()) ? end : undefined,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Deactivation rules

// Moved to ./deactivate (zod-free, for the portal content script); re-exported so importers are unchanged.
export { canDeactivate, DEACTIVATE_FLOOR_MS, type CanDeactivate } from './deactivate';

// ---------------------------------------------------------------------------------------------------------------
// The created request (201 body), parsed leniently: only what tells us what happened

export const ScheduleRequestResponse = z.looseObject({
  id: z.string(),
  status: z.string(),
  action: z.string().nullish(),
  approvalId: z.string().nullish(),
  createdDateTime: z.string().nullish(),
});
export type ScheduleRequestResponse = z.infer<typeof ScheduleRequestResponse>;

export type RequestOutcome =
  'done' | 'scheduled' | 'pending-approval' | 'in-progress' | 'revoked' | 'failed' | 'canceled' | 'denied';

/** A request status → what the user should be told (unknown values are "in progress", graph-pim.md §1.3). */
export function requestOutcome(status: string): RequestOutcome {
  switch (status.toLowerCase()) {
    case 'provisioned':
      return 'done';
    case 'granted':
    case 'schedulecreated':
      return 'scheduled';
    case 'pendingapproval':
    case 'pendingadmindecision':
      return 'pending-approval';
    case 'revoked':
      return 'revoked';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    case 'denied':
      return 'denied';
    default:
      return 'in-progress';
  }
}
