/**
 * The popup's first paint (issue 18): what it may show from storage before the rest of its code has loaded. Pure: the
 * entrypoint hands in raw storage values (one read of the keys below, then one of the account's), each is parsed here
 * with the same schemas the storage items use, and anything unusual — an older storage layout, the organisation's
 * account policy, the all-accounts view, an unconfigured or signed-out account, a value that does not parse — answers
 * null: the popup then paints once, with everything loaded, exactly as it does without this step. So the first paint
 * never shows what the full popup would not.
 */
import { z } from 'zod/mini';
import {
  AccountEntry,
  ALL_ACCOUNTS,
  FIRST_ACCOUNT_ID,
  PopupAccountChoice,
  STORAGE_VERSION,
  type AccountEntry as Entry,
} from './accounts';
import { AuthState } from './connection';
import { Snapshot } from './pim/model';
import { ownSnapshot } from './pim/snapshot';

/** storage.local keys (as WXT stores `local:<name>`) read before the account is known. */
export const SHARED_KEYS = ['storageVersion', 'accounts', 'popupAccount'] as const;

/** storage.local keys of one account's items the first paint reads (lib/storage.ts accountItems). */
export function accountKeys(id: string) {
  return {
    snapshot: `account.${id}.snapshot`,
    authState: `account.${id}.authState`,
    favourites: `account.${id}.favourites`,
  } as const;
}

export interface FirstPaintAccount {
  account: Entry;
  /** Every account (the switcher shows them when there are several). */
  accounts: Entry[];
}

/**
 * Policy keys (storage.managed) that change which accounts exist or which one is used (lib/managed.ts
 * overlayAccounts): with either set, the full popup decides.
 */
const ACCOUNT_POLICY_KEYS = ['accounts', 'disableUserAccounts'];

/** The account the popup opens on, when the first paint can tell it as the full popup would; else null. */
export function firstPaintAccount(
  local: Record<string, unknown>,
  managed: Record<string, unknown>,
): FirstPaintAccount | null {
  const version = z.int().safeParse(local.storageVersion);
  if (!version.success || version.data !== STORAGE_VERSION) return null;
  if (ACCOUNT_POLICY_KEYS.some((k) => managed[k] !== undefined)) return null;
  const accounts = z.array(AccountEntry).safeParse(local.accounts);
  if (!accounts.success || accounts.data.length === 0) return null;
  const choice = z.optional(z.nullable(PopupAccountChoice)).safeParse(local.popupAccount);
  if (!choice.success) return null;
  const list = accounts.data;
  if (choice.data === ALL_ACCOUNTS && list.length > 1) return null;
  const account = list.find((a) => a.id === choice.data) ?? list[0]!;
  // The organisation's connection is laid over the first account (lib/managed.ts overlayAccounts).
  const holder = list.find((a) => a.id === FIRST_ACCOUNT_ID) ?? list[0]!;
  const configured = account.connection !== null || (account === holder && typeof managed.clientId === 'string');
  return configured ? { account, accounts: list } : null;
}

export interface FirstPaintList {
  auth: AuthState;
  snapshot: Snapshot;
  favourites: string[];
}

/**
 * The account's list as the full popup would show it in its list state: signed in, the snapshot is that account's
 * (lib/pim/snapshot.ts ownSnapshot) and holds something. Anything else (sign in again, loading, empty): null.
 */
export function firstPaintList(local: Record<string, unknown>, id: string): FirstPaintList | null {
  const keys = accountKeys(id);
  const auth = AuthState.safeParse(local[keys.authState]);
  if (!auth.success || auth.data.status !== 'signed-in') return null;
  const stored = Snapshot.safeParse(local[keys.snapshot]);
  if (!stored.success) return null;
  const snapshot = ownSnapshot(stored.data, auth.data);
  if (!snapshot || snapshot.assignments.length === 0) return null;
  const favourites = z.array(z.string()).safeParse(local[keys.favourites] ?? []);
  return { auth: auth.data, snapshot, favourites: favourites.success ? favourites.data : [] };
}
