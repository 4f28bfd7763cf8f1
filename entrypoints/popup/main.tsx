/**
 * Popup wiring: paint the stored snapshot at once, re-render when storage changes, ask the background for a refresh
 * when the data is stale, and turn the view's events into messages. No Graph, no MSAL, no polling here.
 */
import '../../lib/zod-jitless';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import type { ActivationActions } from '../../components/popup/activationContext';
import { PopupView, type PopupViewProps } from '../../components/popup/PopupView';
import { ownSnapshot, REFRESH_ON_OPEN_AFTER_MS } from '../../components/popup/state';
import { sendMessage, type CommandResult } from '../../lib/messaging';
import { isStale } from '../../lib/pim/time';
import { portalById } from '../../lib/pim/portals';
import { t } from '../../lib/i18n';
import type { IntentView } from '../../components/popup/IntentBanner';
import { focusRow } from '../../components/popup/focusRow';
import type { ApprovalsState } from '../../lib/pim/approvals';
import {
  approvalsItem,
  authStateItem,
  favouritesItem,
  policiesItem,
  popupFocusItem,
  portalIntentItem,
  type PopupFocus,
  type PortalIntent,
  refreshStateItem,
  rememberedItem,
  snapshotItem,
} from '../../lib/storage';
// The organisation's managed values laid over the user's (lib/managed.ts): tenant, templates, bundles.
import {
  effectiveBundlesItem as bundlesItem,
  effectiveConnectionItem as connectionItem,
  effectiveTemplatesItem as templatesItem,
} from '../../lib/managed';

type Data = Pick<PopupViewProps, 'connection' | 'auth' | 'snapshot' | 'refresh' | 'favourites'> & {
  approvals: ApprovalsState | null;
};
type Stored = Pick<NonNullable<PopupViewProps['activation']>, 'templates' | 'bundles' | 'remembered' | 'policies'>;

const root = document.getElementById('app')!;
const format = { locale: browser.i18n.getUILanguage() };

const [
  connection,
  auth,
  snapshot,
  refresh,
  favourites,
  templates,
  bundles,
  remembered,
  policies,
  asked,
  focus,
  approvals,
] = await Promise.all([
  connectionItem.get(),
  authStateItem.get(),
  snapshotItem.get(),
  refreshStateItem.get(),
  favouritesItem.get(),
  templatesItem.get(),
  bundlesItem.get(),
  rememberedItem.get(),
  policiesItem.get(),
  portalIntentItem.get(),
  popupFocusItem.get(),
  approvalsItem.get(),
]);
let data: Data = { connection, auth, snapshot, refresh, favourites, approvals };
let stored: Stored = { templates, bundles, remembered, policies };

/** A command the background never answered (MessagingError carries a sentence) still shows up, with Retry. */
const showFailure = (e: unknown) =>
  update({ refresh: { ...data.refresh, inFlight: false, error: e instanceof Error ? e.message : String(e) } });
const requestRefresh = (force: boolean) => sendMessage('snapshot.refresh', { force }).catch(showFailure);

const results = (p: Promise<{ results: CommandResult[] }>) => p.then((r) => r.results);
const actions: ActivationActions = {
  activate: (keys, input) => results(sendMessage('pim.activate', { keys, input })),
  activateBundle: (bundleId) => results(sendMessage('pim.activateBundle', { bundleId })),
  deactivate: (key) => results(sendMessage('pim.deactivate', { key })),
  cancel: (key) => results(sendMessage('pim.cancel', { key })),
  extend: (key, renew = false) => results(sendMessage('pim.extend', { key, durationMinutes: null, renew })),
  requestExtension: (key, justification) => results(sendMessage('pim.requestExtension', { key, justification })),
  reloadPortals: () => sendMessage('portals.reload', {}).then((r) => r.reloaded),
};
// popup.html?activate=<key>: opened by a one-click elsewhere that needs input, straight into that row's form.
const openFormFor = new URLSearchParams(location.search).get('activate');

/** A portal badge's request (session storage, which no content script can write), shown once and only while fresh. */
const INTENT_FRESH_MS = 2 * 60_000;
function intentView(i: PortalIntent | null): IntentView | null {
  if (!i || Date.now() - Date.parse(i.at) > INTENT_FRESH_MS) return null;
  void portalIntentItem.set(null);
  return { command: i.command, key: i.key, portalName: portalById(i.portalId)?.name ?? t('intentSomePortal') };
}
let intent = intentView(asked);

const onDecide = (ids: string[], decision: 'Approve' | 'Deny', justification: string | null) =>
  results(sendMessage('pim.decide', { ids, decision, justification }));

const props: Omit<PopupViewProps, keyof Data | 'format' | 'activation' | 'approvals'> = {
  onRefresh: () => void requestRefresh(true),
  onSignIn: () => void browser.tabs.create({ url: browser.runtime.getURL('/signin.html') }),
  onSignOut: () => void sendMessage('auth.signOut', {}).catch(showFailure),
  onOpenSettings: () => void browser.runtime.openOptionsPage().then(() => window.close()),
  // PIM's rules (the 5-minute floor, when a role ends) run on Microsoft's clock: the background stores the skew.
  clock: () => Date.now() + (data.snapshot?.clockSkewMs ?? 0),
  onToggleFavourite: (key) => {
    const next = data.favourites.includes(key) ? data.favourites.filter((k) => k !== key) : [...data.favourites, key];
    void favouritesItem.set(next);
  },
};

function update(patch: Partial<Data>, storedPatch: Partial<Stored> = {}): void {
  data = { ...data, ...patch };
  stored = { ...stored, ...storedPatch };
  // Top-level render is synchronous, so the marks below are taken once the DOM holds the list.
  const { approvals: approvalState, ...view } = data;
  render(
    <PopupView
      {...view}
      {...props}
      format={format}
      activation={{ ...stored, actions, openFormFor, intent }}
      approvals={{ state: approvalState, onDecide }}
    />,
    root,
  );
}

update({});
if (ownSnapshot(snapshot, auth)) performance.mark('pim:cached-paint');

/** The row a notification's click opened the popup for (session storage, written by the background), once. */
function focusFrom(f: PopupFocus | null): void {
  if (!f || Date.now() - Date.parse(f.at) > INTENT_FRESH_MS) return;
  void popupFocusItem.set(null);
  void focusRow(root, f.key);
}
focusFrom(focus);
popupFocusItem.watch(focusFrom);

snapshotItem.watch((next) => {
  update({ snapshot: next });
  if (ownSnapshot(next, data.auth)) performance.mark('pim:fresh-paint');
});
authStateItem.watch((next) => update({ auth: next }));
refreshStateItem.watch((next) => update({ refresh: next }));
approvalsItem.watch((next) => update({ approvals: next }));
// Written once per refresh: a write that landed between the first read and this watch would otherwise be missed.
void approvalsItem.get().then((next) => update({ approvals: next }));
connectionItem.watch((next) => update({ connection: next }));
favouritesItem.watch((next) => update({ favourites: next }));
templatesItem.watch((next) => update({}, { templates: next }));
bundlesItem.watch((next) => update({}, { bundles: next }));
rememberedItem.watch((next) => update({}, { remembered: next }));
policiesItem.watch((next) => update({}, { policies: next }));
portalIntentItem.watch((next) => {
  const view = intentView(next);
  if (view) {
    intent = view;
    update({});
  }
});

if (
  connection &&
  auth.status === 'signed-in' &&
  isStale(ownSnapshot(snapshot, auth)?.fetchedAt, Date.now(), REFRESH_ON_OPEN_AFTER_MS)
) {
  void requestRefresh(false);
}
