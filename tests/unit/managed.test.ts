import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  browserManagedSource,
  createEffectiveAccounts,
  createEffectiveItems,
  createManaged,
  MANAGED_KEYS,
  overlayConnection,
  overlaySettings,
  parseManaged,
  type ManagedSource,
} from '../../lib/managed';
import {
  accountsItem,
  bundlesItem,
  DEFAULT_SETTINGS,
  portalPrefsItem,
  settingsItem,
  templatesItem,
} from '../../lib/storage';
import { setConnection } from './account-fixture';

const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = '11111111-2222-4333-8444-555555555555';
const ORG_TEMPLATE = { id: 'org-change', name: 'Change ticket', justification: 'Change {ticket} on {role}' };
const ORG_BUNDLE = { id: 'org-exchange', name: 'Exchange work', items: ['group:0b1e7c3a:member'] };

/** A policy the test can change, firing the change callbacks as the browser's storage.onChanged("managed") does. */
function fakeSource(initial: unknown): ManagedSource & { set(next: unknown): void } {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    read: async () => value,
    onChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    set(next) {
      value = next;
      for (const cb of listeners) cb();
    },
  };
}

beforeEach(() => {
  fakeBrowser.reset();
});

describe('parseManaged', () => {
  it('keeps the good keys and drops each bad one on its own', () => {
    const { policy, rejected } = parseManaged({
      tenantId: TENANT,
      clientId: 'not-a-guid',
      cloud: 'mars',
      leadTimesMinutes: [15, 5],
      disableBadge: true,
      disableBundles: 'yes',
      nonsense: 1,
    });
    expect(policy).toEqual({ tenantId: TENANT, leadTimesMinutes: [15, 5], disableBadge: true });
    expect(rejected.map((r) => r.path).sort()).toEqual(['clientId', 'cloud', 'disableBundles', 'nonsense']);
  });

  it('drops a bad template or bundle, not the whole list', () => {
    const { policy, rejected } = parseManaged({
      templates: [ORG_TEMPLATE, { id: '', name: 'x', justification: '' }],
      bundles: [{ id: 'b', name: 'B', items: [] }, ORG_BUNDLE],
    });
    expect(policy.templates).toEqual([ORG_TEMPLATE]);
    expect(policy.bundles).toEqual([ORG_BUNDLE]);
    expect(rejected.map((r) => r.path)).toEqual(['templates[1]', 'bundles[0]']);
  });

  it.each([[undefined], [null], ['text'], [[1, 2]]])('treats %j as no policy', (raw) => {
    expect(parseManaged(raw)).toEqual({ policy: {}, rejected: [] });
  });

  it('knows exactly the keys the published schema offers admins', () => {
    const schema = JSON.parse(readFileSync('public/managed-schema.json', 'utf8')) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(schema.properties).sort()).toEqual([...MANAGED_KEYS].sort());
  });

  it('publishes a schema Chromium accepts: minimum/maximum only on integers', () => {
    const bad: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      if (('minimum' in n || 'maximum' in n) && n.type !== 'integer') bad.push(path);
      for (const [k, v] of Object.entries(n)) walk(v, `${path}.${k}`);
    };
    walk(JSON.parse(readFileSync('public/managed-schema.json', 'utf8')), '$');
    expect(bad).toEqual([]);
  });
});

describe('reading storage.managed', () => {
  it('treats a browser without a policy (Firefox rejects, Chromium answers {}) as no policy', async () => {
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockRejectedValueOnce(new Error('Managed storage manifest not found'));
    expect(await browserManagedSource().read()).toEqual({});
    expect(await browserManagedSource().read()).toEqual({});
  });

  it('logs a bad value once, however often it is read', async () => {
    const warn = vi.fn();
    const managed = createManaged(fakeSource({ clientId: 'nope', tenantId: TENANT }), warn);
    await managed.get();
    await managed.get();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/"clientId" ignored/);
  });

  it('follows storage.onChanged for the managed area', async () => {
    const seen: unknown[] = [];
    const stop = createManaged(browserManagedSource(), () => {}).watch((p) => seen.push(p));
    await fakeBrowser.storage.managed.set({ tenantId: TENANT });
    await vi.waitFor(() => expect(seen).toEqual([{ tenantId: TENANT }]));
    stop();
  });
});

describe('overlays', () => {
  it('builds a connection from managed values alone, or mixes them with the user’s', () => {
    expect(overlayConnection(null, { tenantId: TENANT, clientId: CLIENT })).toEqual({
      cloudId: 'global',
      tenant: TENANT,
      clientId: CLIENT,
    });
    expect(overlayConnection({ cloudId: 'usgov', tenant: 'mine.com', clientId: CLIENT }, { tenantId: TENANT })).toEqual(
      {
        cloudId: 'usgov',
        tenant: TENANT,
        clientId: CLIENT,
      },
    );
    expect(overlayConnection(null, { tenantId: TENANT })).toBeNull();
  });

  it('holds notifications off and lead times as the policy says', () => {
    expect(overlaySettings(DEFAULT_SETTINGS, { leadTimesMinutes: [30], disableNotifications: true })).toEqual({
      ...DEFAULT_SETTINGS,
      leadTimesMinutes: [30],
      doNotDisturb: true,
    });
    expect(overlaySettings(DEFAULT_SETTINGS, {})).toEqual(DEFAULT_SETTINGS);
  });
});

describe('effective items', () => {
  it('give the product the managed connection, and watch fires when only the policy changes', async () => {
    const source = fakeSource({});
    const accounts = createEffectiveAccounts(
      accountsItem,
      createManaged(source, () => {}),
    );
    await setConnection({ cloudId: 'global', tenant: 'mine.onmicrosoft.com', clientId: CLIENT });
    const seen: unknown[] = [];
    const stop = accounts.watch((list) => seen.push(list[0]?.connection));
    source.set({ tenantId: TENANT });
    await vi.waitFor(() => expect(seen).toEqual([{ cloudId: 'global', tenant: TENANT, clientId: CLIENT }]));
    expect((await accounts.byId('a1'))?.connection).toEqual({ cloudId: 'global', tenant: TENANT, clientId: CLIENT });
    // The user's own value is untouched: removing the policy brings it back.
    expect((await accountsItem.get())[0]?.connection?.tenant).toBe('mine.onmicrosoft.com');
    stop();
  });

  it('put organisation templates and bundles first and never write them into the user’s storage', async () => {
    const items = createEffectiveItems(
      createManaged(fakeSource({ templates: [ORG_TEMPLATE], bundles: [ORG_BUNDLE] }), () => {}),
    );
    const mine = { id: 'mine', name: 'Mine', justification: 'Routine work' };
    await templatesItem.set([mine]);
    const effective = await items.templates.get();
    expect(effective.map((t) => t.id)).toEqual(['org-change', 'mine']);
    await items.templates.set(effective);
    expect(await templatesItem.get()).toEqual([mine]);
    expect((await items.bundles.get()).map((b) => b.id)).toEqual(['org-exchange']);
    await items.bundles.set(await items.bundles.get());
    expect(await bundlesItem.get()).toEqual([]);
  });

  it('switch features off: bundles gone, badge off on every portal, notifications held off', async () => {
    const items = createEffectiveItems(
      createManaged(
        fakeSource({
          disableBundles: true,
          disableBadge: true,
          disableNotifications: true,
          portals: { azure: { enabled: true, pinned: ['x'] } },
        }),
        () => {},
      ),
    );
    await bundlesItem.set([{ id: 'b', name: 'B', items: ['group:g:member'] }]);
    await portalPrefsItem.set({ exchange: { enabled: true, pinned: [] } });
    await settingsItem.set({ ...DEFAULT_SETTINGS, doNotDisturb: false });
    expect(await items.bundles.get()).toEqual([]);
    const prefs = await items.portalPrefs.get();
    expect(Object.values(prefs).every((p) => !p.enabled)).toBe(true);
    expect(prefs.azure?.pinned).toEqual(['x']);
    expect((await items.settings.get()).doNotDisturb).toBe(true);
  });
});

describe('portal badge (lib/background/portal-tabs.ts badgeView)', () => {
  it('tells the badge the policy’s choice for its portal, and nothing when the policy switches it off', async () => {
    const { badgeView } = await import('../../lib/background/portal-tabs');
    const { portalById } = await import('../../lib/pim/portals');
    const { overlayPortalPrefs } = await import('../../lib/managed');
    type Snapshot = Parameters<typeof badgeView>[1];
    const exo = portalById('exchange')!;
    const eligible = {
      key: 'role:exo:/',
      kind: 'role',
      state: 'eligible',
      id: 'i',
      principalId: 'me',
      targetId: '29232cdf-9323-42fd-ade2-1d097af3e4de',
      displayName: 'Exchange Administrator',
      directoryScopeId: '/',
      scopeName: null,
      accessId: null,
      assignmentType: null,
      memberType: 'direct',
      startDateTime: null,
      endDateTime: null,
      grants: [],
      status: null,
      justification: null,
    };
    const snapshot = {
      fetchedAt: '2026-12-01T00:00:00Z',
      principalId: 'me',
      assignments: [eligible],
      sections: {},
    } as Snapshot;
    const user = { exchange: { enabled: true, pinned: ['mine'] } };
    const on = overlayPortalPrefs(user, {}).exchange!;
    expect(badgeView(exo, snapshot, on, undefined)).toMatchObject({
      pref: { enabled: true, pinned: ['mine'] },
      assignments: [{ key: 'role:exo:/' }],
    });
    const off = overlayPortalPrefs(user, { disableBadge: true }).exchange!;
    expect(badgeView(exo, snapshot, off, undefined)).toMatchObject({ pref: { enabled: false }, assignments: [] });
  });
});
