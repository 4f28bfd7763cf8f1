/**
 * Reconciling the write journal (./journal.ts) with Graph. A journal entry whose answer never arrived (the worker was
 * terminated mid-request, the browser closed, the connection dropped after the request left) has an unknown outcome.
 * Resending it could activate twice or stack a second approval request; dropping it would hide a role that is now
 * active. So we ask Graph: the user's requests for that target are listed (one `$batch`), and a request matching the
 * entry (same action and target, created after the entry was written, same justification and start when Graph echoes
 * them) means it landed. Only when Graph cannot be asked does the entry stay, to be checked again later; nothing is
 * ever resent from the journal.
 */
import { z } from 'zod';
import type { BatchRequestItem, GraphClient } from '../graph/client';
import type { ArmClient } from '../arm/client';
import { azureRequestName } from '../arm/requests';
import { GraphRequestError } from '../graph/errors';
import { followBatchPages } from '../graph/paging';
import { parseList } from '../graph/schemas';
import { GROUP_ASSIGNMENT_REQUESTS, ROLE_ASSIGNMENT_REQUESTS, ROLE_ELIGIBILITY_REQUESTS } from '../pim/requests';
import { t } from '../i18n';
import type { JournalEntry } from '../storage';
import type { ActivityLog } from './activity';
import type { Journal } from './journal';

export type Verdict =
  | { outcome: 'landed'; status: string; requestId: string }
  | { outcome: 'absent' }
  | { outcome: 'unknown'; reason: string };

/** Graph's clock and ours may disagree (the entry is stamped with the skew-corrected clock): this much slack. */
const SLACK_MS = 10 * 60_000;
/** An entry Graph could not be asked about for this long is given up (reported as unknown, not resent). */
export const JOURNAL_GIVE_UP_MS = 24 * 3_600_000;

const RequestItem = z.looseObject({
  id: z.string(),
  status: z.string().nullish(),
  action: z.string().nullish(),
  createdDateTime: z.string().nullish(),
  roleDefinitionId: z.string().nullish(),
  directoryScopeId: z.string().nullish(),
  groupId: z.string().nullish(),
  accessId: z.string().nullish(),
  justification: z.string().nullish(),
  scheduleInfo: z.looseObject({ startDateTime: z.string().nullish() }).nullish(),
});
type RequestItem = z.infer<typeof RequestItem>;

/** What the entry asked for: the collection it posted to and the fields a matching request must carry. */
interface Wanted {
  collection: string;
  cancelOf?: string;
  action: string;
  match: Record<string, string>;
  justification?: string;
  startDateTime?: string;
}

const ACTION_OF: Record<JournalEntry['action'], string> = {
  activate: 'selfActivate',
  extend: 'selfActivate',
  deactivate: 'selfDeactivate',
  requestExtension: 'selfExtend',
  cancel: 'cancel',
};

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function wantedOf(entry: JournalEntry): Wanted | null {
  const path = entry.request?.path;
  const body = entry.request?.body ?? {};
  if (path) {
    const cancel = /^(.*)\/([^/]+)\/cancel$/.exec(path);
    if (cancel)
      return { collection: cancel[1]!, cancelOf: decodeURIComponent(cancel[2]!), action: 'cancel', match: {} };
  }
  const schedule = body.scheduleInfo as { startDateTime?: unknown } | undefined;
  const common = {
    action: str(body.action) ?? ACTION_OF[entry.action],
    justification: str(body.justification)?.trim() || undefined,
    startDateTime: str(schedule?.startDateTime),
  };
  const [kind, id, rest] = [entry.key.split(':')[0], entry.key.split(':')[1], entry.key.split(':').slice(2).join(':')];
  if (!id) return null;
  if (kind === 'group') {
    return {
      ...common,
      collection: GROUP_ASSIGNMENT_REQUESTS,
      match: { groupId: str(body.groupId) ?? id, accessId: str(body.accessId) ?? rest },
    };
  }
  if (kind !== 'role' || entry.action === 'cancel') return null;
  const collection =
    path ?? (entry.action === 'requestExtension' ? ROLE_ELIGIBILITY_REQUESTS : ROLE_ASSIGNMENT_REQUESTS);
  return {
    ...common,
    collection,
    match: {
      roleDefinitionId: str(body.roleDefinitionId) ?? id,
      directoryScopeId: str(body.directoryScopeId) ?? (rest || '/'),
    },
  };
}

function listUrl(w: Wanted): string {
  if (w.cancelOf) return `${w.collection}/${encodeURIComponent(w.cancelOf)}`;
  // Filtering on the target keeps the list short; groupId is documented (graph-pim.md §2), roleDefinitionId
  // [unverified].
  const [prop, value] = w.match.groupId
    ? ['groupId', w.match.groupId]
    : ['roleDefinitionId', w.match.roleDefinitionId ?? ''];
  return `${w.collection}/filterByCurrentUser(on='principal')?$filter=${prop} eq '${value.replace(/'/g, "''")}'`;
}

const same = (a: string | null | undefined, b: string | undefined) =>
  (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

function matches(r: RequestItem, w: Wanted, entry: JournalEntry): boolean {
  if (!same(r.action, w.action)) return false;
  for (const [k, v] of Object.entries(w.match)) if (!same(str(r[k]), v)) return false;
  const created = Date.parse(r.createdDateTime ?? '');
  if (Number.isNaN(created) || created < Date.parse(entry.at) - SLACK_MS) return false;
  if (w.justification && r.justification && r.justification.trim() !== w.justification) return false;
  const start = Date.parse(r.scheduleInfo?.startDateTime ?? '');
  const wantedStart = Date.parse(w.startDateTime ?? '');
  if (!Number.isNaN(start) && !Number.isNaN(wantedStart) && Math.abs(start - wantedStart) > SLACK_MS) return false;
  return true;
}

/** One `$batch` (per 20 distinct lists) telling, for each entry, whether its request reached PIM. Never throws. */
export async function checkEntries(
  graph: GraphClient,
  entries: readonly JournalEntry[],
  arm?: ArmClient,
): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  const azure = entries.filter((e) => e.key.startsWith('azure:'));
  for (const e of azure) verdicts.set(e.requestKey, await checkAzure(arm, e));
  entries = entries.filter((e) => !e.key.startsWith('azure:'));
  const urls = new Map<string, string>();
  const wanted = new Map<string, { w: Wanted; id: string }>();
  for (const e of entries) {
    const w = wantedOf(e);
    if (!w) {
      verdicts.set(e.requestKey, { outcome: 'unknown', reason: 'the journal entry does not say what was sent' });
      continue;
    }
    const url = listUrl(w);
    if (!urls.has(url)) urls.set(url, `q${urls.size}`);
    wanted.set(e.requestKey, { w, id: urls.get(url)! });
  }
  const answers = new Map<string, { status: number; body: unknown }>();
  const requests: BatchRequestItem[] = [...urls].map(([url, id]) => ({ id, method: 'GET', url }));
  for (let i = 0; i < requests.length; i += 20) {
    try {
      const chunk = new Map((await graph.batch(requests.slice(i, i + 20))).map((item) => [item.id, item]));
      await followBatchPages({ graph, answers: chunk });
      for (const item of chunk.values()) answers.set(item.id, { status: item.status, body: item.body });
    } catch (error) {
      console.warn(`PIM Companion: could not check interrupted requests (${String(error)}).`);
    }
  }
  for (const e of entries) {
    const q = wanted.get(e.requestKey);
    if (!q) continue;
    const answer = answers.get(q.id);
    verdicts.set(
      e.requestKey,
      answer ? judge(answer, q.w, e) : { outcome: 'unknown', reason: 'Microsoft Graph did not answer' },
    );
  }
  return verdicts;
}

/**
 * An Azure write names its request with a GUID we chose (lib/arm/requests.ts), so whether it landed is one GET of that
 * very name: 200 → landed (with ARM's status), 404 → never arrived. A cancel is judged by the request's status.
 */
async function checkAzure(arm: ArmClient | undefined, e: JournalEntry): Promise<Verdict> {
  const path = e.request?.path;
  if (!arm) return { outcome: 'unknown', reason: 'Azure roles are off' };
  if (!path) return { outcome: 'unknown', reason: 'the journal entry does not say what was sent' };
  const cancel = /\/cancel$/i.test(path);
  const target = cancel ? path.replace(/\/cancel$/i, '') : path;
  if (!cancel && !azureRequestName(path)) return { outcome: 'unknown', reason: 'no request name in the journal' };
  try {
    const answer = AzureRequestItem.safeParse(await arm.get(target));
    if (!answer.success) return { outcome: 'unknown', reason: 'unreadable answer' };
    const status = answer.data.properties.status ?? 'Accepted';
    if (cancel)
      return same(status, 'Canceled')
        ? { outcome: 'landed', status, requestId: answer.data.id }
        : { outcome: 'absent' };
    return { outcome: 'landed', status, requestId: answer.data.id };
  } catch (error) {
    if (error instanceof GraphRequestError && error.status === 404 && !cancel) return { outcome: 'absent' };
    return { outcome: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  }
}

const AzureRequestItem = z.looseObject({
  id: z.string(),
  properties: z.looseObject({ status: z.string().nullish() }),
});

function judge(answer: { status: number; body: unknown }, w: Wanted, entry: JournalEntry): Verdict {
  if (w.cancelOf) {
    if (answer.status === 404) return { outcome: 'absent' };
    const one = RequestItem.safeParse(answer.body);
    if (answer.status !== 200 || !one.success) return { outcome: 'unknown', reason: `HTTP ${answer.status}` };
    return same(one.data.status, 'Canceled')
      ? { outcome: 'landed', status: 'Canceled', requestId: one.data.id }
      : { outcome: 'absent' };
  }
  const list = answer.status === 200 ? parseList(RequestItem, answer.body) : null;
  if (!list) return { outcome: 'unknown', reason: `HTTP ${answer.status}` };
  const hits = list.items.filter((r) => matches(r, w, entry));
  if (hits.length === 0) return { outcome: 'absent' };
  const at = Date.parse(entry.at);
  const best = hits.reduce((a, b) =>
    Math.abs(Date.parse(a.createdDateTime!) - at) <= Math.abs(Date.parse(b.createdDateTime!) - at) ? a : b,
  );
  return { outcome: 'landed', status: best.status ?? 'Accepted', requestId: best.id };
}

export interface ReconcilerDeps {
  journal: Journal;
  activity: ActivityLog;
  /** The Graph client and the signed-in user, or null when signed out (entries then wait). */
  context: () => Promise<{ graph: GraphClient; arm?: ArmClient } | null>;
  now: () => Date;
  /** A forced snapshot refresh, after something landed that the snapshot does not show yet. */
  refresh: () => Promise<unknown>;
}

export interface Reconciler {
  /** Resolves every orphaned entry Graph can tell about (single-flight); returns the verdicts by requestKey. */
  run(): Promise<Map<string, Verdict & { entry: JournalEntry }>>;
  /**
   * Before a new write for `key`: orphans for that key are resolved first. Returns the verdict of an orphan of the same
   * action that landed (its answer stands for the new command) or is still unknown (the command must not send); else
   * null.
   */
  before(key: string, action: JournalEntry['action']): Promise<Verdict | null>;
  /** A request of this life whose answer was lost: ask Graph now. */
  check(entry: JournalEntry): Promise<Verdict>;
}

export function createReconciler(deps: ReconcilerDeps): Reconciler {
  let running: Promise<Map<string, Verdict & { entry: JournalEntry }>> | null = null;
  const name = (e: JournalEntry) => e.displayName ?? e.key;
  const justification = (e: JournalEntry) => str(e.request?.body?.justification)?.trim() || null;

  /**
   * Records the outcome and clears the entry; an unknown one stays (unless given up). Returns the verdict that stands.
   */
  async function settle(entry: JournalEntry, v: Verdict): Promise<Verdict> {
    const base = {
      action: entry.action,
      key: entry.key,
      displayName: name(entry),
      justification: justification(entry),
      durationMinutes: null,
    };
    if (v.outcome === 'landed') {
      await deps.activity.record({
        ...base,
        outcome: v.status,
        text: t('reconcileLanded', name(entry), v.status),
        requestId: v.requestId,
      });
    } else if (v.outcome === 'absent') {
      await deps.activity.record({
        ...base,
        outcome: 'NotSent',
        text: t('reconcileAbsent', name(entry)),
        requestId: null,
      });
    } else if (deps.now().getTime() - Date.parse(entry.at) > JOURNAL_GIVE_UP_MS) {
      await deps.activity.record({
        ...base,
        outcome: 'Unknown',
        text: t('reconcileGivenUp', name(entry)),
        requestId: null,
      });
      await deps.journal.end(entry.requestKey);
      return { outcome: 'absent' };
    } else {
      return v; // kept for the next attempt
    }
    await deps.journal.end(entry.requestKey);
    return v;
  }

  async function runOnce(): Promise<Map<string, Verdict & { entry: JournalEntry }>> {
    const result = new Map<string, Verdict & { entry: JournalEntry }>();
    const orphans = await deps.journal.orphans();
    if (orphans.length === 0) return result;
    const ctx = await deps.context();
    const verdicts = ctx ? await checkEntries(ctx.graph, orphans, ctx.arm) : new Map<string, Verdict>();
    for (const entry of orphans) {
      const v = verdicts.get(entry.requestKey) ?? { outcome: 'unknown' as const, reason: 'not signed in' };
      result.set(entry.requestKey, { ...(await settle(entry, v)), entry });
    }
    if ([...result.values()].some((v) => v.outcome === 'landed')) {
      await deps
        .refresh()
        .catch((e: unknown) => console.warn(`PIM Companion: refresh after reconciling failed (${String(e)}).`));
    }
    return result;
  }

  const reconciler: Reconciler = {
    run() {
      running ??= runOnce().finally(() => {
        running = null;
      });
      return running;
    },
    async before(key, action) {
      if (!(await deps.journal.orphans()).some((e) => e.key === key)) return null;
      const results = [...(await reconciler.run()).values()].filter((v) => v.entry.key === key);
      const landed = results.find((v) => v.entry.action === action && v.outcome === 'landed');
      if (landed) return landed;
      return results.find((v) => v.outcome === 'unknown') ?? null;
    },
    async check(entry) {
      const ctx = await deps.context();
      if (!ctx) return { outcome: 'unknown', reason: 'not signed in' };
      return (
        (await checkEntries(ctx.graph, [entry], ctx.arm)).get(entry.requestKey) ?? {
          outcome: 'unknown',
          reason: 'no answer',
        }
      );
    },
  };
  return reconciler;
}
