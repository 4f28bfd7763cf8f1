/**
 * lib/migrate.ts: layout 1 (one account, top-level keys) becomes layout 2 (account a1 under `account.a1.*`), over
 * in-memory storage areas. Copy, then version, then delete: nothing is lost, a second run does nothing, and a run
 * interrupted after the copy finishes the job without overwriting what the new layout holds.
 */
import { describe, expect, it } from 'vitest';
import { legacyLabel, migrateStorage, type Area, type RawStorage } from '../../lib/migrate';
import { STORAGE_VERSION } from '../../lib/storage';

type Areas = Record<Area, Map<string, unknown>>;

function memory(initial: Partial<Record<Area, Record<string, unknown>>> = {}) {
  const areas: Areas = {
    local: new Map(Object.entries(initial.local ?? {})),
    sync: new Map(Object.entries(initial.sync ?? {})),
    session: new Map(Object.entries(initial.session ?? {})),
  };
  const raw: RawStorage = {
    get: async (area, keys) =>
      Object.fromEntries(keys.filter((k) => areas[area].has(k)).map((k) => [k, structuredClone(areas[area].get(k))])),
    set: async (area, values) => {
      for (const [k, v] of Object.entries(values)) areas[area].set(k, structuredClone(v));
    },
    remove: async (area, keys) => {
      for (const k of keys) areas[area].delete(k);
    },
  };
  const dump = () => ({
    local: Object.fromEntries(areas.local),
    sync: Object.fromEntries(areas.sync),
    session: Object.fromEntries(areas.session),
  });
  return { raw, areas, dump };
}

const CONNECTION = {
  cloudId: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
};
const AUTH = {
  status: 'signed-in',
  account: {
    homeAccountId: 'h',
    oid: 'o',
    tenantId: 't',
    name: 'Lidia',
    username: 'adm-lidia@contoso.onmicrosoft.com',
  },
  detail: null,
};
const SNAPSHOT = { fetchedAt: '2026-11-22T10:00:00.000Z', principalId: 'o', assignments: [], sections: {} };

/** A full layout-1 store: every per-account item, shared items beside them, and WXT's metadata keys. */
const layout1 = () => ({
  local: {
    authState: AUTH,
    authState$: { v: 1 },
    snapshot: SNAPSHOT,
    refreshState: { inFlight: false, error: null, offline: false, startedAt: null },
    groupInfo: { g: { displayName: 'G', roles: [], fetchedAt: 'x' } },
    remembered: { 'role:a:/': { templateId: null } },
    policies: { 'role:a:/': { policy: null, fetchedAt: 'x', error: 'e' } },
    activity: [{ id: 'act-1' }],
    journal: [{ id: 'j-1' }],
    notifier: { notified: { k: 'x' }, observed: null },
    refreshRetry: { attempt: 2, nextAt: null },
    // Shared: stays where it is.
    templates: [{ id: 'tpl' }],
    portalLayout: { exchange: { collapsed: true } },
  },
  sync: {
    connection: CONNECTION,
    connection$: { v: 1 },
    favourites: ['role:a:/'],
    settings: { leadTimesMinutes: [10] },
    portalPrefs: { exchange: { enabled: true, pinned: [] } },
  },
  session: {
    approvals: { principalId: 'o', items: [] },
    stepUps: [{ stepUpId: 's' }],
    popupFocus: { key: 'k', at: 'x' },
  },
});

describe('migrateStorage 1 → 2', () => {
  it('moves every per-account item under account a1, lists the account, records the version, removes the old keys', async () => {
    const m = memory(layout1());
    expect(await migrateStorage(m.raw, 'Account 1')).toBe(1);
    const { local, sync, session } = m.dump();
    const old = layout1();
    for (const name of [
      'authState',
      'snapshot',
      'refreshState',
      'groupInfo',
      'remembered',
      'policies',
      'activity',
      'journal',
      'notifier',
      'refreshRetry',
    ] as const) {
      expect(local[`account.a1.${name}`], name).toEqual(old.local[name]);
      expect(local, name).not.toHaveProperty(name);
    }
    // Favourites were synced; they are per account now, on this device.
    expect(local['account.a1.favourites']).toEqual(['role:a:/']);
    expect(session['account.a1.approvals']).toEqual(old.session.approvals);
    expect(session['account.a1.stepUps']).toEqual(old.session.stepUps);
    expect(local.accounts).toEqual([{ id: 'a1', label: 'contoso', colour: 'blue', connection: CONNECTION }]);
    expect(local.storageVersion).toBe(STORAGE_VERSION);
    // Old keys and their WXT metadata are gone; shared items stay. Sync storage is left as it was: it roams, and a
    // browser still on the previous release reads its connection and favourites there.
    expect(
      Object.keys(local)
        .filter((k) => !k.startsWith('account.a1.'))
        .sort(),
    ).toEqual(['accounts', 'portalLayout', 'storageVersion', 'templates'].sort());
    expect(sync).toEqual(old.sync);
    expect(Object.keys(session).sort()).toEqual(['account.a1.approvals', 'account.a1.stepUps', 'popupFocus']);
  });

  it('is idempotent: a second run finds layout 2 and changes nothing', async () => {
    const m = memory(layout1());
    await migrateStorage(m.raw);
    const after = m.dump();
    expect(await migrateStorage(m.raw)).toBe(STORAGE_VERSION);
    expect(m.dump()).toEqual(after);
  });

  it('a fresh install gets one unconfigured account and the version, nothing else', async () => {
    const m = memory();
    expect(await migrateStorage(m.raw, 'Account 1')).toBe(1);
    expect(m.dump()).toEqual({
      local: {
        accounts: [{ id: 'a1', label: 'Account 1', colour: 'blue', connection: null }],
        storageVersion: STORAGE_VERSION,
      },
      sync: {},
      session: {},
    });
  });

  it('an interrupted run (copied, version not recorded) finishes, keeping what the new layout changed since', async () => {
    const m = memory(layout1());
    // The first run dies just before recording the version: the data is in the new layout only, no version recorded.
    const dying: RawStorage = {
      ...m.raw,
      set: async (area, values) => {
        if ('storageVersion' in values) throw new Error('worker stopped');
        await m.raw.set(area, values);
      },
    };
    await expect(migrateStorage(dying)).rejects.toThrow('worker stopped');
    expect(m.areas.local.has('snapshot')).toBe(false);
    expect(m.areas.local.get('account.a1.snapshot')).toEqual(SNAPSHOT);
    // Meanwhile the new layout moved on (a refresh, a renamed account).
    const newer = { ...SNAPSHOT, fetchedAt: '2026-11-22T11:00:00.000Z' };
    m.areas.local.set('account.a1.snapshot', newer);
    const renamed = [{ id: 'a1', label: 'Work', colour: 'green', connection: CONNECTION }];
    m.areas.local.set('accounts', renamed);

    expect(await migrateStorage(m.raw)).toBe(1);
    const { local, sync } = m.dump();
    expect(local['account.a1.snapshot']).toEqual(newer);
    expect(local.accounts).toEqual(renamed);
    expect(local['account.a1.journal']).toEqual(layout1().local.journal);
    expect(local.storageVersion).toBe(STORAGE_VERSION);
    expect(local).not.toHaveProperty('snapshot');
    expect(sync).toHaveProperty('connection');
  });

  it('a run interrupted while deleting leaves nothing lost, and the next run finishes the deletion', async () => {
    const m = memory(layout1());
    const dying: RawStorage = {
      ...m.raw,
      remove: async () => {
        throw new Error('worker stopped');
      },
    };
    await expect(migrateStorage(dying)).rejects.toThrow('worker stopped');
    const old = layout1();
    {
      const { local, session } = m.dump();
      // The version is recorded only after the deletion: the next run comes back to it.
      expect(local).not.toHaveProperty('storageVersion');
      expect(local['account.a1.authState']).toEqual(old.local.authState);
      expect(local['account.a1.favourites']).toEqual(old.sync.favourites);
      expect(session['account.a1.stepUps']).toEqual(old.session.stepUps);
    }
    // Meanwhile a newer step-up list was written in the new layout: the next run does not copy the old one over it.
    m.areas.session.set('account.a1.stepUps', []);
    expect(await migrateStorage(m.raw)).toBe(1);
    const { local, session } = m.dump();
    expect(local.storageVersion).toBe(STORAGE_VERSION);
    expect(local).not.toHaveProperty('authState');
    expect(session).not.toHaveProperty('stepUps');
    expect(session['account.a1.stepUps']).toEqual([]);
  });

  it('names the migrated account after its user name’s domain, else the fallback', () => {
    expect(legacyLabel(AUTH, 'Account 1')).toBe('contoso');
    expect(legacyLabel({ status: 'signed-out', account: null }, 'Account 1')).toBe('Account 1');
    expect(legacyLabel(undefined, 'Konto 1')).toBe('Konto 1');
  });
});
