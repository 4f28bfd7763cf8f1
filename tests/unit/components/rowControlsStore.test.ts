import { describe, expect, it, vi } from 'vitest';
import type { RowControls, Shown } from '../../../components/popup/activationContext';
import {
  changedRows,
  createRowControlsStore,
  NOTIFY_CHUNK,
  sameData,
  type RowState,
} from '../../../components/popup/rowControlsStore';
import { policy, TEMPLATE } from './activation-fixtures';

const state = (over: Partial<RowState> = {}): RowState => ({
  busy: new Set(),
  results: new Map(),
  selected: new Set(),
  extensionFor: null,
  rowForm: null,
  data: { templates: [TEMPLATE], remembered: {}, policies: { a: policy(), b: policy() } },
  ...over,
});

describe('changedRows', () => {
  it('nothing changed: equal data in new objects (a storage read) and new template arrays of the same items', () => {
    const prev = state();
    const next = state({ data: { templates: [TEMPLATE], remembered: {}, policies: { a: policy(), b: policy() } } });
    expect(changedRows(prev, next)).toEqual({ urgent: new Set(), data: new Set() });
  });

  it("names the rows whose busy flag, result, selection, form or extension box changed as urgent, others' data", () => {
    const shown: Shown = {
      result: { key: 'c', kind: 'ok', status: null, text: '', field: null, requestId: null },
      startsAt: null,
    };
    const prev = state({ selected: new Set(['s']), extensionFor: 'x' });
    const next = state({
      busy: new Set(['b']),
      results: new Map([['c', shown]]),
      selected: new Set(),
      extensionFor: null,
      rowForm: 'f',
      data: { templates: [TEMPLATE], remembered: {}, policies: { a: policy({ requireTicket: true }), b: policy() } },
    });
    expect(changedRows(prev, next)).toEqual({ urgent: new Set(['b', 'c', 's', 'x', 'f']), data: new Set(['a']) });
  });

  it('every row when the templates changed (rows show template names)', () => {
    const next = state({ data: { templates: [{ ...TEMPLATE, name: 'Renamed' }], remembered: {}, policies: {} } });
    expect(changedRows(state(), next).data).toBe('all');
  });

  it('a policy that appeared or went away', () => {
    const next = state({ data: { templates: [TEMPLATE], remembered: {}, policies: { b: policy(), c: policy() } } });
    expect(changedRows(state(), next).data).toEqual(new Set(['a', 'c']));
  });
});

describe('sameData', () => {
  it('compares JSON data by content', () => {
    expect(sameData({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(sameData({ a: [1, 2] }, { a: [1, 3] })).toBe(false);
    expect(sameData({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameData([1], { 0: 1 })).toBe(false);
  });
});

describe('createRowControlsStore', () => {
  const controls = {} as RowControls;
  /** A schedule the test runs by hand: the store's "next task". */
  function manual() {
    const queue: (() => void)[] = [];
    const schedule = (fn: () => void) => {
      queue.push(fn);
      return () => queue.splice(queue.indexOf(fn) >>> 0, 1);
    };
    return { schedule, runNext: () => queue.shift()?.(), pending: () => queue.length };
  }

  it('tells urgent rows and the first chunk at once, the rest a chunk per task, in the order rows subscribed', () => {
    const m = manual();
    const store = createRowControlsStore(controls, m.schedule);
    const told: string[] = [];
    const keys = Array.from({ length: NOTIFY_CHUNK * 2 + 5 }, (_, i) => `k${i}`);
    for (const k of keys) store.subscribe(k, () => told.push(k));
    const last = keys[keys.length - 1]!;
    store.notify([...keys].reverse(), new Set([last]));
    expect(told).toEqual([last, ...keys.slice(0, NOTIFY_CHUNK)]);
    m.runNext();
    expect(told.slice(NOTIFY_CHUNK + 1)).toEqual(keys.slice(NOTIFY_CHUNK, NOTIFY_CHUNK * 2));
    m.runNext();
    expect(told.slice(NOTIFY_CHUNK * 2 + 1)).toEqual(keys.slice(NOTIFY_CHUNK * 2, -1));
    expect(m.pending()).toBe(0);
  });

  it('ignores keys without a row, stops telling a row that unsubscribed, and dispose drops what is waiting', () => {
    const m = manual();
    const store = createRowControlsStore(controls, m.schedule);
    const a = vi.fn();
    const b = vi.fn();
    const keys = Array.from({ length: NOTIFY_CHUNK + 1 }, (_, i) => `k${i}`);
    const offs = keys.map((k) => store.subscribe(k, k === keys[NOTIFY_CHUNK] ? b : a));
    store.notify(['nobody', ...keys]);
    expect(a).toHaveBeenCalledTimes(NOTIFY_CHUNK);
    store.dispose();
    expect(m.pending()).toBe(0);
    expect(b).not.toHaveBeenCalled();
    offs.forEach((off) => off());
    store.notify('all');
    expect(a).toHaveBeenCalledTimes(NOTIFY_CHUNK);
  });
});
