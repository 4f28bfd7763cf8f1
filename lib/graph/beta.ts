/**
 * Every Microsoft Graph **beta** call the extension makes, and nothing else (issue 15). Approving a directory-role
 * request is documented only in beta (MGD beta approval-get / approvalstep-update, "PIM for Microsoft Entra roles"):
 *
 *   GET   /beta/roleManagement/directory/roleAssignmentApprovals/{approvalId}            → { id, steps: [approvalStep]
 * } PATCH /beta/roleManagement/directory/roleAssignmentApprovals/{approvalId}/steps/{id}  { reviewResult, justification
 * } → 204
 *
 * Kept here so beta stays out of the v1.0 `$batch` (a batch has one version) and so a change in beta touches one file.
 * Beta may change without notice: an answer that does not have the documented shape is reported as `unexpected`, and
 * the caller offers the Entra portal instead of guessing.
 */
import { z } from 'zod';
import type { GraphClient } from './client';
import { GraphRequestError } from './errors';

const ROLE_APPROVALS = '/roleManagement/directory/roleAssignmentApprovals';

/** One step of an approval (beta `approvalStep`; v1.0 calls it `approvalStage` with the same fields). */
export const ApprovalStep = z.object({
  id: z.string(),
  status: z.string().nullish(),
  reviewResult: z.string().nullish(),
  assignedToMe: z.boolean().nullish(),
});

/** The step the signed-in user may still decide: assigned to them and in progress; null when there is none. */
export function myOpenStep(steps: readonly z.infer<typeof ApprovalStep>[]): string | null {
  const open = steps.find((s) => s.assignedToMe === true && (s.status ?? '').toLowerCase() === 'inprogress');
  return open?.id ?? null;
}

/** `transient`: no usable answer (offline, throttled, 5xx): ask again at the next refresh instead of giving up. */
export type StepRead =
  { ok: true; stepId: string | null } | { ok: false; unexpected: boolean; transient: boolean; error: string };

/** The directory-role approval's open step for the signed-in user (beta). Never throws. */
export async function readRoleApprovalStep(graph: GraphClient, approvalId: string): Promise<StepRead> {
  let body: unknown;
  try {
    body = await graph.get(`${ROLE_APPROVALS}/${encodeURIComponent(approvalId)}`, { version: 'beta' });
  } catch (e) {
    if (e instanceof GraphRequestError)
      return {
        ok: false,
        unexpected: false,
        transient: e.status === 0 || e.status === 429 || e.status >= 500,
        error: `HTTP ${e.status}${e.code ? ` ${e.code}` : ''}: ${e.message}`,
      };
    return { ok: false, unexpected: false, transient: true, error: String(e) };
  }
  const parsed = z.object({ steps: z.array(ApprovalStep) }).safeParse(body);
  if (!parsed.success)
    return { ok: false, unexpected: true, transient: false, error: 'Graph beta sent an approval without steps.' };
  return { ok: true, stepId: myOpenStep(parsed.data.steps) };
}

/** The decision on a directory-role approval step (beta). Resolves on 2xx; throws GraphRequestError otherwise. */
export async function decideRoleApprovalStep(
  graph: GraphClient,
  approvalId: string,
  stepId: string,
  body: { reviewResult: 'Approve' | 'Deny'; justification: string },
): Promise<void> {
  await graph.patch(`${ROLE_APPROVALS}/${encodeURIComponent(approvalId)}/steps/${encodeURIComponent(stepId)}`, body, {
    version: 'beta',
  });
}
