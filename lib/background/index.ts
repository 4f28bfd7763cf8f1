/**
 * Background wiring: the token provider, the Graph client and the refresher, and the handlers for the messages the
 * background answers. Runs in the service worker (Chromium) or the event page (Firefox).
 */
import { browser } from 'wxt/browser';
import { onMessages } from '../messaging';
import { authStateItem, groupInfoItem, refreshStateItem, snapshotItem } from '../storage';
import { effectiveConnectionItem } from '../managed';
import { SignInRequiredError } from '../auth/token-provider';
import { createBackgroundTokenProvider } from '../auth/background';
import { createGraphFactory } from './graph';
import { createServerClock } from './server-clock';
import { refreshSnapshot } from '../graph/reads';
import { createRefresher } from './refresh';
import { describeRefreshError } from './describe';
import { policiesItem } from '../storage';
import { createPolicyStore } from './policy-store';
import { createBackgroundCommands } from './command-wiring';
import { createPortalCommandHandlers } from './portal-commands';
import { startScheduler } from './alarms';
import { checkConnection } from './check-connection';

export function startBackground(): void {
  // Session storage holds pending step-ups and the popup focus, never tokens; still, content scripts (which share a
  // page with the admin portal) get no access to it. TRUSTED_CONTEXTS is Chrome's default: set it explicitly so a
  // future default or a Firefox difference cannot widen it. Firefox lacks setAccessLevel (content scripts there have no
  // storage.session at all).
  const session = browser.storage.session as { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> } | undefined;
  void session?.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' }).catch((e: unknown) => console.warn(`PIM Companion: could not restrict session storage (${String(e)}).`));
  const tokens = createBackgroundTokenProvider();
  const clock = createServerClock();
  const graphFor = createGraphFactory({ getToken: (o) => tokens.getToken(o), clock });
  const policies = createPolicyStore(policiesItem);
  const refresher = createRefresher({
    now: () => new Date(Date.now() + clock.skewMs()),
    items: { connection: effectiveConnectionItem, authState: authStateItem, snapshot: snapshotItem, groupInfo: groupInfoItem, refreshState: refreshStateItem },
    fetch: async ({ connection, account, previous, groupInfo, now }) => {
      const result = await refreshSnapshot({ graph: graphFor(connection), principalId: account.oid, previous, groupInfo, now, policies: await policies.get() });
      await policies.merge(result.policyUpdates ?? {}, now);
      return { snapshot: { ...result.snapshot, clockSkewMs: clock.skewMs() }, groupInfo: result.groupInfo };
    },
    describe: (e) => (e instanceof SignInRequiredError ? null : describeRefreshError(e)),
    // Failed refreshes are retried by alarm with backoff (lib/background/alarms.ts); not awaited, so a refresh never waits on it.
    onSettled: (e) => void scheduler.refreshSettled(e),
  });

  const refreshAfterWrite = async () => {
    // A refresh already in flight started before the write: wait for it, then fetch what the write changed.
    await refresher.idle();
    return refresher.refresh({ force: true });
  };
  const commands = createBackgroundCommands({ graphFor, clock, now: () => new Date(Date.now() + clock.skewMs()), policies, refresh: refreshAfterWrite });
  // Expiry warnings, approval notices, the toolbar badge and refresh retries. Started synchronously: an alarm or a
  // notification click that wakes the worker is delivered only to listeners added during its first run.
  const scheduler = startScheduler({ refresh: (o) => refresher.refresh(o), commands: commands.portal });
  onMessages('background', {
    ...commands.handlers,
    ...createPortalCommandHandlers({ snapshot: () => snapshotItem.get(), commands: commands.portal }),
    'snapshot.refresh': async ({ force }) => ({ refreshed: await refresher.refresh({ force }) }),
    'connection.check': () => checkConnection({ connection: () => effectiveConnectionItem.get(), graphFor, token: () => tokens.getToken(), now: () => new Date() }),
    'auth.signedIn': async () => {
      // A refresh the popup started may be mid-way through the old auth document: let it finish, then swap.
      await refresher.idle();
      await tokens.resetAuthDocument();
      void refresher.refresh({ force: true });
      return { ok: true as const };
    },
    'auth.signOut': async () => {
      await tokens.signOut();
      await Promise.all([snapshotItem.remove(), groupInfoItem.remove(), refreshStateItem.remove()]);
      return { ok: true as const };
    },
  });

  // Writes an earlier life of the worker left without an answer: asked of Graph (never resent) before anything else.
  void commands.reconcile().catch((e: unknown) => console.warn(`PIM Companion: reconciling interrupted requests failed (${String(e)}).`));
  // A restarted browser or a freshly woken worker brings the snapshot up to date (skipped when it is fresh).
  browser.runtime.onStartup.addListener(() => void refresher.refresh({ force: false }));
  browser.runtime.onInstalled.addListener(() => void refresher.refresh({ force: false }));
}
