/**
 * Every storage item, defined once: key, zod schema, version and fallback. Reads are parsed; a value that does not
 * parse is reported and the fallback is returned (never thrown into the UI). Tokens are never stored here: MSAL keeps
 * its own encrypted cache in the auth documents' localStorage.
 */
import { storage, type StorageItemKey } from 'wxt/utils/storage';
// zod/mini: the popup and options load this; classic zod does not tree-shake (docs/PERFORMANCE.md). Classic schemas
// elsewhere may hold these (same core).
import { z } from 'zod/mini';
import { Snapshot } from './pim/model';
import { ApprovalsState } from './pim/approvals';
import { Template } from './pim/templates';
import { Bundle } from './pim/bundles';
import { PortalLayout, PortalPref } from './portal/schemas';
import { AuthState, AuthStatus } from './connection';
import { ACCOUNT_ITEM_NAMES, AccountEntry, AccountId, PopupAccountChoice } from './accounts';

// The schemas the auth document also needs live in a module without storage items (lib/connection.ts).
export { Account, AuthState, AuthStatus, ClientId, Connection, TenantId } from './connection';

export interface ValidatedItem<T> {
  key: StorageItemKey;
  get(): Promise<T>;
  set(value: T): Promise<void>;
  remove(): Promise<void>;
  /** Calls back with the parsed new value whenever it changes; returns the unwatch function. */
  watch(cb: (value: T) => void): () => void;
}

export function defineValidatedItem<S extends z.ZodMiniType>(
  key: StorageItemKey,
  schema: S,
  fallback: z.infer<S>,
  options: {
    version?: number;
    migrations?: Record<number, (old: unknown) => unknown>;
    /** What can be kept of a value that fails the schema (e.g. the valid entries of a list); the rest is backed up. */
    salvage?: (raw: unknown) => unknown;
    /** True once the item's owner is gone (a removed account): writes are dropped, so nothing late brings it back. */
    retired?: () => boolean;
  } = {},
): ValidatedItem<z.infer<S>> {
  type T = z.infer<S>;
  const item = storage.defineItem<unknown>(key, {
    fallback,
    version: options.version ?? 1,
    migrations: options.migrations,
  });
  const parse = (raw: unknown): T => {
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    console.warn(`PIM Companion: stored ${key} is not valid (${result.error.issues[0]?.message}); using the default.`);
    return fallback;
  };
  /**
   * A stored value that does not parse (corrupted, or written by a version this one cannot read) is copied to
   * `<area>:backup:<name>:<time>` before the item is reset to its default (or to what `salvage` keeps of it), so a
   * user's templates are never silently lost and the broken value does not come back on every read.
   */
  const repair = async (raw: unknown): Promise<T> => {
    if (raw === undefined || raw === null || schema.safeParse(raw).success) return parse(raw);
    const [area, ...rest] = key.split(':');
    const backupKey = `${area}:backup:${rest.join(':')}:${new Date().toISOString()}` as StorageItemKey;
    const kept = options.salvage?.(raw);
    const next = kept !== undefined && schema.safeParse(kept).success ? schema.parse(kept) : fallback;
    try {
      await storage.setItem(backupKey, raw);
      await item.setValue(next);
      console.warn(`PIM Companion: stored ${key} could not be read; kept a copy as ${backupKey} and reset it.`);
    } catch (e) {
      console.warn(`PIM Companion: stored ${key} could not be read or backed up (${String(e)}); using the default.`);
    }
    return next;
  };
  return {
    key,
    get: async () => repair(await item.getValue()),
    set: async (value) => {
      if (options.retired?.()) return;
      await item.setValue(schema.parse(value));
    },
    remove: () => item.removeValue(),
    watch: (cb) => item.watch((value) => cb(parse(value))),
  };
}

/** For `salvage`: the entries of a stored list that still parse (the whole list is backed up first). */
export function validEntries(schema: z.ZodMiniType): (raw: unknown) => unknown {
  return (raw) => (Array.isArray(raw) ? raw.filter((x) => schema.safeParse(x).success) : undefined);
}

/**
 * signed-out: never signed in or signed out; signed-in: tokens obtainable silently;
 * renewal-required: silent renewal (including the non-interactive web auth flow) failed, the user must sign in again.
 */

/**
 * Requests from others waiting for this user's decision, and the approver reads' quiet period (lib/pim/approvals.ts).
 * Session storage: an Approve acts on the approval and step ids stored here, and on Firefox (no setAccessLevel) a
 * compromised content process could write storage.local but cannot reach storage.session (docs/SECURITY.md row 15).
 * The list is re-read by the first refresh after a browser start.
 */

/** What the background is doing about the snapshot, for the popup's loading / offline / error states. */
export const RefreshState = z.object({
  inFlight: z.boolean(),
  /** Set when the last refresh failed as a whole (offline, 5xx, auth): a sentence for the user. */
  error: z.nullable(z.string()),
  offline: z.boolean(),
  startedAt: z.nullable(z.string()),
});
export type RefreshState = z.infer<typeof RefreshState>;

/** Per PIM group: display name and the Entra roles it grants; rarely changes, so cached across refreshes. */
export const GroupInfo = z.object({
  displayName: z.nullable(z.string()),
  grants: z.array(z.string()),
  fetchedAt: z.string(),
});
export type GroupInfo = z.infer<typeof GroupInfo>;

export { PortalLayout, PortalPref } from './portal/schemas';
/** The user's portal badge choices per portal id (lib/portal/schemas.ts PortalPref). */
export const portalPrefsItem = defineValidatedItem('sync:portalPrefs', z.record(z.string(), PortalPref), {});

/** Where the badge sits and whether it is folded, per portal id (lib/portal/schemas.ts). */
export const portalLayoutItem = defineValidatedItem('local:portalLayout', z.record(z.string(), PortalLayout), {});

// ---------------------------------------------------------------------------------------------------------------
// Activation (issue 3). Local, not sync: templates can exceed sync's 8 kB per-item quota, and history stays on this
// device.

/** Reason templates, in the user's order. Migrations keep them: a template is never silently dropped. */
export const templatesItem = defineValidatedItem('local:templates', z.array(Template), [], {
  salvage: validEntries(Template),
});
export const bundlesItem = defineValidatedItem('local:bundles', z.array(Bundle), [], { salvage: validEntries(Bundle) });

/** Per eligibility (Assignment.key): the template and duration used last time, for one-click re-activation. */
export const Remembered = z.object({
  templateId: z.nullable(z.string()),
  durationMinutes: z.nullable(z.int()),
  ticketNumber: z._default(z.nullable(z.string()), null),
  ticketSystem: z._default(z.nullable(z.string()), null),
  /** The justification as sent, when it was typed rather than taken from a template. */
  justification: z._default(z.nullable(z.string()), null),
});
export type Remembered = z.infer<typeof Remembered>;

export const ActivationPolicyRecord = z.object({
  maxDuration: z.string(),
  maxMinutes: z.number(),
  expirationRequired: z.boolean(),
  requireJustification: z.boolean(),
  requireTicket: z.boolean(),
  requireMfa: z.boolean(),
  approvalRequired: z.boolean(),
  authContext: z.nullable(z.string()),
});

/**
 * Activation rules per eligibility key; `policy: null` = unreadable (403), ask for a justification and react to errors.
 */
export const PolicyEntry = z.object({
  policy: z.nullable(ActivationPolicyRecord),
  fetchedAt: z.string(),
  /** Set when the read failed (e.g. 403); the entry is then retried after a shorter time. */
  error: z._default(z.nullable(z.string()), null),
  /**
   * The policy was learned from PIM's refusals (lib/background/policy-learning.ts), not read: a failed read keeps it.
   */
  learned: z.optional(z.boolean()),
});
export type PolicyEntry = z.infer<typeof PolicyEntry>;

/** The user's own requests (journaled writes); decisions on others' requests are not journaled (a repeat gets 409). */
const OWN_REQUEST_ACTIONS = ['activate', 'deactivate', 'extend', 'cancel', 'requestExtension'] as const;

/** Every request the extension made, newest first, capped (lib/background/activity.ts). */
export const ActivityEntry = z.object({
  id: z.string(),
  at: z.string(),
  /**
   * approve / deny: the user's decision on someone else's request (issue 15); the others are the user's own requests.
   */
  action: z.enum([...OWN_REQUEST_ACTIONS, 'approve', 'deny']),
  key: z.string(),
  displayName: z.string(),
  justification: z.nullable(z.string()),
  durationMinutes: z.nullable(z.number()),
  /** Graph request status, or the error code. */
  outcome: z.string(),
  text: z.string(),
  requestId: z.nullable(z.string()),
});
export type ActivityEntry = z.infer<typeof ActivityEntry>;

/**
 * Privileged writes whose answer has not arrived yet (lib/background/journal.ts): written before the POST, cleared
 * after the answer, so a worker that dies mid-request leaves a trace to reconcile against Graph's request list.
 */
export const JournalEntry = z.object({
  requestKey: z.string(),
  key: z.string(),
  action: z.enum(OWN_REQUEST_ACTIONS),
  at: z.string(),
  /** For reconciliation (lib/background/reconcile.ts): the name to report, and the write as sent (path and body). */
  displayName: z.optional(z.string()),
  request: z.optional(z.object({ path: z.string(), body: z.nullable(z.record(z.string(), z.unknown())) })),
});
export type JournalEntry = z.infer<typeof JournalEntry>;

/**
 * Activations waiting for a step-up sign-in (lib/background/stepup.ts), one per claims value. Never holds a token:
 * the step-up token lives in the background's memory only. Session storage: a pending step-up does not outlive the
 * browser. `input` is the command's ActivationInput (lib/messaging.ts), parsed again when the retry runs.
 */
export const StepUpItem = z.object({
  key: z.string(),
  displayName: z.string(),
  action: z.enum(['activate', 'extend']),
  input: z.nullable(z.record(z.string(), z.unknown())),
  durationMinutes: z.nullable(z.int()),
});
export type StepUpItem = z.infer<typeof StepUpItem>;
export const PendingStepUp = z.object({
  stepUpId: z.string(),
  claims: z.string(),
  createdAt: z.string(),
  items: z.array(StepUpItem),
});
export type PendingStepUp = z.infer<typeof PendingStepUp>;

// ---------------------------------------------------------------------------------------------------------------
// Background scheduler (issue 5): warnings, toolbar, refresh policy
// (lib/background/{alarms,schedule,notifications}.ts).

/**
 * The user's warning and refresh choices (sync: they follow the admin between browsers). Lead times are minutes before
 * an activation ends at which to warn; fractions are allowed (a 30-second warning is 0.5).
 */
// The bare field schemas (no default) are exported for lib/managed.ts, where a policy key is either set or absent.
export const LeadTimesMinutes = z.array(z.number().check(z.positive(), z.lte(24 * 60))).check(z.maxLength(5));
export const RefreshMinutes = z.number().check(z.gte(1), z.lte(24 * 60));
export const WarningThresholdMinutes = z.number().check(z.gte(0), z.lte(24 * 60));
export const Settings = z.object({
  leadTimesMinutes: z._default(LeadTimesMinutes, [10, 2]),
  /** Period of the background refresh while something is active or pending. */
  refreshMinutes: z._default(RefreshMinutes, 15),
  doNotDisturb: z._default(z.boolean(), false),
  /** Below this much time left the toolbar badge turns to the warning colour. */
  warningThresholdMinutes: z._default(WarningThresholdMinutes, 10),
  /** Azure resource roles (Azure Resource Manager). Off: no ARM token is ever requested and no ARM request made. */
  azureRoles: z._default(z.boolean(), true),
});
export type Settings = z.infer<typeof Settings>;
export const DEFAULT_SETTINGS: Settings = {
  leadTimesMinutes: [10, 2],
  refreshMinutes: 15,
  doNotDisturb: false,
  warningThresholdMinutes: 10,
  azureRoles: true,
};
export const settingsItem = defineValidatedItem('sync:settings', Settings, DEFAULT_SETTINGS);

/** What the background last saw (per key), so approvals, denials and starts are noticed once, even across restarts. */
export const Observed = z.object({
  principalId: z.nullable(z.string()),
  authStatus: AuthStatus,
  pending: z.record(z.string(), z.object({ name: z.string(), start: z.nullable(z.string()), seenAt: z.string() })),
  active: z.record(z.string(), z.object({ name: z.string(), end: z.nullable(z.string()) })),
  /** Approved or scheduled activations that start later: their start is announced when they become active. */
  awaiting: z.record(z.string(), z.object({ name: z.string(), start: z.string() })),
});
export type Observed = z.infer<typeof Observed>;

/**
 * The notifier's memory, one item so a change of both is one write: `notified` maps a dedupe key (a warning for one
 * key, lead and end; an eligibility reminder) to when it was shown, so a restarted worker or browser does not repeat
 * it.
 */
export const NotifierState = z.object({
  notified: z.record(z.string(), z.string()),
  observed: z.nullable(Observed),
});
export type NotifierState = z.infer<typeof NotifierState>;

/** Backoff of failed background refreshes: how many in a row failed, and when the next attempt is due (retry alarm). */
export const RefreshRetry = z.object({ attempt: z.int().check(z.gte(0)), nextAt: z.nullable(z.string()) });
export type RefreshRetry = z.infer<typeof RefreshRetry>;

/** Set when a notification is clicked: the popup scrolls to (and highlights) this row, then clears it. */
export const PopupFocus = z.object({ accountId: z.optional(AccountId), key: z.string(), at: z.string() });
export type PopupFocus = z.infer<typeof PopupFocus>;
export const popupFocusItem = defineValidatedItem('session:popupFocus', z.nullable(PopupFocus), null);

// ---------------------------------------------------------------------------------------------------------------
// The portal badge's trust boundary (docs/SECURITY.md). Session storage: trusted contexts only on Chromium, not exposed
// to content scripts on Firefox, so nothing a portal page (or a compromised renderer) can write decides a write.

/**
 * A badge button asked for something the user confirms in the popup: the popup shows it once (then clears it) and
 * sends the ordinary pim.* command only on a click there. Never a write by itself: it only says what to show.
 */
export const PortalIntent = z.object({
  /** renew: a notification's Extend that PIM refused; deactivate-then-activate waits for the user's OK. */
  command: z.enum(['activate', 'extend', 'deactivate', 'renew']),
  /** The account the command is for: the portal tab's account, or the notification's (issue 16). */
  accountId: AccountId,
  key: z.string().check(z.maxLength(300)),
  /** lib/pim/portals.ts PortalId of the tab that asked, for the popup's sentence. */
  portalId: z.string().check(z.maxLength(40)),
  at: z.string(),
});
export type PortalIntent = z.infer<typeof PortalIntent>;
export const portalIntentItem = defineValidatedItem('session:portalIntent', z.nullable(PortalIntent), null);

/**
 * The portal tabs whose badge said hello (lib/background/portal-tabs.ts): where updates are pushed and what "Reload the
 * admin center" reloads. Found this way, the extension needs no host permission for the portals.
 */
export const PortalTab = z.object({
  tabId: z.int(),
  portalId: z.string().check(z.maxLength(40)),
  /** The account the badge speaks for (lib/background/portal-tabs.ts `accountForTab`); null: none applies. */
  accountId: z._default(z.nullable(AccountId), null),
  /** The tab's URL at its last hello (the tenant it names decides the account). */
  url: z._default(z.nullable(z.string().check(z.maxLength(4096))), null),
  /** Azure portal: the resource its URL showed when the badge last said hello (validated, lib/arm/scope.ts). */
  resourceId: z.optional(z.nullable(z.string().check(z.maxLength(2048)))),
});
export type PortalTab = z.infer<typeof PortalTab>;
export const portalTabsItem = defineValidatedItem('session:portalTabs', z.array(PortalTab).check(z.maxLength(200)), []);

// ---------------------------------------------------------------------------------------------------------------
// Several accounts (issue 16, lib/accounts.ts). The list and the choices about it are device-local: per-account data
// (tokens, snapshot, journal) lives on this device only, and a list synced from elsewhere would name accounts whose
// data is not here.

// The storage layout version (lib/accounts.ts, where the popup's first paint reads it without the storage items).
export { STORAGE_VERSION } from './accounts';
export const storageVersionItem = defineValidatedItem('local:storageVersion', z.int(), 1);

/** The user's accounts, in the user's order (the organisation's come from the policy, lib/managed.ts). */
export const accountsItem = defineValidatedItem('local:accounts', z.array(AccountEntry), [], {
  salvage: validEntries(AccountEntry),
});

/** How many account ids options has handed out: ids are never reused (lib/accounts.ts nextAccountId). */
export const accountIdsIssuedItem = defineValidatedItem('local:accountIdsIssued', z.int(), 0);

/** What the popup shows: one account's lists, or the active lists of all of them. */
export const popupAccountItem = defineValidatedItem('local:popupAccount', z.nullable(PopupAccountChoice), null);

/**
 * The account a portal badge speaks for where several could (lib/background/portal-tabs.ts pickKey): per portal id, and
 * per tenant where the URL names one (two admin accounts in one tenant), as the user picked it in the badge.
 */
export const portalAccountsItem = defineValidatedItem('local:portalAccounts', z.record(z.string(), AccountId), {});

/** Per-account storage keys: `<area>:account.<id>.<name>`. */
export const accountKey = (area: 'local' | 'session', id: string, name: string): StorageItemKey =>
  `${area}:account.${id}.${name}`;

export { ACCOUNT_ITEM_NAMES } from './accounts';

function defineAccountItems(id: string) {
  const local = (name: (typeof ACCOUNT_ITEM_NAMES.local)[number]) => accountKey('local', id, name);
  const session = (name: (typeof ACCOUNT_ITEM_NAMES.session)[number]) => accountKey('session', id, name);
  let retired = false;
  const defineValidatedItem = <S extends z.ZodMiniType>(
    key: StorageItemKey,
    schema: S,
    fallback: z.infer<S>,
  ): ValidatedItem<z.infer<S>> => defineItem(key, schema, fallback, { retired: () => retired });
  return {
    /** After an account's removal: every write through these items is dropped (a refresh still in flight, say). */
    retire: () => {
      retired = true;
    },
    authState: defineValidatedItem(local('authState'), AuthState, {
      status: 'signed-out',
      account: null,
      detail: null,
    }),
    snapshot: defineValidatedItem(local('snapshot'), z.nullable(Snapshot), null),
    refreshState: defineValidatedItem(local('refreshState'), RefreshState, {
      inFlight: false,
      error: null,
      offline: false,
      startedAt: null,
    }),
    groupInfo: defineValidatedItem(local('groupInfo'), z.record(z.string(), GroupInfo), {}),
    /** Assignment keys the user starred; starred items sort first among eligible ones. */
    favourites: defineValidatedItem(local('favourites'), z.array(z.string()), []),
    remembered: defineValidatedItem(local('remembered'), z.record(z.string(), Remembered), {}),
    policies: defineValidatedItem(local('policies'), z.record(z.string(), PolicyEntry), {}),
    activity: defineValidatedItem(local('activity'), z.array(ActivityEntry), []),
    journal: defineValidatedItem(local('journal'), z.array(JournalEntry), []),
    notifier: defineValidatedItem(local('notifier'), NotifierState, { notified: {}, observed: null }),
    refreshRetry: defineValidatedItem(local('refreshRetry'), RefreshRetry, { attempt: 0, nextAt: null }),
    approvals: defineValidatedItem(session('approvals'), z.nullable(ApprovalsState), null),
    stepUps: defineValidatedItem(session('stepUps'), z.array(PendingStepUp), []),
  };
}
export type AccountItems = ReturnType<typeof defineAccountItems>;

const accountItemsCache = new Map<string, AccountItems>();
/** One account's storage items (the same objects for the same id, so watchers and updaters share them). */
const defineItem = defineValidatedItem;

/** Drops an account's items: later writes through the objects handed out are ignored; a new account gets new ones. */
export function retireAccountItems(id: string): void {
  accountItemsCache.get(id)?.retire();
  accountItemsCache.delete(id);
}

export function accountItems(id: string): AccountItems {
  let items = accountItemsCache.get(id);
  if (!items) {
    items = defineAccountItems(AccountId.parse(id));
    accountItemsCache.set(id, items);
  }
  return items;
}
