/**
 * Single-account fixtures for tests of per-account code (issue 16): account `a1`, its storage items, and its
 * connection (stored in the accounts list, read through lib/managed.ts `connectionOf`).
 */
import { accountItems, accountsItem, type Connection } from '../../lib/storage';
import { connectionOf } from '../../lib/managed';
import type { EffectiveAccount } from '../../lib/accounts';

export const A1 = 'a1';
export const a1 = accountItems(A1);
export const a1Connection = connectionOf(A1);

/** Stores (or replaces) an account's connection in the accounts list, adding the account when missing. */
export async function setConnection(connection: Connection | null, id: string = A1, label = 'Contoso'): Promise<void> {
  const list = await accountsItem.get();
  const others = list.filter((a) => a.id !== id);
  const mine = list.find((a) => a.id === id) ?? { id, label, colour: 'blue' as const, connection: null };
  await accountsItem.set(id === A1 ? [{ ...mine, connection }, ...others] : [...others, { ...mine, connection }]);
}

/** Account a1 as lib/managed.ts hands it out (the user's own, not the organisation's). */
export const A1_ENTRY: EffectiveAccount = {
  id: A1,
  label: 'Contoso',
  colour: 'blue',
  connection: null,
  managed: false,
};

/** The scheduler's `accounts` (lib/background/alarms.ts) with one account, a1, and its runtime. */
export function oneAccount<R extends { id: string }>(runtime: R) {
  return {
    all: async () => [{ account: A1_ENTRY, runtime }],
    get: async (id: string) => (id === runtime.id ? runtime : null),
  };
}
