/**
 * Which assignments the popup shows in which section, in what order, and which match a search. Pure: takes `now`
 * (an activation whose end has passed is no longer active, even before the next snapshot says so).
 */
import type { Assignment } from './model';
import { parseTime } from './time';

export interface OrderOptions {
  now: number;
  /** Assignment keys the user starred. */
  favourites: ReadonlySet<string>;
  /** For name comparison; the runtime's default when absent. */
  locale?: string;
}

/** Still in force / still meaningful at `now`: ended activations and lapsed eligibilities drop out. */
export function isCurrent(a: Assignment, now: number): boolean {
  if (a.state === 'pending') return true;
  const end = parseTime(a.endDateTime);
  return end === null || end > now;
}

const STATE_RANK: Record<Assignment['state'], number> = { active: 0, pending: 1, eligible: 2 };

/**
 * Active first (soonest ending first; standing assignments without an end after those that end), then pending, then
 * favourites, then by name, then scope; the key last so the order is total and stable between renders.
 */
export function compareAssignments(a: Assignment, b: Assignment, options: OrderOptions): number {
  const collator = new Intl.Collator(options.locale, { sensitivity: 'base', numeric: true });
  return compareWith(a, b, options.favourites, collator);
}

function compareWith(a: Assignment, b: Assignment, favourites: ReadonlySet<string>, collator: Intl.Collator): number {
  const byState = STATE_RANK[a.state] - STATE_RANK[b.state];
  if (byState !== 0) return byState;
  if (a.state === 'active') {
    const endA = parseTime(a.endDateTime) ?? Number.POSITIVE_INFINITY;
    const endB = parseTime(b.endDateTime) ?? Number.POSITIVE_INFINITY;
    if (endA !== endB) return endA < endB ? -1 : 1;
  }
  const favA = favourites.has(a.key) ? 0 : 1;
  const favB = favourites.has(b.key) ? 0 : 1;
  if (favA !== favB) return favA - favB;
  return (
    collator.compare(a.displayName, b.displayName) ||
    collator.compare(a.scopeName ?? a.directoryScopeId, b.scopeName ?? b.directoryScopeId) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

export function sortAssignments(list: readonly Assignment[], options: OrderOptions): Assignment[] {
  const collator = new Intl.Collator(options.locale, { sensitivity: 'base', numeric: true });
  return [...list].sort((a, b) => compareWith(a, b, options.favourites, collator));
}

/** Lower-cased, accent-free text for matching ("Sécurité" is found by "securite"). */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/**
 * Everything a search may match: name, scope, the roles a group grants, plus any labels the UI shows (e.g.
 * "Tenant-wide").
 */
export function searchText(a: Assignment, extra: readonly string[] = []): string {
  return fold(
    [a.displayName, a.scopeName ?? '', a.directoryScopeId, ...a.grants, a.viaGroupName ?? '', ...extra].join('\n'),
  );
}

/**
 * Every whitespace-separated word of the query must occur somewhere in the assignment's text; an empty query matches
 * all.
 */
export function matchesQuery(a: Assignment, query: string, extra: readonly string[] = []): boolean {
  return matchesWords(a, queryWords(query), extra);
}

const queryWords = (query: string) => fold(query).split(/\s+/).filter(Boolean);

function matchesWords(a: Assignment, words: readonly string[], extra: readonly string[]): boolean {
  if (words.length === 0) return true;
  const haystack = searchText(a, extra);
  return words.every((w) => haystack.includes(w));
}

export interface PopupSections {
  active: Assignment[];
  pending: Assignment[];
  eligible: Assignment[];
}

export interface SectionOptions extends OrderOptions {
  query: string;
  /** Labels the UI adds to an assignment's searchable text (its scope label, its kind). */
  labels?: (a: Assignment) => readonly string[];
  /**
   * The sections built last time: the sort starts from their order, so a refreshed list in mostly the same order
   * sorts in about one comparison per item instead of n log n (the comparisons go through Intl.Collator; 1000 items
   * cost ~17 ms of a task in the popup, issue 18). Only ties (same state, key, name and scope) may come out otherwise.
   */
  previous?: PopupSections;
}

const rowId = (a: Assignment) => `${a.state}\n${a.key}\n${a.id}`;

/** `list` in the order `previous` had it; items it did not have go last, in their own order. */
function inPreviousOrder(list: readonly Assignment[], previous: PopupSections): Assignment[] {
  const position = new Map<string, number>();
  for (const section of [previous.active, previous.pending, previous.eligible])
    for (const a of section) position.set(rowId(a), position.size);
  const end = position.size;
  return list
    .map((a, i) => ({ a, at: position.get(rowId(a)) ?? end + i }))
    .sort((x, y) => x.at - y.at)
    .map((x) => x.a);
}

/**
 * Split a snapshot's assignments into the popup's sections, current ones only, ordered and filtered. An eligibility
 * that is active or awaiting approval is shown once, where it can be acted on (in Active or Pending), not again in
 * Eligible.
 */
export function buildSections(assignments: readonly Assignment[], options: SectionOptions): PopupSections {
  const current = assignments.filter((a) => isCurrent(a, options.now));
  const busyKeys = new Set(current.filter((a) => a.state !== 'eligible').map((a) => a.key));
  // The query is folded once, and the UI's labels are asked for only when there is something to match them against:
  // the popup builds its sections on every render (issue 18).
  const words = queryWords(options.query);
  const visible = current.filter(
    (a) =>
      (a.state !== 'eligible' || !busyKeys.has(a.key)) &&
      (words.length === 0 || matchesWords(a, words, options.labels?.(a) ?? [])),
  );
  const sorted = sortAssignments(options.previous ? inPreviousOrder(visible, options.previous) : visible, options);
  return {
    active: sorted.filter((a) => a.state === 'active'),
    pending: sorted.filter((a) => a.state === 'pending'),
    eligible: sorted.filter((a) => a.state === 'eligible'),
  };
}
