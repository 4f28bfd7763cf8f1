/**
 * The Azure side of the stand-in tenant: eligibility and assignment schedules at ARM scopes, and the requests made
 * against them. Built from `scenario.azure`; "current" is decided against the stand-in clock at read time, as in
 * ../store.ts, so expiry and scheduled starts need no timers.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { resolveTime } from '../clock.ts';
import type { ParsedTenantScenario } from '../scenario.ts';

export interface AzureEligibility {
  name: string;
  scheduleName: string;
  principalId: string;
  roleGuid: string;
  scope: string;
  memberType: string;
  startMs: number;
  endMs: number | null;
}

export interface AzureAssignment {
  name: string;
  scheduleName: string;
  principalId: string;
  roleGuid: string;
  scope: string;
  memberType: string;
  assignmentType: 'Activated' | 'Assigned';
  startMs: number;
  endMs: number | null;
  linkedEligibility: string | null;
}

export interface AzureRequest {
  name: string;
  scope: string;
  principalId: string;
  roleGuid: string;
  requestType: string;
  status: string;
  justification: string | null;
  ticketInfo: { ticketNumber: string | null; ticketSystem: string | null };
  startMs: number;
  durationIso: string | null;
  createdMs: number;
  linkedRoleEligibilityScheduleId: string | null;
  targetScheduleName: string | null;
}

export const norm = (scope: string) => scope.toLowerCase().replace(/\/+$/, '') || '/';
export const guidOf = (id: string) => (id.split('/').filter(Boolean).pop() ?? id).toLowerCase();

export class ArmState {
  eligibilities: AzureEligibility[] = [];
  assignments: AzureAssignment[] = [];
  requests: AzureRequest[] = [];

  constructor(
    readonly scenario: ParsedTenantScenario,
    private readonly clock: Clock,
  ) {
    const base = clock.now();
    const when = (v: string) => resolveTime(v, base).getTime();
    const principal = (ref: string) =>
      scenario.accounts.find((a) => a.id === ref || a.userPrincipalName.toLowerCase() === ref.toLowerCase())?.id ?? ref;
    for (const e of scenario.azure.eligibilities) {
      this.eligibilities.push({
        name: e.id ?? randomUUID(),
        scheduleName: randomUUID(),
        principalId: principal(e.principal),
        roleGuid: guidOf(e.roleDefinitionId),
        scope: e.scope,
        memberType: e.memberType,
        startMs: when(e.start),
        endMs: e.end === null ? null : when(e.end),
      });
    }
    for (const a of scenario.azure.assignments) {
      const name = randomUUID();
      this.assignments.push({
        name,
        scheduleName: name,
        principalId: principal(a.principal),
        roleGuid: guidOf(a.roleDefinitionId),
        scope: a.scope,
        memberType: a.memberType,
        assignmentType: a.assignmentType,
        startMs: when(a.start),
        endMs: a.end === null ? null : when(a.end),
        linkedEligibility: null,
      });
    }
    for (const h of scenario.azure.history) {
      this.requests.push({
        name: randomUUID(),
        scope: h.scope,
        principalId: principal(h.principal),
        roleGuid: guidOf(h.roleDefinitionId),
        requestType: h.requestType,
        status: h.status,
        justification: h.justification,
        ticketInfo: { ticketNumber: null, ticketSystem: null },
        startMs: when(h.created),
        durationIso: h.requestType === 'SelfActivate' ? h.duration : null,
        createdMs: when(h.created),
        linkedRoleEligibilityScheduleId: null,
        targetScheduleName: null,
      });
    }
  }

  now(): number {
    return this.clock.nowMs();
  }

  scopeInfo(scope: string): { displayName: string; type: string } {
    const known = this.scenario.azure.scopes.find((s) => norm(s.id) === norm(scope));
    const segs = scope.split('/').filter(Boolean);
    const type = /managementGroups/i.test(scope)
      ? 'managementgroup'
      : segs.length === 2
        ? 'subscription'
        : segs.length === 4
          ? 'resourcegroup'
          : 'resource';
    return { displayName: known?.displayName ?? segs[segs.length - 1] ?? scope, type };
  }

  /** The ancestors of a scope, itself included, top first: management group (by the subscription's parent) and ids. */
  chain(scope: string): string[] {
    const segs = scope.split('/').filter(Boolean);
    if (/^providers$/i.test(segs[0] ?? '')) return [norm(scope)];
    const out: string[] = [];
    const sub = `/${segs.slice(0, 2).join('/')}`;
    const parent = this.scenario.azure.scopes.find((s) => norm(s.id) === norm(sub))?.parent;
    if (parent) out.push(norm(parent));
    for (let n = 2; n <= segs.length; n += 2) {
      // resource ids: /subscriptions/s/resourceGroups/rg/providers/NS/type/name: skip the odd "providers/NS" prefix.
      if (n === 6) continue;
      out.push(norm(`/${segs.slice(0, n).join('/')}`));
    }
    if (segs.length > 6 && !out.includes(norm(scope))) out.push(norm(scope));
    return out;
  }

  /** True when `outer` is `inner` or above it (management groups by the scenario's hierarchy). */
  contains(outer: string, inner: string): boolean {
    return this.chain(inner).includes(norm(outer));
  }

  roleName(guid: string): string {
    return this.scenario.azure.roleDefinitions.find((r) => r.id.toLowerCase() === guid)?.displayName ?? guid;
  }

  /** A role definition's ARM id as read at `scope`: subscription-qualified below a subscription, else tenant-level. */
  roleDefinitionId(guid: string, scope: string): string {
    const m = /^\/subscriptions\/[^/]+/i.exec(scope);
    return `${m ? m[0] : ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  }

  policyFor(guid: string, scope: string) {
    const matching = this.scenario.azure.policies.filter(
      (p) => guidOf(p.roleDefinitionId) === guid && (!p.scope || this.contains(p.scope, scope)),
    );
    // The most specific scope wins.
    matching.sort((a, b) => (b.scope?.length ?? 0) - (a.scope?.length ?? 0));
    return (
      matching[0] ?? {
        roleDefinitionId: guid,
        maximumDuration: 'PT8H',
        enabledRules: ['Justification'],
        approvalRequired: false,
        authenticationContext: null,
      }
    );
  }
}
