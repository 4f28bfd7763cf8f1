/**
 * Azure resource roles in a refresh: three ARM lists at the provider root, in parallel with each other and with the
 * Graph `$batch` (lib/background/index.ts starts both before awaiting either):
 *
 *   /providers/Microsoft.Authorization/roleEligibilityScheduleInstances?$filter=asTarget()
 *   /providers/Microsoft.Authorization/roleAssignmentScheduleInstances?$filter=asTarget()
 *   /providers/Microsoft.Authorization/roleAssignmentScheduleRequests?$filter=asRequestor()
 *
 * At the root, not per subscription: a subscription-scoped call misses eligibilities inherited from a management group
 * (reference §8). Each list fills its own section; a failure (403, 429 beyond the client's one short wait, 5xx) keeps
 * that section's last good data with the error, like the Graph sections. Then the policies of eligibilities without a
 * cached one, one roleManagementPolicyAssignments read per scope + role definition, also in parallel.
 */
import { GraphRequestError } from '../graph/errors';
import { safeParseDuration } from '../pim/duration';
import { azureKey, type Assignment, type MemberType, type SectionError, type SectionId } from '../pim/model';
import type { SectionResult } from '../pim/snapshot';
import type { PolicyEntry } from '../storage';
import type { ArmClient } from './client';
import { readAzurePolicies } from './policies';
import { scopePath } from './scope';
import {
  AssignmentInstance,
  EligibilityInstance,
  parseItems,
  ScheduleRequest,
  type ExpandedProperties,
} from './schemas';
import type { z } from 'zod';

const AUTH = '/providers/Microsoft.Authorization';
export const AZURE_READS = {
  azureEligible: `${AUTH}/roleEligibilityScheduleInstances?$filter=asTarget()`,
  azureActive: `${AUTH}/roleAssignmentScheduleInstances?$filter=asTarget()`,
  azurePending: `${AUTH}/roleAssignmentScheduleRequests?$filter=asRequestor()`,
} as const satisfies Partial<Record<SectionId, string>>;

/** Requests still open: waiting for an approver, or approved for a later start (reference §1.3). */
const OPEN = new Set([
  'pendingapproval',
  'pendingadmindecision',
  'granted',
  'pendingschedulecreation',
  'pendingevaluation',
]);

function memberType(v: string | null | undefined): MemberType {
  const m = (v ?? '').toLowerCase();
  return m === 'group' ? 'group' : m === 'inherited' ? 'inherited' : 'direct';
}

type Expanded = z.output<typeof ExpandedProperties> | null | undefined;

function base(p: {
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  memberType?: string | null;
  expandedProperties?: Expanded;
}): Pick<
  Assignment,
  | 'key'
  | 'kind'
  | 'principalId'
  | 'targetId'
  | 'displayName'
  | 'directoryScopeId'
  | 'scopeName'
  | 'accessId'
  | 'memberType'
  | 'grants'
> {
  return {
    key: azureKey(p.roleDefinitionId, p.scope),
    kind: 'azure',
    principalId: p.principalId,
    targetId: p.roleDefinitionId,
    displayName: p.expandedProperties?.roleDefinition?.displayName ?? '',
    directoryScopeId: p.scope,
    scopeName: null,
    accessId: null,
    memberType: memberType(p.memberType),
    grants: [],
  };
}

export function eligibleToAssignment(i: EligibilityInstance): Assignment {
  const p = i.properties;
  return {
    ...base(p),
    state: 'eligible',
    id: i.id,
    assignmentType: null,
    startDateTime: p.startDateTime,
    endDateTime: p.endDateTime,
    status: null,
    justification: null,
    ...(p.roleEligibilityScheduleId ? { scheduleId: p.roleEligibilityScheduleId } : {}),
  };
}

export function activeToAssignment(i: AssignmentInstance): Assignment {
  const p = i.properties;
  return {
    ...base(p),
    state: 'active',
    id: i.id,
    assignmentType: (p.assignmentType ?? '').toLowerCase() === 'activated' ? 'Activated' : 'Assigned',
    startDateTime: p.startDateTime,
    endDateTime: p.endDateTime,
    status: null,
    justification: null,
  };
}

export function pendingToAssignment(r: ScheduleRequest): Assignment | null {
  const p = r.properties;
  if ((p.requestType ?? '').toLowerCase() !== 'selfactivate') return null;
  if (!OPEN.has((p.status ?? '').toLowerCase())) return null;
  const start = p.scheduleInfo?.startDateTime ?? p.createdOn ?? null;
  const duration = safeParseDuration(p.scheduleInfo?.expiration?.duration ?? '');
  const end =
    p.scheduleInfo?.expiration?.endDateTime ??
    (start && duration.ok ? new Date(Date.parse(start) + duration.minutes * 60_000).toISOString() : null);
  return {
    ...base(p),
    state: 'pending',
    // The request's full id: cancel is {id}/cancel at its own scope.
    id: r.id,
    assignmentType: null,
    startDateTime: start,
    endDateTime: end,
    status: p.status ?? null,
    justification: p.justification ?? null,
  };
}

/** Readable scope paths from every name ARM sent this time (expandedProperties.scope, by scope id). */
function withScopePaths(assignments: Assignment[], names: Map<string, string>): Assignment[] {
  return assignments.map((a) => ({ ...a, scopeName: scopePath(a.directoryScopeId, names) }));
}

function collectNames(items: readonly { properties: { expandedProperties?: Expanded } }[], into: Map<string, string>) {
  for (const i of items) {
    const s = i.properties.expandedProperties?.scope;
    if (s?.id && s.displayName) into.set(s.id.toLowerCase().replace(/\/+$/, ''), s.displayName);
  }
}

/** The code lib/auth/token-provider.ts ArmConsentRequiredError carries: shown as "Azure roles: not consented". */
const CONSENT = 'AzureConsentRequired';

function failure(e: unknown): SectionResult {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown } | null)?.code;
  const error: SectionError =
    e instanceof GraphRequestError
      ? { status: e.status, code: e.code, message: e.message }
      : code === CONSENT
        ? { status: 403, code: CONSENT, message }
        : { status: 0, code: typeof code === 'string' ? code : 'InvalidResponse', message };
  return { ok: false, error };
}

export interface AzureReadResult {
  results: Partial<Record<SectionId, SectionResult>>;
  policyUpdates: Record<string, PolicyEntry>;
  /** ARM requests made (lists, their further pages not counted, and policy reads). */
  requests: number;
}

export async function readAzure(deps: {
  arm: ArmClient;
  now: Date;
  policies?: Readonly<Record<string, PolicyEntry>>;
}): Promise<AzureReadResult> {
  const [elig, act, req] = await Promise.allSettled([
    deps.arm.list(AZURE_READS.azureEligible),
    deps.arm.list(AZURE_READS.azureActive),
    deps.arm.list(AZURE_READS.azurePending),
  ]);
  const names = new Map<string, string>();
  const eligible = elig.status === 'fulfilled' ? parseItems(EligibilityInstance, elig.value) : null;
  const active = act.status === 'fulfilled' ? parseItems(AssignmentInstance, act.value) : null;
  const pending = req.status === 'fulfilled' ? parseItems(ScheduleRequest, req.value) : null;
  for (const list of [eligible, active, pending]) if (list) collectNames(list, names);

  const results: Partial<Record<SectionId, SectionResult>> = {
    azureEligible: eligible
      ? { ok: true, assignments: withScopePaths(eligible.map(eligibleToAssignment), names) }
      : failure(elig.status === 'rejected' ? elig.reason : null),
    azureActive: active
      ? { ok: true, assignments: withScopePaths(active.map(activeToAssignment), names) }
      : failure(act.status === 'rejected' ? act.reason : null),
    azurePending: pending
      ? {
          ok: true,
          assignments: withScopePaths(
            pending.flatMap((r) => pendingToAssignment(r) ?? []),
            names,
          ),
        }
      : failure(req.status === 'rejected' ? req.reason : null),
  };
  let requests = 3;
  let policyUpdates: Record<string, PolicyEntry> = {};
  const fresh = results.azureEligible?.ok ? results.azureEligible.assignments : [];
  if (deps.policies && fresh.length > 0) {
    const read = await readAzurePolicies({ arm: deps.arm, assignments: fresh, cache: deps.policies, now: deps.now });
    policyUpdates = read.updates;
    requests += read.requests;
  }
  return { results, policyUpdates, requests };
}

/** Azure roles switched off, or no ARM token: the sections say why, with nothing requested. */
export function azureUnavailable(error: SectionError): Partial<Record<SectionId, SectionResult>> {
  const failed: SectionResult = { ok: false, error };
  return { azureEligible: failed, azureActive: failed, azurePending: failed };
}
