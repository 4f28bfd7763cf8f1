/**
 * Storage layout migrations, run once per layout version before anything reads storage: by the background at start,
 * and by the popup and options (which may open first after an update) — one at a time across contexts (Web Locks).
 *
 * 1 → 2 (issue 16, several accounts): the single account of the first releases becomes account `a1`. Its connection
 * (sync), auth state, snapshot, policies, remembered choices, journal, activity, notifier memory, favourites (sync)
 * and the session's approvals and step-ups move under `account.a1.*`; templates, bundles, settings and portal choices
 * stay shared. Copy first (never over a value the new layout already holds), then delete the old keys, then record
 * the version: a worker that dies half-way leaves both copies, and the next run finishes the job. MSAL's token
 * cache (the auth documents' localStorage) is not touched: its entries are keyed by the MSAL account, which `a1`'s
 * auth state still names, so no sign-in is needed after the upgrade.
 */
import { browser } from 'wxt/browser';
import { t } from './i18n';
import { FIRST_ACCOUNT_ID, type AccountEntry } from './accounts';
import { ACCOUNT_ITEM_NAMES, accountKey, STORAGE_VERSION } from './storage';

export type Area = 'local' | 'sync' | 'session';

/** The raw storage areas (browser.storage.* in the extension, Maps in tests). */
export interface RawStorage {
  get(area: Area, keys: readonly string[]): Promise<Record<string, unknown>>;
  set(area: Area, values: Record<string, unknown>): Promise<void>;
  remove(area: Area, keys: readonly string[]): Promise<void>;
}

/** Where each per-account item lived in layout 1. */
const LEGACY: { area: Area; key: string; to: { area: 'local' | 'session'; name: string } }[] = [
  ...ACCOUNT_ITEM_NAMES.local
    .filter((name) => name !== 'favourites')
    .map((name) => ({ area: 'local' as const, key: name, to: { area: 'local' as const, name } })),
  { area: 'sync', key: 'favourites', to: { area: 'local', name: 'favourites' } },
  ...ACCOUNT_ITEM_NAMES.session.map((name) => ({
    area: 'session' as const,
    key: name,
    to: { area: 'session' as const, name },
  })),
];

/** A readable label for the migrated account: the domain of its user name ("contoso"), else "Account 1". */
export function legacyLabel(authState: unknown, fallback: string): string {
  const username = (authState as { account?: { username?: unknown } | null } | undefined)?.account?.username;
  const domain = typeof username === 'string' ? username.split('@')[1]?.split('.')[0] : undefined;
  return domain ? domain.slice(0, 40) : fallback;
}

/**
 * Brings storage to STORAGE_VERSION. Returns the version found. `label` names a migrated account whose user name says
 * nothing (the i18n "Account 1").
 */
export async function migrateStorage(raw: RawStorage, label = 'Account 1'): Promise<number> {
  const found = (await raw.get('local', ['storageVersion'])).storageVersion;
  const version = typeof found === 'number' ? found : 1;
  if (version >= STORAGE_VERSION) return version;

  const target = (l: (typeof LEGACY)[number]) =>
    accountKey(l.to.area, FIRST_ACCOUNT_ID, l.to.name).slice(`${l.to.area}:`.length);
  const [local, sync, session, existingLocal, existingSession] = await Promise.all([
    raw.get('local', [...LEGACY.filter((l) => l.area === 'local').map((l) => l.key), 'accounts']),
    raw.get('sync', ['connection', 'favourites']),
    raw.get(
      'session',
      LEGACY.filter((l) => l.area === 'session').map((l) => l.key),
    ),
    raw.get('local', LEGACY.filter((l) => l.to.area === 'local').map(target)),
    raw.get('session', LEGACY.filter((l) => l.to.area === 'session').map(target)),
  ]);
  const areas: Record<Area, Record<string, unknown>> = { local, sync, session };

  const copies: Record<'local' | 'session', Record<string, unknown>> = { local: {}, session: {} };
  for (const l of LEGACY) {
    const value = areas[l.area][l.key];
    const to = target(l);
    // A previous, interrupted run may have copied it already, and the new layout may have changed it since.
    const existing = l.to.area === 'local' ? existingLocal : existingSession;
    if (value === undefined || existing[to] !== undefined) continue;
    copies[l.to.area][to] = value;
  }
  const accounts = Array.isArray(local.accounts) && local.accounts.length > 0 ? local.accounts : null;
  const first: AccountEntry = {
    id: FIRST_ACCOUNT_ID,
    label: legacyLabel(local.authState, label),
    colour: 'blue',
    connection: (sync.connection as AccountEntry['connection'] | undefined) ?? null,
  };
  await raw.set('local', { ...copies.local, ...(accounts ? {} : { accounts: [first] }) });
  if (Object.keys(copies.session).length > 0) await raw.set('session', copies.session);

  // The old keys and WXT's version metadata beside them (`<key>$`), before the version is recorded: a run that dies in
  // between is finished by the next one. Not in sync storage: it roams, and a browser still on the previous release
  // would lose its connection and favourites; those two copies are left alone (they are not secret, and unread here).
  for (const area of ['local', 'session'] as const) {
    const keys = LEGACY.filter((l) => l.area === area).flatMap((l) => [l.key, `${l.key}$`]);
    await raw.remove(area, keys);
  }
  await raw.set('local', { storageVersion: STORAGE_VERSION });
  return version;
}

/** browser.storage as RawStorage. */
export function browserRawStorage(): RawStorage {
  const area = (a: Area) => browser.storage[a];
  return {
    get: (a, keys) => area(a).get([...keys]),
    set: (a, values) => area(a).set(values),
    remove: (a, keys) => area(a).remove([...keys]),
  };
}

let migrated: Promise<number> | null = null;
/**
 * Runs the migrations once per context, one context at a time (the lock is per extension origin); every later call
 * gets the same answer. Resolves with the layout version that was found.
 */
export function ensureMigrated(raw: RawStorage = browserRawStorage()): Promise<number> {
  const run = async (): Promise<number> => {
    // The common case, storage already in this layout, needs no lock: one read.
    const found = (await raw.get('local', ['storageVersion'])).storageVersion;
    if (typeof found === 'number' && found >= STORAGE_VERSION) return found;
    return navigator.locks.request('pim-companion-storage-layout', () =>
      migrateStorage(raw, t('accountDefaultLabel', '1')),
    );
  };
  migrated ??= run().catch((e: unknown) => {
    migrated = null;
    throw e;
  });
  return migrated;
}
