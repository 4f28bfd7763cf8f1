/**
 * The optional second round trip of a refresh: for PIM groups whose cached GroupInfo is missing or older than 24 h,
 * the Entra roles the group holds ("grants Exchange Administrator"). The group's name comes only from batch 1's
 * `$expand=group`: never `GET /groups/{id}`, which needs GroupMember.Read.All / Group.Read.All (admin-consent scopes we
 * do not ask for; Graph answers 403 without them). Groups the previous snapshot already had are refreshed ahead, beside
 * the reads (lib/graph/reads.ts planAhead); the second trip, at most one `$batch` of 20, is for new groups only, so a
 * refresh never costs more than two round trips (plus one for throttled items), and a warm one costs one.
 */
import type { GroupInfo } from '../storage';
import type { BatchItemResponse, BatchRequestItem, GraphClient } from './client';
import { MAX_BATCH_REQUESTS } from './client';
import { GraphRequestError } from './errors';
import { followBatchPages } from './paging';
import { GroupRoleInstance, parseList } from './schemas';

export const GROUP_INFO_TTL_MS = 24 * 60 * 60 * 1000;

export function isGroupInfoFresh(info: GroupInfo | undefined, now: Date): info is GroupInfo {
  if (!info) return false;
  const age = now.getTime() - Date.parse(info.fetchedAt);
  return age >= 0 && age < GROUP_INFO_TTL_MS;
}

/** Refresh-ahead (lib/graph/reads.ts): missing, or in the last quarter of its TTL. */
export function isGroupInfoDueSoon(info: GroupInfo | undefined, now: Date): boolean {
  if (!info) return true;
  const age = now.getTime() - Date.parse(info.fetchedAt);
  return !(age >= 0 && age < (GROUP_INFO_TTL_MS * 3) / 4);
}

export function groupRolesUrl(groupId: string): string {
  return `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${groupId}'&$expand=roleDefinition`;
}

/** The requests for the groups that need them (by default: not fresh), at most `limit`. */
export function groupInfoRequests(
  groups: Iterable<string>,
  cache: Readonly<Record<string, GroupInfo>>,
  now: Date,
  limit = MAX_BATCH_REQUESTS,
  needs: (info: GroupInfo | undefined, now: Date) => boolean = (i, n) => !isGroupInfoFresh(i, n),
): BatchRequestItem[] {
  const requests: BatchRequestItem[] = [];
  for (const groupId of groups) {
    if (!needs(cache[groupId], now)) continue;
    if (requests.length + 1 > limit) break;
    requests.push({ id: `roles-${groupId}`, method: 'GET', url: groupRolesUrl(groupId) });
  }
  return requests;
}

const is2xx = (s: number) => s >= 200 && s < 300;
/** 4xx other than 429: asking again within the day will not help (no consent, no such group). */
const isPermanentFailure = (s: number) => s >= 400 && s < 500 && s !== 429;

type Outcome<T> = { kind: 'ok'; value: T } | { kind: 'permanent' } | { kind: 'transient' };

function rolesOutcome(item: BatchItemResponse | undefined): Outcome<string[]> {
  if (!item) return { kind: 'transient' };
  if (!is2xx(item.status)) return { kind: isPermanentFailure(item.status) ? 'permanent' : 'transient' };
  const list = parseList(GroupRoleInstance, item.body);
  if (!list) return { kind: 'transient' };
  const names = list.items.map((i) => i.roleDefinition?.displayName ?? '').filter((n) => n !== '');
  return { kind: 'ok', value: [...new Set(names)].sort((a, b) => a.localeCompare(b)) };
}

/**
 * Bring the cache up to date for `groups` (groupId → display name from `$expand=group`, or null). Returns the new
 * cache and how many round trips it took (0 or 1). Never throws: group info is decoration, the snapshot must not
 * fail because of it.
 *
 * `extra`: other requests that depend on batch 1 and ride in the same second round trip (activation policies, see
 * lib/graph/policies.ts), after the group requests and as many as fit in the batch; `extraAnswers` holds the answers
 * of those that were sent (none when the batch failed as a whole).
 */
export async function refreshGroupInfo(args: {
  graph: GraphClient;
  groups: ReadonlyMap<string, string | null>;
  cache: Readonly<Record<string, GroupInfo>>;
  now: Date;
  extra?: readonly BatchRequestItem[];
  /** Which of `groups` may be fetched in this round trip (default all); the others keep what the cache has. */
  request?: (groupId: string) => boolean;
}): Promise<{ groupInfo: Record<string, GroupInfo>; requests: number; extraAnswers: BatchItemResponse[] }> {
  const { groups, cache, now } = args;
  const next: Record<string, GroupInfo> = {};
  // Keep fresh entries of groups no longer listed (an expired eligibility may come back); drop stale unused ones.
  for (const [id, info] of Object.entries(cache)) {
    if (groups.has(id) || isGroupInfoFresh(info, now)) next[id] = info;
  }
  // The name from $expand is current on every refresh; keep the cache in step without refetching anything.
  for (const [id, name] of groups) {
    const info = next[id];
    if (info && name && info.displayName !== name) next[id] = { ...info, displayName: name };
  }

  const asked = args.request ? [...groups.keys()].filter(args.request) : groups.keys();
  const own = groupInfoRequests(asked, cache, now);
  const extra = (args.extra ?? []).slice(0, Math.max(0, MAX_BATCH_REQUESTS - own.length));
  const requests = [...own, ...extra];
  if (requests.length === 0) return { groupInfo: next, requests: 0, extraAnswers: [] };

  let answers: BatchItemResponse[];
  try {
    answers = await args.graph.batch(requests);
  } catch (error) {
    if (!(error instanceof GraphRequestError)) throw error;
    console.warn(`PIM Companion: group details could not be fetched (${error.message}); will retry next refresh.`);
    return { groupInfo: next, requests: 1, extraAnswers: [] };
  }
  const byId = new Map(answers.map((a) => [a.id, a]));
  const paged = await followBatchPages({ graph: args.graph, answers: byId, ids: own.map((r) => r.id) });
  const extraIds = new Set(extra.map((r) => r.id));

  Object.assign(next, applyGroupInfoAnswers(own, byId, groups, cache, now));
  return { groupInfo: next, requests: 1 + paged, extraAnswers: answers.filter((a) => extraIds.has(a.id)) };
}

/**
 * The answers to group requests (`roles-<groupId>`) → new cache entries. A transient failure gives none: the old
 * entry (if any) stays and a later refresh asks again; a permanent one (403, 404) is remembered for the TTL.
 */
export function applyGroupInfoAnswers(
  requests: readonly BatchRequestItem[],
  answers: ReadonlyMap<string, BatchItemResponse>,
  names: ReadonlyMap<string, string | null>,
  cache: Readonly<Record<string, GroupInfo>>,
  now: Date,
): Record<string, GroupInfo> {
  const updates: Record<string, GroupInfo> = {};
  for (const request of requests) {
    if (!request.id.startsWith('roles-')) continue;
    const groupId = request.id.slice('roles-'.length);
    const old = cache[groupId];
    const roles = rolesOutcome(answers.get(request.id));
    if (roles.kind === 'transient') continue;
    updates[groupId] = {
      displayName: names.get(groupId) ?? old?.displayName ?? null,
      grants: roles.kind === 'ok' ? roles.value : (old?.grants ?? []),
      fetchedAt: now.toISOString(),
    };
  }
  return updates;
}
