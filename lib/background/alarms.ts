/**
 * The background's scheduler: alarms, expiry warnings, approval notices, the toolbar badge and refresh retries.
 *
 * An MV3 worker can die at any moment, so nothing here waits in memory: alarms (chrome.alarms) only wake the worker,
 * and each wake-up re-derives everything from storage (`sync`): the alarms wanted (lib/background/schedule.ts), the
 * notifications due (dedupe record in storage.local), the badge. `sync` runs on worker start, on browser start-up, when
 * the snapshot, auth state, settings or activity change, and after each alarm. Work is queued one task at a time, so
 * two wake-ups never read and write the notifier record over each other.
 *
 * Wake-ups while something is active: warn:<key>:<lead> and end:<key> (one-shot), `badge` (one-shot, when the toolbar
 * text next changes: lib/background/badge-text.ts), `refresh` every 15 min (2 min while a request waits for approval);
 * none at all when nothing is active or pending.
 */
import { browser } from 'wxt/browser';
import { popupAccountItem, popupFocusItem, type AccountItems, type NotifierState } from '../storage';
import { effectiveSettingsItem as settingsItem } from '../managed';
import type { Snapshot } from '../pim/model';
import type { Settings } from '../storage';
import { mergeSnapshots } from '../pim/snapshot';
import { ownSnapshot } from '../pim/snapshot';
import { waitingApprovals } from '../pim/approvals';
import { DAY, parseTime, type TimeFormat } from '../pim/time';
import { BACKOFF, classifyFailure, retryDelayMs } from './backoff';
import { dueWarnings, parseAlarmName, sameAlarm, wantedAlarms, type WantedAlarm } from './schedule';
import { t } from '../i18n';
import { approvalNoticeId, approvalNotices } from './approval-notices';
import { onApprovalButton } from './approval-buttons';
import {
  commandFailedTitle,
  notificationFor,
  notificationTarget,
  observeChanges,
  scopedId,
  splitScoped,
  staleWarnings,
  type NotifyEvent,
} from './notifications';
import { applyToolbar, toolbarState } from './toolbar';
import { openPopupSurface } from './popup-surface';
import type { PortalCommands } from './commands';
import type { Approvals } from './approvals';
import type { Refresher } from './refresh';
import type { EffectiveAccount } from '../accounts';

/**
 * What the scheduler needs of one account (lib/background/accounts.ts AccountRuntime): its storage, its refresher
 * (single-flight, skips a fresh snapshot unless forced), what a warning's Extend / Deactivate buttons run (the same
 * portal commands as the badge's Deactivate: each resolves with an outcome, or throws with a sentence for the user)
 * and what an approval notice's Approve / Deny buttons run.
 */
export interface SchedulerAccount {
  id: string;
  items: AccountItems;
  refresher: Pick<Refresher, 'refresh'>;
  commands: { portal: Pick<PortalCommands, 'extend' | 'deactivate'> };
  approvals: Pick<Approvals, 'decide'>;
}

export interface SchedulerDeps {
  accounts: {
    all(): Promise<{ account: EffectiveAccount; runtime: SchedulerAccount }[]>;
    get(id: string): Promise<SchedulerAccount | null>;
  };
  /** Resolves when storage is in the current layout (lib/migrate.ts): nothing is read before. */
  ready?: Promise<unknown>;
  /** Local clock, ms (chrome.alarms runs on it). */
  now?: () => number;
  /** Notification buttons exist on Chromium, not on Firefox. */
  supportsButtons?: boolean;
  format?: () => TimeFormat;
}

export interface Scheduler {
  /** Re-derive alarms, notifications and the toolbar from storage. */
  sync(): Promise<void>;
  /** Every refresh's outcome (null = success): schedules or clears the account's backoff `retry` alarm. */
  refreshSettled(accountId: string, error: unknown): Promise<void>;
  /** A removed account: its alarms and notifications go. */
  forget(accountId: string): Promise<void>;
  /** Resolves when no scheduler work is queued. */
  idle(): Promise<void>;
  /** Removes the listeners (the alarms stay: they belong to the browser, not to this worker). */
  stop(): void;
}

/** Dedupe records older than this are forgotten (warnings are long over; eligibility reminders are daily). */
const NOTIFIED_TTL_MS = 3 * DAY;

export function startScheduler(deps: SchedulerDeps): Scheduler {
  const now = deps.now ?? (() => Date.now());
  const buttons = deps.supportsButtons ?? !import.meta.env.FIREFOX;
  const format = deps.format ?? (() => ({ locale: browser.i18n.getUILanguage() }));
  let chain: Promise<void> = Promise.resolve();
  /** Event handlers still running (an alarm's refresh happens outside the queue, so it does not hold up the badge). */
  const inFlight = new Set<Promise<void>>();

  function queue(task: () => Promise<void>): Promise<void> {
    const run = chain.then(task).catch((e: unknown) => console.warn('PIM Companion: scheduler task failed', e));
    chain = run;
    return run;
  }

  function track(what: string, work: Promise<void>): Promise<void> {
    const run = work.catch((e: unknown) => console.warn(`PIM Companion: ${what} failed`, e));
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  }

  /**
   * Alarm names are `<account id>/<name>`; only the toolbar's `badge` is shared by every account. Unprefixed names of
   * the single-account releases (`refresh`, `warn:…`) are ours too, so the first sync after an update clears them.
   */
  const ours = (name: string) => parseAlarmName(splitScoped(name).id) !== null;

  async function reconcile(wanted: WantedAlarm[]): Promise<void> {
    const existing = (await browser.alarms.getAll()).filter((a) => ours(a.name));
    const byName = new Map(wanted.map((w) => [w.name, w]));
    for (const a of existing) if (!byName.has(a.name)) await browser.alarms.clear(a.name);
    for (const w of wanted) {
      const current = existing.find((a) => a.name === w.name);
      if (current && sameAlarm(current, w)) continue;
      await browser.alarms.create(
        w.name,
        w.periodInMinutes === undefined ? { when: w.when } : { when: w.when, periodInMinutes: w.periodInMinutes },
      );
    }
  }

  async function show(
    event: NotifyEvent,
    snapshot: Snapshot | null,
    nowMs: number,
    scope: (id: string) => string,
    /** Set when there is more than one account: the notice says which one it is about. */
    label: string | null,
    shown: readonly string[],
  ): Promise<void> {
    const spec = notificationFor(event, {
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      buttons,
      format: format(),
      nowMs,
      skewMs: snapshot?.clockSkewMs ?? 0,
      tr: t,
    });
    const id = scope(spec.id);
    if (event.kind === 'warn') {
      // One warning per assignment on screen: "ends in 2 min" takes the place of "ends in 10 min".
      const prefix = scope(`warn:${event.warning.assignment.key}:`);
      for (const other of shown) if (other.startsWith(prefix) && other !== id) await browser.notifications.clear(other);
    }
    const title = label ? t('notifyAccountTitle', label, spec.options.title) : spec.options.title;
    await browser.notifications.create(id, { ...spec.options, title });
  }

  interface AccountSync {
    snapshot: Snapshot | null;
    approvals: number;
    wanted: WantedAlarm[];
  }

  /** One account's notices and alarms (the toolbar is drawn once, from every account's answer). */
  async function syncAccount(
    account: EffectiveAccount,
    items: AccountItems,
    settings: Settings,
    label: string | null,
    shown: readonly string[],
  ): Promise<AccountSync> {
    const [raw, auth, notifier, activity, retry, approvalState] = await Promise.all([
      items.snapshot.get(),
      items.authState.get(),
      items.notifier.get(),
      items.activity.get(),
      items.refreshRetry.get(),
      items.approvals.get(),
    ]);
    const scope = (id: string) => scopedId(account.id, id);
    const snapshot = ownSnapshot(raw, auth);
    const nowMs = now();
    const signedIn = auth.status === 'signed-in' ? auth.account?.oid : null;
    const approvals = waitingApprovals(approvalState, signedIn, nowMs + (snapshot?.clockSkewMs ?? 0));
    const approvalNews = approvalNotices(approvals, notifier.notified);

    const changes = observeChanges({
      previous: notifier.observed,
      snapshot,
      auth,
      activity,
      nowMs,
      notified: notifier.notified,
    });
    const warnings = dueWarnings({ snapshot, settings, nowMs, notified: notifier.notified, activity });
    const stamp = new Date(nowMs).toISOString();
    const notified = Object.fromEntries(
      Object.entries(notifier.notified).filter(([, at]) => nowMs - (parseTime(at) ?? 0) < NOTIFIED_TTL_MS),
    );
    for (const key of [...warnings.record, ...changes.record, ...approvalNews.record]) notified[key] = stamp;
    const next: NotifierState = { notified, observed: changes.observed };
    // Recorded before showing: a worker dying in between loses one notice rather than repeating it forever.
    if (JSON.stringify(next) !== JSON.stringify(notifier)) await items.notifier.set(next);

    const events: NotifyEvent[] = [
      ...warnings.show.map((warning) => ({ kind: 'warn' as const, warning })),
      ...changes.events,
      ...approvalNews.events,
    ];
    try {
      if (!settings.doNotDisturb) for (const event of events) await show(event, snapshot, nowMs, scope, label, shown);
      const mine = shown.flatMap((id) => {
        const s = splitScoped(id);
        return s.accountId === account.id ? [s.id] : [];
      });
      for (const id of staleWarnings(mine, snapshot, nowMs)) await browser.notifications.clear(scope(id));
      // A request decided (here or elsewhere), expired or withdrawn takes its notice with it.
      const open = new Set(approvals.map((a) => approvalNoticeId(a.id)));
      for (const id of mine)
        if (id.startsWith('approval:') && !open.has(id)) await browser.notifications.clear(scope(id));
    } catch (e) {
      // Notifications switched off at the OS level, say: the alarms and the badge must still be kept right.
      console.warn('PIM Companion: could not show notifications', e);
    }

    const wanted = wantedAlarms({
      snapshot,
      settings,
      nowMs,
      canRefresh: auth.status === 'signed-in',
      activity,
      retryAt: parseTime(retry.nextAt),
      approvalsWaiting: approvals.length,
    }).map((w) => (w.name === 'badge' ? w : { ...w, name: scope(w.name) }));
    return { snapshot, approvals: approvals.length, wanted };
  }

  async function sync(): Promise<void> {
    await deps.ready;
    const [accounts, settings] = await Promise.all([deps.accounts.all(), settingsItem.get()]);
    const shown = Object.keys(await browser.notifications.getAll().catch(() => ({})));
    const several = accounts.length > 1;
    const results = await Promise.all(
      accounts.map(({ account, runtime }) =>
        syncAccount(account, runtime.items, settings, several ? account.label : null, shown),
      ),
    );
    // The toolbar's countdown wakes the worker once, at the soonest text change of any account.
    const badges = results.flatMap((r) => r.wanted.filter((w) => w.name === 'badge'));
    const soonest = badges.sort((a, b) => a.when - b.when)[0];
    await reconcile([
      ...results.flatMap((r) => r.wanted.filter((w) => w.name !== 'badge')),
      ...(soonest ? [soonest] : []),
    ]);
    const merged = mergeSnapshots(
      accounts.map(({ account }, i) => ({ label: several ? account.label : null, snapshot: results[i]!.snapshot })),
    );
    const approvals = results.reduce((n, r) => n + r.approvals, 0);
    await applyToolbar(toolbarState(merged, settings, now(), format(), t, approvals));
  }

  async function refreshSettled(accountId: string, error: unknown): Promise<void> {
    const account = await deps.accounts.get(accountId);
    if (!account) return;
    const item = account.items.refreshRetry;
    const name = scopedId(accountId, 'retry');
    const state = await item.get();
    if (error === null || error === undefined) {
      if (state.attempt !== 0 || state.nextAt !== null) await item.set({ attempt: 0, nextAt: null });
      await browser.alarms.clear(name);
      return;
    }
    const decision = classifyFailure(error);
    if (!decision.retry || state.attempt >= BACKOFF.maxAttempts) {
      await item.set({ attempt: decision.retry ? state.attempt : 0, nextAt: null });
      await browser.alarms.clear(name);
      return;
    }
    const attempt = state.attempt + 1;
    const at = now() + retryDelayMs(attempt, decision.retryAfterSeconds);
    await item.set({ attempt, nextAt: new Date(at).toISOString() });
    await browser.alarms.create(name, { when: at });
  }

  /** A refresh from an alarm, unless a retry is already scheduled (Retry-After is honoured: no earlier attempt). */
  async function refreshFromAlarm(account: SchedulerAccount, force: boolean, isRetry: boolean): Promise<void> {
    const retry = await account.items.refreshRetry.get();
    if (isRetry) {
      // Cleared first so a refresh that does not run (signed out) leaves no retry behind to re-arm.
      await account.items.refreshRetry.set({ attempt: retry.attempt, nextAt: null });
    } else if ((parseTime(retry.nextAt) ?? 0) > now()) {
      return;
    }
    await account.refresher.refresh({ force }).catch((e: unknown) => console.warn('PIM Companion: refresh failed', e));
  }

  async function onAlarm(alarm: Browser.alarms.Alarm): Promise<void> {
    await deps.ready;
    const { accountId, id } = splitScoped(alarm.name);
    const name = parseAlarmName(id);
    if (!name) return;
    const account = accountId ? await deps.accounts.get(accountId) : null;
    if (account) {
      if (name.kind === 'retry') await refreshFromAlarm(account, true, true);
      // The periodic alarm's own period spaces these out; its whole point (an approval, an admin's change) is new data.
      else if (name.kind === 'refresh' || name.kind === 'end') await refreshFromAlarm(account, true, false);
      else if (name.kind === 'warn') await refreshFromAlarm(account, false, false);
    }
    await queue(sync);
  }

  async function openRow(accountId: string | null, key: string): Promise<void> {
    if (accountId) await popupAccountItem.set(accountId);
    await popupFocusItem.set({ ...(accountId ? { accountId } : {}), key, at: new Date(now()).toISOString() });
    await openPopupSurface();
  }

  async function onClicked(id: string): Promise<void> {
    const target = notificationTarget(id);
    if (!target) return;
    await browser.notifications.clear(id);
    const search = target.accountId ? `?account=${target.accountId}` : '';
    if (target.kind === 'signIn') await browser.tabs.create({ url: browser.runtime.getURL(`/signin.html${search}`) });
    else if (target.kind === 'approval') {
      if (target.accountId) await popupAccountItem.set(target.accountId);
      await openPopupSurface();
    } else await openRow(target.accountId, target.key);
  }

  async function onButtonClicked(id: string, index: number): Promise<void> {
    await deps.ready;
    const target = notificationTarget(id);
    const account = target?.accountId ? await deps.accounts.get(target.accountId) : null;
    if (!target || !account) return;
    const scope = (x: string) => scopedId(account.id, x);
    if (target.kind === 'approval')
      return onApprovalButton({
        items: account.items,
        scope,
        notificationId: id,
        requestId: target.requestId,
        index,
        decide: (ids, decision, justification) => account.approvals.decide(ids, decision, justification),
        nowMs: now(),
      });
    if (target.kind !== 'row' || !splitScoped(id).id.startsWith('warn:')) return;
    await browser.notifications.clear(id);
    const command = index === 0 ? 'extend' : 'deactivate';
    let failure: string;
    try {
      // Every outcome is what the user asked for or the popup opened to finish it ('confirm-opened', 'form-opened').
      await account.commands.portal[command](target.key);
      return;
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
    const snapshot = await account.items.snapshot.get();
    const name = snapshot?.assignments.find((a) => a.key === target.key)?.displayName ?? target.key;
    await browser.notifications.create(scope(`command:${target.key}`), {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: commandFailedTitle(command, name, t),
      message: failure,
    });
  }

  async function forget(accountId: string): Promise<void> {
    const prefix = scopedId(accountId, '');
    for (const a of await browser.alarms.getAll()) if (a.name.startsWith(prefix)) await browser.alarms.clear(a.name);
    const shown = Object.keys(await browser.notifications.getAll().catch(() => ({})));
    for (const id of shown) if (id.startsWith(prefix)) await browser.notifications.clear(id);
    await sync();
  }

  // Listeners are added synchronously, at worker start: an event that woke the worker is only delivered to them.
  const alarmListener = (alarm: Browser.alarms.Alarm) => void track('alarm', onAlarm(alarm));
  const clickListener = (id: string) => void track('notification click', onClicked(id));
  const buttonListener = (id: string, index: number) => void track('notification button', onButtonClicked(id, index));
  const startupListener = () => void queue(sync);
  browser.alarms.onAlarm.addListener(alarmListener);
  browser.notifications.onClicked.addListener(clickListener);
  // Firefox has no notification buttons: its onButtonClicked is a stub that logs "unimplemented" when a listener is
  // added, so listen only where notifications get buttons (there a click opens the popup row with Extend / Deactivate).
  if (buttons) browser.notifications.onButtonClicked?.addListener(buttonListener);
  browser.runtime.onStartup.addListener(startupListener);
  // Any account's snapshot, auth state, activity or approvals, the list of accounts, the settings.
  const onStorage = (changes: Record<string, unknown>) => {
    const keys = Object.keys(changes);
    if (keys.some((k) => /^account\.[a-z0-9-]+\.(snapshot|authState|activity|approvals)$/.test(k) || k === 'accounts'))
      void queue(sync);
  };
  browser.storage.onChanged.addListener(onStorage);
  const unwatch = [
    settingsItem.watch(() => void queue(sync)),
    () => browser.storage.onChanged.removeListener(onStorage),
  ];
  void queue(sync);

  return {
    sync: () => queue(sync),
    refreshSettled: (accountId, error) => queue(() => refreshSettled(accountId, error)),
    forget: (accountId) => queue(() => forget(accountId)),
    idle: async () => {
      let seen: Promise<void> | undefined;
      while (seen !== chain || inFlight.size > 0) {
        seen = chain;
        await Promise.all([chain, ...inFlight]);
      }
    },
    stop() {
      browser.alarms.onAlarm.removeListener(alarmListener);
      browser.notifications.onClicked.removeListener(clickListener);
      if (buttons) browser.notifications.onButtonClicked?.removeListener(buttonListener);
      browser.runtime.onStartup.removeListener(startupListener);
      for (const u of unwatch) u();
    },
  };
}
