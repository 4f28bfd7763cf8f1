/**
 * The one place the snapshot is refreshed: single-flight, skips when fresh unless forced, keeps the last good data on
 * failure and says why in `refreshState`. Dependencies come in as arguments so tests drive it with fakes.
 */
import type { Snapshot } from '../pim/model';
import type { Account, Connection, GroupInfo, RefreshState } from '../storage';
import type { ValidatedItem } from '../storage';
import type { AuthState } from '../storage';

export interface RefreshResult {
  snapshot: Snapshot;
  groupInfo: Record<string, GroupInfo>;
}

export interface RefresherDeps {
  now: () => Date;
  items: {
    connection: Pick<ValidatedItem<Connection | null>, 'get'>;
    authState: ValidatedItem<AuthState>;
    snapshot: ValidatedItem<Snapshot | null>;
    groupInfo: ValidatedItem<Record<string, GroupInfo>>;
    refreshState: ValidatedItem<RefreshState>;
  };
  /** Fetches a new snapshot from Graph (lib/graph/reads.ts refreshSnapshot, bound to a client for `connection`). */
  fetch: (args: {
    connection: Connection;
    account: Account;
    previous: Snapshot | null;
    groupInfo: Record<string, GroupInfo>;
    now: Date;
  }) => Promise<RefreshResult>;
  /**
   * Turns a failure into a sentence for the user; returns null when the failure is already shown elsewhere (sign-in).
   */
  describe: (error: unknown) => { text: string; offline: boolean } | null;
  maxAgeMs?: number;
  /** Told how each refresh that ran ended (null: success), e.g. to schedule a retry (lib/background/alarms.ts). */
  onSettled?: (error: unknown) => void | Promise<void>;
}

export interface Refresher {
  /** Resolves true when a refresh ran (successfully or not), false when skipped (fresh, not configured, signed out). */
  refresh(opts: { force: boolean }): Promise<boolean>;
  /** Resolves once no refresh is running (used before swapping the auth document under it). */
  idle(): Promise<void>;
}

export function createRefresher(deps: RefresherDeps): Refresher {
  const { items } = deps;
  const maxAgeMs = deps.maxAgeMs ?? 60_000;
  let inFlight: Promise<boolean> | null = null;

  async function run(force: boolean): Promise<boolean> {
    const [connection, auth, previous] = await Promise.all([
      items.connection.get(),
      items.authState.get(),
      items.snapshot.get(),
    ]);
    if (!connection || auth.status !== 'signed-in' || !auth.account) return false;
    const now = deps.now();
    const mine = previous && previous.principalId === auth.account.oid ? previous : null;
    if (!force && mine && now.getTime() - Date.parse(mine.fetchedAt) < maxAgeMs) return false;
    await items.refreshState.set({ inFlight: true, error: null, offline: false, startedAt: now.toISOString() });
    try {
      const result = await deps.fetch({
        connection,
        account: auth.account,
        previous: mine,
        groupInfo: await items.groupInfo.get(),
        now,
      });
      await items.groupInfo.set(result.groupInfo);
      await items.snapshot.set(result.snapshot);
      await items.refreshState.set({ inFlight: false, error: null, offline: false, startedAt: null });
      await settled(null);
    } catch (e) {
      const described = deps.describe(e);
      await items.refreshState.set({
        inFlight: false,
        error: described?.text ?? null,
        offline: described?.offline ?? false,
        startedAt: null,
      });
      await settled(e);
    }
    return true;
  }

  async function settled(error: unknown): Promise<void> {
    try {
      await deps.onSettled?.(error);
    } catch (e) {
      console.warn('PIM Companion: refresh outcome handler failed', e);
    }
  }

  return {
    refresh({ force }) {
      inFlight ??= run(force).finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
    async idle() {
      await inFlight;
    },
  };
}
