/**
 * Background wiring: the token provider, the Graph client and the refresher, and the handlers for the messages the
 * background answers. Runs in the service worker (Chromium) or the event page (Firefox).
 */
import { browser } from 'wxt/browser';
import { onMessages } from '../messaging';
import {
  activityItem,
  approvalsItem,
  authStateItem,
  groupInfoItem,
  portalLayoutItem,
  portalTabsItem,
  refreshStateItem,
  snapshotItem,
} from '../storage';
import { effectiveConnectionItem, effectivePortalPrefsItem, effectiveSettingsItem, managed } from '../managed';
import { ownSnapshot } from '../pim/snapshot';
import { sharePointAdminHost } from '../pim/portals';
import { createPortalTabs } from './portal-tabs';
import { confirmInPopup } from './popup-surface';
import { SignInRequiredError } from '../auth/token-provider';
import { createBackgroundTokenProvider } from '../auth/background';
import { createGraphFactory } from './graph';
import { createServerClock } from './server-clock';
import { refreshSnapshot } from '../graph/reads';
import { createRefresher } from './refresh';
import { createActivityLog } from './activity';
import { createApprovals } from './approvals';
import { describeRefreshError } from './describe';
import { policiesItem } from '../storage';
import { createPolicyStore } from './policy-store';
import { createBackgroundCommands } from './command-wiring';
import { createPortalCommandHandlers } from './portal-commands';
import { startScheduler } from './alarms';
import { checkConnection } from './check-connection';
import { createArmFactory, refreshAzure } from './azure';

export function startBackground(): void {
  // First, before anything reads or writes: extension storage is for extension pages only. By default Chromium lets
  // content scripts (which share a renderer with the admin portal) read and write storage.local and storage.sync;
  // what decides a privileged request (snapshot, remembered reasons, pins) must not be writable from there
  // (docs/SECURITY.md). The badge gets what it shows from the background (lib/background/portal-tabs.ts). Firefox has
  // no setAccessLevel: there the badge never needs to cause a write, so nothing it could write is trusted.
  for (const area of [browser.storage.session, browser.storage.local, browser.storage.sync]) {
    const restrictable = area as { setAccessLevel?: (o: { accessLevel: string }) => Promise<void> } | undefined;
    void restrictable
      ?.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })
      .catch((e: unknown) =>
        console.warn(`PIM Companion: could not restrict storage to the extension (${String(e)}).`),
      );
  }
  const tokens = createBackgroundTokenProvider();
  const clock = createServerClock();
  const graphFor = createGraphFactory({ getToken: (o) => tokens.getToken(o), clock });
  const armFor = createArmFactory({ getToken: (o) => tokens.getArmToken(o), clock });
  const azureEnabled = async () => (await effectiveSettingsItem.get()).azureRoles;
  const policies = createPolicyStore(policiesItem);
  const pimNow = () => new Date(Date.now() + clock.skewMs());
  // One activity log for the background: commands and the approvers' decisions record into the same list, in turn.
  const activity = createActivityLog({ item: activityItem, now: pimNow, newId: () => crypto.randomUUID() });
  const approvals = createApprovals({
    now: pimNow,
    items: { approvals: approvalsItem, authState: authStateItem, connection: effectiveConnectionItem },
    graphFor,
    activity,
    refresh: () => refreshAfterWrite(),
  });
  const refresher = createRefresher({
    now: () => new Date(Date.now() + clock.skewMs()),
    items: {
      connection: effectiveConnectionItem,
      authState: authStateItem,
      snapshot: snapshotItem,
      groupInfo: groupInfoItem,
      refreshState: refreshStateItem,
    },
    fetch: async ({ connection, account, previous, groupInfo, now }) => {
      const cached = await policies.get();
      // Azure roles from ARM run beside the Graph $batch, not after it: one round trip of wall time.
      const azure = refreshAzure({ enabled: azureEnabled, arm: armFor(connection), now, policies: cached });
      const result = await refreshSnapshot({
        graph: graphFor(connection),
        principalId: account.oid,
        // Requests waiting for this user's approval ride in the same $batch (lib/background/approvals.ts).
        extraReads: await approvals.refreshReads(account.oid, now, graphFor(connection)),
        previous,
        groupInfo,
        now,
        policies: cached,
        extraSections: azure.then((a) => a?.results ?? {}),
      });
      await policies.merge({ ...(await azure)?.policyUpdates, ...result.policyUpdates }, now);
      return { snapshot: { ...result.snapshot, clockSkewMs: clock.skewMs() }, groupInfo: result.groupInfo };
    },
    describe: (e) => (e instanceof SignInRequiredError ? null : describeRefreshError(e)),
    // Failed refreshes are retried by alarm with backoff (lib/background/alarms.ts); not awaited, so a refresh never
    // waits on it.
    onSettled: (e) => void scheduler.refreshSettled(e),
  });

  const refreshAfterWrite = async () => {
    // A refresh already in flight started before the write: wait for it, then fetch what the write changed.
    await refresher.idle();
    return refresher.refresh({ force: true });
  };
  const commands = createBackgroundCommands({
    graphFor,
    armFor,
    clock,
    now: () => new Date(Date.now() + clock.skewMs()),
    policies,
    refresh: refreshAfterWrite,
    activity,
  });
  // Expiry warnings, approval notices, the toolbar badge and refresh retries. Started synchronously: an alarm or a
  // notification click that wakes the worker is delivered only to listeners added during its first run.
  const scheduler = startScheduler({
    refresh: (o) => refresher.refresh(o),
    commands: commands.portal,
    decide: (ids, decision, justification) => approvals.decide(ids, decision, justification),
  });
  const ownSnapshotNow = async () => ownSnapshot(...(await Promise.all([snapshotItem.get(), authStateItem.get()])));
  const sharePointHosts = async () => {
    const [auth, policy] = await Promise.all([authStateItem.get(), managed.get()]);
    return [policy.sharePointAdminHost, sharePointAdminHost(auth.account?.username)].filter((h): h is string => !!h);
  };
  const portalTabs = createPortalTabs({
    snapshot: ownSnapshotNow,
    prefs: () => effectivePortalPrefsItem.get(),
    layouts: portalLayoutItem,
    registry: portalTabsItem,
    sharePointHosts,
    send: (tabId, message) => browser.tabs.sendMessage(tabId, message, { frameId: 0 }),
    reload: (tabId) => browser.tabs.reload(tabId),
  });
  // Every open badge follows what it shows; nothing polls. Closed tabs are forgotten when a push to them fails (no
  // tabs.onRemoved listener: it would wake the worker for every tab the user closes anywhere).
  for (const item of [snapshotItem, authStateItem, effectivePortalPrefsItem, portalLayoutItem] as const)
    item.watch(() => void portalTabs.push());
  onMessages('background', {
    ...commands.handlers,
    ...approvals.handlers,
    ...portalTabs.handlers,
    'portals.reload': async () => ({ reloaded: await portalTabs.reload() }),
    ...createPortalCommandHandlers({
      snapshot: ownSnapshotNow,
      deactivate: (key) => commands.portal.deactivate(key),
      confirm: confirmInPopup,
      prefs: () => effectivePortalPrefsItem.get(),
      sharePointHosts,
    }),
    'snapshot.refresh': async ({ force }) => ({ refreshed: await refresher.refresh({ force }) }),
    'connection.check': () =>
      checkConnection({
        connection: () => effectiveConnectionItem.get(),
        graphFor,
        token: () => tokens.getToken(),
        now: () => new Date(),
        arm: async (connection) => ((await azureEnabled()) ? armFor(connection) : null),
      }),
    'auth.signedIn': async () => {
      // A refresh the popup started may be mid-way through the old auth document: let it finish, then swap.
      await refresher.idle();
      await tokens.resetAuthDocument();
      void refresher.refresh({ force: true });
      return { ok: true as const };
    },
    'auth.signOut': async () => {
      await tokens.signOut();
      await Promise.all([
        snapshotItem.remove(),
        groupInfoItem.remove(),
        refreshStateItem.remove(),
        approvalsItem.remove(),
      ]);
      return { ok: true as const };
    },
  });

  // Writes an earlier life of the worker left without an answer: asked of Graph (never resent) before anything else.
  void commands
    .reconcile()
    .catch((e: unknown) => console.warn(`PIM Companion: reconciling interrupted requests failed (${String(e)}).`));
  // A restarted browser or a freshly woken worker brings the snapshot up to date (skipped when it is fresh).
  browser.runtime.onStartup.addListener(() => void refresher.refresh({ force: false }));
  browser.runtime.onInstalled.addListener(() => void refresher.refresh({ force: false }));
}
