/**
 * Several accounts side by side (issue 16): each admin identity the user works with (a tenant's admin account, a guest
 * account in a customer's tenant, a second admin account in the same tenant) is one `AccountEntry`, with its own
 * connection, MSAL account, tokens and per-account storage (lib/storage.ts `accountItems`). Schemas and pure rules
 * only: no storage items here, so the sign-in page and tests can load it.
 */
import { z } from 'zod/mini';
import { Connection } from './connection';

/** Short, storage-key safe: per-account keys are `local:account.<id>.<name>`. */
export const AccountId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/));
export type AccountId = z.infer<typeof AccountId>;

/** The colours an account can wear (popup switcher, badge, notification names), distinct on light and dark. */
export const ACCOUNT_COLOURS = ['blue', 'green', 'purple', 'orange', 'teal', 'red', 'grey'] as const;
export const AccountColour = z.enum(ACCOUNT_COLOURS);
export type AccountColour = z.infer<typeof AccountColour>;
/** CSS for each colour (text on white and white text on it both pass AA). */
export const COLOUR_CSS: Record<AccountColour, string> = {
  blue: '#0F6CBD',
  green: '#107C10',
  purple: '#5C2E91',
  orange: '#8A3707',
  teal: '#00666D',
  red: '#C50F1F',
  grey: '#616161',
};

export const AccountLabel = z.string().check(z.trim(), z.minLength(1), z.maxLength(40));

export const AccountEntry = z.object({
  id: AccountId,
  label: AccountLabel,
  colour: z._default(AccountColour, 'blue'),
  /** null: not configured yet (or the organisation's connection, for the first account under a managed policy). */
  connection: z.nullable(Connection),
});
export type AccountEntry = z.infer<typeof AccountEntry>;

/** An account as the product uses it: the user's entry with managed values laid over it (lib/managed.ts). */
export interface EffectiveAccount extends AccountEntry {
  /** Defined by the organisation's policy: label and connection are locked, and it cannot be removed. */
  managed: boolean;
}

/** The popup's choice: one account, or every account's active assignments side by side. */
export const ALL_ACCOUNTS = 'all';
export const PopupAccountChoice = z.union([AccountId, z.literal(ALL_ACCOUNTS)]);

/**
 * The names of every per-account item, in both areas (lib/storage.ts `accountItems`): what removing an account deletes
 * and lib/migrate.ts copies. Here, not in lib/storage.ts, so Node code (the e2e harness) can read it too.
 */
export const ACCOUNT_ITEM_NAMES = {
  local: [
    'authState',
    'snapshot',
    'refreshState',
    'groupInfo',
    'favourites',
    'remembered',
    'policies',
    'activity',
    'journal',
    'notifier',
    'refreshRetry',
  ],
  session: ['approvals', 'stepUps'],
} as const;

/** The id the single account of the previous release migrates to (lib/migrate.ts). */
export const FIRST_ACCOUNT_ID = 'a1';

/** Storage layout version: 1 = the single-account layout of the first releases, 2 = per-account (lib/migrate.ts). */
export const STORAGE_VERSION = 2;

/**
 * A fresh id: a<n> above every id in use and every id ever handed out (`issued`, stored), so a removed account's id is
 * never given to a new one (nothing of the old one can be mistaken for the new one's).
 */
export function nextAccountId(taken: readonly string[], issued = 0): AccountId {
  const used = taken.map((id) => /^a(\d+)$/.exec(id)?.[1]).map((n) => (n ? Number(n) : 0));
  return `a${Math.max(issued, 0, ...used) + 1}`;
}

/** The next colour nobody wears yet, so a new account stands out from the others. */
export function nextColour(accounts: readonly Pick<AccountEntry, 'colour'>[]): AccountColour {
  return ACCOUNT_COLOURS.find((c) => !accounts.some((a) => a.colour === c)) ?? ACCOUNT_COLOURS[accounts.length % 7]!;
}

/** A portal URL that names a tenant this product cannot read: no account may speak for it (no badge). */
export const UNREADABLE_TENANT = '!unreadable';

/**
 * What a portal URL says about the tenant it shows: a tenant GUID or a domain, lower case; null when it names none;
 * UNREADABLE_TENANT when it names one that does not parse (then no account is assumed: never the default one).
 */
export function tenantOfPortalUrl(url: string | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const domain = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
  const read = (v: string, decode: boolean): string => {
    let s = v;
    if (decode) {
      try {
        s = decodeURIComponent(v);
      } catch {
        return UNREADABLE_TENANT;
      }
    }
    s = s.toLowerCase();
    return guid.test(s) || domain.test(s) ? s : UNREADABLE_TENANT;
  };
  // Azure portal and Entra admin center: `#@contoso.onmicrosoft.com/…` or `#@<tenant id>/…`.
  const at = /^#@([^/?#]*)/.exec(parsed.hash);
  if (at) return read(at[1]!, true);
  // Entra admin center deep links name the tenant as a path segment of the hash route: `…/tenantId/<guid>`.
  const hashTenant = /\/tenantId\/([^/?#]*)/i.exec(parsed.hash);
  if (hashTenant) return read(hashTenant[1]!, true);
  // Exchange and Microsoft 365 admin centers: `?realm=contoso.com` or `?tenantId=…` where a link adds it
  // (searchParams are decoded already).
  for (const name of ['tenantId', 'tenant', 'realm', 'tid']) {
    const v = parsed.searchParams.get(name);
    if (v !== null) return read(v, false);
  }
  return null;
}

/** Whether an account is the one for `tenant` (a GUID or a domain): its signed-in tenant id, or its connection's. */
export function accountServesTenant(
  account: Pick<AccountEntry, 'connection'>,
  signedInTenantId: string | null,
  tenant: string,
  verifiedDomains: readonly string[] = [],
): boolean {
  const t = tenant.toLowerCase();
  if (signedInTenantId && signedInTenantId.toLowerCase() === t) return true;
  if (account.connection && account.connection.tenant === t) return true;
  return verifiedDomains.some((d) => d.toLowerCase() === t);
}
