/**
 * Requests waiting for the signed-in user's approval (issue 15), v1.0 side:
 *
 * 1. In the refresh's own `$batch` (no extra round trip): the documented approver views,
 *    `roleAssignmentScheduleRequests/filterByCurrentUser(on='approver')` and the PIM-groups one, filtered to
 *    `PendingApproval`, with `$expand=principal` (the requester's name and UPN, no directory read) and the target's
 * name. Skipped while the user is in a quiet period (lib/pim/approvals.ts shouldReadApprovers).
 * 2. Only for a request not seen before: its approval object (which step is the user's) and the target's policy
 *    (`isApproverJustificationRequired`), one v1.0 `$batch` for the group approvals and all policies, plus one beta GET
 * per directory-role approval (lib/graph/beta.ts, never inside a v1.0 batch).
 *
 * Permissions: the approver views and approval objects need RoleAssignmentSchedule.Read(Write).Directory and
 * PrivilegedAssignmentSchedule.Read(Write).AzureADGroup, the policies RoleManagementPolicy.Read.Directory /
 * .AzureADGroup, the decision the two ReadWrite ones: all already asked for activation, so nothing new to consent.
 */
import { z } from 'zod';
import type { Approval, ApprovalsState } from '../pim/approvals';
import { safeParseDuration } from '../pim/duration';
import { policyUrlFor } from '../pim/policy';
import type { BatchItemResponse, BatchRequestItem, GraphClient } from './client';
import { GraphRequestError, parseGraphError } from './errors';
import { t } from '../i18n';
import { ApprovalStep, myOpenStep, readRoleApprovalStep } from './beta';
import { GroupRequest, parseList, RoleRequest } from './schemas';

const ROLES = '/roleManagement/directory';
const GROUPS = '/identityGovernance/privilegedAccess/group';
const APPROVER = "filterByCurrentUser(on='approver')";
const WAITING = "$filter=status eq 'PendingApproval'";

/** The approver reads that ride in the refresh's `$batch` (ids are part of the contract with tests). */
export const APPROVER_READS: readonly BatchRequestItem[] = [
  {
    id: 'apRole',
    method: 'GET',
    url: `${ROLES}/roleAssignmentScheduleRequests/${APPROVER}?$expand=roleDefinition,directoryScope,principal&${WAITING}`,
  },
  {
    id: 'apGroup',
    method: 'GET',
    url: `${GROUPS}/assignmentScheduleRequests/${APPROVER}?$expand=group,principal&${WAITING}`,
  },
];

const Principal = z
  .object({
    id: z.string().nullish(),
    displayName: z.string().nullish(),
    userPrincipalName: z.string().nullish(),
  })
  .nullish();
const TicketInfo = z.object({ ticketNumber: z.string().nullish(), ticketSystem: z.string().nullish() }).nullish();
const ApproverExtras = { approvalId: z.string().nullish(), principal: Principal, ticketInfo: TicketInfo };
const ApproverRoleRequest = RoleRequest.extend(ApproverExtras);
const ApproverGroupRequest = GroupRequest.extend(ApproverExtras);
type ApproverRoleRequest = z.infer<typeof ApproverRoleRequest>;
type ApproverGroupRequest = z.infer<typeof ApproverGroupRequest>;

function durationMinutes(r: ApproverRoleRequest | ApproverGroupRequest): number | null {
  const iso = r.scheduleInfo?.expiration?.duration;
  const parsed = iso ? safeParseDuration(iso) : null;
  if (parsed?.ok) return parsed.minutes;
  const start = Date.parse(r.scheduleInfo?.startDateTime ?? '');
  const end = Date.parse(r.scheduleInfo?.expiration?.endDateTime ?? '');
  return Number.isNaN(start) || Number.isNaN(end) ? null : Math.round((end - start) / 60_000);
}

function common(r: ApproverRoleRequest | ApproverGroupRequest, known: Approval | undefined) {
  return {
    id: r.id,
    stepId: known?.stepId ?? null,
    justificationRequired: known?.justificationRequired ?? null,
    detailError: known?.detailError ?? null,
    requester: {
      id: r.principal?.id ?? r.principalId ?? '',
      displayName: r.principal?.displayName ?? null,
      upn: r.principal?.userPrincipalName ?? null,
    },
    createdDateTime: r.createdDateTime,
    startDateTime: r.scheduleInfo?.startDateTime ?? r.createdDateTime,
    durationMinutes: durationMinutes(r),
    justification: r.justification,
    ticketNumber: r.ticketInfo?.ticketNumber ?? null,
    ticketSystem: r.ticketInfo?.ticketSystem ?? null,
  };
}

function fromRole(r: ApproverRoleRequest, known: Approval | undefined): Approval {
  return {
    ...common(r, known),
    kind: 'role',
    approvalId: r.approvalId ?? r.id,
    targetId: r.roleDefinitionId,
    targetName: r.roleDefinition?.displayName ?? r.roleDefinitionId,
    scopeName: r.directoryScopeId === '/' ? null : (r.directoryScope?.displayName ?? r.directoryScopeId),
    accessId: null,
  };
}

function fromGroup(r: ApproverGroupRequest, known: Approval | undefined): Approval {
  return {
    ...common(r, known),
    kind: 'group',
    // The group approval's id is the request's id (MGD v1.0 approval-get.md).
    approvalId: r.id,
    targetId: r.groupId,
    targetName: r.group?.displayName ?? r.groupId,
    scopeName: null,
    accessId: r.accessId,
  };
}

export type ApproverListResult = { ok: true; items: Approval[] } | { ok: false; error: string };

const is2xx = (s: number) => s >= 200 && s < 300;

function readList<S extends z.ZodType>(
  answer: BatchItemResponse | undefined,
  schema: S,
  now: Date,
): { ok: true; items: z.infer<S>[] } | { ok: false; error: string } {
  if (!answer) return { ok: false, error: 'Graph left the approver list out of its answer.' };
  if (!is2xx(answer.status)) {
    const e = parseGraphError(answer.status, answer.body, answer.headers, now);
    return { ok: false, error: `HTTP ${e.status}${e.code ? ` ${e.code}` : ''}: ${e.message}` };
  }
  const list = parseList(schema, answer.body);
  return list
    ? { ok: true, items: list.items }
    : { ok: false, error: 'Graph sent an approver list that could not be read.' };
}

/** The two approver answers of a refresh → the waiting approvals, keeping what was already learned about each. */
export function readApproverAnswers(
  answers: ReadonlyMap<string, BatchItemResponse>,
  previous: ApprovalsState | null,
  now: Date,
): ApproverListResult {
  const known = new Map((previous?.items ?? []).map((a) => [a.id, a]));
  const roles = readList(answers.get('apRole'), ApproverRoleRequest, now);
  if (!roles.ok) return roles;
  const groups = readList(answers.get('apGroup'), ApproverGroupRequest, now);
  if (!groups.ok) return groups;
  const waiting = (r: { status: string }) => r.status === 'PendingApproval';
  return {
    ok: true,
    items: [
      ...roles.items.filter(waiting).map((r) => fromRole(r, known.get(r.id))),
      ...groups.items.filter(waiting).map((r) => fromGroup(r, known.get(r.id))),
    ],
  };
}

const PolicyWithApprovalRule = z.object({
  value: z.array(
    z.object({
      policy: z
        .object({
          rules: z
            .array(
              z.looseObject({
                id: z.string(),
                setting: z
                  .looseObject({
                    approvalStages: z
                      .array(z.looseObject({ isApproverJustificationRequired: z.boolean().nullish() }))
                      .nullish(),
                  })
                  .nullish(),
              }),
            )
            .nullish(),
        })
        .nullish(),
    }),
  ),
});

/** The policy's `Approval_EndUser_Assignment` first stage's isApproverJustificationRequired; null when not readable. */
export function approverJustificationRequired(body: unknown): boolean | null {
  const parsed = PolicyWithApprovalRule.safeParse(body);
  if (!parsed.success) return null;
  const rule = parsed.data.value[0]?.policy?.rules?.find((r) => r.id.toLowerCase() === 'approval_enduser_assignment');
  const required = rule?.setting?.approvalStages?.[0]?.isApproverJustificationRequired;
  return typeof required === 'boolean' ? required : null;
}

function groupApprovalUrl(requestId: string): string {
  return `${GROUPS}/assignmentApprovals/${encodeURIComponent(requestId)}`;
}

/**
 * Completes approvals seen for the first time (no step yet, no earlier failure): which step is the user's, and whether
 * the approver must give a reason. Returns the approvals with what was learned, and the round trips made.
 */
export async function completeApprovalDetails(
  graph: GraphClient,
  items: readonly Approval[],
  now: Date,
): Promise<{ items: Approval[]; requests: number }> {
  const fresh = items.filter((a) => a.stepId === null && a.detailError === null);
  if (fresh.length === 0) return { items: [...items], requests: 0 };
  const requests: BatchRequestItem[] = [];
  const policyIds = new Map<string, string>();
  for (const a of fresh) {
    const url = policyUrlFor({ kind: a.kind, targetId: a.targetId, accessId: a.accessId });
    if (!policyIds.has(url)) {
      const id = `pol-${policyIds.size}`;
      policyIds.set(url, id);
      requests.push({ id, method: 'GET', url });
    }
    if (a.kind === 'group') requests.push({ id: `apv-${a.id}`, method: 'GET', url: groupApprovalUrl(a.id) });
  }
  const v1 = graph.batch(requests.slice(0, 20)).catch((e: unknown) => {
    if (e instanceof GraphRequestError) return [] as BatchItemResponse[];
    throw e;
  });
  const roleSteps = Promise.all(
    fresh
      .filter((a) => a.kind === 'role')
      .map(async (a) => [a.id, await readRoleApprovalStep(graph, a.approvalId)] as const),
  );
  const [answers, steps] = await Promise.all([v1, roleSteps]);
  const byId = new Map(answers.map((x) => [x.id, x]));
  const stepById = new Map(steps);
  // Read, but no step is the user's to decide (another stage, or already decided): the portal shows why.
  const noStep = t('approvalNoOpenStep');
  const detailed = items.map((a): Approval => {
    if (!fresh.includes(a)) return a;
    const policy = byId.get(policyIds.get(policyUrlFor({ kind: a.kind, targetId: a.targetId, accessId: a.accessId }))!);
    const justificationRequired = policy && is2xx(policy.status) ? approverJustificationRequired(policy.body) : null;
    if (a.kind === 'role') {
      const step = stepById.get(a.id)!;
      if (step.ok)
        return { ...a, stepId: step.stepId, justificationRequired, detailError: step.stepId ? null : noStep };
      // A transient failure leaves the details unread (no step: the row waits), so the next refresh asks again.
      return { ...a, justificationRequired, detailError: step.transient ? null : step.error };
    }
    const answer = byId.get(`apv-${a.id}`);
    if (!answer || !is2xx(answer.status)) {
      const transient = !answer || answer.status === 429 || answer.status >= 500;
      const e = answer ? parseGraphError(answer.status, answer.body, answer.headers, now) : null;
      return {
        ...a,
        justificationRequired,
        detailError: transient || !e ? null : `HTTP ${e.status}${e.code ? ` ${e.code}` : ''}: ${e.message}`,
      };
    }
    // v1.0 names the collection `stages`; beta and the update page say `steps`: accept either.
    const parsed = z
      .object({ stages: z.array(ApprovalStep).nullish(), steps: z.array(ApprovalStep).nullish() })
      .safeParse(answer.body);
    const list = parsed.success ? (parsed.data.stages ?? parsed.data.steps) : null;
    if (!list) return { ...a, justificationRequired, detailError: 'Graph sent an approval without stages.' };
    const stepId = myOpenStep(list);
    return { ...a, stepId, justificationRequired, detailError: stepId ? null : noStep };
  });
  return { items: detailed, requests: 1 + steps.length };
}

/**
 * The decision on a PIM-group approval stage (v1.0; the update page's path says `/steps/`). Throws GraphRequestError.
 */
export async function decideGroupApproval(
  graph: GraphClient,
  requestId: string,
  stageId: string,
  body: { reviewResult: 'Approve' | 'Deny'; justification: string },
): Promise<void> {
  await graph.patch(`${groupApprovalUrl(requestId)}/steps/${encodeURIComponent(stageId)}`, body);
}
