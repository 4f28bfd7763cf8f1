/**
 * Refreshing the user's PIM state: one `$batch` of six reads (reference §5 "Batch 1"), beside it (same round trip) up
 * to AHEAD_BATCHES `$batch`es of group details and activation policies the previous snapshot says are missing or soon
 * stale (refresh-ahead), and at most one more after it for targets new since then (lib/graph/group-info.ts). Warm: 1
 * round trip at any size; cold: 2; plus one per further page of any list that Graph pages (`@odata.nextLink`,
 * lib/graph/paging.ts).
 *
 * Per-section degradation: an item that fails (403 unconsented scope, 429 after its one retry, 5xx, unreadable body)
 * keeps that section's previous assignments and sets `sections[id].error`; the other sections update. When the batch
 * as a whole fails (offline, 5xx/401 on `$batch`) the GraphRequestError is thrown: the caller keeps the old snapshot
 * and marks it stale.
 *
 * Throttled items: no Graph SDK retries a 429 *inside* a `$batch` (the batch itself is a 200), so we do it here: the
 * 429 items, and only those, are sent again once in a follow-up batch after the longest item Retry-After (default 1 s
 * when absent). A wait longer than `maxItemRetryWaitSeconds` is not waited out: those sections keep their last good
 * data with a 429 error, and the next refresh picks them up.
 */
import type { z } from 'zod';
import type { GroupInfo, PolicyEntry } from '../storage';
import type { Assignment, SectionError, SectionId, Snapshot } from '../pim/model';
import { mergeSnapshot, type SectionResult } from '../pim/snapshot';
import { MAX_BATCH_REQUESTS, type BatchItemResponse, type BatchRequestItem, type GraphClient } from './client';
import { t } from '../i18n';
import { GraphRequestError, parseGraphError } from './errors';
import { followBatchPages } from './paging';
import { applyGroupInfoAnswers, groupInfoRequests, isGroupInfoDueSoon, refreshGroupInfo } from './group-info';
import { applyPolicyAnswers, isPolicyDueSoon, planPolicyRequests } from './policies';
import {
  groupActiveToAssignment,
  groupEligibleToAssignment,
  groupPendingToAssignment,
  isOpenRequest,
  roleActiveToAssignment,
  roleEligibleToAssignment,
  rolePendingToAssignment,
} from './mappers';
import {
  GroupAssignmentInstance,
  GroupEligibilityInstance,
  GroupRequest,
  parseList,
  RoleAssignmentInstance,
  RoleEligibilityInstance,
  RoleRequest,
} from './schemas';

const ROLES = '/roleManagement/directory';
const GROUPS = '/identityGovernance/privilegedAccess/group';
const ME = "filterByCurrentUser(on='principal')";
/** Waiting for an approver, or approved with a later start (scheduled: `Granted` until it starts, reference §1.3). */
const PENDING = "$filter=status eq 'PendingApproval' or status eq 'Granted'";

/**
 * Batch 1, all parallel. Ids are part of the contract with tests and the fake tenant. Every list expands the name it
 * needs (roleDefinition, directoryScope, group: documented on these resources and their filterByCurrentUser
 * functions), so no row needs a directory read to be named.
 */
export const READ_BATCH: readonly BatchRequestItem[] = [
  {
    id: 'rElig',
    method: 'GET',
    url: `${ROLES}/roleEligibilityScheduleInstances/${ME}?$expand=roleDefinition,directoryScope`,
  },
  {
    id: 'rAct',
    method: 'GET',
    url: `${ROLES}/roleAssignmentScheduleInstances/${ME}?$expand=roleDefinition,directoryScope`,
  },
  { id: 'gElig', method: 'GET', url: `${GROUPS}/eligibilityScheduleInstances/${ME}?$expand=group` },
  { id: 'gAct', method: 'GET', url: `${GROUPS}/assignmentScheduleInstances/${ME}?$expand=group` },
  {
    id: 'rReq',
    method: 'GET',
    url: `${ROLES}/roleAssignmentScheduleRequests/${ME}?$expand=roleDefinition,directoryScope&${PENDING}`,
  },
  { id: 'gReq', method: 'GET', url: `${GROUPS}/assignmentScheduleRequests/${ME}?$expand=group&${PENDING}` },
];

type Mapper = (body: unknown, principalId: string) => Assignment[] | null;

function listMapper<S extends z.ZodType>(
  schema: S,
  map: (item: z.infer<S>, principalId: string) => Assignment | null,
): Mapper {
  return (body, principalId) => {
    // Every page is in `body` by now (followBatchPages).
    const list = parseList(schema, body);
    if (!list) return null;
    return list.items.flatMap((item) => map(item, principalId) ?? []);
  };
}

/** Batch item id → the snapshot section it fills and how to read it. */
const SECTIONS: Record<string, { section: SectionId; map: Mapper }> = {
  rElig: { section: 'roleEligible', map: listMapper(RoleEligibilityInstance, roleEligibleToAssignment) },
  rAct: { section: 'roleActive', map: listMapper(RoleAssignmentInstance, roleActiveToAssignment) },
  gElig: { section: 'groupEligible', map: listMapper(GroupEligibilityInstance, groupEligibleToAssignment) },
  gAct: { section: 'groupActive', map: listMapper(GroupAssignmentInstance, groupActiveToAssignment) },
  rReq: {
    section: 'rolePending',
    map: listMapper(RoleRequest, (r, p) => (isOpenRequest(r) ? rolePendingToAssignment(r, p) : null)),
  },
  gReq: {
    section: 'groupPending',
    map: listMapper(GroupRequest, (r, p) => (isOpenRequest(r) ? groupPendingToAssignment(r, p) : null)),
  },
};

export interface RefreshDeps {
  graph: GraphClient;
  /** The signed-in user's object id (token `oid`). */
  principalId: string;
  previous: Snapshot | null;
  groupInfo: Record<string, GroupInfo>;
  now: Date;
  /**
   * More reads that ride in the same first `$batch` (the approver views, lib/background/approvals.ts), paged like the
   * rest. `settle` gets their answers (every page) and runs beside the second round trip; the refresh waits for it.
   * It must not reject.
   */
  extraReads?: {
    items: readonly BatchRequestItem[];
    settle(answers: ReadonlyMap<string, BatchItemResponse>): Promise<void>;
  };
  /** Waits before re-sending throttled items (default: setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /** Longest item Retry-After worth waiting for (default 10 s). */
  maxItemRetryWaitSeconds?: number;
  /**
   * The cached activation policies (policiesItem). When given, the eligibilities' uncached policies ride in the second
   * round trip with the group details (what does not fit waits for the next refresh or the next command).
   */
  policies?: Readonly<Record<string, PolicyEntry>>;
  /**
   * Sections read elsewhere in the same round trip (Azure roles from ARM, lib/background/azure.ts), started by the
   * caller before this batch and merged with it. Must not reject.
   */
  extraSections?: Promise<Partial<Record<SectionId, SectionResult>>>;
}

export interface RefreshResult {
  snapshot: Snapshot;
  groupInfo: Record<string, GroupInfo>;
  /** Round trips made (batches sent). */
  requests: number;
  /** New policy entries by eligibility key (only with `policies` given): merge them into the cache (mergePolicies). */
  policyUpdates?: Record<string, PolicyEntry>;
}

const DEFAULT_ITEM_RETRY_SECONDS = 1;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const is2xx = (s: number) => s >= 200 && s < 300;

/** Refresh-ahead: at most this many `$batch` requests of slow-changing data beside the reads (one round trip). */
export const AHEAD_BATCHES = 3;

/**
 * What the previous snapshot says will be needed: group details and activation policies that are missing or in the
 * last quarter of their TTL, oldest first, at most AHEAD_BATCHES × 20. Sent beside the reads, they keep what is known
 * from ever expiring onto a refresh's critical path; only targets new since the previous snapshot take a second trip.
 */
function planAhead(
  previous: Snapshot,
  groupInfo: Readonly<Record<string, GroupInfo>>,
  policies: Readonly<Record<string, PolicyEntry>> | undefined,
  now: Date,
) {
  const limit = AHEAD_BATCHES * MAX_BATCH_REQUESTS;
  const groupIds = [...new Set(previous.assignments.filter((a) => a.kind === 'group').map((a) => a.targetId))];
  const groups = groupInfoRequests(groupIds, groupInfo, now, limit, isGroupInfoDueSoon);
  const policy = policies
    ? planPolicyRequests(previous.assignments, policies, now, limit - groups.length, isPolicyDueSoon)
    : null;
  const requests = [...groups, ...(policy?.requests ?? [])];
  return { groups, policy, requests };
}

/** The ahead requests in parallel `$batch` calls; a batch that fails as a whole is skipped (asked again next time). */
async function sendAhead(graph: GraphClient, requests: readonly BatchRequestItem[]): Promise<BatchItemResponse[]> {
  const chunks: BatchRequestItem[][] = [];
  for (let i = 0; i < requests.length; i += MAX_BATCH_REQUESTS) chunks.push(requests.slice(i, i + MAX_BATCH_REQUESTS));
  const answers = await Promise.all(
    chunks.map((chunk) =>
      graph.batch(chunk).catch((error: unknown) => {
        if (!(error instanceof GraphRequestError)) throw error;
        console.warn(`PIM Companion: refresh-ahead reads failed (${error.message}); asked again next refresh.`);
        return [] as BatchItemResponse[];
      }),
    ),
  );
  return answers.flat();
}

export async function refreshSnapshot(deps: RefreshDeps): Promise<RefreshResult> {
  const { graph, principalId, now } = deps;
  const previous = deps.previous?.principalId === principalId ? deps.previous : null;

  const ahead = previous ? planAhead(previous, deps.groupInfo, deps.policies, now) : null;
  const items = new Map<string, BatchItemResponse>();
  const [read, aheadAnswers] = await Promise.all([
    graph.batch([...READ_BATCH, ...(deps.extraReads?.items ?? [])]),
    ahead && ahead.requests.length > 0 ? sendAhead(graph, ahead.requests) : Promise.resolve([]),
  ]);
  for (const item of read) items.set(item.id, item);
  let requests = 1;
  requests += await retryThrottled(deps, items);
  requests += await followBatchPages({ graph, answers: items });
  const extraReads = deps.extraReads;
  const extraSettled = extraReads?.settle(
    new Map(extraReads.items.flatMap((r) => (items.has(r.id) ? [[r.id, items.get(r.id)!]] : []))),
  );

  const results = {} as Record<SectionId, SectionResult>;
  for (const request of READ_BATCH) {
    const { section, map } = SECTIONS[request.id]!;
    results[section] = readSection(items.get(request.id), map, principalId, now);
  }

  // Group details: for every group shown (fresh or kept from the previous snapshot), with its $expand=group name.
  const groups = new Map<string, string | null>();
  const shownGroups = [
    ...Object.values(results).flatMap((r) => (r.ok ? r.assignments : [])),
    ...(previous?.assignments ?? []).filter((a) => !results[sectionOfGroup(a)]?.ok),
  ].filter((a) => a.kind === 'group');
  for (const a of shownGroups) {
    const fresh = results[sectionOfGroup(a)]?.ok ? a.displayName : '';
    groups.set(a.targetId, groups.get(a.targetId) || fresh || null);
  }
  const eligible = [
    ...Object.values(results).flatMap((r) => (r.ok ? r.assignments : [])),
    ...(previous?.assignments ?? []).filter((a) => !results[a.kind === 'role' ? 'roleEligible' : 'groupEligible']?.ok),
  ].filter((a) => a.state === 'eligible');
  // The ahead answers update the caches first; the second trip is only for targets the previous snapshot did not have.
  const aheadById = new Map(aheadAnswers.map((a) => [a.id, a]));
  const groupCache = ahead
    ? { ...deps.groupInfo, ...applyGroupInfoAnswers(ahead.groups, aheadById, groups, deps.groupInfo, now) }
    : deps.groupInfo;
  const aheadPolicies = ahead?.policy ? applyPolicyAnswers(ahead.policy, aheadAnswers, now) : {};
  const policyCache = deps.policies ? { ...deps.policies, ...aheadPolicies } : null;
  const known = new Set(previous?.assignments.filter((a) => a.state === 'eligible').map((a) => a.key) ?? []);
  const knownGroups = new Set(previous?.assignments.filter((a) => a.kind === 'group').map((a) => a.targetId) ?? []);
  const isNew = (a: Assignment) => !previous || !known.has(a.key);
  const policyPlan = policyCache ? planPolicyRequests(eligible.filter(isNew), policyCache, now) : null;
  const info = await refreshGroupInfo({
    graph,
    groups,
    cache: groupCache,
    now,
    extra: policyPlan?.requests,
    request: (groupId) => !previous || !knownGroups.has(groupId),
  });
  requests += info.requests;

  for (const result of Object.values(results)) {
    if (result.ok) result.assignments = result.assignments.map((a) => withGroupInfo(a, info.groupInfo));
  }
  const unnamed = (a: Pick<Assignment, 'kind' | 'targetId'>) =>
    t(a.kind === 'group' ? 'unnamedGroup' : 'unnamedRole', a.targetId);
  const extra = deps.extraSections ? await deps.extraSections : {};
  const merged = mergeSnapshot({ previous, principalId, now, results: { ...extra, ...results }, unnamed });
  const withInfo = merged.assignments.map((a) => withGroupInfo(a, info.groupInfo));
  const snapshot = { ...merged, assignments: withViaGroupNames(withInfo, principalId, info.groupInfo) };
  const policyUpdates = policyPlan
    ? { ...aheadPolicies, ...applyPolicyAnswers(policyPlan, info.extraAnswers, now) }
    : undefined;
  await extraSettled;
  return { snapshot, groupInfo: info.groupInfo, requests, ...(policyUpdates ? { policyUpdates } : {}) };
}

function sectionOfGroup(a: Assignment): SectionId {
  return a.state === 'eligible' ? 'groupEligible' : a.state === 'active' ? 'groupActive' : 'groupPending';
}

/**
 * Grants always from the cache (they change on the cache's schedule); the name only when this row has none (the
 * cache's name came from another row's `$expand=group`).
 */
function withGroupInfo(a: Assignment, groupInfo: Record<string, GroupInfo>): Assignment {
  const info = a.kind === 'group' ? groupInfo[a.targetId] : undefined;
  if (!info) return a;
  if ((!a.displayName || a.nameMissing) && info.displayName) {
    const { nameMissing: _known, ...rest } = a;
    return { ...rest, displayName: info.displayName, grants: info.grants };
  }
  return { ...a, grants: info.grants };
}

/**
 * A role held through a group (memberType 'group') carries the group's id as its principalId [unverified, reference
 * §1.1]; when that group is one we know (a PIM group of the user, or cached), name it for "via group X". When the
 * instance carries the user's own id instead, the active PIM group memberships that grant this role name it.
 */
function withViaGroupNames(
  assignments: Assignment[],
  principalId: string,
  groupInfo: Record<string, GroupInfo>,
): Assignment[] {
  const names = new Map<string, string>();
  for (const [id, info] of Object.entries(groupInfo)) if (info.displayName) names.set(id, info.displayName);
  for (const a of assignments) if (a.kind === 'group' && !a.nameMissing) names.set(a.targetId, a.displayName);
  const activeGroups = assignments.filter((g) => g.kind === 'group' && g.state === 'active');
  return assignments.map((a) => {
    if (a.memberType !== 'group') return a;
    const byPrincipal = a.principalId !== principalId ? names.get(a.principalId) : undefined;
    const byGrant = activeGroups.filter((g) => g.grants.includes(a.displayName)).map((g) => g.displayName);
    const name = byPrincipal ?? (byGrant.length > 0 ? byGrant.join(', ') : undefined);
    return name ? { ...a, viaGroupName: name } : a;
  });
}

/** Re-sends the 429 items once; returns the round trips made (0 or 1). Never throws: the 429s then stand. */
async function retryThrottled(deps: RefreshDeps, items: Map<string, BatchItemResponse>): Promise<number> {
  const throttled = READ_BATCH.filter((r) => items.get(r.id)?.status === 429);
  if (throttled.length === 0) return 0;
  const wait = Math.max(
    ...throttled.map((r) => {
      const item = items.get(r.id)!;
      return (
        parseGraphError(item.status, item.body, item.headers, deps.now).retryAfterSeconds ?? DEFAULT_ITEM_RETRY_SECONDS
      );
    }),
  );
  if (wait > (deps.maxItemRetryWaitSeconds ?? 10)) return 0;
  await (deps.sleep ?? realSleep)(Math.ceil(wait * 1000));
  try {
    for (const item of await deps.graph.batch(throttled)) items.set(item.id, item);
  } catch (error) {
    console.warn(`PIM Companion: retrying throttled reads failed (${String(error)}).`);
  }
  return 1;
}

function readSection(item: BatchItemResponse | undefined, map: Mapper, principalId: string, now: Date): SectionResult {
  if (!item) return failed({ status: 0, code: 'MissingBatchItem', message: t('graphMissingBatchItem') });
  if (!is2xx(item.status)) {
    const { status, code, message } = parseGraphError(item.status, item.body, item.headers, now);
    return failed({ status, code, message });
  }
  const assignments = map(item.body, principalId);
  if (!assignments) {
    return failed({ status: item.status, code: 'InvalidResponse', message: t('graphUnreadableList') });
  }
  return { ok: true, assignments };
}

function failed(error: SectionError): SectionResult {
  return { ok: false, error };
}
