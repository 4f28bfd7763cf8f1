/**
 * Background wiring: the token provider, the Graph client and the refresher, and the handlers for the messages the
 * background answers. Runs in the service worker (Chromium) or the event page (Firefox).
 */
import { browser } from 'wxt/browser';
import { onMessages } from '../messaging';
import { cloudById } from '../clouds';
import { authStateItem, connectionItem, groupInfoItem, refreshStateItem, snapshotItem } from '../storage';
import { SignInRequiredError } from '../auth/token-provider';
import { createBackgroundTokenProvider } from '../auth/background';
import { createGraphClient } from '../graph/client';
import { refreshSnapshot } from '../graph/reads';
import { createRefresher } from './refresh';
import { describeRefreshError } from './describe';

export function startBackground(): void {
  const tokens = createBackgroundTokenProvider();
  const refresher = createRefresher({
    now: () => new Date(),
    items: { connection: connectionItem, authState: authStateItem, snapshot: snapshotItem, groupInfo: groupInfoItem, refreshState: refreshStateItem },
    fetch: async ({ connection, account, previous, groupInfo, now }) => {
      const graph = createGraphClient({ getToken: (o) => tokens.getToken(o), graphBase: cloudById(connection.cloudId).graph });
      const result = await refreshSnapshot({ graph, principalId: account.oid, previous, groupInfo, now });
      return { snapshot: result.snapshot, groupInfo: result.groupInfo };
    },
    describe: (e) => (e instanceof SignInRequiredError ? null : describeRefreshError(e)),
  });

  onMessages('background', {
    'snapshot.refresh': async ({ force }) => ({ refreshed: await refresher.refresh({ force }) }),
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

  // A restarted browser or a freshly woken worker brings the snapshot up to date (skipped when it is fresh).
  browser.runtime.onStartup.addListener(() => void refresher.refresh({ force: false }));
  browser.runtime.onInstalled.addListener(() => void refresher.refresh({ force: false }));
}
