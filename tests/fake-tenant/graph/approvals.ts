/**
 * The approver's side of PIM: the approval objects behind requests that wait for approvers, and the decision PATCH.
 *
 * - Entra roles: beta only (MGD beta approvalstep-update.md, "PIM for Microsoft Entra roles"):
 *   `GET /beta/roleManagement/directory/roleAssignmentApprovals/{approvalId}` → `{ id, steps: [approvalStep] }`,
 *   `PATCH /beta/roleManagement/directory/roleAssignmentApprovals/{approvalId}/steps/{stepId}`. On v1.0 the segment
 *   does not exist (400 "Resource not found for the segment 'roleAssignmentApprovals'.").
 * - PIM for Groups: v1.0 (MGD v1.0 approval-get.md, approvalstage-update.md): `GET
 *   …/group/assignmentApprovals/{requestId}` → `{ id, stages: [approvalStage] }`; the decision is `PATCH
 * …/assignmentApprovals/{requestId}/steps/{stageId}` as the page writes it (the property is `stages`, so `/stages/{id}`
 * is answered too).
 * - PATCH body `{reviewResult: Approve|Deny, justification}` → 204; 403 without the write permission or when the caller
 *   is not an approver of this request; 404 for an unknown approval or step; 409 when the step was already decided (by
 *   another approver). Undocumented, chosen here [unverified]: a request no longer waiting (expired after 24 h,
 *   cancelled by its requester) answers 400 `BadRequest`; a missing justification where the policy requires one
 *   answers 400 `BadRequest`.
 * - Approvers cannot approve their own requests (ENTRA pim-approval-workflow.md): the requester is never an approver.
 */
import { z } from 'zod';
import type { Reply } from '../http.ts';
import { empty } from '../http.ts';
import type { RequestRec } from '../store.ts';
import { decide } from '../store.ts';
import { SCOPES, requireScope } from './auth.ts';
import type { GraphCall } from './call.ts';
import { graphError, graphHeaders, graphJson, insufficientPrivileges } from './errors.ts';
import { approverIds, policyFor } from './policies.ts';
import { notFound } from './reads.ts';

const ROLE_APPROVALS =
  /^\/roleManagement\/directory\/roleAssignmentApprovals(?:\/([^/]+)(?:\/steps(?:\/([^/]+))?)?)?\/?$/i;
const GROUP_APPROVALS =
  /^\/identityGovernance\/privilegedAccess\/group\/assignmentApprovals(?:\/([^/]+)(?:\/(steps|stages)(?:\/([^/]+))?)?)?\/?$/i;

/** Whether `oid` approves this request: an approver of its target's policy, and not the one who asked. */
export function isApproverOf(call: GraphCall, r: RequestRec, oid: string): boolean {
  if (!r.step || r.principalId === oid || r.createdById === oid) return false;
  const policy = policyFor(call.ctx.scenario, r.target);
  return policy.approvalRequired && approverIds(call.ctx.scenario, policy).includes(oid);
}

function stepJson(call: GraphCall, r: RequestRec) {
  const s = r.step!;
  const reviewer = s.reviewedById ? call.ctx.scenario.accounts.find((a) => a.id === s.reviewedById) : undefined;
  return {
    id: s.id,
    displayName: null,
    reviewedDateTime: s.reviewedMs === null ? null : new Date(s.reviewedMs).toISOString().replace(/\.\d+Z$/, 'Z'),
    reviewResult: s.reviewResult,
    status: s.status,
    assignedToMe: isApproverOf(call, r, call.caller.oid) && s.status === 'InProgress',
    justification: s.justification,
    reviewedBy: s.reviewedById
      ? {
          id: s.reviewedById,
          displayName: reviewer?.displayName ?? null,
          userPrincipalName: reviewer?.userPrincipalName ?? null,
        }
      : null,
  };
}

/** Beta: only the directory-role approval paths exist here; everything else on beta is refused as before. */
export function handleBetaApprovals(call: GraphCall): Reply | null {
  const m = ROLE_APPROVALS.exec(call.path);
  if (!m) return null;
  return approvals(call, 'roleAssignment', m[1], m[2] !== undefined || /\/steps\/?$/i.test(call.path), m[2], 'steps');
}

/** v1.0: group approvals; the directory-role approval segment does not exist on v1.0. */
export function handleV1Approvals(call: GraphCall): Reply | null {
  if (ROLE_APPROVALS.test(call.path))
    return graphError(400, 'BadRequest', "Resource not found for the segment 'roleAssignmentApprovals'.", call.meta);
  const m = GROUP_APPROVALS.exec(call.path);
  if (!m) return null;
  return approvals(call, 'groupAssignment', m[1], m[2] !== undefined, m[3], 'stages');
}

const Decision = z.looseObject({
  reviewResult: z.string(),
  justification: z.string().nullish(),
});

function approvals(
  call: GraphCall,
  collection: RequestRec['collection'],
  approvalId: string | undefined,
  stepsSegment: boolean,
  stepId: string | undefined,
  property: 'steps' | 'stages',
): Reply {
  const write = call.method === 'PATCH';
  const scopes =
    collection === 'roleAssignment'
      ? write
        ? SCOPES.roleAssignmentWrite
        : SCOPES.roleAssignmentRead
      : write
        ? SCOPES.groupAssignmentWrite
        : SCOPES.groupAssignmentRead;
  const denied = requireScope(call.caller, scopes, call.meta);
  if (denied) return denied;
  if (!approvalId) return graphError(405, 'Request_BadRequest', 'Listing approvals is not supported.', call.meta);
  const r = call.ctx.store.requests.find(
    (x) =>
      x.collection === collection && x.step && (collection === 'groupAssignment' ? x.id : x.approvalId) === approvalId,
  );
  if (!r) return notFound(call, approvalId);
  const me = call.caller.oid;
  if (!isApproverOf(call, r, me) && r.principalId !== me) return insufficientPrivileges(call.meta);

  if (call.method === 'GET') {
    if (!stepsSegment) {
      return graphJson(
        200,
        {
          '@odata.context': `https://graph.microsoft.com/${collection === 'roleAssignment' ? 'beta' : 'v1.0'}/$metadata#approval`,
          id: approvalId,
          [property]: [stepJson(call, r)],
        },
        call.meta,
      );
    }
    if (!stepId) return graphJson(200, { value: [stepJson(call, r)] }, call.meta);
    if (stepId !== r.step!.id) return notFound(call, stepId);
    return graphJson(200, stepJson(call, r), call.meta);
  }
  if (!write || !stepsSegment || !stepId)
    return graphError(405, 'Request_BadRequest', `The ${call.method} method is not allowed here.`, call.meta);
  if (stepId !== r.step!.id) return notFound(call, stepId);
  if (!isApproverOf(call, r, me)) return insufficientPrivileges(call.meta);
  let raw: unknown;
  try {
    raw = JSON.parse(call.body || 'null');
  } catch {
    return graphError(400, 'BadRequest', 'Unable to read JSON request payload.', call.meta);
  }
  const body = Decision.safeParse(raw);
  const result = body.success ? body.data.reviewResult.toLowerCase() : '';
  if (!body.success || (result !== 'approve' && result !== 'deny'))
    return graphError(400, 'BadRequest', "The property 'reviewResult' must be 'Approve' or 'Deny'.", call.meta);
  if (r.step!.status !== 'InProgress')
    return graphError(409, 'Conflict', 'The approval step has already been reviewed by another approver.', call.meta);
  if (r.status !== 'PendingApproval')
    return graphError(
      400,
      'BadRequest',
      `The request is no longer pending approval (status '${r.status}').`,
      call.meta,
    );
  const justification = (body.data.justification ?? '').trim();
  const policy = policyFor(call.ctx.scenario, r.target);
  if (policy.approverJustificationRequired && !justification)
    return graphError(400, 'BadRequest', 'A justification is required to review this request.', call.meta);
  const decided = decide(call.ctx.store, r.id, result === 'approve', { id: me, justification });
  if (typeof decided === 'string') return graphError(400, 'BadRequest', decided, call.meta);
  return empty(204, graphHeaders(call.meta));
}
