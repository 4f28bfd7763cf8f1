/**
 * The portal badge's view of storage: the snapshot the background keeps, the user's per-portal choices and the
 * badge's remembered corner. Read through browser.storage directly, not through lib/storage.ts: that module brings
 * full zod (~90 kB gzipped) and even zod/mini costs ~7 kB of the content script's 15 kB budget. What is read here was
 * written by the background through lib/storage.ts's zod-validated items (page scripts cannot write extension
 * storage), so a structural check of the few fields the badge uses is enough: anything that fails it is dropped,
 * never trusted. The keys are those of lib/storage.ts (snapshotItem, portalPrefsItem, portalLayoutItem);
 * tests/unit/portal/store.test.ts writes through those items and reads through this module, so they cannot drift.
 */
import { browser } from 'wxt/browser';
import type { Corner, PortalId, PortalPref } from '../pim/portals';
import type { BadgeAssignment } from './view';

/** storage.local / storage.sync keys: WXT's `local:snapshot` is `snapshot` in storage.local, and so on. */
export const STORAGE_KEYS = {
  snapshot: { area: 'local', key: 'snapshot' },
  prefs: { area: 'sync', key: 'portalPrefs' },
  layout: { area: 'local', key: 'portalLayout' },
} as const;

type Obj = Record<string, unknown>;
type Check = (v: unknown) => boolean;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const orNull = (check: Check): Check => (v) => v === null || check(v);
const oneOf = <T extends string>(values: readonly T[]) => (v: unknown): v is T => values.includes(v as T);
const CORNERS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;

/** One check per field of lib/pim/model.ts Assignment that the badge reads (the type makes sure none is missing). */
const FIELDS: Record<keyof BadgeAssignment, Check> = {
  key: isStr,
  kind: oneOf(['role', 'group']),
  state: oneOf(['eligible', 'active', 'pending']),
  targetId: isStr,
  displayName: isStr,
  grants: (v) => Array.isArray(v) && v.every(isStr),
  assignmentType: orNull(oneOf(['Activated', 'Assigned'])),
  memberType: oneOf(['direct', 'group', 'inherited']),
  viaGroupName: (v) => v === undefined || v === null || isStr(v),
  startDateTime: orNull(isStr),
  endDateTime: orNull(isStr),
};
const FIELD_NAMES = Object.keys(FIELDS) as (keyof BadgeAssignment)[];

/** The badge's fields of one stored assignment, or null when any of them is off. */
export function parseAssignment(v: unknown): BadgeAssignment | null {
  if (!isObj(v) || !FIELD_NAMES.every((f) => FIELDS[f](v[f]))) return null;
  // Every field was checked against the model's type just above.
  return Object.fromEntries(FIELD_NAMES.map((f) => [f, v[f]])) as BadgeAssignment;
}

export interface Layout {
  corner?: Corner;
  collapsed?: boolean;
}

export interface BadgeState {
  assignments: BadgeAssignment[];
  /** Service clock minus local clock, from the snapshot: PIM's rules run on Microsoft's clock. */
  skewMs: number;
  pref: PortalPref;
  layout: Layout;
}

/** Each assignment on its own: one entry this version does not understand hides itself, not the whole badge. */
export function parseAssignments(raw: unknown): BadgeAssignment[] {
  if (!isObj(raw) || !Array.isArray(raw.assignments)) return [];
  return raw.assignments.map(parseAssignment).filter((a): a is BadgeAssignment => a !== null);
}

export function parseSkew(raw: unknown): number {
  const skew = isObj(raw) ? raw.clockSkewMs : undefined;
  return typeof skew === 'number' && Number.isFinite(skew) ? skew : 0;
}

function entry(raw: unknown, portalId: PortalId): Obj {
  const value = isObj(raw) && Object.hasOwn(raw, portalId) ? raw[portalId] : undefined;
  return isObj(value) ? value : {};
}

export function parsePref(raw: unknown, portalId: PortalId): PortalPref {
  const { enabled, pinned } = entry(raw, portalId);
  return { enabled: enabled !== false, pinned: Array.isArray(pinned) ? pinned.filter(isStr) : [] };
}

/**
 * The organisation's policy (storage.managed, lib/managed.ts) over the user's choice: `portals.<id>` replaces it and
 * `disableBadge: true` turns the badge off everywhere. Read structurally here, like the rest (no zod in this bundle).
 */
export function applyManagedPref(managed: unknown, portalId: PortalId, user: PortalPref): PortalPref {
  if (!isObj(managed)) return user;
  const own = isObj(managed.portals) && Object.hasOwn(managed.portals, portalId) ? parsePref(managed.portals, portalId) : user;
  return managed.disableBadge === true ? { ...own, enabled: false } : own;
}

/** storage.managed, or {} where there is no policy (Firefox rejects, some contexts lack the area). */
async function readManaged(): Promise<unknown> {
  try {
    return (await browser.storage.managed?.get()) ?? {};
  } catch {
    return {};
  }
}

export function parseLayout(raw: unknown, portalId: PortalId): Layout {
  const { corner, collapsed } = entry(raw, portalId);
  return { ...(oneOf(CORNERS)(corner) ? { corner } : {}), ...(typeof collapsed === 'boolean' ? { collapsed } : {}) };
}

export interface BadgeStore {
  load(): Promise<BadgeState>;
  /** Calls back with what changed; returns the unwatch function. Storage events, never polling. */
  watch(cb: (patch: Partial<BadgeState>) => void): () => void;
  saveLayout(layout: Layout): Promise<void>;
}

export function createBadgeStore(portalId: PortalId): BadgeStore {
  const { snapshot, prefs, layout } = STORAGE_KEYS;
  return {
    async load() {
      const [local, sync, managed] = await Promise.all([
        browser.storage.local.get([snapshot.key, layout.key]),
        browser.storage.sync.get(prefs.key).catch(() => ({}) as Record<string, unknown>),
        readManaged(),
      ]);
      return {
        assignments: parseAssignments(local[snapshot.key]),
        skewMs: parseSkew(local[snapshot.key]),
        pref: applyManagedPref(managed, portalId, parsePref((sync as Record<string, unknown>)[prefs.key], portalId)),
        layout: parseLayout(local[layout.key], portalId),
      };
    },
    watch(cb) {
      const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
        const patch: Partial<BadgeState> = {};
        if (area === snapshot.area && changes[snapshot.key]) {
          patch.assignments = parseAssignments(changes[snapshot.key]!.newValue);
          patch.skewMs = parseSkew(changes[snapshot.key]!.newValue);
        }
        if (area === layout.area && changes[layout.key]) patch.layout = parseLayout(changes[layout.key]!.newValue, portalId);
        if (Object.keys(patch).length > 0) cb(patch);
        // The user's choice or the organisation's policy changed: both are needed to say what applies.
        if ((area === prefs.area && changes[prefs.key]) || area === 'managed') {
          void Promise.all([browser.storage.sync.get(prefs.key).catch(() => ({}) as Record<string, unknown>), readManaged()]).then(([sync, managed]) =>
            cb({ pref: applyManagedPref(managed, portalId, parsePref((sync as Record<string, unknown>)[prefs.key], portalId)) }),
          );
        }
      };
      browser.storage.onChanged.addListener(listener);
      return () => browser.storage.onChanged.removeListener(listener);
    },
    async saveLayout(next) {
      const current = await browser.storage.local.get(layout.key);
      const all = current[layout.key];
      await browser.storage.local.set({ [layout.key]: { ...(isObj(all) ? all : {}), [portalId]: next } });
    },
  };
}
