/**
 * The approver's side (issue 15): requests from other people that wait for the signed-in user's decision, as stored
 * (`session:approvals`) and shown in the popup's "Waiting for your approval". Plain data and pure rules; the Graph
 * reads are in lib/graph/approvals.ts (v1.0) and lib/graph/beta.ts (directory-role approval steps, beta only).
 *
 * Kinds: Entra roles and PIM groups. Azure resource roles (ARM role-assignment approvals) would be a third kind with
 * its own read and decision path; nothing here assumes there are only two beyond the enum.
 */
// zod/mini: the popup loads this; classic zod does not tree-shake (docs/PERFORMANCE.md).
import { z } from 'zod/mini';
import { DAY, MINUTE } from './time';

/** PIM's approval window: 24 hours, not configurable, for roles and groups (ENTRA pim-approval-workflow.md). */
export const APPROVAL_WINDOW_MS = DAY;

/**
 * A user who approves nothing pays for the approver reads once, then not again for this long (four default refresh
 * intervals): the first answer with nothing waiting starts the quiet period, any request waiting ends it.
 */
export const APPROVER_QUIET_MS = 60 * MINUTE;

export const ApprovalKind = z.enum(['role', 'group']);
export type ApprovalKind = z.infer<typeof ApprovalKind>;

export const Approval = z.object({
  /** The request's id (what is waiting). */
  id: z.string(),
  kind: ApprovalKind,
  /** The approval object's id: the request's `approvalId` (roles), the request id itself (groups). */
  approvalId: z.string(),
  /**
   * The step (stage) assigned to the user and still in progress, read from the approval object; null while unknown or
   * when the approval answered differently than documented: the row then says "approve in the portal".
   */
  stepId: z.nullable(z.string()),
  /** The policy's isApproverJustificationRequired; null when the policy could not be read (asked, not required). */
  justificationRequired: z.nullable(z.boolean()),
  /** Set when the approval's details could not be read: why the row offers the portal instead. */
  detailError: z._default(z.nullable(z.string()), null),
  requester: z.object({ id: z.string(), displayName: z.nullable(z.string()), upn: z.nullable(z.string()) }),
  targetId: z.string(),
  targetName: z.string(),
  /** A non-tenant-wide scope's name (an administrative unit); null for tenant-wide or unknown. */
  scopeName: z.nullable(z.string()),
  accessId: z.nullable(z.enum(['member', 'owner'])),
  createdDateTime: z.nullable(z.string()),
  startDateTime: z.nullable(z.string()),
  /** Requested length in minutes (afterDuration), when the request says. */
  durationMinutes: z.nullable(z.number()),
  justification: z.nullable(z.string()),
  ticketNumber: z.nullable(z.string()),
  ticketSystem: z.nullable(z.string()),
});
export type Approval = z.infer<typeof Approval>;

/**
 * A request that left the list without the user deciding it (another approver, withdrawn, expired): said once, briefly.
 */
export const LeftNote = z.object({ id: z.string(), requester: z.string(), targetName: z.string(), at: z.string() });
export type LeftNote = z.infer<typeof LeftNote>;

/** How long such a note stays in the popup. */
export const LEFT_NOTE_MS = 60 * MINUTE;

export const ApprovalsState = z.object({
  /** Whose approvals these are (the signed-in account's oid); another account's list is never shown. */
  principalId: z.string(),
  /** When the approver lists were last read successfully. */
  fetchedAt: z.nullable(z.string()),
  items: z.array(Approval),
  /** The last read's failure, as a sentence (the list then is the last good one). */
  error: z.nullable(z.string()),
  /** Nothing waited at the last read: the approver reads are skipped until then (APPROVER_QUIET_MS). */
  quietUntil: z.nullable(z.string()),
  /** Requests that left the list since an earlier read, not by the user's decision (LEFT_NOTE_MS). */
  left: z._default(z.array(LeftNote), []),
});
export type ApprovalsState = z.infer<typeof ApprovalsState>;

/** Whether this refresh reads the approver lists: always for an approver, once per quiet period for anyone else. */
export function shouldReadApprovers(state: ApprovalsState | null, principalId: string, nowMs: number): boolean {
  if (!state || state.principalId !== principalId || state.quietUntil === null) return true;
  const until = Date.parse(state.quietUntil);
  return Number.isNaN(until) || nowMs >= until;
}

/**
 * The notes after a read: requests of the previous list missing from the new one (the user's own decisions were
 * already taken off the list, so these went some other way), plus the earlier notes still young enough.
 */
export function leftNotes(
  previous: Pick<ApprovalsState, 'items' | 'left'> | null,
  items: readonly Pick<Approval, 'id'>[],
  nowMs: number,
): LeftNote[] {
  const still = new Set(items.map((a) => a.id));
  const at = new Date(nowMs).toISOString();
  const gone = (previous?.items ?? [])
    .filter((a) => !still.has(a.id))
    .map((a) => ({
      id: a.id,
      requester: a.requester.displayName ?? a.requester.upn ?? a.requester.id,
      targetName: a.targetName,
      at,
    }));
  const kept = (previous?.left ?? []).filter((n) => !still.has(n.id) && nowMs - Date.parse(n.at) < LEFT_NOTE_MS);
  return [...gone, ...kept.filter((n) => !gone.some((g) => g.id === n.id))];
}

/** When the approval window of a request ends (its creation plus 24 h); null when Graph sent no creation time. */
export function approvalExpiresAt(a: Pick<Approval, 'createdDateTime'>): number | null {
  const created = a.createdDateTime ? Date.parse(a.createdDateTime) : Number.NaN;
  return Number.isNaN(created) ? null : created + APPROVAL_WINDOW_MS;
}

/** The approvals of this account still inside their window (an expired one disappears before the next read says so). */
export function waitingApprovals(
  state: ApprovalsState | null | undefined,
  principalId: string | null | undefined,
  nowMs: number,
): Approval[] {
  if (!state || !principalId || state.principalId !== principalId) return [];
  return state.items.filter((a) => {
    const end = approvalExpiresAt(a);
    return end === null || end > nowMs;
  });
}

/**
 * Where to decide by hand: the Entra admin center's PIM approvals [unverified: the blade ids are the portal's, not
 * documented; they have been stable for years].
 */
export function approvalPortalUrl(kind: ApprovalKind): string {
  return kind === 'role'
    ? 'https://entra.microsoft.com/#view/Microsoft_Azure_PIMCommon/ApproveRequestMenuBlade/~/aadmigratedroles'
    : 'https://entra.microsoft.com/#view/Microsoft_Azure_PIMCommon/ApproveRequestMenuBlade/~/aadgroup';
}
