import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createRefresher, type RefresherDeps } from '../../../lib/background/refresh';
import { a1, a1Connection, setConnection } from '../account-fixture';
import type { Snapshot } from '../../../lib/pim/model';

const account = {
  homeAccountId: 'h',
  oid: 'oid-1',
  tenantId: 't',
  name: 'Lidia',
  username: 'adm-lidia@contoso.onmicrosoft.com',
};
const now = new Date('2026-11-22T10:00:00Z');

function snapshot(fetchedAt: string, principalId = 'oid-1'): Snapshot {
  return { fetchedAt, principalId, assignments: [], sections: {} };
}

function deps(overrides: Partial<RefresherDeps> = {}): RefresherDeps {
  return {
    now: () => now,
    items: {
      connection: a1Connection,
      authState: a1.authState,
      snapshot: a1.snapshot,
      groupInfo: a1.groupInfo,
      refreshState: a1.refreshState,
    },
    fetch: vi.fn(async () => ({
      snapshot: snapshot(now.toISOString()),
      groupInfo: { g: { displayName: 'G', grants: [], fetchedAt: now.toISOString() } },
    })),
    describe: (e) => ({ text: `failed: ${String(e)}`, offline: e instanceof TypeError }),
    ...overrides,
  };
}

describe('refresher', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await setConnection({
      cloudId: 'global',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-4333-8444-555555555555',
    });
    await a1.authState.set({ status: 'signed-in', account, detail: null });
  });

  it('does nothing when not configured or signed out', async () => {
    await a1.authState.set({ status: 'renewal-required', account, detail: null });
    const d = deps();
    expect(await createRefresher(d).refresh({ force: true })).toBe(false);
    expect(d.fetch).not.toHaveBeenCalled();
  });

  it('skips a fresh snapshot unless forced, and stores the result', async () => {
    await a1.snapshot.set(snapshot(new Date(now.getTime() - 30_000).toISOString()));
    const d = deps();
    const r = createRefresher(d);
    expect(await r.refresh({ force: false })).toBe(false);
    expect(await r.refresh({ force: true })).toBe(true);
    expect(d.fetch).toHaveBeenCalledTimes(1);
    expect((await a1.snapshot.get())?.fetchedAt).toBe(now.toISOString());
    expect(Object.keys(await a1.groupInfo.get())).toEqual(['g']);
    expect(await a1.refreshState.get()).toMatchObject({ inFlight: false, error: null, offline: false });
  });

  it('refreshes a stale snapshot, and ignores one that belongs to another principal', async () => {
    await a1.snapshot.set(snapshot(new Date(now.getTime() - 30_000).toISOString(), 'someone-else'));
    const d = deps();
    await createRefresher(d).refresh({ force: false });
    expect(vi.mocked(d.fetch).mock.calls[0]?.[0].previous).toBeNull();
  });

  it('shares one in-flight refresh between concurrent callers', async () => {
    const d = deps();
    const r = createRefresher(d);
    await Promise.all([r.refresh({ force: true }), r.refresh({ force: true }), r.refresh({ force: false })]);
    expect(d.fetch).toHaveBeenCalledTimes(1);
  });

  it('keeps the last good snapshot and reports offline when the network fails', async () => {
    const old = snapshot(new Date(now.getTime() - 120_000).toISOString());
    await a1.snapshot.set(old);
    const d = deps({
      fetch: vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    });
    expect(await createRefresher(d).refresh({ force: false })).toBe(true);
    expect(await a1.snapshot.get()).toEqual(old);
    expect(await a1.refreshState.get()).toMatchObject({
      inFlight: false,
      offline: true,
      error: 'failed: TypeError: Failed to fetch',
    });
  });
});

describe('refresher.idle', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await setConnection({
      cloudId: 'global',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-4333-8444-555555555555',
    });
    await a1.authState.set({ status: 'signed-in', account, detail: null });
  });

  it('waits for the refresh in flight and resolves at once when there is none', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const d = deps({
      fetch: vi.fn(async () => {
        await gate;
        return { snapshot: snapshot(now.toISOString()), groupInfo: {} };
      }),
    });
    const r = createRefresher(d);
    await r.idle();
    const running = r.refresh({ force: true });
    let idle = false;
    const waiting = r.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    release();
    await Promise.all([running, waiting]);
    expect(idle).toBe(true);
  });
});
