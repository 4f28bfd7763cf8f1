/**
 * What is worth a notification, and what it says. Pure: `observeChanges` compares what the background saw last (stored,
 * so restarts do not repeat anything) with the new snapshot and auth state; `notificationFor` turns an event into the
 * id and options for chrome.notifications. One id per assignment and kind, so a newer notice replaces an older one.
 */
import type { Assignment, Snapshot } from '../pim/model';
import type { Approval } from '../pim/approvals';
import { approvalNotification } from './approval-notices';
import type { ActivityEntry, AuthState, Observed } from '../storage';
import {
  DAY,
  daysLeft,
  eligibilityEndsSoon,
  formatDay,
  formatMoment,
  MINUTE,
  parseTime,
  type TimeFormat,
} from '../pim/time';
import { plural, type Translate } from '../i18n';
import { warnAlarm, type DueWarning } from './schedule';

export type NotifyEvent =
  | { kind: 'warn'; warning: DueWarning }
  | { kind: 'approved'; key: string; name: string; end: string | null }
  | { kind: 'denied'; key: string; name: string }
  /** A request for a later start left the approval queue: approved (it will start) or denied; we cannot tell yet. */
  | { kind: 'decided'; key: string; name: string; start: string }
  | { kind: 'started'; key: string; name: string; end: string | null }
  | { kind: 'eligibility'; key: string; name: string; end: string }
  /** A request from someone else now waits for the user's approval (issue 15). */
  | { kind: 'approval'; approval: Approval }
  | { kind: 'signIn' };

/** A request whose start is further away than this counts as scheduled for later, not "now". */
const LATER_MS = 5 * MINUTE;
/** How long after its start an awaited activation is given to show up before we stop waiting for it. */
const AWAIT_GRACE_MS = 60 * MINUTE;

function sectionsOk(snapshot: Snapshot, key: string): boolean {
  const kind = key.startsWith('group:') ? 'group' : key.startsWith('azure:') ? 'azure' : 'role';
  return !snapshot.sections[`${kind}Pending`]?.error && !snapshot.sections[`${kind}Active`]?.error;
}

function latest(
  activity: readonly ActivityEntry[],
  key: string,
  action: ActivityEntry['action'],
): ActivityEntry | undefined {
  return activity.find((e) => e.key === key && e.action === action); // activity is newest first
}

/** An activation the user scheduled for later from this extension (the request came back Granted, before the start). */
function scheduledByUs(a: Assignment, activity: readonly ActivityEntry[]): boolean {
  const entry = latest(activity, a.key, 'activate');
  const start = parseTime(a.startDateTime);
  const at = parseTime(entry?.at ?? null);
  return entry?.outcome === 'Granted' && start !== null && at !== null && at < start - MINUTE;
}

export function observeChanges(args: {
  previous: Observed | null;
  /** The signed-in account's snapshot (null when signed out or it belongs to someone else). */
  snapshot: Snapshot | null;
  auth: AuthState;
  activity: readonly ActivityEntry[];
  nowMs: number;
  notified: Readonly<Record<string, string>>;
}): { events: NotifyEvent[]; observed: Observed; record: string[] } {
  const { previous, snapshot, activity } = args;
  const pimNow = args.nowMs + (snapshot?.clockSkewMs ?? 0);
  const nowIso = new Date(args.nowMs).toISOString();
  const observed: Observed = {
    principalId: snapshot?.principalId ?? null,
    authStatus: args.auth.status,
    pending: {},
    active: {},
    awaiting: {},
  };
  const events: NotifyEvent[] = [];
  const record: string[] = [];

  if (previous && previous.authStatus !== 'renewal-required' && args.auth.status === 'renewal-required')
    events.push({ kind: 'signIn' });
  if (!snapshot) return { events, observed, record };

  for (const a of snapshot.assignments) {
    if (a.state === 'pending')
      observed.pending[a.key] = {
        name: a.displayName,
        start: a.startDateTime,
        seenAt: previous?.pending[a.key]?.seenAt ?? nowIso,
      };
    if (a.state === 'active') observed.active[a.key] = { name: a.displayName, end: a.endDateTime };
  }

  for (const a of snapshot.assignments) {
    if (a.state !== 'eligible' || !a.endDateTime || !eligibilityEndsSoon(a.endDateTime, pimNow)) continue;
    const dedupe = `eligibility:${a.key}`;
    const last = parseTime(args.notified[dedupe] ?? null);
    if (last !== null && args.nowMs - last < DAY) continue;
    events.push({ kind: 'eligibility', key: a.key, name: a.displayName, end: a.endDateTime });
    record.push(dedupe);
  }

  // First look, or another account: remember, announce nothing (it is not news to the user).
  if (!previous || previous.principalId !== observed.principalId) return { events, observed, record };

  const announced = new Set<string>();
  for (const [key, was] of Object.entries(previous.pending)) {
    if (key in observed.pending) continue;
    if (!sectionsOk(snapshot, key)) {
      observed.pending[key] = was; // part of the read failed: decide next time, with the whole picture
      continue;
    }
    const now = observed.active[key];
    const before = previous.active[key];
    const start = parseTime(was.start);
    if (now && (!before || before.end !== now.end)) {
      events.push({ kind: 'approved', key, name: now.name, end: now.end });
      announced.add(key);
    } else if (was.start && start !== null && start > pimNow + LATER_MS) {
      events.push({ kind: 'decided', key, name: was.name, start: was.start });
      observed.awaiting[key] = { name: was.name, start: was.start };
    } else {
      const cancel = latest(activity, key, 'cancel');
      const cancelledByUs = cancel && (parseTime(cancel.at) ?? 0) >= (parseTime(was.seenAt) ?? 0) - MINUTE;
      if (!cancelledByUs) events.push({ kind: 'denied', key, name: was.name });
    }
  }

  for (const a of snapshot.assignments) {
    if (a.state !== 'active' || a.key in previous.active || announced.has(a.key) || a.key in previous.pending) continue;
    if (a.key in previous.awaiting || scheduledByUs(a, activity)) {
      events.push({ kind: 'started', key: a.key, name: a.displayName, end: a.endDateTime });
      announced.add(a.key);
    }
  }

  for (const [key, wait] of Object.entries(previous.awaiting)) {
    if (announced.has(key) || key in observed.awaiting) continue;
    if ((parseTime(wait.start) ?? 0) + AWAIT_GRACE_MS > pimNow) observed.awaiting[key] = wait;
  }
  return { events, observed, record };
}

/** The title of the notice after an Extend / Deactivate button on a notification failed. */
export function commandFailedTitle(command: 'extend' | 'deactivate', name: string, tr: Translate): string {
  return command === 'extend' ? tr('notifyCommandFailedExtend', name) : tr('notifyCommandFailedDeactivate', name);
}

export interface NotificationSpec {
  id: string;
  options: Browser.notifications.NotificationCreateOptions;
}

export interface NotificationEnv {
  iconUrl: string;
  /** Chromium: Extend / Deactivate buttons. Firefox has none (a click opens the popup instead). */
  buttons: boolean;
  format: TimeFormat;
  nowMs: number;
  skewMs: number;
  /** The messages (lib/i18n's t); dates and times follow `format.locale`. */
  tr: Translate;
}

/** Self-activated, directly held activations are the ones the user can extend or deactivate themselves. */
export function selfManaged(a: Pick<Assignment, 'memberType' | 'assignmentType'>): boolean {
  return a.memberType === 'direct' && a.assignmentType === 'Activated';
}

export function notificationFor(event: NotifyEvent, env: NotificationEnv): NotificationSpec {
  const { tr } = env;
  const base = { type: 'basic' as const, iconUrl: env.iconUrl };
  const local = (iso: string) => formatMoment(parseTime(iso)! - env.skewMs, env.nowMs, env.format);
  switch (event.kind) {
    case 'warn': {
      const { assignment: a, lead, leftMs } = event.warning;
      const minutes = Math.round(leftMs / MINUTE);
      const title =
        minutes < 1 ? tr('notifyWarnTitleUnderMinute', a.displayName) : tr('notifyWarnTitle', a.displayName, minutes);
      const buttons = env.buttons && selfManaged(a);
      const message = tr(buttons ? 'notifyWarnMessageButtons' : 'notifyWarnMessageClick', local(a.endDateTime!));
      return {
        id: warnAlarm(a.key, lead),
        options: {
          ...base,
          title,
          message,
          // Chromium only: Firefox rejects options it does not know.
          ...(buttons
            ? { buttons: [{ title: tr('notifyExtend') }, { title: tr('notifyDeactivate') }], requireInteraction: true }
            : {}),
        },
      };
    }
    case 'approved': {
      const message = event.end ? tr('notifyApprovedMessageUntil', local(event.end)) : tr('notifyApprovedMessage');
      return {
        id: `request:${event.key}`,
        options: { ...base, title: tr('notifyApprovedTitle', event.name), message },
      };
    }
    case 'denied':
      return {
        id: `request:${event.key}`,
        options: { ...base, title: tr('notifyDeniedTitle', event.name), message: tr('notifyDeniedMessage') },
      };
    case 'decided':
      return {
        id: `request:${event.key}`,
        options: {
          ...base,
          title: tr('notifyDecidedTitle', event.name),
          message: tr('notifyDecidedMessage', local(event.start)),
        },
      };
    case 'started': {
      const message = event.end ? tr('notifyStartedMessageUntil', local(event.end)) : tr('notifyStartedMessage');
      return { id: `started:${event.key}`, options: { ...base, title: tr('notifyStartedTitle', event.name), message } };
    }
    case 'eligibility': {
      const days = daysLeft(event.end, env.nowMs + env.skewMs) ?? 0;
      const title =
        days <= 1
          ? tr('notifyEligibilityTitleWithinDay', event.name)
          : plural(tr, 'notifyEligibilityTitle', days, event.name);
      const day = formatDay(parseTime(event.end)! - env.skewMs, env.nowMs, env.format);
      return {
        id: `eligibility:${event.key}`,
        options: { ...base, title, message: tr('notifyEligibilityMessage', day) },
      };
    }
    case 'approval':
      return approvalNotification(event.approval, env);
    case 'signIn':
      return {
        id: 'signin',
        options: {
          ...base,
          title: tr('notifySignInTitle'),
          message: tr('notifySignInMessage'),
          ...(env.buttons ? { requireInteraction: true } : {}),
        },
      };
  }
}

/** What a click on a notification is about: a row of the popup, a request waiting for approval, or signing in. */
export type NotificationTarget =
  { kind: 'row'; key: string } | { kind: 'approval'; requestId: string } | { kind: 'signIn' };

/**
 * Notification ids carry their account (issue 16): `<account id>/<id>`, so a click or a button acts for the account the
 * notice was about. `splitScoped` reads an id back (null account: an id from before accounts, or not ours).
 */
export const scopedId = (accountId: string, id: string): string => `${accountId}/${id}`;
export function splitScoped(id: string): { accountId: string | null; id: string } {
  const m = /^([a-z0-9][a-z0-9-]{0,39})\/(.+)$/.exec(id);
  return m ? { accountId: m[1]!, id: m[2]! } : { accountId: null, id };
}

export function notificationTarget(scoped: string): (NotificationTarget & { accountId: string | null }) | null {
  const { accountId, id } = splitScoped(scoped);
  const target = unscopedTarget(id);
  return target ? { ...target, accountId } : null;
}

function unscopedTarget(id: string): NotificationTarget | null {
  if (id === 'signin') return { kind: 'signIn' };
  const approval = /^approval:(.+)$/.exec(id);
  if (approval) return { kind: 'approval', requestId: approval[1]! };
  const warn = /^warn:(.+):\d+(?:\.\d+)?$/.exec(id);
  if (warn) return { kind: 'row', key: warn[1]! };
  const other = /^(?:request|started|eligibility|command):(.+)$/.exec(id);
  return other ? { kind: 'row', key: other[1]! } : null;
}

/** The warnings on screen that no longer apply (ended, deactivated, extended past the lead): they are taken down. */
export function staleWarnings(shownIds: readonly string[], snapshot: Snapshot | null, nowMs: number): string[] {
  const pimNow = nowMs + (snapshot?.clockSkewMs ?? 0);
  return shownIds.filter((id) => {
    const m = /^warn:(.+):(\d+(?:\.\d+)?)$/.exec(id);
    if (!m) return false;
    const a = snapshot?.assignments.find((x) => x.key === m[1] && x.state === 'active');
    const end = parseTime(a?.endDateTime ?? null);
    return end === null || end <= pimNow || end - pimNow > Number(m[2]) * MINUTE + MINUTE;
  });
}
