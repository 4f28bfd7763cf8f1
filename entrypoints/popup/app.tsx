/**
 * Popup wiring, loaded by ./main.tsx after the first paint: paint the stored snapshot (replacing the first paint's
 * rows with the full ones), re-render when storage changes, ask the background for a refresh when the data is stale,
 * and turn the view's events into messages. No Graph, no MSAL, no polling here.
 */
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
  STORAGE_VERSION,
  accountItems,
  popupAccountItem,
  popupFocusItem,
  portalIntentItem,
  type PopupFocus,
  type PortalIntent,
} from '../../lib/storage';
// The organisation's managed values laid over the user's (lib/managed.ts): accounts, templates, bundles.
import {
  effectiveAccounts,
  effectiveBundlesItem as bundlesItem,
  effectiveTemplatesItem as templatesItem,
} from '../../lib/managed';
import { ALL_ACCOUNTS, COLOUR_CSS, type EffectiveAccount } from '../../lib/accounts';
import { ensureMigrated } from '../../lib/migrate';
import { forAccount } from '../../lib/pim/bundles';
import { latestRead, watchThenRead } from '../../lib/watched-reads';
import type { AccountActive } from '../../components/popup/AllAccountsView';

type Data = Pick<PopupViewProps, 'connection' | 'auth' | 'snapshot' | 'refresh' | 'favourites'> & {
  approvals: ApprovalsState | null;
};
type Stored = Pick<NonNullable<PopupViewProps['activation']>, 'templates' | 'bundles' | 'remembered' | 'policies'>;
/** What the account view reads from storage and follows. */
type Watched = Pick<Data, 'auth' | 'snapshot' | 'refresh' | 'favourites' | 'approvals'> &
  Pick<Stored, 'remembered' | 'policies'>;

// When the rest of the popup starts (after the first paint's mark, when there was one): the bench and tests read it.
performance.mark('pim:popup-app');
const root = document.getElementById('app')!;
const format = { locale: browser.i18n.getUILanguage() };

// Storage from an older release is brought to this layout first (the background may not have run yet).
// Read at the same time as the layout check: after an update (layout 1 found and migrated) they are read again.
const readShared = () =>
  Promise.all([
    effectiveAccounts.get(),
    popupAccountItem.get(),
    templatesItem.get(),
    bundlesItem.get(),
    portalIntentItem.get(),
    popupFocusItem.get(),
  ]);
const [found, optimistic] = await Promise.all([ensureMigrated(), readShared()]);
const [accounts0, choice, templates, bundles, asked, focus] =
  found >= STORAGE_VERSION ? optimistic : await readShared();
let accounts: EffectiveAccount[] = accounts0;
/** The account shown (its id), or ALL_ACCOUNTS. */
let current: string = resolveChoice(choice);

function resolveChoice(c: string | null): string {
  if (c === ALL_ACCOUNTS && accounts.length > 1) return ALL_ACCOUNTS;
  return accounts.find((a) => a.id === c)?.id ?? accounts[0]!.id;
}
/** The account the buttons act for: the one shown (in the All view, each row names its own). */
const acting = () => (current === ALL_ACCOUNTS ? accounts[0]!.id : current);

const EMPTY_REFRESH = { inFlight: false, error: null, offline: false, startedAt: null };
let data: Data = {
  connection: null,
  auth: { status: 'signed-out', account: null, detail: null },
  snapshot: null,
  refresh: EMPTY_REFRESH,
  favourites: [],
  approvals: null,
};
let stored: Stored = { templates, bundles, remembered: {}, policies: {} };
let all: AccountActive[] = [];

/** Watches of the account (or accounts) on screen; replaced on a switch. */
let unwatch: (() => void)[] = [];

/**
 * Loads what the popup shows for `id` (or every account's active list). Watches are registered before the reads, so a
 * write that lands in between is not missed, and a value a watch delivered first is not undone by an older read; the
 * view is drawn once, with every item, before any change is (lib/watched-reads.ts).
 */
async function show(id: string): Promise<void> {
  unwatch.forEach((u) => u());
  unwatch = [];
  current = id;
  if (id === ALL_ACCOUNTS) {
    for (const a of accounts) {
      const items = accountItems(a.id);
      unwatch.push(
        items.snapshot.watch(() => void loadAll()),
        items.authState.watch(() => void loadAll()),
      );
    }
    await loadAll();
    return;
  }
  const items = accountItems(id);
  const connection = accounts.find((a) => a.id === id)?.connection ?? null;
  const read = await watchThenRead<Watched>(
    {
      auth: items.authState,
      snapshot: items.snapshot,
      refresh: items.refreshState,
      favourites: items.favourites,
      approvals: items.approvals,
      remembered: items.remembered,
      policies: items.policies,
    },
    (name, next) => {
      // The list renders in a task of its own: the task that delivers a long snapshot is already long with turning it
      // into objects (the old value and the new) and collecting the garbage (issue 18, scripts/bench/trace-popup.ts).
      if (name === 'snapshot')
        setTimeout(() => {
          if (current !== id) return;
          update({ snapshot: next as Data['snapshot'] });
          if (ownSnapshot(next as Data['snapshot'], data.auth)) performance.mark('pim:fresh-paint');
        }, 0);
      else if (name === 'remembered' || name === 'policies') update({}, { [name]: next });
      else update({ [name]: next });
    },
    unwatch,
  );
  if (current !== id) return;
  const { remembered, policies, ...rest } = read;
  update({ connection, ...rest }, { remembered, policies });
}

/** Every account's active list, read again on each change; of overlapping reads, only the newest is drawn. */
const loadAll = latestRead(
  () =>
    Promise.all(
      accounts.map(async (a) => {
        const items = accountItems(a.id);
        const [snapshot, auth] = await Promise.all([items.snapshot.get(), items.authState.get()]);
        return { account: choiceOf(a), snapshot: ownSnapshot(snapshot, auth) };
      }),
    ),
  (next) => {
    if (current !== ALL_ACCOUNTS) return;
    all = next;
    update({});
  },
);

const choiceOf = (a: EffectiveAccount) => ({ id: a.id, label: a.label, colour: COLOUR_CSS[a.colour] });

async function switchTo(id: string): Promise<void> {
  await show(resolveChoice(id));
  await popupAccountItem.set(current);
  if (current !== ALL_ACCOUNTS) maybeRefresh();
}

/** A command the background never answered (MessagingError carries a sentence) still shows up, with Retry. */
const showFailure = (e: unknown) =>
  update({ refresh: { ...data.refresh, inFlight: false, error: e instanceof Error ? e.message : String(e) } });
const requestRefresh = (force: boolean) =>
  sendMessage('snapshot.refresh', current === ALL_ACCOUNTS ? { force } : { accountId: current, force }).catch(
    showFailure,
  );

const results = (p: Promise<{ results: CommandResult[] }>) => p.then((r) => r.results);
// Every command names the account on screen: the background acts for that account and no other.
const actions: ActivationActions = {
  activate: (keys, input) => results(sendMessage('pim.activate', { accountId: acting(), keys, input })),
  activateBundle: (bundleId) => results(sendMessage('pim.activateBundle', { accountId: acting(), bundleId })),
  deactivate: (key) => results(sendMessage('pim.deactivate', { accountId: acting(), key })),
  cancel: (key) => results(sendMessage('pim.cancel', { accountId: acting(), key })),
  extend: (key, renew = false) =>
    results(sendMessage('pim.extend', { accountId: acting(), key, durationMinutes: null, renew })),
  requestExtension: (key, justification) =>
    results(sendMessage('pim.requestExtension', { accountId: acting(), key, justification })),
  reloadPortals: () => sendMessage('portals.reload', {}).then((r) => r.reloaded),
};
// popup.html?activate=<key>: opened by a one-click elsewhere that needs input, straight into that row's form.
const openFormFor = new URLSearchParams(location.search).get('activate');

/** A portal badge's request (session storage, which no content script can write), shown once and only while fresh. */
const INTENT_FRESH_MS = 2 * 60_000;
function intentView(i: PortalIntent | null): IntentView | null {
  if (!i || Date.now() - Date.parse(i.at) > INTENT_FRESH_MS) return null;
  void portalIntentItem.set(null);
  // An account removed meanwhile: nothing to confirm (never for another account).
  if (!accounts.some((a) => a.id === i.accountId)) return null;
  // The badge's (or notification's) account: the confirmation acts for it, so it is the one on screen.
  if (i.accountId !== current) void switchTo(i.accountId);
  return { command: i.command, key: i.key, portalName: portalById(i.portalId)?.name ?? t('intentSomePortal') };
}
let intent = intentView(asked);

const onDecide = (ids: string[], decision: 'Approve' | 'Deny', justification: string | null) =>
  results(sendMessage('pim.decide', { accountId: acting(), ids, decision, justification }));

const props: Omit<PopupViewProps, keyof Data | 'format' | 'activation' | 'approvals'> = {
  onRefresh: () => void requestRefresh(true),
  onSignIn: () => void browser.tabs.create({ url: browser.runtime.getURL(`/signin.html?account=${acting()}`) }),
  onSignOut: () => void sendMessage('auth.signOut', { accountId: acting() }).catch(showFailure),
  onOpenSettings: () => void browser.runtime.openOptionsPage().then(() => window.close()),
  // PIM's rules (the 5-minute floor, when a role ends) run on Microsoft's clock: the background stores the skew.
  clock: () => Date.now() + (data.snapshot?.clockSkewMs ?? 0),
  onToggleFavourite: (key) => {
    const next = data.favourites.includes(key) ? data.favourites.filter((k) => k !== key) : [...data.favourites, key];
    void accountItems(acting()).favourites.set(next);
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
      activation={{
        ...stored,
        // Shared templates and bundles, and the ones of the account the buttons act for.
        templates: forAccount(stored.templates, acting()),
        bundles: forAccount(stored.bundles, acting()),
        actions,
        openFormFor,
        intent,
        account: accounts.length > 1 ? choiceOf(accounts.find((a) => a.id === acting()) ?? accounts[0]!) : null,
      }}
      approvals={{ state: approvalState, onDecide }}
      accounts={
        accounts.length > 1
          ? {
              list: accounts.map(choiceOf),
              current,
              onSwitch: (id) => void switchTo(id),
              ...(current === ALL_ACCOUNTS
                ? {
                    all: {
                      accounts: all,
                      onOpen: (id) => void switchTo(id),
                      onDeactivate: (accountId, key) =>
                        void sendMessage('pim.deactivate', { accountId, key }).catch(showFailure),
                    },
                  }
                : {}),
            }
          : undefined
      }
    />,
    root,
  );
}

await show(current);
// Marked by the first paint (./main.tsx) when it drew the list; else here, when this render did.
const marked = performance.getEntriesByName('pim:cached-paint').length > 0;
if (!marked && current !== ALL_ACCOUNTS && ownSnapshot(data.snapshot, data.auth)) performance.mark('pim:cached-paint');

/** The row a notification's click opened the popup for (session storage, written by the background), once. */
function focusFrom(f: PopupFocus | null): void {
  if (!f || Date.now() - Date.parse(f.at) > INTENT_FRESH_MS) return;
  void popupFocusItem.set(null);
  if (f.accountId && !accounts.some((a) => a.id === f.accountId)) return;
  const go = f.accountId && f.accountId !== current ? switchTo(f.accountId) : Promise.resolve();
  void go.then(() => focusRow(root, f.key));
}
focusFrom(focus);
popupFocusItem.watch(focusFrom);

effectiveAccounts.watch((next) => {
  accounts = next;
  void show(resolveChoice(current));
});
templatesItem.watch((next) => update({}, { templates: next }));
bundlesItem.watch((next) => update({}, { bundles: next }));
portalIntentItem.watch((next) => {
  const view = intentView(next);
  if (view) {
    intent = view;
    update({});
  }
});

function maybeRefresh(): void {
  if (
    data.connection &&
    data.auth.status === 'signed-in' &&
    isStale(ownSnapshot(data.snapshot, data.auth)?.fetchedAt, Date.now(), REFRESH_ON_OPEN_AFTER_MS)
  )
    void requestRefresh(false);
}
if (current === ALL_ACCOUNTS) void requestRefresh(false);
else maybeRefresh();
