/**
 * Managed configuration: what an IT department sets by policy (Chrome/Edge `3rdparty.extensions.<id>`, Firefox's
 * `3rdparty.Extensions.<id>` enterprise policy), read from `storage.managed` and laid over the user's own settings.
 * A managed value wins and the options page shows it locked. The schema admins write against is
 * public/managed-schema.json (the manifest's `storage.managed_schema`); this module is the zod twin that guards the
 * product, since Firefox does not validate against a schema and a policy can be edited by hand.
 *
 * Everything that reads connection or settings goes through the `effective*` items below, so a policy change (the
 * browser fires storage.onChanged for area "managed") reaches the background, popup and options like a user edit.
 */
import { browser } from 'wxt/browser';
// zod/mini: the popup loads this; classic zod does not tree-shake (docs/PERFORMANCE.md).
import { z } from 'zod/mini';
import { CLOUDS } from './clouds';
import { Bundle } from './pim/bundles';
import { Template } from './pim/templates';
import {
  AccountColour,
  AccountId,
  AccountLabel,
  FIRST_ACCOUNT_ID,
  type AccountEntry,
  type EffectiveAccount,
} from './accounts';
import {
  accountsItem,
  bundlesItem,
  ClientId,
  LeadTimesMinutes,
  PortalPref,
  portalPrefsItem,
  RefreshMinutes,
  settingsItem,
  type Settings,
  templatesItem,
  TenantId,
  WarningThresholdMinutes,
  type Connection,
  type ValidatedItem,
} from './storage';

const PORTAL_IDS = [
  'exchange',
  'entra',
  'azure',
  'm365',
  'teams',
  'sharepoint',
  'intune',
  'defender',
  'purview',
] as const;

/** One schema per policy key: a bad value drops that key only, the rest of the policy still applies. */
const FIELDS = {
  tenantId: TenantId,
  clientId: ClientId,
  cloud: z.enum(CLOUDS.map((c) => c.id) as [string, ...string[]]),
  /** Organisation reason templates and bundles: shown read-only next to the user's own. */
  templates: z.array(z.unknown()).check(z.maxLength(50)),
  bundles: z.array(z.unknown()).check(z.maxLength(50)),
  /** Per portal: badge on/off and pinned assignment keys, replacing the user's choice for that portal. */
  portals: z.partialRecord(z.enum(PORTAL_IDS), PortalPref),
  leadTimesMinutes: LeadTimesMinutes,
  warningThresholdMinutes: WarningThresholdMinutes,
  refreshMinutes: RefreshMinutes,
  disableBadge: z.boolean(),
  /**
   * The tenant's SharePoint admin host, where it is not <initial domain>-admin.sharepoint.com of the account's name.
   */
  sharePointAdminHost: z
    .string()
    .check(z.toLowerCase(), z.regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-admin\.sharepoint\.com$/)),
  disableNotifications: z.boolean(),
  disableBundles: z.boolean(),
  /** Azure resource roles off for the whole organisation: no ARM token, no ARM request. */
  disableAzureRoles: z.boolean(),
  /**
   * Accounts the organisation defines (issue 16), after the user's first account: locked (label, connection) and not
   * removable. `clientId`/`cloud` default to the policy's own.
   */
  accounts: z
    .array(
      z.object({
        id: AccountId,
        label: AccountLabel,
        colour: z.optional(AccountColour),
        tenantId: TenantId,
        clientId: z.optional(ClientId),
        cloud: z.optional(z.enum(CLOUDS.map((c) => c.id) as [string, ...string[]])),
      }),
    )
    .check(z.maxLength(20)),
  /** Users may not add accounts of their own (the organisation's and the first one remain). */
  disableUserAccounts: z.boolean(),
} as const;

export type ManagedKey = keyof typeof FIELDS;
export const MANAGED_KEYS = Object.keys(FIELDS) as ManagedKey[];

export interface ManagedPolicy {
  tenantId?: string;
  clientId?: string;
  cloud?: string;
  templates?: Template[];
  bundles?: Bundle[];
  portals?: Partial<Record<(typeof PORTAL_IDS)[number], PortalPref>>;
  leadTimesMinutes?: number[];
  warningThresholdMinutes?: number;
  refreshMinutes?: number;
  disableBadge?: boolean;
  sharePointAdminHost?: string;
  disableNotifications?: boolean;
  disableBundles?: boolean;
  disableAzureRoles?: boolean;
  accounts?: {
    id: string;
    label: string;
    colour?: AccountColour;
    tenantId: string;
    clientId?: string;
    cloud?: string;
  }[];
  disableUserAccounts?: boolean;
}

export interface ParsedPolicy {
  policy: ManagedPolicy;
  /** `key` or `key[index]` with the reason, for the log line (and tests). Unknown keys are listed too. */
  rejected: { path: string; reason: string }[];
}

/** Parses what storage.managed holds, key by key (and template/bundle by template/bundle). Never throws. */
export function parseManaged(raw: unknown): ParsedPolicy {
  const policy: Record<string, unknown> = {};
  const rejected: ParsedPolicy['rejected'] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { policy, rejected };
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(FIELDS, key)) {
      rejected.push({ path: key, reason: 'is not a PIM Companion policy' });
      continue;
    }
    const result = FIELDS[key as ManagedKey].safeParse(value);
    if (!result.success) {
      rejected.push({ path: key, reason: result.error.issues[0]?.message ?? 'is not valid' });
      continue;
    }
    if (key === 'templates' || key === 'bundles') {
      const schema = key === 'templates' ? Template : Bundle;
      const good: unknown[] = [];
      (result.data as unknown[]).forEach((entry, i) => {
        const one = schema.safeParse(entry);
        if (one.success) good.push(one.data);
        else
          rejected.push({
            path: `${key}[${i}]`,
            reason:
              `${one.error.issues[0]?.path.join('.') ?? ''} ${one.error.issues[0]?.message ?? 'is not valid'}`.trim(),
          });
      });
      policy[key] = good;
    } else {
      policy[key] = result.data;
    }
  }
  // Every value was parsed by the field's own schema above.
  return { policy: policy, rejected };
}

/** Where the raw policy comes from: the browser's storage.managed, or a fake in tests. */
export interface ManagedSource {
  read(): Promise<unknown>;
  /** Calls back when the policy changes; returns the unwatch function. */
  onChange(cb: () => void): () => void;
}

/**
 * storage.managed as the browsers really behave: Chromium answers {} without a policy; Firefox rejects ("Managed
 * storage manifest not found") and some contexts lack the area. All of these mean "no policy".
 */
export function browserManagedSource(): ManagedSource {
  return {
    async read() {
      try {
        return (await browser.storage.managed?.get()) ?? {};
      } catch {
        return {};
      }
    },
    onChange(cb) {
      const listener = (_changes: unknown, area: string) => {
        if (area === 'managed') cb();
      };
      browser.storage.onChanged.addListener(listener);
      return () => browser.storage.onChanged.removeListener(listener);
    },
  };
}

export interface Managed {
  get(): Promise<ManagedPolicy>;
  watch(cb: (policy: ManagedPolicy) => void): () => void;
}

export function createManaged(source: ManagedSource, warn: (text: string) => void = (t) => console.warn(t)): Managed {
  // Logged once per bad value: the policy is re-read on every effective read and would otherwise flood the console.
  const warned = new Set<string>();
  const get = async () => {
    const { policy, rejected } = parseManaged(await source.read());
    for (const r of rejected) {
      const id = `${r.path}: ${r.reason}`;
      if (warned.has(id)) continue;
      warned.add(id);
      warn(
        `PIM Companion: managed policy "${r.path}" ignored (${r.reason}). Fix it in your Intune / Group Policy configuration.`,
      );
    }
    return policy;
  };
  return {
    get,
    watch: (cb) => source.onChange(() => void get().then(cb)),
  };
}

export const managed: Managed = createManaged(browserManagedSource());

// ---------------------------------------------------------------------------------------------------------------
// Overlays: pure, so each rule is tested on its own.

export type ConnectionField = keyof Connection;
export type ConnectionLocks = Record<ConnectionField, boolean>;

export function connectionLocks(policy: ManagedPolicy): ConnectionLocks {
  return {
    cloudId: policy.cloud !== undefined,
    tenant: policy.tenantId !== undefined,
    clientId: policy.clientId !== undefined,
  };
}

/** Managed fields replace the user's; a tenant and client id from either side make a connection, or there is none. */
export function overlayConnection(user: Connection | null, policy: ManagedPolicy): Connection | null {
  const tenant = policy.tenantId ?? user?.tenant;
  const clientId = policy.clientId ?? user?.clientId;
  if (!tenant || !clientId) return null;
  return { cloudId: policy.cloud ?? user?.cloudId ?? 'global', tenant, clientId };
}

export function overlaySettings(user: Settings, policy: ManagedPolicy): Settings {
  return {
    ...user,
    ...(policy.leadTimesMinutes && { leadTimesMinutes: policy.leadTimesMinutes }),
    ...(policy.warningThresholdMinutes !== undefined && { warningThresholdMinutes: policy.warningThresholdMinutes }),
    ...(policy.refreshMinutes !== undefined && { refreshMinutes: policy.refreshMinutes }),
    // Switching notifications off is the scheduler's do-not-disturb, held on by policy.
    ...(policy.disableNotifications && { doNotDisturb: true }),
    ...(policy.disableAzureRoles && { azureRoles: false }),
  };
}

/**
 * Organisation templates first, then the user's; a user template with a managed id is hidden (the managed one wins).
 */
export function overlayTemplates(user: Template[], policy: ManagedPolicy): Template[] {
  const org = policy.templates ?? [];
  const ids = new Set(org.map((t) => t.id));
  return [...org, ...user.filter((t) => !ids.has(t.id))];
}

export function overlayBundles(user: Bundle[], policy: ManagedPolicy): Bundle[] {
  if (policy.disableBundles) return [];
  const org = policy.bundles ?? [];
  const ids = new Set(org.map((b) => b.id));
  return [...org, ...user.filter((b) => !ids.has(b.id))];
}

export function overlayPortalPrefs(
  user: Record<string, PortalPref>,
  policy: ManagedPolicy,
): Record<string, PortalPref> {
  const merged: Record<string, PortalPref> = { ...user, ...policy.portals };
  if (policy.disableBadge)
    for (const id of PORTAL_IDS) merged[id] = { ...(merged[id] ?? { pinned: [] }), enabled: false };
  return merged;
}

/** Whether an organisation template or bundle (read-only in options) has this id. */
export function isManagedId(policy: ManagedPolicy, kind: 'templates' | 'bundles', id: string): boolean {
  return (policy[kind] ?? []).some((x) => x.id === id);
}

// ---------------------------------------------------------------------------------------------------------------
// Effective items: drop-in for the user's items wherever the product *uses* a value. Writes go to the user's item
// (organisation entries are stripped), so the policy is never copied into the user's storage.

export function overlayItem<T>(
  user: ValidatedItem<T>,
  source: Managed,
  combine: (user: T, policy: ManagedPolicy) => T,
  strip: (value: T, policy: ManagedPolicy) => T = (v) => v,
): ValidatedItem<T> {
  return {
    key: user.key,
    async get() {
      const [value, policy] = await Promise.all([user.get(), source.get()]);
      return combine(value, policy);
    },
    async set(value) {
      await user.set(strip(value, await source.get()));
    },
    remove: () => user.remove(),
    watch(cb) {
      let latest = 0;
      // Both sides can change; each change re-reads both, and only the newest answer is delivered.
      const emit = () => {
        const mine = ++latest;
        void Promise.all([user.get(), source.get()]).then(([value, policy]) => {
          if (mine === latest) cb(combine(value, policy));
        });
      };
      const stops = [user.watch(emit), source.watch(emit)];
      return () => stops.forEach((stop) => stop());
    },
  };
}

export function createEffectiveItems(source: Managed) {
  return {
    settings: overlayItem(settingsItem, source, overlaySettings),
    templates: overlayItem(templatesItem, source, overlayTemplates, (v, p) =>
      v.filter((t) => !isManagedId(p, 'templates', t.id)),
    ),
    bundles: overlayItem(bundlesItem, source, overlayBundles, (v, p) =>
      v.filter((b) => !isManagedId(p, 'bundles', b.id)),
    ),
    portalPrefs: overlayItem(portalPrefsItem, source, overlayPortalPrefs),
  };
}

const effective = createEffectiveItems(managed);
export const effectiveSettingsItem = effective.settings;
export const effectiveTemplatesItem = effective.templates;
export const effectiveBundlesItem = effective.bundles;
export const effectivePortalPrefsItem = effective.portalPrefs;

/**
 * The accounts the product uses: the user's, in the user's order, account a1 (else the first) with the
 * organisation's connection values laid over it (the policy keys of the single-account releases), then the
 * organisation's own accounts. Ids the user also has are the organisation's (locked). With `disableUserAccounts`
 * only that one of the user's accounts is used (the others' data stays on the device, unused). Never empty: with
 * nothing stored, one unconfigured account.
 */
export function overlayAccounts(user: readonly AccountEntry[], policy: ManagedPolicy): EffectiveAccount[] {
  const org: EffectiveAccount[] = (policy.accounts ?? []).flatMap((a) => {
    const clientId = a.clientId ?? policy.clientId;
    if (!clientId) return [];
    return [
      {
        id: a.id,
        label: a.label,
        colour: a.colour ?? 'grey',
        connection: { cloudId: a.cloud ?? policy.cloud ?? 'global', tenant: a.tenantId, clientId },
        managed: true,
      },
    ];
  });
  const orgIds = new Set(org.map((a) => a.id));
  const all = user.filter((a) => !orgIds.has(a.id));
  // The organisation's connection keys belong to account a1 (the account of the single-account releases), wherever
  // the user moved it; without a1, to the first. With disableUserAccounts only that one of the user's is kept.
  const anchor = all.find((a) => a.id === FIRST_ACCOUNT_ID) ?? all[0];
  const mine = policy.disableUserAccounts ? (anchor ? [anchor] : []) : all;
  const list =
    mine.length > 0 ? mine : [{ id: FIRST_ACCOUNT_ID, label: 'Account 1', colour: 'blue' as const, connection: null }];
  const holder = list.find((a) => a.id === anchor?.id) ?? list[0]!;
  return [
    ...list.map((a) =>
      a === holder
        ? { ...a, connection: overlayConnection(a.connection, policy), managed: false }
        : { ...a, managed: false },
    ),
    ...org,
  ];
}

export interface EffectiveAccounts {
  get(): Promise<EffectiveAccount[]>;
  watch(cb: (accounts: EffectiveAccount[]) => void): () => void;
  /** One account by id, or null when there is no such account (removed, or a policy took it away). */
  byId(id: string): Promise<EffectiveAccount | null>;
}

export function createEffectiveAccounts(
  user: Pick<ValidatedItem<AccountEntry[]>, 'get' | 'watch'>,
  source: Managed,
): EffectiveAccounts {
  const get = async () => {
    const [list, policy] = await Promise.all([user.get(), source.get()]);
    return overlayAccounts(list, policy);
  };
  return {
    get,
    byId: async (id) => (await get()).find((a) => a.id === id) ?? null,
    watch(cb) {
      let latest = 0;
      const emit = () => {
        const mine = ++latest;
        void get().then((accounts) => {
          if (mine === latest) cb(accounts);
        });
      };
      const stops = [user.watch(emit), source.watch(emit)];
      return () => stops.forEach((stop) => stop());
    },
  };
}

export const effectiveAccounts = createEffectiveAccounts(accountsItem, managed);

/** One account's connection as the product uses it (a drop-in for the token provider's `connection` item). */
export function connectionOf(id: string): { get(): Promise<Connection | null> } {
  return { get: async () => (await effectiveAccounts.byId(id))?.connection ?? null };
}
