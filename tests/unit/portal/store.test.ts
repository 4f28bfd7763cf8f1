import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { portalLayoutItem, portalPrefsItem, snapshotItem } from '../../../lib/storage';
import { createBadgeStore, parseAssignment, parseAssignments, parseSkew } from '../../../lib/portal/store';
import { HOSTILE, snapshotOf, viaGroupScenario } from './helpers';

beforeEach(() => fakeBrowser.reset());

describe('badge store', () => {
  it('reads what the background and the options page write through lib/storage.ts items', async () => {
    const assignments = viaGroupScenario(2, 50);
    await snapshotItem.set(snapshotOf(assignments));
    await portalPrefsItem.set({ exchange: { enabled: true, pinned: ['role:custom:/'] }, teams: { enabled: false, pinned: [] } });
    await portalLayoutItem.set({ exchange: { corner: 'top-right', collapsed: false } });
    const state = await createBadgeStore('exchange').load();
    expect(state.assignments).toEqual(assignments.map(({ id: _id, principalId: _p, directoryScopeId: _d, scopeName: _s, accessId: _a, justification: _j, status: _st, ...rest }) => rest));
    expect(state.pref).toEqual({ enabled: true, pinned: ['role:custom:/'] });
    expect(state.layout).toEqual({ corner: 'top-right', collapsed: false });
    expect((await createBadgeStore('teams').load()).pref.enabled).toBe(false);
    expect(await createBadgeStore('entra').load()).toEqual({ assignments: state.assignments, skewMs: 0, pref: { enabled: true, pinned: [] }, layout: {} });
  });

  it('calls back on storage changes with what changed (no polling)', async () => {
    const store = createBadgeStore('exchange');
    const cb = vi.fn();
    const unwatch = store.watch(cb);
    await snapshotItem.set(snapshotOf(viaGroupScenario(2, 50)));
    await vi.waitFor(() => expect(cb).toHaveBeenCalledWith({ assignments: expect.arrayContaining([expect.objectContaining({ key: 'group:g-exo:member' })]), skewMs: 0 }));
    await store.saveLayout({ corner: 'top-left' });
    await vi.waitFor(() => expect(cb).toHaveBeenLastCalledWith({ layout: { corner: 'top-left' } }));
    expect(await portalLayoutItem.get()).toEqual({ exchange: { corner: 'top-left' } });
    unwatch();
    cb.mockClear();
    await snapshotItem.set(null);
    await new Promise((r) => setTimeout(r, 0));
    expect(cb).not.toHaveBeenCalled();
  });

  it('keeps other portals\' layout when saving one', async () => {
    await portalLayoutItem.set({ teams: { corner: 'top-left' } });
    await createBadgeStore('exchange').saveLayout({ collapsed: true });
    expect(await portalLayoutItem.get()).toEqual({ teams: { corner: 'top-left' }, exchange: { collapsed: true } });
  });

  it('takes the service clock skew from the snapshot, and 0 when it is missing or not a number', () => {
    expect(parseSkew({ ...snapshotOf([]), clockSkewMs: 360_000 })).toBe(360_000);
    expect(parseSkew(snapshotOf([]))).toBe(0);
    expect(parseSkew({ clockSkewMs: 'soon' })).toBe(0);
    expect(parseSkew(null)).toBe(0);
  });

  it('drops entries it cannot read instead of trusting them', () => {
    const [good] = viaGroupScenario(2, 50);
    expect(parseAssignments({ assignments: [good, { ...good, state: 'hacked' }, { ...good, grants: [1] }, null, 'x'] })).toHaveLength(1);
    expect(parseAssignments(null)).toEqual([]);
    expect(parseAssignments({ assignments: 'nope' })).toEqual([]);
    expect(parseAssignment({ ...good, displayName: HOSTILE })?.displayName).toBe(HOSTILE);
    expect(parseAssignment({ ...good, viaGroupName: undefined })).not.toBeNull();
    expect(parseAssignment({ ...good, viaGroupName: 5 })).toBeNull();
  });
});
