/**
 * Popup wiring: paint the stored snapshot at once, re-render when storage changes, ask the background for a refresh
 * when the data is stale, and turn the view's events into messages. No Graph, no MSAL, no polling here.
 */
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { PopupView, type PopupViewProps } from '../../components/popup/PopupView';
import { ownSnapshot, REFRESH_ON_OPEN_AFTER_MS } from '../../components/popup/state';
import { sendMessage } from '../../lib/messaging';
import { isStale } from '../../lib/pim/time';
import { authStateItem, connectionItem, favouritesItem, refreshStateItem, snapshotItem } from '../../lib/storage';

type Data = Pick<PopupViewProps, 'connection' | 'auth' | 'snapshot' | 'refresh' | 'favourites'>;

const root = document.getElementById('app')!;
const format = { locale: browser.i18n.getUILanguage() };

const [connection, auth, snapshot, refresh, favourites] = await Promise.all([
  connectionItem.get(),
  authStateItem.get(),
  snapshotItem.get(),
  refreshStateItem.get(),
  favouritesItem.get(),
]);
let data: Data = { connection, auth, snapshot, refresh, favourites };

/** A command the background never answered (MessagingError carries a sentence) still shows up, with Retry. */
const showFailure = (e: unknown) =>
  update({ refresh: { ...data.refresh, inFlight: false, error: e instanceof Error ? e.message : String(e) } });
const requestRefresh = (force: boolean) => sendMessage('snapshot.refresh', { force }).catch(showFailure);

const props: Omit<PopupViewProps, keyof Data | 'format'> = {
  onRefresh: () => void requestRefresh(true),
  onSignIn: () => void browser.tabs.create({ url: browser.runtime.getURL('/signin.html') }),
  onSignOut: () => void sendMessage('auth.signOut', {}).catch(showFailure),
  onOpenSettings: () => void browser.runtime.openOptionsPage().then(() => window.close()),
  onToggleFavourite: (key) => {
    const next = data.favourites.includes(key) ? data.favourites.filter((k) => k !== key) : [...data.favourites, key];
    void favouritesItem.set(next);
  },
};

function update(patch: Partial<Data>): void {
  data = { ...data, ...patch };
  // Top-level render is synchronous, so the marks below are taken once the DOM holds the list.
  render(<PopupView {...data} {...props} format={format} />, root);
}

update({});
if (ownSnapshot(snapshot, auth)) performance.mark('pim:cached-paint');

snapshotItem.watch((next) => {
  update({ snapshot: next });
  if (ownSnapshot(next, data.auth)) performance.mark('pim:fresh-paint');
});
authStateItem.watch((next) => update({ auth: next }));
refreshStateItem.watch((next) => update({ refresh: next }));
connectionItem.watch((next) => update({ connection: next }));
favouritesItem.watch((next) => update({ favourites: next }));

if (connection && auth.status === 'signed-in' && isStale(ownSnapshot(snapshot, auth)?.fetchedAt, Date.now(), REFRESH_ON_OPEN_AFTER_MS)) {
  void requestRefresh(false);
}
