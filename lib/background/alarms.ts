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
import {
  activityItem,
  approvalsItem,
  authStateItem,
  notifierItem,
  popupFocusItem,
  refreshRetryItem,
  snapshotItem,
  type NotifierState,
} from '../storage';
import { effectiveSettingsItem as settingsItem } from '../managed';
import type { Snapshot } from '../pim/model';
import { ownSnapshot } from '../pim/snapshot';
import { waitingApprovals } from '../pim/approvals';
import { DAY, parseTime, type TimeFormat } from '../pim/time';
import { BACKOFF, classifyFailure, retryDelayMs } from './backoff';
import { dueWarnings, parseAlarmName, sameAlarm, wantedAlarms, type WantedAlarm } from './schedule';
import { t } from '../i18n';
import { approvalNoticeId, approvalNotices } from './approval-notices';
import { onApprovalButton, type Decide } from './approval-buttons';
import {
  commandFailedTitle,
  notificationFor,
  notificationTarget,
  observeChanges,
  staleWarnings,
  type NotifyEvent,
} from './notifications';
import { applyToolbar, toolbarState } from './toolbar';
import { openPopupSurface } from './popup-surface';
import type { PortalCommands } from './commands';

/**
 * What the warning's buttons run: the background's portal commands (lib/background/commands.ts), the same ones the
 * badge's Deactivate uses. Each resolves with an outcome (done, pending, the popup opened to ask or for the form) and
 * throws, with a sentence for the user, when the command did not do what was asked.
 */
export type SchedulerCommands = Pick<PortalCommands, 'extend' | 'deactivate'>;

export interface SchedulerDeps {
  /** The refresher (lib/background/refresh.ts): single-flight, skips a fresh snapshot unless forced. */
  refresh(opts: { force: boolean }): Promise<boolean>;
  /** What the warning's Extend / Deactivate buttons do (lib/background/commands.ts). */
  commands: SchedulerCommands;
  /** What an approval notice's Approve / Deny buttons do (lib/background/approvals.ts `pim.decide`). */
  decide?: Decide;
  /** Local clock, ms (chrome.alarms runs on it). */
  now?: () => number;
  /** Notification buttons exist on Chromium, not on Firefox. */
  supportsButtons?: boolean;
  format?: () => TimeFormat;
}

export interface Scheduler {
  /** Re-derive alarms, notifications and the toolbar from storage. */
  sync(): Promise<void>;
  /** Every refresh's outcome (null = success): schedules or clears the backoff `retry` alarm. */
  refreshSettled(error: unknown): Promise<void>;
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

  async function reconcile(wanted: WantedAlarm[]): Promise<void> {
    const existing = (await browser.alarms.getAll()).filter((a) => parseAlarmName(a.name) !== null);
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

  async function show(event: NotifyEvent, snapshot: Snapshot | null, nowMs: number): Promise<void> {
    const spec = notificationFor(event, {
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      buttons,
      format: format(),
      nowMs,
      skewMs: snapshot?.clockSkewMs ?? 0,
      tr: t,
    });
    if (event.kind === 'warn') {
      // One warning per assignment on screen: "ends in 2 min" takes the place of "ends in 10 min".
      const prefix = `warn:${event.warning.assignment.key}:`;
      const shown = Object.keys(await browser.notifications.getAll());
      for (const id of shown) if (id.startsWith(prefix) && id !== spec.id) await browser.notifications.clear(id);
    }
    await browser.notifications.create(spec.id, spec.options);
  }

  async function sync(): Promise<void> {
    const [raw, auth, settings, notifier, activity, retry, approvalState] = await Promise.all([
      snapshotItem.get(),
      authStateItem.get(),
      settingsItem.get(),
      notifierItem.get(),
      activityItem.get(),
      refreshRetryItem.get(),
      approvalsItem.get(),
    ]);
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
    if (JSON.stringify(next) !== JSON.stringify(notifier)) await notifierItem.set(next);

    const events: NotifyEvent[] = [
      ...warnings.show.map((warning) => ({ kind: 'warn' as const, warning })),
      ...changes.events,
      ...approvalNews.events,
    ];
    try {
      if (!settings.doNotDisturb) for (const event of events) await show(event, snapshot, nowMs);
      const shown = Object.keys(await browser.notifications.getAll());
      for (const id of staleWarnings(shown, snapshot, nowMs)) await browser.notifications.clear(id);
      // A request decided (here or elsewhere), expired or withdrawn takes its notice with it.
      const open = new Set(approvals.map((a) => approvalNoticeId(a.id)));
      for (const id of shown) if (id.startsWith('approval:') && !open.has(id)) await browser.notifications.clear(id);
    } catch (e) {
      // Notifications switched off at the OS level, say: the alarms and the badge must still be kept right.
      console.warn('PIM Companion: could not show notifications', e);
    }

    const retryAt = parseTime(retry.nextAt);
    await reconcile(
      wantedAlarms({
        snapshot,
        settings,
        nowMs,
        canRefresh: auth.status === 'signed-in',
        activity,
        retryAt,
        approvalsWaiting: approvals.length,
      }),
    );
    await applyToolbar(toolbarState(snapshot, settings, nowMs, format(), t, approvals.length));
  }

  async function refreshSettled(error: unknown): Promise<void> {
    const state = await refreshRetryItem.get();
    if (error === null || error === undefined) {
      if (state.attempt !== 0 || state.nextAt !== null) await refreshRetryItem.set({ attempt: 0, nextAt: null });
      await browser.alarms.clear('retry');
      return;
    }
    const decision = classifyFailure(error);
    if (!decision.retry || state.attempt >= BACKOFF.maxAttempts) {
      await refreshRetryItem.set({ attempt: decision.retry ? state.attempt : 0, nextAt: null });
      await browser.alarms.clear('retry');
      return;
    }
    const attempt = state.attempt + 1;
    const at = now() + retryDelayMs(attempt, decision.retryAfterSeconds);
    await refreshRetryItem.set({ attempt, nextAt: new Date(at).toISOString() });
    await browser.alarms.create('retry', { when: at });
  }

  /** A refresh from an alarm, unless a retry is already scheduled (Retry-After is honoured: no earlier attempt). */
  async function refreshFromAlarm(force: boolean, isRetry: boolean): Promise<void> {
    const retry = await refreshRetryItem.get();
    if (isRetry) {
      // Cleared first so a refresh that does not run (signed out) leaves no retry behind to re-arm.
      await refreshRetryItem.set({ attempt: retry.attempt, nextAt: null });
    } else if ((parseTime(retry.nextAt) ?? 0) > now()) {
      return;
    }
    await deps.refresh({ force }).catch((e: unknown) => console.warn('PIM Companion: refresh failed', e));
  }

  async function onAlarm(alarm: Browser.alarms.Alarm): Promise<void> {
    const name = parseAlarmName(alarm.name);
    if (!name) return;
    if (name.kind === 'retry') await refreshFromAlarm(true, true);
    // The periodic alarm's own period spaces these out; its whole point (an approval, an admin's change) is new data.
    else if (name.kind === 'refresh' || name.kind === 'end') await refreshFromAlarm(true, false);
    else if (name.kind === 'warn') await refreshFromAlarm(false, false);
    await queue(sync);
  }

  async function openRow(key: string): Promise<void> {
    await popupFocusItem.set({ key, at: new Date(now()).toISOString() });
    await openPopupSurface();
  }

  async function onClicked(id: string): Promise<void> {
    const target = notificationTarget(id);
    if (!target) return;
    await browser.notifications.clear(id);
    if (target.kind === 'signIn') await browser.tabs.create({ url: browser.runtime.getURL('/signin.html') });
    else if (target.kind === 'approval') await openPopupSurface();
    else await openRow(target.key);
  }

  async function onButtonClicked(id: string, index: number): Promise<void> {
    const target = notificationTarget(id);
    if (target?.kind === 'approval')
      return onApprovalButton({
        notificationId: id,
        requestId: target.requestId,
        index,
        decide: deps.decide,
        nowMs: now(),
      });
    if (!target || target.kind !== 'row' || !id.startsWith('warn:')) return;
    await browser.notifications.clear(id);
    const command = index === 0 ? 'extend' : 'deactivate';
    let failure: string;
    try {
      // Every outcome is what the user asked for or the popup opened to finish it ('confirm-opened', 'form-opened').
      await deps.commands[command](target.key);
      return;
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
    const snapshot = await snapshotItem.get();
    const name = snapshot?.assignments.find((a) => a.key === target.key)?.displayName ?? target.key;
    await browser.notifications.create(`command:${target.key}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: commandFailedTitle(command, name, t),
      message: failure,
    });
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
  const unwatch = [snapshotItem, authStateItem, settingsItem, activityItem, approvalsItem].map((item) =>
    item.watch(() => void queue(sync)),
  );
  void queue(sync);

  return {
    sync: () => queue(sync),
    refreshSettled: (error) => queue(() => refreshSettled(error)),
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
