/**
 * The commands wired to this browser: storage items, tabs, the popup, the sign-in page, and the Graph factory with a
 * per-call token override for step-up retries. Kept out of index.ts so that file stays short.
 */
import { browser } from 'wxt/browser';
import type { GraphClient } from '../graph/client';
import type { AccountItems, Connection } from '../storage';
import { connectionOf, effectiveBundlesItem, effectiveTemplatesItem } from '../managed';
import type { ActivityLog } from './activity';
import { forAccount } from '../pim/bundles';
import { createCommands, type Commands } from './commands';
import { createGraphFactory } from './graph';
import { createJournal } from './journal';
import type { PolicyStore } from './policy-store';
import type { ServerClock } from './server-clock';
import { createStepUps } from './stepup';
import { confirmInPopup } from './popup-surface';
import type { ArmFactory } from './azure';

export function createBackgroundCommands(deps: {
  /** The account the commands act for (issue 16): its storage, and its id in notification ids and page URLs. */
  accountId: string;
  items: AccountItems;
  graphFor: (connection: Connection) => GraphClient;
  armFor: ArmFactory;
  clock: ServerClock;
  now: () => Date;
  policies: PolicyStore;
  refresh: () => Promise<unknown>;
  /** The account's one activity log (shared with the approvers' decisions). */
  activity: ActivityLog;
}): Commands {
  const newId = () => crypto.randomUUID();
  return createCommands({
    now: deps.now,
    // The step-up token is handed over as is: MSAL does not cache claims tokens, and a silent one would lack the
    // claims.
    graph: (connection, token) =>
      token
        ? createGraphFactory({ getToken: async () => token, clock: deps.clock })(connection)
        : deps.graphFor(connection),
    // A Graph step-up token is no ARM token: Azure writes after a step-up redeem an ARM token with the same claims.
    arm: (connection, claims) => deps.armFor(connection, claims),
    items: {
      connection: connectionOf(deps.accountId),
      authState: deps.items.authState,
      snapshot: deps.items.snapshot,
      remembered: deps.items.remembered,
      // The shared entries and this account's own (issue 16).
      templates: { get: async () => forAccount(await effectiveTemplatesItem.get(), deps.accountId) },
      bundles: { get: async () => forAccount(await effectiveBundlesItem.get(), deps.accountId) },
    },
    policies: deps.policies,
    journal: createJournal({ item: deps.items.journal, now: deps.now, newId }),
    activity: deps.activity,
    stepUps: createStepUps({
      item: deps.items.stepUps,
      now: deps.now,
      newId,
      openTab: async (url) => (await browser.tabs.create({ url, active: true })).id,
      focusTab: async (tabId) => {
        const tab = await browser.tabs.update(tabId, { active: true });
        if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true });
        return tab !== undefined;
      },
      pageUrl: (search) => `${browser.runtime.getURL('/signin.html')}${search}&account=${deps.accountId}`,
    }),
    refresh: deps.refresh,
    locale: browser.i18n.getUILanguage(),
    // `<account>/command:<key>`: a click opens the popup at that row (lib/background/notifications.ts
    // notificationTarget).
    notify: ({ key, title, message }) =>
      void browser.notifications
        .create(`${deps.accountId}/command:${key}`, {
          type: 'basic',
          iconUrl: browser.runtime.getURL('/icon/128.png'),
          title,
          message,
        })
        .catch(() => undefined),
    confirm: (intent) => confirmInPopup({ ...intent, accountId: deps.accountId }),
    openPopup: async () => {
      // Chrome 127+ (and Firefox) open the popup without a user gesture; older browsers reject or lack it.
      const action = browser.action as { openPopup?: () => Promise<void> } | undefined;
      if (!action?.openPopup) return false;
      await action.openPopup();
      return true;
    },
  });
}
