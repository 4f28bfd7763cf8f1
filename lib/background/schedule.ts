/**
 * Pure: from the snapshot, the settings and the time, which alarms the background wants and which expiry warnings are
 * due. Alarms only wake the worker; every decision is taken again from storage when it wakes
 * (lib/background/alarms.ts), so a worker that died, a browser that restarted or a laptop that slept cannot make a
 * warning fire twice or too late.
 *
 * Two clocks: `nowMs` is the local clock (Date.now(), what chrome.alarms uses); PIM's times are on the service's clock,
 * which is `nowMs + skewMs` (Snapshot.clockSkewMs, from Graph's Date header). Alarms are set in local time.
 */
import type { Assignment, Snapshot } from '../pim/model';
import type { ActivityEntry, Settings } from '../storage';
import { MINUTE, parseTime } from '../pim/time';
import { badgeChangeIn } from './badge-text';

/** While a request waits for approval, refresh this often so the approval shows without a manual refresh. */
export const PENDING_REFRESH_MINUTES = 2;
/** An alarm may fire a little early (clock granularity); a moment this close counts as reached. */
export const TOLERANCE_MS = 1_000;
/** A warning whose moment falls within this long after the start is pointless (activated for less than the lead). */
export const MIN_LEAD_AFTER_START_MS = MINUTE;
/** The end alarm fires a moment after the end, so the service certainly reports the assignment as gone. */
export const END_GRACE_MS = 2_000;

export type AlarmName =
  | { kind: 'warn'; key: string; lead: number }
  | { kind: 'end'; key: string }
  | { kind: 'refresh' }
  | { kind: 'badge' }
  | { kind: 'retry' };

export const warnAlarm = (key: string, lead: number): string => `warn:${key}:${lead}`;
export const endAlarm = (key: string): string => `end:${key}`;

/** Alarm names are ours when they parse; keys contain colons, so the lead is the last segment. */
export function parseAlarmName(name: string): AlarmName | null {
  if (name === 'refresh' || name === 'badge' || name === 'retry') return { kind: name };
  if (name.startsWith('end:') && name.length > 4) return { kind: 'end', key: name.slice(4) };
  const warn = /^warn:(.+):(\d+(?:\.\d+)?)$/.exec(name);
  if (warn) return { kind: 'warn', key: warn[1]!, lead: Number(warn[2]) };
  return null;
}

export interface WantedAlarm {
  name: string;
  /** Local clock, ms. */
  when: number;
  periodInMinutes?: number;
  /**
   * 'any': an existing periodic alarm with the same period is kept whatever its phase (re-creating it would delay it).
   */
  phase?: 'exact' | 'any';
}

/**
 * Active assignments the user is counting down: they have an end that has not passed. Permanent ones need no watching.
 */
export function runningActivations(snapshot: Snapshot | null, pimNow: number): Assignment[] {
  return (snapshot?.assignments ?? []).filter((a) => {
    const end = a.state === 'active' ? parseTime(a.endDateTime) : null;
    return end !== null && end > pimNow;
  });
}

export function pendingRequests(snapshot: Snapshot | null): Assignment[] {
  return (snapshot?.assignments ?? []).filter((a) => a.state === 'pending');
}

/** Distinct positive lead times, largest first. */
export function leadTimes(settings: Settings): number[] {
  return [...new Set(settings.leadTimesMinutes.filter((m) => m > 0))].sort((a, b) => b - a);
}

/**
 * The warning moments (service clock) worth having for an activation: before its end by each lead, and clearly after
 * its start (a 5-minute activation gets no "ends in 10 min").
 */
function warningMoments(a: Assignment, settings: Settings): Array<{ lead: number; at: number }> {
  const end = parseTime(a.endDateTime);
  if (end === null) return [];
  const start = parseTime(a.startDateTime) ?? Number.NEGATIVE_INFINITY;
  return leadTimes(settings)
    .map((lead) => ({ lead, at: end - lead * MINUTE }))
    .filter((m) => m.at >= start + MIN_LEAD_AFTER_START_MS);
}

/**
 * Whether the user already extended this activation (an accepted `extend` after it started): its successor is
 * scheduled, so warning that it ends would be wrong.
 */
const ACCEPTED = new Set([
  'Granted',
  'Provisioned',
  'ScheduleCreated',
  'PendingScheduleCreation',
  'PendingProvisioning',
  'PendingApproval',
]);
export function extendedAlready(a: Assignment, activity: readonly ActivityEntry[]): boolean {
  const start = parseTime(a.startDateTime) ?? Number.NEGATIVE_INFINITY;
  return activity.some(
    (e) => e.key === a.key && e.action === 'extend' && ACCEPTED.has(e.outcome) && (parseTime(e.at) ?? 0) > start,
  );
}

export const warnDedupeKey = (key: string, lead: number, end: string): string => `warn:${key}:${lead}@${end}`;

export interface DueWarning {
  assignment: Assignment;
  /** The lead time whose notification to show (the most urgent one reached). */
  lead: number;
  leftMs: number;
}

/**
 * The warnings to show now, and the dedupe keys to record. For each running activation, the reached warning moments
 * not yet notified; when several were reached at once (the worker slept through them), only the most urgent is shown
 * and all are recorded: caught up once, not replayed in a burst.
 */
export function dueWarnings(args: {
  snapshot: Snapshot | null;
  settings: Settings;
  nowMs: number;
  notified: Readonly<Record<string, string>>;
  activity: readonly ActivityEntry[];
}): { show: DueWarning[]; record: string[] } {
  const pimNow = args.nowMs + (args.snapshot?.clockSkewMs ?? 0);
  const show: DueWarning[] = [];
  const record: string[] = [];
  for (const a of runningActivations(args.snapshot, pimNow)) {
    if (extendedAlready(a, args.activity)) continue;
    const reached = warningMoments(a, args.settings).filter((m) => m.at <= pimNow + TOLERANCE_MS);
    const fresh = reached.filter((m) => !(warnDedupeKey(a.key, m.lead, a.endDateTime!) in args.notified));
    if (fresh.length === 0) continue;
    const urgent = Math.min(...reached.map((m) => m.lead));
    record.push(...fresh.map((m) => warnDedupeKey(a.key, m.lead, a.endDateTime!)));
    // When the most urgent reached moment was shown already, the others are late and add nothing.
    if (fresh.some((m) => m.lead === urgent))
      show.push({ assignment: a, lead: urgent, leftMs: parseTime(a.endDateTime)! - pimNow });
  }
  return { show, record };
}

/**
 * Every alarm the background wants, in local time. Nothing running and nothing pending → no alarms at all (a signed-out
 * or idle extension never wakes). `retryAt` is a pending refresh retry (lib/background/backoff.ts) to keep.
 */
export function wantedAlarms(args: {
  snapshot: Snapshot | null;
  settings: Settings;
  nowMs: number;
  /** Periodic refreshes only make sense while signed in. */
  canRefresh: boolean;
  activity: readonly ActivityEntry[];
  retryAt?: number | null;
  /** Requests waiting for the user's approval (issue 15): refreshed like the user's own pending requests. */
  approvalsWaiting?: number;
}): WantedAlarm[] {
  const skew = args.snapshot?.clockSkewMs ?? 0;
  const pimNow = args.nowMs + skew;
  const running = runningActivations(args.snapshot, pimNow);
  const pending = pendingRequests(args.snapshot);
  const wanted: WantedAlarm[] = [];

  for (const a of running) {
    const end = parseTime(a.endDateTime)!;
    if (!extendedAlready(a, args.activity)) {
      for (const m of warningMoments(a, args.settings)) {
        if (m.at > pimNow + TOLERANCE_MS)
          wanted.push({ name: warnAlarm(a.key, m.lead), when: m.at - skew, phase: 'exact' });
      }
    }
    wanted.push({ name: endAlarm(a.key), when: end - skew + END_GRACE_MS, phase: 'exact' });
  }

  if (running.length > 0) {
    // The toolbar shows the soonest end in steps (lib/background/toolbar.ts): wake exactly when its text changes.
    const soonest = Math.min(...running.map((a) => parseTime(a.endDateTime)!));
    const next = badgeChangeIn(soonest - pimNow, args.settings.warningThresholdMinutes * MINUTE);
    wanted.push({ name: 'badge', when: args.nowMs + next, phase: 'exact' });
  }

  const approving = (args.approvalsWaiting ?? 0) > 0;
  if (args.canRefresh && (running.length > 0 || pending.length > 0 || approving)) {
    const period =
      pending.length > 0
        ? Math.min(PENDING_REFRESH_MINUTES, args.settings.refreshMinutes)
        : args.settings.refreshMinutes;
    wanted.push({ name: 'refresh', when: args.nowMs + period * MINUTE, periodInMinutes: period, phase: 'any' });
  }

  if (args.canRefresh && args.retryAt != null)
    wanted.push({ name: 'retry', when: Math.max(args.nowMs, args.retryAt), phase: 'exact' });
  return wanted;
}

/** Whether an existing alarm already does what a wanted one asks (so it is left alone rather than re-created). */
export function sameAlarm(existing: { scheduledTime: number; periodInMinutes?: number }, wanted: WantedAlarm): boolean {
  if ((existing.periodInMinutes ?? null) !== (wanted.periodInMinutes ?? null)) return false;
  if (wanted.phase === 'any' && wanted.periodInMinutes !== undefined) return true;
  if (wanted.periodInMinutes !== undefined) {
    const period = wanted.periodInMinutes * MINUTE;
    const drift = Math.abs(existing.scheduledTime - wanted.when) % period;
    return Math.min(drift, period - drift) <= TOLERANCE_MS * 2;
  }
  return Math.abs(existing.scheduledTime - wanted.when) <= TOLERANCE_MS;
}
