/**
 * The tenant's mutable PIM state: eligibilities, active assignments (schedule instances) and requests.
 * Built from a scenario; read and changed by the Graph handlers and the control API. Whether something is
 * "current" is always decided against the stand-in clock at read time, so expiry and scheduled starts need no timers.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';
import { parseDuration, resolveTime } from './clock.ts';
import type { ParsedTenantScenario } from './scenario.ts';

export type Target =
  | { kind: 'role'; roleDefinitionId: string; directoryScopeId: string }
  | { kind: 'group'; groupId: string; accessId: 'member' | 'owner' };

export interface EligibilityRec {
  id: string;
  principalId: string;
  target: Target;
  memberType: string;
  startMs: number;
  endMs: number | null;
}

export interface AssignmentRec {
  id: string;
  principalId: string;
  target: Target;
  memberType: string;
  assignmentType: 'Activated' | 'Assigned';
  startMs: number;
  endMs: number | null;
  scheduleId: string;
  originId: string;
}

/**
 * The one approval step of a request waiting for approvers (single-stage policies; Graph cannot approve multi-stage
 * ones). Roles show it as beta `roleAssignmentApprovals/{approvalId}.steps[]`, groups as v1.0
 * `assignmentApprovals/{requestId}.stages[]`.
 */
export interface ApprovalStepRec {
  id: string;
  status: 'InProgress' | 'Completed';
  reviewResult: 'NotReviewed' | 'Approve' | 'Deny';
  justification: string;
  reviewedById: string | null;
  reviewedMs: number | null;
}

/** PIM's approval window: a request nobody decided within 24 hours expires (ENTRA pim-approval-workflow.md). */
export const APPROVAL_WINDOW_MS = 24 * 3_600_000;

/** Who decided when the control API decides ("another approver"). */
export const OTHER_APPROVER_ID = 'a9f0e1d2-3c4b-4a59-8e7f-000000000a99';

export function newStep(): ApprovalStepRec {
  return {
    id: randomUUID(),
    status: 'InProgress',
    reviewResult: 'NotReviewed',
    justification: '',
    reviewedById: null,
    reviewedMs: null,
  };
}

export type RequestCollection = 'roleAssignment' | 'roleEligibility' | 'groupAssignment';

export interface RequestRec {
  id: string;
  collection: RequestCollection;
  action: string;
  status: string;
  principalId: string;
  createdById: string;
  target: Target;
  justification: string | null;
  ticketInfo: { ticketNumber: string | null; ticketSystem: string | null };
  scheduleInfo: unknown;
  createdMs: number;
  completedMs: number | null;
  /** The window the request asks for (assignments) or the new eligibility end (extend/renew). */
  startMs: number;
  endMs: number | null;
  durationMs: number | null;
  isValidationOnly: boolean;
  approvalId: string | null;
  targetScheduleId: string;
  /** Requests that went to approvers: their step (null otherwise). */
  step: ApprovalStepRec | null;
}

export function sameTarget(a: Target, b: Target): boolean {
  if (a.kind === 'role' && b.kind === 'role')
    return a.roleDefinitionId === b.roleDefinitionId && normScope(a.directoryScopeId) === normScope(b.directoryScopeId);
  if (a.kind === 'group' && b.kind === 'group') return a.groupId === b.groupId && a.accessId === b.accessId;
  return false;
}

function normScope(s: string): string {
  return s === '' ? '/' : s;
}

export function isCurrent(rec: { startMs: number; endMs: number | null }, nowMs: number): boolean {
  return rec.startMs <= nowMs && (rec.endMs === null || nowMs < rec.endMs);
}

export class Store {
  eligibilities: EligibilityRec[] = [];
  assignments: AssignmentRec[] = [];
  requests: RequestRec[] = [];

  constructor(
    readonly scenario: ParsedTenantScenario,
    private readonly clock: Clock,
  ) {
    const base = clock.now();
    const when = (v: string) => resolveTime(v, base).getTime();
    for (const e of scenario.eligibilities) {
      this.eligibilities.push({
        id: e.id ?? `${randomUUID()}-1-e`,
        principalId: this.principalId(e.principal),
        target: targetOf(e),
        memberType: e.memberType,
        startMs: when(e.start),
        endMs: e.end === null ? null : when(e.end),
      });
    }
    for (const a of scenario.assignments) {
      const id = a.id ?? randomUUID();
      this.assignments.push({
        id,
        principalId: this.principalId(a.principal),
        target: targetOf(a),
        memberType: a.memberType,
        assignmentType: a.assignmentType,
        startMs: when(a.start),
        endMs: a.end === null ? null : when(a.end),
        scheduleId: id,
        originId: id,
      });
    }
    // Standing role assignments held by groups: what "this group grants Exchange Administrator" is read from.
    for (const g of scenario.groups) {
      for (const roleDefinitionId of g.grantsRoles) {
        const id = `${g.id}_${roleDefinitionId}`;
        this.assignments.push({
          id,
          principalId: g.id,
          target: { kind: 'role', roleDefinitionId, directoryScopeId: '/' },
          memberType: 'Direct',
          assignmentType: 'Assigned',
          startMs: when('-365d'),
          endMs: null,
          scheduleId: id,
          originId: id,
        });
      }
    }
    for (const p of scenario.pendingRequests) {
      const target = targetOf(p);
      const id = p.id ?? randomUUID();
      const startMs = when(p.start);
      const durationMs = parseDuration(p.duration) ?? 3_600_000;
      this.requests.push({
        id,
        collection: target.kind === 'role' ? 'roleAssignment' : 'groupAssignment',
        action: 'selfActivate',
        status: 'PendingApproval',
        principalId: this.principalId(p.principal),
        createdById: this.principalId(p.principal),
        target,
        justification: p.justification,
        ticketInfo: { ticketNumber: null, ticketSystem: null },
        scheduleInfo: {
          startDateTime: new Date(startMs).toISOString(),
          recurrence: null,
          expiration: { type: 'afterDuration', endDateTime: null, duration: p.duration },
        },
        createdMs: when(p.created),
        completedMs: null,
        startMs,
        endMs: startMs + durationMs,
        durationMs,
        isValidationOnly: false,
        approvalId: id,
        targetScheduleId: target.kind === 'group' ? `${target.groupId}_${target.accessId}_${id}` : id,
        step: newStep(),
      });
    }
  }

  /** An account id, or a UPN resolved to its id (scenarios may use either). */
  principalId(ref: string): string {
    const acc = this.scenario.accounts.find(
      (a) => a.id === ref || a.userPrincipalName.toLowerCase() === ref.toLowerCase(),
    );
    return acc ? acc.id : ref;
  }

  now(): number {
    return this.clock.nowMs();
  }

  currentEligibilities(principalId: string, kind: Target['kind']): EligibilityRec[] {
    const now = this.now();
    return this.eligibilities.filter(
      (e) => e.principalId === principalId && e.target.kind === kind && isCurrent(e, now),
    );
  }

  /**
   * Current assignment instances for a principal, including roles held through a group the user is currently a member
   * of (memberType Group), as Entra reports them.
   */
  currentAssignments(principalId: string, kind: Target['kind']): AssignmentRec[] {
    const now = this.now();
    const own = this.assignments.filter((a) => a.principalId === principalId && isCurrent(a, now));
    if (kind === 'group') return own.filter((a) => a.target.kind === 'group');
    const viaGroups: AssignmentRec[] = [];
    for (const m of own) {
      if (m.target.kind !== 'group' || m.target.accessId !== 'member') continue;
      const groupId = m.target.groupId;
      for (const g of this.assignments.filter(
        (a) => a.principalId === groupId && a.target.kind === 'role' && isCurrent(a, now),
      )) {
        viaGroups.push({
          ...g,
          id: `${g.id}_${principalId}`,
          principalId,
          memberType: 'Group',
          startMs: Math.max(g.startMs, m.startMs),
          endMs: minEnd(g.endMs, m.endMs),
        });
      }
    }
    return [...own.filter((a) => a.target.kind === 'role'), ...viaGroups];
  }

  /** Assignments held by any principal (used for "which roles does this group hold"). */
  currentAssignmentsOf(principalId: string): AssignmentRec[] {
    const now = this.now();
    return this.assignments.filter((a) => a.principalId === principalId && isCurrent(a, now));
  }

  /** Applies what the passage of time decides: scheduled (Granted) requests become Provisioned once they start. */
  settle(): void {
    const now = this.now();
    for (const r of this.requests) {
      if (r.status === 'Granted' && r.startMs <= now) {
        r.status = 'Provisioned';
      }
      // Nobody decided within the window: the request ends [unverified: Graph's status for an expired approval is not
      // documented; the ARM API says TimedOut, which Graph's request status does not list, so Canceled].
      if (r.status === 'PendingApproval' && r.step && now - r.createdMs >= APPROVAL_WINDOW_MS) {
        r.status = 'Canceled';
        r.completedMs = r.createdMs + APPROVAL_WINDOW_MS;
      }
    }
    // Expired activations disappear for good (they are filtered anyway; this keeps the list short in long runs).
    this.assignments = this.assignments.filter(
      (a) => a.endMs === null || a.endMs > now || a.assignmentType !== 'Activated',
    );
  }

  requestById(id: string): RequestRec | undefined {
    return this.requests.find((r) => r.id === id);
  }

  /** Turns an approved request into its schedule: starts now (or at the requested future start). */
  provision(r: RequestRec): void {
    const now = this.now();
    const startMs = Math.max(r.startMs, now);
    const endMs = r.durationMs !== null ? startMs + r.durationMs : r.endMs;
    r.startMs = startMs;
    r.endMs = endMs;
    const elig = this.eligibilities.find((e) => e.principalId === r.principalId && sameTarget(e.target, r.target));
    const id = elig ? elig.id.replace(/-e$/, '') : r.id;
    this.assignments = this.assignments.filter(
      (a) => !(a.principalId === r.principalId && sameTarget(a.target, r.target) && a.assignmentType === 'Activated'),
    );
    this.assignments.push({
      id,
      principalId: r.principalId,
      target: r.target,
      memberType: 'Direct',
      assignmentType: 'Activated',
      startMs,
      endMs,
      scheduleId: r.targetScheduleId,
      originId: elig ? elig.id.replace(/-e$/, '') : r.id,
    });
    r.status = startMs > now ? 'Granted' : 'Provisioned';
    r.completedMs = startMs;
  }
}

/**
 * An approver's decision: through the control API ("another approver decided", Graph cannot approve extend/renew
 * requests either) or through the approval step's PATCH (graph/approvals.ts).
 */
export function decide(
  store: Store,
  id: string,
  approve: boolean,
  by: { id: string; justification: string } = { id: OTHER_APPROVER_ID, justification: '' },
): RequestRec | string {
  const r = store.requestById(id);
  if (!r) return `No request with id ${id}`;
  if (r.status !== 'PendingApproval' && r.status !== 'PendingAdminDecision')
    return `Request ${id} is ${r.status}, not waiting for a decision`;
  const now = store.now();
  if (r.step) {
    r.step.status = 'Completed';
    r.step.reviewResult = approve ? 'Approve' : 'Deny';
    r.step.justification = by.justification;
    r.step.reviewedById = by.id;
    r.step.reviewedMs = now;
  }
  if (!approve) {
    r.status = 'Denied';
    r.completedMs = now;
    return r;
  }
  if (r.action.toLowerCase() === 'selfactivate') {
    store.provision(r);
    return r;
  }
  // Extend / renew: the eligibility (or activation) gets the requested end.
  const newEnd = r.endMs ?? (r.durationMs !== null ? Math.max(r.startMs, now) + r.durationMs : null);
  const pool: { principalId: string; target: Target; endMs: number | null; startMs: number }[] =
    r.collection === 'roleEligibility' ? store.eligibilities : store.assignments;
  const existing = pool
    .filter((x) => x.principalId === r.principalId && sameTarget(x.target, r.target))
    .sort((a, b) => (b.endMs ?? Infinity) - (a.endMs ?? Infinity))[0];
  if (existing) {
    existing.endMs = newEnd;
    if (existing.startMs > now) existing.startMs = now;
  }
  r.status = 'Provisioned';
  r.completedMs = now;
  return r;
}

function minEnd(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function targetOf(t: {
  roleDefinitionId?: string | undefined;
  directoryScopeId: string;
  groupId?: string | undefined;
  accessId?: 'member' | 'owner' | undefined;
}): Target {
  if (t.groupId) return { kind: 'group', groupId: t.groupId, accessId: t.accessId ?? 'member' };
  if (!t.roleDefinitionId) throw new Error('Scenario item needs roleDefinitionId or groupId');
  return { kind: 'role', roleDefinitionId: t.roleDefinitionId, directoryScopeId: t.directoryScopeId };
}
