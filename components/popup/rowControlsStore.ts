/**
 * How rows learn that what they show about activation changed, one row at a time (issue 18). The list's controls
 * (RowControls) are one object that always reads the latest state; each row subscribes under its key and is told to
 * render again only when something it shows changed: its busy flag, result, selection, the form or extension box
 * under it, or its policy and remembered choices. A refresh that rewrites the policies re-renders only the rows whose
 * policy changed, and when hundreds did, they are told a chunk per task so no task holds input back for long.
 */
import type { ActivationData } from '../activation/rules';
import type { RowControls, Shown } from './activationContext';

/** What rows show about activation, besides the assignment itself. */
export interface RowState {
  busy: ReadonlySet<string>;
  results: ReadonlyMap<string, Shown>;
  selected: ReadonlySet<string>;
  extensionFor: string | null;
  /** The key the open form is anchored under (a row form), or null. */
  rowForm: string | null;
  data: Pick<ActivationData, 'templates' | 'remembered' | 'policies'>;
}

/** Equal as JSON data: what storage hands back, so two reads of the same stored value compare equal. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && sameData(ra[k], rb[k]));
}

function addChangedKeys<T>(out: Set<string>, a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>) {
  if (a === b) return;
  for (const k of a.keys()) if (a.get(k) !== b.get(k)) out.add(k);
  for (const k of b.keys()) if (a.get(k) !== b.get(k)) out.add(k);
}

function addChangedMembers(out: Set<string>, a: ReadonlySet<string>, b: ReadonlySet<string>) {
  if (a === b) return;
  for (const k of a) if (!b.has(k)) out.add(k);
  for (const k of b) if (!a.has(k)) out.add(k);
}

function addChangedRecords(
  out: Set<string>,
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
) {
  if (a === b) return;
  for (const k of Object.keys(a)) if (!sameData(a[k], b[k])) out.add(k);
  for (const k of Object.keys(b)) if (!Object.hasOwn(a, k)) out.add(k);
}

export interface ChangedRows {
  /** What the user just did or a command answered (busy, result, selection, form, extension box): told at once. */
  urgent: Set<string>;
  /** Stored policies and remembered choices (a refresh, another window); 'all' when the templates changed. */
  data: Set<string> | 'all';
}

/** The keys whose rows show something different in `next` than in `prev`. */
export function changedRows(prev: RowState, next: RowState): ChangedRows {
  const urgent = new Set<string>();
  addChangedMembers(urgent, prev.busy, next.busy);
  addChangedKeys(urgent, prev.results, next.results);
  addChangedMembers(urgent, prev.selected, next.selected);
  for (const [a, b] of [
    [prev.extensionFor, next.extensionFor],
    [prev.rowForm, next.rowForm],
  ] as const) {
    if (a === b) continue;
    if (a !== null) urgent.add(a);
    if (b !== null) urgent.add(b);
  }
  const t0 = prev.data.templates;
  const t1 = next.data.templates;
  // Rows show template names (the Activate tooltip): any change to the list may concern any row.
  if (t0 !== t1 && (t0.length !== t1.length || !t0.every((x, i) => sameData(x, t1[i])))) return { urgent, data: 'all' };
  const data = new Set<string>();
  addChangedRecords(data, prev.data.remembered, next.data.remembered);
  addChangedRecords(data, prev.data.policies, next.data.policies);
  return { urgent, data };
}

/** Rows told per task when many changed at once (as many as the list renders per task, AssignmentSection). */
export const NOTIFY_CHUNK = 30;

export interface RowControlsStore {
  /** Always the latest controls: rows read them when they render. */
  readonly controls: RowControls;
  /** Calls `onChange` when the row of `key` should render again; returns the unsubscribe function. */
  subscribe(key: string, onChange: () => void): () => void;
  /**
   * Tells the rows of `keys` (or every row): the ones in `urgent` and the first NOTIFY_CHUNK others at once, the rest
   * a chunk per task (in the order the rows subscribed, which is the list's order: the top of the list first).
   */
  notify(keys: Iterable<string> | 'all', urgent?: ReadonlySet<string>): void;
  /** Stops any chunk still waiting (the list is going away). */
  dispose(): void;
}

/** Runs `fn` in a later task, so the browser paints and handles input in between; returns the cancel function. */
type Schedule = (fn: () => void) => () => void;
const macrotask: Schedule = (fn) => {
  const id = setTimeout(fn, 0);
  return () => clearTimeout(id);
};

export function createRowControlsStore(controls: RowControls, schedule: Schedule = macrotask): RowControlsStore {
  const subs = new Map<string, Set<() => void>>();
  /** Keys still to be told, in subscription order once sorted. */
  let pending = new Set<string>();
  let cancel: (() => void) | null = null;

  const tell = (key: string) => subs.get(key)?.forEach((cb) => cb());
  const flush = () => {
    cancel = null;
    const order = [...subs.keys()].filter((k) => pending.has(k));
    const now = order.slice(0, NOTIFY_CHUNK);
    for (const k of now) pending.delete(k);
    // Keys without a row (not rendered yet, or filtered out) need no telling: they render fresh when they mount.
    if (order.length <= NOTIFY_CHUNK) pending = new Set();
    now.forEach(tell);
    if (pending.size > 0) cancel = schedule(flush);
  };

  return {
    controls,
    subscribe(key, onChange) {
      let set = subs.get(key);
      if (!set) subs.set(key, (set = new Set()));
      set.add(onChange);
      return () => {
        set.delete(onChange);
        if (set.size === 0) subs.delete(key);
      };
    },
    notify(keys, urgent = new Set()) {
      for (const k of keys === 'all' ? subs.keys() : keys) if (!urgent.has(k)) pending.add(k);
      urgent.forEach(tell);
      if (pending.size === 0) return;
      cancel?.();
      flush();
    },
    dispose() {
      cancel?.();
      cancel = null;
      pending.clear();
    },
  };
}
