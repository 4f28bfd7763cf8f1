import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { portalLayoutItem, portalPrefsItem, portalTabsItem } from '../../../lib/storage';
import { a1 } from '../account-fixture';
import { createBadgeStore, parseAssignment, parseAssignments, parseView } from '../../../lib/portal/store';
import {
  EXCHANGE_URL,
  HOSTILE,
  SIGNED_IN,
  backgroundLine,
  eligibleExchange,
  snapshotOf,
  viaGroupScenario,
} from './helpers';

beforeEach(async () => {
  fakeBrowser.reset();
  await a1.authState.set(SIGNED_IN);
});

/** The badge's fields of an assignment: what the background sends, nothing more. */
const badgeFields = ({
  id: _id,
  principalId: _p,
  directoryScopeId: _d,
  accessId: _a,
  justification: _j,
  status: _st,
  ...rest
}: ReturnType<typeof viaGroupScenario>[number]) => rest;

const CONTOSO_SP = 'https://contoso-admin.sharepoint.com/_layouts/15/online/AdminHome.aspx';

describe('badge store', () => {
  it("gets from the background exactly what this portal's badge shows, from what lib/storage.ts items hold", async () => {
    const assignments = [
      ...viaGroupScenario(2, 50),
      eligibleExchange({ key: 'role:custom:/', targetId: 'custom', displayName: 'Custom' }),
      eligibleExchange({
        key: 'role:teams:/',
        targetId: '69091246-20e8-4a56-aa4d-066075b2a7a8',
        displayName: 'Teams Administrator',
      }),
    ];
    await a1.snapshot.set({ ...snapshotOf(assignments), clockSkewMs: 360_000 });
    await portalPrefsItem.set({
      exchange: { enabled: true, pinned: ['role:custom:/'] },
      teams: { enabled: false, pinned: [] },
    });
    await portalLayoutItem.set({ exchange: { corner: 'top-right', collapsed: false } });
    const line = backgroundLine();
    const state = await createBadgeStore('exchange', line.transport).load();
    // Teams Administrator matters on Teams, not here: the page never gets it.
    expect(state).toEqual({
      // One account: nothing to tell apart, nothing to switch to.
      account: null,
      accounts: [],
      assignments: assignments.slice(0, 3).map(badgeFields),
      skewMs: 360_000,
      pref: { enabled: true, pinned: ['role:custom:/'] },
      layout: { corner: 'top-right', collapsed: false },
    });
    expect(await portalTabsItem.get()).toEqual([
      { tabId: 7, portalId: 'exchange', accountId: 'a1', url: EXCHANGE_URL },
    ]);
  });

  it('gets nothing for a snapshot of another account, or on a page that is not a portal of this tenant', async () => {
    await a1.snapshot.set({ ...snapshotOf(viaGroupScenario(2, 50)), principalId: 'someone-else' });
    expect((await createBadgeStore('exchange', backgroundLine().transport).load())?.assignments).toEqual([]);
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    const fabrikam = backgroundLine('https://fabrikam-admin.sharepoint.com/_layouts/15/online/AdminHome.aspx', 8);
    expect(await createBadgeStore('sharepoint', fabrikam.transport).load()).toBeNull();
    const contoso = backgroundLine(CONTOSO_SP, 9);
    expect(await createBadgeStore('sharepoint', contoso.transport).load()).not.toBeNull();
    expect(await portalTabsItem.get()).toEqual([
      // Another account's snapshot: the badge speaks for no account.
      { tabId: 7, portalId: 'exchange', accountId: null, url: EXCHANGE_URL },
      { tabId: 9, portalId: 'sharepoint', accountId: 'a1', url: CONTOSO_SP },
    ]);
  });

  it('is pushed what changed (no polling), and saves its layout through the background', async () => {
    const line = backgroundLine();
    const store = createBadgeStore('exchange', line.transport);
    await store.load();
    const cb = vi.fn();
    const unwatch = store.watch(cb);
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    await line.tabs.push();
    expect(cb).toHaveBeenLastCalledWith(
      expect.objectContaining({
        assignments: expect.arrayContaining([expect.objectContaining({ key: 'group:g-exo:member' })]),
      }),
    );
    await store.saveLayout({ corner: 'top-left' });
    expect(await portalLayoutItem.get()).toEqual({ exchange: { corner: 'top-left' } });
    await line.tabs.push();
    expect(cb).toHaveBeenLastCalledWith(expect.objectContaining({ layout: { corner: 'top-left' } }));
    unwatch();
    // A badge that is gone (tab closed, page left) is forgotten at the next push.
    await line.tabs.push();
    expect(await portalTabsItem.get()).toEqual([]);
  });

  it("keeps other portals' layout when saving one", async () => {
    await portalLayoutItem.set({ teams: { corner: 'top-left' } });
    await createBadgeStore('exchange', backgroundLine().transport).saveLayout({ collapsed: true });
    expect(await portalLayoutItem.get()).toEqual({ teams: { corner: 'top-left' }, exchange: { collapsed: true } });
  });

  it('reloads only registered tabs whose badge still answers', async () => {
    const line = backgroundLine();
    const store = createBadgeStore('exchange', line.transport);
    await store.load();
    const unwatch = store.watch(() => undefined);
    await portalTabsItem.set([
      ...(await portalTabsItem.get()),
      { tabId: 99, portalId: 'exchange', accountId: null, url: null },
    ]);
    expect(await line.tabs.reload()).toBe(1);
    expect(line.reloaded).toEqual([7]);
    // No snapshot here: the badge speaks for no account.
    expect(await portalTabsItem.get()).toEqual([
      { tabId: 7, portalId: 'exchange', accountId: null, url: EXCHANGE_URL },
    ]);
    unwatch();
  });

  it('ignores pushes that are not from our background, and views for another portal', async () => {
    const line = backgroundLine();
    const store = createBadgeStore('exchange', line.transport);
    const cb = vi.fn();
    store.watch(cb);
    const view = { portalId: 'exchange', assignments: [], skewMs: 0, pref: { enabled: true, pinned: [] }, layout: {} };
    for (const l of line.listeners) {
      l({ name: 'portal.update', view }, { id: 'other-extension' }, () => undefined);
      l({ name: 'portal.update', view }, { id: 'ext-id', tab: { id: 3 } }, () => undefined);
      l({ name: 'portal.update', view: { ...view, portalId: 'teams' } }, { id: 'ext-id' }, () => undefined);
    }
    expect(cb).not.toHaveBeenCalled();
    expect(parseView({ ...view, skewMs: 'soon', layout: { corner: 'middle' } }, 'exchange')).toEqual({
      account: null,
      accounts: [],
      assignments: [],
      skewMs: 0,
      pref: { enabled: true, pinned: [] },
      layout: {},
    });
  });

  it('drops entries it cannot read instead of trusting them', () => {
    const [good] = viaGroupScenario(2, 50);
    expect(
      parseAssignments({ assignments: [good, { ...good, state: 'hacked' }, { ...good, grants: [1] }, null, 'x'] }),
    ).toHaveLength(1);
    expect(parseAssignments(null)).toEqual([]);
    expect(parseAssignments({ assignments: 'nope' })).toEqual([]);
    expect(parseAssignment({ ...good, displayName: HOSTILE })?.displayName).toBe(HOSTILE);
    expect(parseAssignment({ ...good, viaGroupName: undefined })).not.toBeNull();
    expect(parseAssignment({ ...good, viaGroupName: 5 })).toBeNull();
  });
});
