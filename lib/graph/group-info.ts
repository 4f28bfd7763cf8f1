/**
 * The optional second round trip of a refresh: for PIM groups whose cached GroupInfo is missing or older than 24 h,
 * the Entra roles the group holds ("grants Exchange Administrator"). The group's name comes only from batch 1's
 * `$expand=group`: never `GET /groups/{id}`, which needs GroupMember.Read.All / Group.Read.All (admin-consent scopes we
 * do not ask for; Graph answers 403 without them). At most one `$batch` of 20 requests per refresh; groups that do not
 * fit wait for the next refresh, so a refresh never costs more than two round trips (plus one for throttled items).
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

export function groupRolesUrl(groupId: string): string {
  return `/roleManagement/directory/roleAssignmentScheduleInstances?$filter=principalId eq '${groupId}'&$expand=roleDefinition`;
}

/** The second-round-trip requests for the groups that need them, at most MAX_BATCH_REQUESTS. */
export function groupInfoRequests(
  groups: ReadonlyMap<string, string | null>,
  cache: Readonly<Record<string, GroupInfo>>,
  now: Date,
): BatchRequestItem[] {
  const requests: BatchRequestItem[] = [];
  for (const groupId of groups.keys()) {
    if (isGroupInfoFresh(cache[groupId], now)) continue;
    if (requests.length + 1 > MAX_BATCH_REQUESTS) break;
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
}): Promise<{ groupInfo: Record<string, GroupInfo>; requests: number; extraAnswers: BatchItemResponse[] }> {
  const { groups, cache, now } = args;
  const at = now.toISOString();
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

  const own = groupInfoRequests(groups, cache, now);
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

  for (const request of requests) {
    if (!request.id.startsWith('roles-')) continue;
    const groupId = request.id.slice('roles-'.length);
    const old = cache[groupId];
    const roles = rolesOutcome(byId.get(request.id));
    if (roles.kind === 'transient') continue; // keep the old entry (if any) as it is; retried next refresh
    next[groupId] = {
      displayName: groups.get(groupId) ?? old?.displayName ?? null,
      grants: roles.kind === 'ok' ? roles.value : (old?.grants ?? []),
      fetchedAt: at,
    };
  }
  return { groupInfo: next, requests: 1 + paged, extraAnswers: answers.filter((a) => extraIds.has(a.id)) };
}
