/**
 * Activation policies ("role settings") per eligibility, cached in storage (policiesItem). One policy request per role
 * definition (scope '/', as graph-pim.md §3 documents) and per group + access id, batched ≤ 20 per `$batch`. A refresh
 * reads the known eligibilities' missing or soon-stale ones beside its reads (refresh-ahead, isPolicyDueSoon), and only
 * new eligibilities' in its second round trip next to the group details (lib/graph/reads.ts), so a warm refresh stays
 * one round trip at any size; commands fetch what is still missing just before they need it (fetchPolicies).
 *
 * A 403 (plain eligible users often may not read policies) is not fatal: the entry becomes `policy: null` for an hour
 * and the form asks for a justification; PIM's own answer then says what else is missing.
 */
import type { Assignment } from '../pim/model';
import { parsePolicyResponse, policyUrlFor } from '../pim/policy';
import type { PolicyEntry } from '../storage';
import { MAX_BATCH_REQUESTS, type BatchItemResponse, type BatchRequestItem, type GraphClient } from './client';
import { GraphRequestError, parseGraphError } from './errors';

/** Policies change rarely, but ids change when a group is first onboarded to PIM (graph-pim.md §3): not longer. */
export const POLICY_TTL_MS = 12 * 60 * 60 * 1000;
/** A failed read (403, no policy assigned) is asked again sooner: consent may have been granted since. */
export const POLICY_FAILED_TTL_MS = 60 * 60 * 1000;

export function isPolicyFresh(entry: PolicyEntry | undefined, now: Date): entry is PolicyEntry {
  if (!entry) return false;
  const age = now.getTime() - Date.parse(entry.fetchedAt);
  const ttl = entry.policy === null ? POLICY_FAILED_TTL_MS : POLICY_TTL_MS;
  return age >= 0 && age < ttl;
}

/**
 * Refresh-ahead (lib/graph/reads.ts): an entry in the last quarter of its TTL, or missing, is read again beside a
 * refresh's reads, so a known eligibility's policy never expires onto a refresh's critical path.
 */
export function isPolicyDueSoon(entry: PolicyEntry | undefined, now: Date): boolean {
  if (!entry) return true;
  const age = now.getTime() - Date.parse(entry.fetchedAt);
  const ttl = entry.policy === null ? POLICY_FAILED_TTL_MS : POLICY_TTL_MS;
  return !(age >= 0 && age < (ttl * 3) / 4);
}

/**
 * The requests for eligibilities without a fresh entry, one per distinct URL; `keysById` says whom each answer is for.
 */
export interface PolicyPlan {
  requests: BatchRequestItem[];
  keysById: Map<string, string[]>;
}

export function planPolicyRequests(
  assignments: readonly Assignment[],
  cache: Readonly<Record<string, PolicyEntry>>,
  now: Date,
  limit = Number.POSITIVE_INFINITY,
  /** Which entries to read: by default those not fresh; refresh-ahead passes isPolicyDueSoon. */
  needs: (entry: PolicyEntry | undefined, now: Date) => boolean = (e, n) => !isPolicyFresh(e, n),
): PolicyPlan {
  const byUrl = new Map<string, string[]>();
  // Missing entries first, then the oldest: what a limited plan leaves out is what can wait the longest.
  const age = (a: Assignment) => {
    const e = cache[a.key];
    return e ? now.getTime() - Date.parse(e.fetchedAt) : Number.POSITIVE_INFINITY;
  };
  // Azure roles' policies come from ARM (lib/arm/policies.ts), not Graph.
  const wanted = assignments.filter((a) => a.kind !== 'azure' && a.state === 'eligible' && needs(cache[a.key], now));
  wanted.sort((a, b) => age(b) - age(a));
  for (const a of wanted) {
    if (a.kind === 'azure') continue;
    const url = policyUrlFor({ ...a, kind: a.kind });
    const keys = byUrl.get(url) ?? [];
    if (!keys.includes(a.key)) keys.push(a.key);
    byUrl.set(url, keys);
  }
  const requests: BatchRequestItem[] = [];
  const keysById = new Map<string, string[]>();
  for (const [url, keys] of byUrl) {
    if (requests.length >= limit) break;
    const id = `pol-${requests.length}`;
    requests.push({ id, method: 'GET', url });
    keysById.set(id, keys);
  }
  return { requests, keysById };
}

const is2xx = (s: number) => s >= 200 && s < 300;

/**
 * The answers of a plan → new entries, for the keys that got an answer worth keeping. Transient failures (429, 5xx,
 * missing item) give no entry: the old one, if any, stays and the next refresh asks again.
 */
export function applyPolicyAnswers(
  plan: PolicyPlan,
  answers: readonly BatchItemResponse[],
  now: Date,
): Record<string, PolicyEntry> {
  const fetchedAt = now.toISOString();
  const byId = new Map(answers.map((a) => [a.id, a]));
  const updates: Record<string, PolicyEntry> = {};
  for (const [id, keys] of plan.keysById) {
    const item = byId.get(id);
    if (!item) continue;
    let entry: PolicyEntry | null;
    if (is2xx(item.status)) {
      const parsed = parsePolicyResponse(item.body);
      entry = parsed.ok
        ? { policy: parsed.policy, fetchedAt, error: null }
        : { policy: null, fetchedAt, error: parsed.error };
    } else if (item.status >= 400 && item.status < 500 && item.status !== 429) {
      const { status, code, message } = parseGraphError(item.status, item.body, item.headers, now);
      entry = { policy: null, fetchedAt, error: `HTTP ${status}${code ? ` ${code}` : ''}: ${message}` };
    } else {
      entry = null;
    }
    if (entry) for (const key of keys) updates[key] = entry;
  }
  return updates;
}

/**
 * The cache with `updates` applied; entries unused for twice their TTL are dropped so the item does not grow forever.
 */
export function mergePolicies(
  current: Readonly<Record<string, PolicyEntry>>,
  updates: Readonly<Record<string, PolicyEntry>>,
  now: Date,
): Record<string, PolicyEntry> {
  const next: Record<string, PolicyEntry> = {};
  for (const [key, entry] of Object.entries(current)) {
    const age = now.getTime() - Date.parse(entry.fetchedAt);
    if (age < 2 * POLICY_TTL_MS) next[key] = entry;
  }
  for (const [key, entry] of Object.entries(updates)) {
    // What PIM's refusals taught us outlives a read that fails again (403): only a readable policy replaces it.
    const kept = next[key];
    next[key] = kept?.learned && entry.policy === null ? { ...kept, fetchedAt: entry.fetchedAt } : entry;
  }
  return next;
}

/**
 * Fetch the policies of `assignments` that are not fresh in `cache`, in as many batches of 20 as needed (sent one
 * after another). Returns only the new entries. A batch that fails as a whole is logged and skipped: callers then
 * work with what they have (a stale entry, or none = ask for a justification).
 */
export async function fetchPolicies(args: {
  graph: GraphClient;
  assignments: readonly Assignment[];
  cache: Readonly<Record<string, PolicyEntry>>;
  now: Date;
}): Promise<{ updates: Record<string, PolicyEntry>; requests: number }> {
  const plan = planPolicyRequests(args.assignments, args.cache, args.now);
  const updates: Record<string, PolicyEntry> = {};
  let requests = 0;
  for (let i = 0; i < plan.requests.length; i += MAX_BATCH_REQUESTS) {
    const chunk = plan.requests.slice(i, i + MAX_BATCH_REQUESTS);
    requests++;
    try {
      const answers = await args.graph.batch(chunk);
      Object.assign(updates, applyPolicyAnswers(plan, answers, args.now));
    } catch (error) {
      if (!(error instanceof GraphRequestError)) throw error;
      console.warn(`PIM Companion: activation policies could not be read (${error.message}).`);
    }
  }
  return { updates, requests };
}
