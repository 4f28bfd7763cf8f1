/**
 * One runtime per account (issue 16): its token provider, Graph and ARM clients, policy store, activity log, approvals,
 * refresher and commands, each over that account's own storage (lib/storage.ts `accountItems`). Built on first use
 * and kept for the worker's life; an account the user removes is dropped with its data (`remove`).
 *
 * Everything the background does for "the signed-in account" it does per account: a command names its account, a
 * refresh of "all" runs every account's refresh in parallel (one round trip each), a portal tab is tied to one.
 */
import { describeRefreshError } from './describe';
import { SignInRequiredError, type TokenProvider } from '../auth/token-provider';
import { createBackgroundTokenProvider } from '../auth/background';
import { refreshSnapshot } from '../graph/reads';
import type { GraphClient } from '../graph/client';
import { connectionOf, effectiveAccounts, effectiveSettingsItem } from '../managed';
import type { EffectiveAccount } from '../accounts';
import { ownSnapshot } from '../pim/snapshot';
import type { Snapshot } from '../pim/model';
import {
  ACCOUNT_ITEM_NAMES,
  accountItems,
  accountKey,
  retireAccountItems,
  type AccountItems,
  type Connection,
} from '../storage';
import { createActivityLog, type ActivityLog } from './activity';
import { createApprovals, type Approvals } from './approvals';
import { createArmFactory, refreshAzure, type ArmFactory } from './azure';
import { createBackgroundCommands } from './command-wiring';
import type { Commands } from './commands';
import { createGraphFactory } from './graph';
import { createPolicyStore, type PolicyStore } from './policy-store';
import { createRefresher, type Refresher } from './refresh';
import type { ServerClock } from './server-clock';

export interface AccountRuntime {
  id: string;
  items: AccountItems;
  tokens: TokenProvider;
  graphFor: (connection: Connection) => GraphClient;
  armFor: ArmFactory;
  policies: PolicyStore;
  activity: ActivityLog;
  approvals: Approvals;
  refresher: Refresher;
  commands: Commands;
  /** A forced refresh after a write: waits for one already in flight (it started before the write), then fetches. */
  refreshAfterWrite(): Promise<boolean>;
  /** The account's snapshot when it belongs to the signed-in user (lib/pim/snapshot.ts ownSnapshot). */
  ownSnapshot(): Promise<Snapshot | null>;
}

export interface AccountRuntimes {
  /** The runtime of an account that exists now; null for an id no account has (removed, or never was). */
  get(id: string): Promise<AccountRuntime | null>;
  /** Every account in the user's order, with its runtime. */
  all(): Promise<{ account: EffectiveAccount; runtime: AccountRuntime }[]>;
  /**
   * Remove an account: from the first moment it is no longer offered (all(), get()), so nothing new starts for it; its
   * tokens are cleared (best effort), its items retired (a write still in flight is dropped) and deleted in both areas,
   * its runtime dropped; then `unlist` takes it off the stored list and `after` (alarms, notifications) runs.
   */
  remove(id: string, steps: { unlist(): Promise<void>; after(): Promise<void> }): Promise<void>;
}

export interface AccountRuntimeDeps {
  clock: ServerClock;
  /** Told how each account's refresh ended (null: success), for its backoff (lib/background/alarms.ts). */
  onRefreshSettled(accountId: string, error: unknown): void;
  /** Removes every key of the given names from a storage area (browser.storage.<area>.remove). */
  removeKeys(area: 'local' | 'session', keys: string[]): Promise<void>;
}

export function createAccountRuntimes(deps: AccountRuntimeDeps): AccountRuntimes {
  const runtimes = new Map<string, AccountRuntime>();
  /** Accounts being removed: no longer offered to anyone. */
  const removing = new Set<string>();
  const pimNow = () => new Date(Date.now() + deps.clock.skewMs());
  const azureEnabled = async () => (await effectiveSettingsItem.get()).azureRoles;

  function build(id: string): AccountRuntime {
    const items = accountItems(id);
    const connection = connectionOf(id);
    const tokens = createBackgroundTokenProvider({ connection, authState: items.authState });
    const graphFor = createGraphFactory({ getToken: (o) => tokens.getToken(o), clock: deps.clock });
    const armFor = createArmFactory({ getToken: (o) => tokens.getArmToken(o), clock: deps.clock });
    const policies = createPolicyStore(items.policies);
    // One activity log per account: commands and the approver's decisions record into the same list, in turn.
    const activity = createActivityLog({ item: items.activity, now: pimNow, newId: () => crypto.randomUUID() });
    const approvals = createApprovals({
      now: pimNow,
      items: { approvals: items.approvals, authState: items.authState, connection },
      graphFor,
      activity,
      refresh: () => refreshAfterWrite(),
    });
    const refresher = createRefresher({
      now: pimNow,
      items: {
        connection,
        authState: items.authState,
        snapshot: items.snapshot,
        groupInfo: items.groupInfo,
        refreshState: items.refreshState,
      },
      fetch: async ({ connection: c, account, previous, groupInfo, now }) => {
        const cached = await policies.get();
        // Azure roles from ARM run beside the Graph $batch, not after it: one round trip of wall time.
        const azure = refreshAzure({ enabled: azureEnabled, arm: armFor(c), now, policies: cached });
        const result = await refreshSnapshot({
          graph: graphFor(c),
          principalId: account.oid,
          // Requests waiting for this user's approval ride in the same $batch (lib/background/approvals.ts).
          extraReads: await approvals.refreshReads(account.oid, now, graphFor(c)),
          previous,
          groupInfo,
          now,
          policies: cached,
          extraSections: azure.then((a) => a?.results ?? {}),
        });
        await policies.merge({ ...(await azure)?.policyUpdates, ...result.policyUpdates }, now);
        return { snapshot: { ...result.snapshot, clockSkewMs: deps.clock.skewMs() }, groupInfo: result.groupInfo };
      },
      describe: (e) => (e instanceof SignInRequiredError ? null : describeRefreshError(e)),
      onSettled: (e) => deps.onRefreshSettled(id, e),
    });
    const refreshAfterWrite = async () => {
      await refresher.idle();
      return refresher.refresh({ force: true });
    };
    const commands = createBackgroundCommands({
      accountId: id,
      items,
      graphFor,
      armFor,
      clock: deps.clock,
      now: pimNow,
      policies,
      refresh: refreshAfterWrite,
      activity,
    });
    return {
      id,
      items,
      tokens,
      graphFor,
      armFor,
      policies,
      activity,
      approvals,
      refresher,
      commands,
      refreshAfterWrite,
      ownSnapshot: async () => ownSnapshot(...(await Promise.all([items.snapshot.get(), items.authState.get()]))),
    };
  }

  function runtimeOf(id: string): AccountRuntime {
    let runtime = runtimes.get(id);
    if (!runtime) {
      runtime = build(id);
      runtimes.set(id, runtime);
    }
    return runtime;
  }

  async function offered() {
    return (await effectiveAccounts.get())
      .filter((account) => !removing.has(account.id))
      .map((account) => ({ account, runtime: runtimeOf(account.id) }));
  }

  return {
    async get(id) {
      return !removing.has(id) && (await effectiveAccounts.byId(id)) ? runtimeOf(id) : null;
    },
    all: offered,
    async remove(id, steps) {
      const runtime = runtimeOf(id);
      const person = (await runtime.items.authState.get()).account?.homeAccountId;
      removing.add(id);
      try {
        await runtime.refresher.idle();
        await runtime.tokens
          .signOut()
          .catch((e: unknown) =>
            console.warn(`PIM Companion: could not clear the removed account's tokens (${String(e)}).`),
          );
        // A refresh or command still in flight for it must not write its data back after the removal.
        retireAccountItems(id);
        const key = (area: 'local' | 'session', name: string) => accountKey(area, id, name).slice(`${area}:`.length);
        // WXT keeps version metadata beside each item (`<key>$`): it goes too.
        for (const area of ['local', 'session'] as const)
          await deps.removeKeys(
            area,
            ACCOUNT_ITEM_NAMES[area].flatMap((name) => [key(area, name), `${key(area, name)}$`]),
          );
        runtimes.delete(id);
        await steps.unlist();
        await steps.after();
        // MSAL keeps one cache entry per person across tenants (a guest account and its home account share one
        // homeAccountId), so clearing this account's tokens cleared theirs too: they sign in again now, silently
        // (prompt=none) while the Microsoft session lasts, rather than at their next refresh.
        if (person)
          for (const { runtime: other } of await offered())
            if ((await other.items.authState.get()).account?.homeAccountId === person)
              void other.refresher.refresh({ force: true });
      } finally {
        removing.delete(id);
      }
    },
  };
}
