/**
 * Pure helpers on a Snapshot: freshness, lookup, the 14-day extend window, and the merge that turns one refresh's
 * per-section results into the next snapshot (a section that failed keeps its last good data and says why).
 */
import { SectionId, type Assignment, type AssignmentState, type SectionError, type Snapshot } from './model';

export const SECTION_IDS: readonly SectionId[] = SectionId.options;

/** The portal only offers Extend when the end is within 14 days (reference §7); we mirror it. */
export const EXTEND_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

/** True when there is no snapshot, or it is older than maxAgeMs (a snapshot from the future, clock skew, is fresh). */
export function isStale(snapshot: Snapshot | null | undefined, now: Date, maxAgeMs = 60_000): boolean {
  if (!snapshot) return true;
  const fetched = Date.parse(snapshot.fetchedAt);
  if (Number.isNaN(fetched)) return true;
  return now.getTime() - fetched > maxAgeMs;
}

/** Which section of the read batch an assignment comes from. */
export function sectionOf(a: Pick<Assignment, 'kind' | 'state'>): SectionId {
  const kind = a.kind;
  const state = a.state === 'eligible' ? 'Eligible' : a.state === 'active' ? 'Active' : 'Pending';
  return `${kind}${state}`;
}

/** Every assignment with this key (eligibility, activation, pending request), optionally only one state. */
export function findByKey(snapshot: Snapshot | null | undefined, key: string, state?: AssignmentState): Assignment[] {
  if (!snapshot) return [];
  return snapshot.assignments.filter((a) => a.key === key && (state === undefined || a.state === state));
}

/** An eligibility that ends within the window (default 14 days) and has not ended yet: time to ask for an extension. */
export function eligibilityEndsWithin(a: Assignment, now: Date, windowMs = EXTEND_WINDOW_MS): boolean {
  if (a.state !== 'eligible' || a.endDateTime === null) return false;
  const left = Date.parse(a.endDateTime) - now.getTime();
  return left > 0 && left <= windowMs;
}

/** direct beats group/inherited (only direct can be self-managed), Activated beats Assigned, then the later end. */
function preference(a: Assignment): number[] {
  const end = a.endDateTime === null ? Number.POSITIVE_INFINITY : Date.parse(a.endDateTime);
  return [a.memberType === 'direct' ? 1 : 0, a.assignmentType === 'Activated' ? 1 : 0, end];
}

function better(a: Assignment, b: Assignment): boolean {
  const pa = preference(a);
  const pb = preference(b);
  for (let i = 0; i < pa.length; i++) {
    if (pa[i]! !== pb[i]!) return pa[i]! > pb[i]!;
  }
  return false;
}

/**
 * One assignment per key and state. The same role can be eligible twice (directly and through a group); the user
 * activates the target once, so the list shows it once, keeping the entry they can manage themselves.
 */
export function dedupeByKey(assignments: readonly Assignment[]): Assignment[] {
  const kept = new Map<string, Assignment>();
  for (const a of assignments) {
    const id = `${a.state}|${a.key}`;
    const current = kept.get(id);
    if (!current || better(a, current)) kept.set(id, a);
  }
  return [...kept.values()];
}

/** What a row without a name from Graph is called: by default its bare id; the refresh passes a labelled text. */
export type UnnamedLabel = (a: Pick<Assignment, 'kind' | 'targetId'>) => string;

/**
 * Fill names Graph did not send this time (mappers leave displayName '' and scopeName null when unknown): from an
 * entry with the same key in this refresh (a pending request takes its eligibility's role name), else from the
 * previous snapshot, else `unnamed(a)` (the id, labelled) with nameMissing set, so nothing renders blank and an id is
 * never passed off as a name.
 */
export function fillMissingNames(
  assignments: readonly Assignment[],
  previous: Snapshot | null,
  unnamed: UnnamedLabel = (a) => a.targetId,
): Assignment[] {
  const known = [...assignments, ...(previous?.assignments ?? [])].filter((k) => !k.nameMissing);
  return assignments.map((a) => {
    let { displayName, scopeName } = a;
    let nameMissing = false;
    if (!displayName || a.nameMissing) {
      const found = known.find((k) => k.key === a.key && k.displayName)?.displayName;
      nameMissing = !found;
      displayName = found ?? unnamed(a);
    }
    if (scopeName === null && a.directoryScopeId !== '/') {
      scopeName = known.find((k) => k.key === a.key && k.scopeName !== null)?.scopeName ?? null;
    }
    if (displayName === a.displayName && scopeName === a.scopeName && nameMissing === (a.nameMissing ?? false))
      return a;
    const { nameMissing: _old, ...rest } = a;
    return { ...rest, displayName, scopeName, ...(nameMissing ? { nameMissing: true } : {}) };
  });
}

export type SectionResult = { ok: true; assignments: Assignment[] } | { ok: false; error: SectionError };

/**
 * The next snapshot from one refresh. A section that failed keeps the previous snapshot's assignments for that
 * section and its old fetchedAt, with the error set; a previous snapshot of another principal is ignored.
 */
export function mergeSnapshot(args: {
  previous: Snapshot | null;
  principalId: string;
  now: Date;
  /** A section without a result (Azure roles switched off) gets no entry and shows nothing. */
  results: Partial<Record<SectionId, SectionResult>>;
  unnamed?: UnnamedLabel;
}): Snapshot {
  const previous = args.previous?.principalId === args.principalId ? args.previous : null;
  const at = args.now.toISOString();
  const sections = {} as Snapshot['sections'];
  const assignments: Assignment[] = [];
  for (const id of SECTION_IDS) {
    const result = args.results[id];
    if (!result) continue;
    if (result.ok) {
      sections[id] = { fetchedAt: at, error: null };
      assignments.push(...dedupeByKey(result.assignments));
    } else {
      sections[id] = { fetchedAt: previous?.sections[id]?.fetchedAt ?? null, error: result.error };
      assignments.push(...(previous?.assignments.filter((a) => sectionOf(a) === id) ?? []));
    }
  }
  const order = new Map(SECTION_IDS.map((id, i) => [id, i]));
  const named = fillMissingNames(assignments, previous, args.unnamed);
  named.sort(
    (a, b) =>
      order.get(sectionOf(a))! - order.get(sectionOf(b))! ||
      a.displayName.localeCompare(b.displayName) ||
      a.key.localeCompare(b.key),
  );
  return { fetchedAt: at, principalId: args.principalId, assignments: named, sections };
}

/**
 * The snapshot of the signed-in account (or of the last signed-in one while renewal is required), else null: a
 * snapshot left by another account, or by a signed-out one, is never acted on or shown as the user's.
 */
export function ownSnapshot(
  snapshot: Snapshot | null,
  auth: { status: string; account: { oid: string } | null },
): Snapshot | null {
  return snapshot && auth.status !== 'signed-out' && auth.account?.oid === snapshot.principalId ? snapshot : null;
}

/**
 * Several accounts' snapshots as one, for what is drawn once for all of them (the toolbar's soonest end and tooltip):
 * every assignment, its name prefixed with the account's label where one is given. Null when no account has one.
 */
export function mergeSnapshots(parts: readonly { label: string | null; snapshot: Snapshot | null }[]): Snapshot | null {
  const present = parts.filter((p): p is { label: string | null; snapshot: Snapshot } => p.snapshot !== null);
  const first = present[0]?.snapshot;
  if (!first) return null;
  return {
    ...first,
    assignments: present.flatMap(({ label, snapshot }) =>
      snapshot.assignments.map((a) => (label ? { ...a, displayName: `${label}: ${a.displayName}` } : a)),
    ),
  };
}
