/**
 * Background wiring: the token provider, the Graph client and the refresher, and the handlers for the messages the
 * background answers. Runs in the service worker (Chromium) or the event page (Firefox).
 */
import { browser } from 'wxt/browser';
import { onMessages, type Handlers, MessagingError } from '../messaging';
import {
  accountsItem,
  bundlesItem,
  popupAccountItem,
  portalAccountsItem,
  portalLayoutItem,
  portalTabsItem,
  templatesItem,
} from '../storage';
import { effectiveAccounts, effectivePortalPrefsItem, effectiveSettingsItem, managed } from '../managed';
import { ensureMigrated } from '../migrate';
import { sharePointAdminHost } from '../pim/portals';
import { t } from '../i18n';
import { createPortalTabs } from './portal-tabs';
import { confirmInPopup } from './popup-surface';
import { createServerClock } from './server-clock';
import { createPortalCommandHandlers } from './portal-commands';
import { startScheduler } from './alarms';
import { checkConnection } from './check-connection';
import { createAccountRuntimes, type AccountRuntime } from './accounts';

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
  const clock = createServerClock();
  // Storage from an older release is moved to this layout before anything reads it (lib/migrate.ts); every handler
  // and the scheduler wait for it.
  const ready = ensureMigrated();
  const accounts = createAccountRuntimes({
    clock,
    onRefreshSettled: (id, e) => void scheduler.refreshSettled(id, e),
    removeKeys: (area, keys) => browser.storage[area].remove(keys),
  });
  /** The runtime for a command's account; a removed or unknown account is an error the sender can show. */
  const runtime = async (id: string): Promise<AccountRuntime> => {
    await ready;
    const found = await accounts.get(id);
    if (!found) throw new MessagingError('unknown-account', t('accountUnknown'));
    return found;
  };
  const refreshAll = async (force: boolean) => {
    await ready;
    const results = await Promise.all((await accounts.all()).map(({ runtime: r }) => r.refresher.refresh({ force })));
    return results.some(Boolean);
  };

  // Expiry warnings, approval notices, the toolbar badge and refresh retries, for every account. Started
  // synchronously: an alarm or a notification click that wakes the worker is delivered only to listeners added during
  // its first run.
  const scheduler = startScheduler({ accounts, ready });
  /** Every account's SharePoint admin host (lib/pim/portals.ts sharePointAdminHost of its user name), the policy's. */
  const sharePointHosts = async () => {
    const [policy, all] = await Promise.all([managed.get(), accounts.all()]);
    const names = await Promise.all(
      all.map(async ({ runtime: r }) => (await r.items.authState.get()).account?.username),
    );
    return [policy.sharePointAdminHost, ...names.map((n) => sharePointAdminHost(n))].filter((h): h is string => !!h);
  };
  const portalTabs = createPortalTabs({
    accounts: async () => {
      await ready;
      return Promise.all(
        (await accounts.all()).map(async ({ account, runtime: r }) => ({
          account,
          auth: await r.items.authState.get(),
          snapshot: await r.ownSnapshot(),
        })),
      );
    },
    picks: portalAccountsItem,
    prefs: () => effectivePortalPrefsItem.get(),
    layouts: portalLayoutItem,
    registry: portalTabsItem,
    sharePointHosts,
    send: (tabId, message) => browser.tabs.sendMessage(tabId, message, { frameId: 0 }),
    reload: (tabId) => browser.tabs.reload(tabId),
  });
  // Every open badge follows what it shows; nothing polls. Closed tabs are forgotten when a push to them fails (no
  // tabs.onRemoved listener: it would wake the worker for every tab the user closes anywhere).
  browser.storage.onChanged.addListener((changes, area) => {
    const keys = Object.keys(changes);
    const relevant = keys.some(
      (k) =>
        /^account\.[a-z0-9-]+\.(snapshot|authState)$/.test(k) ||
        ['accounts', 'portalLayout', 'portalPrefs', 'portalAccounts'].includes(k) ||
        area === 'managed',
    );
    if (relevant) void portalTabs.push();
  });

  /** A handler of a pim.* command, run by the runtime of the account the message names. */
  const perAccount = <
    N extends
      | 'pim.activate'
      | 'pim.activateBundle'
      | 'pim.deactivate'
      | 'pim.cancel'
      | 'pim.extend'
      | 'pim.requestExtension'
      | 'auth.stepUpDone',
  >(
    name: N,
  ): Required<Handlers>[N] =>
    (async (payload: { accountId: string }, sender: Browser.runtime.MessageSender) => {
      const handler = (await runtime(payload.accountId)).commands.handlers[name] as (
        p: unknown,
        s: Browser.runtime.MessageSender,
      ) => Promise<unknown>;
      return handler(payload, sender);
    }) as Required<Handlers>[N];

  onMessages('background', {
    'pim.activate': perAccount('pim.activate'),
    'pim.activateBundle': perAccount('pim.activateBundle'),
    'pim.deactivate': perAccount('pim.deactivate'),
    'pim.cancel': perAccount('pim.cancel'),
    'pim.extend': perAccount('pim.extend'),
    'pim.requestExtension': perAccount('pim.requestExtension'),
    'auth.stepUpDone': perAccount('auth.stepUpDone'),
    'pim.decide': async (payload, sender) =>
      (await runtime(payload.accountId)).approvals.handlers['pim.decide'](payload, sender),
    ...portalTabs.handlers,
    'portals.reload': async () => ({ reloaded: await portalTabs.reload() }),
    ...createPortalCommandHandlers({
      accountOf: (tabId) => portalTabs.accountOf(tabId),
      snapshot: async (accountId) => (await runtime(accountId)).ownSnapshot(),
      deactivate: async (accountId, key) => (await runtime(accountId)).commands.portal.deactivate(key),
      confirm: confirmInPopup,
      prefs: () => effectivePortalPrefsItem.get(),
      sharePointHosts,
    }),
    'snapshot.refresh': async ({ accountId, force }) => ({
      refreshed: accountId ? await (await runtime(accountId)).refresher.refresh({ force }) : await refreshAll(force),
    }),
    'connection.check': async ({ accountId }) => {
      const r = await runtime(accountId);
      return checkConnection({
        connection: async () => (await effectiveAccounts.byId(accountId))?.connection ?? null,
        graphFor: r.graphFor,
        token: () => r.tokens.getToken(),
        now: () => new Date(),
        arm: async (connection) => ((await effectiveSettingsItem.get()).azureRoles ? r.armFor(connection) : null),
      });
    },
    'auth.signedIn': async ({ accountId }) => {
      const r = await runtime(accountId);
      // A refresh the popup started may be mid-way through the old auth document: let it finish, then swap.
      await r.refresher.idle();
      await r.tokens.resetAuthDocument();
      void r.refresher.refresh({ force: true });
      return { ok: true as const };
    },
    'auth.signOut': async ({ accountId }) => {
      const r = await runtime(accountId);
      await r.tokens.signOut();
      await Promise.all([
        r.items.snapshot.remove(),
        r.items.groupInfo.remove(),
        r.items.refreshState.remove(),
        r.items.approvals.remove(),
      ]);
      return { ok: true as const };
    },
    'accounts.remove': async ({ accountId }) => {
      await ready;
      const account = await effectiveAccounts.byId(accountId);
      if (!account) return { ok: true as const };
      if (account.managed) throw new MessagingError('forbidden', t('accountManagedRemove'));
      await accounts.remove(accountId, {
        unlist: async () => {
          await accountsItem.set((await accountsItem.get()).filter((a) => a.id !== accountId));
          // Its own templates and bundles, the badge picks and the popup's choice naming it go with it.
          const mine = (x: { accountId?: string }) => x.accountId !== accountId;
          await templatesItem.set((await templatesItem.get()).filter(mine));
          await bundlesItem.set((await bundlesItem.get()).filter(mine));
          const picks = await portalAccountsItem.get();
          await portalAccountsItem.set(Object.fromEntries(Object.entries(picks).filter(([, id]) => id !== accountId)));
          if ((await popupAccountItem.get()) === accountId) await popupAccountItem.set(null);
        },
        after: () => scheduler.forget(accountId),
      });
      return { ok: true as const };
    },
  });

  // Writes an earlier life of the worker left without an answer: asked of Graph (never resent) before anything else.
  void ready.then(async () => {
    for (const { runtime: r } of await accounts.all())
      await r.commands
        .reconcile()
        .catch((e: unknown) => console.warn(`PIM Companion: reconciling interrupted requests failed (${String(e)}).`));
  });
  // A restarted browser or a freshly woken worker brings the snapshots up to date (skipped when they are fresh).
  browser.runtime.onStartup.addListener(() => void refreshAll(false));
  browser.runtime.onInstalled.addListener(() => void refreshAll(false));
}
