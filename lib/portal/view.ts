/**
 * What the portal badge shows, as data: the assignments that matter on this portal, what each one offers
 * (Deactivate, Extend, Activate) and when its text next changes (the page's one timer). Pure: takes `now`.
 */
import type { PortalCommandResult } from '../messaging';
import type { Assignment } from '../pim/model';
import { relevantAssignments, type Portal, type PortalPref } from '../pim/portals';
import { canDeactivate, type CanDeactivate } from '../pim/deactivate';
import { MINUTE, SECOND, parseTime, timeLeft, type TimeLeft } from '../pim/time';
import type { PortalCommand } from './client';

/** Below this much time left the countdown turns to the warning colour and Extend is offered. */
export const DEFAULT_WARN_MS = 10 * MINUTE;

/**
 * The badge counts down in minutes and shows seconds only in the last minute: a page that shows an hour's countdown is
 * woken once a minute (the popup, open for a moment, shows seconds for the last ten).
 */
export const BADGE_CLOCK_MS = MINUTE;

/** Time left as the badge says it. */
export function badgeTimeLeft(end: string | null, now: number): TimeLeft | null {
  return timeLeft(end, now, { seconds: true, clockBelowMs: BADGE_CLOCK_MS });
}

/** Ms from `now` until the countdown to `endMs` (badgeTimeLeft) says something else; null once it has ended. */
function countdownChangeIn(endMs: number, now: number): number | null {
  const left = endMs - now;
  if (left <= 0) return null;
  const step = left <= BADGE_CLOCK_MS ? SECOND : MINUTE;
  return (left % step) + 1;
}

/**
 * When the badge's items next look different with nothing but time passing: a countdown's minute (or second, in the
 * last minute), the warning threshold (colour, Extend), PIM's 5-minute floor on Deactivate, the end. Null: never.
 */
export function nextChangeIn(items: readonly BadgeItem[], now: number, warnMs: number): number | null {
  const due: number[] = [];
  for (const i of items) {
    if (i.state !== 'active') continue;
    const end = parseTime(i.endDateTime);
    if (end !== null) {
      const c = countdownChangeIn(end, now);
      if (c !== null) due.push(c);
      if (end - now > warnMs) due.push(end - now - warnMs + 1);
    }
    const available = i.deactivate && !i.deactivate.ok ? parseTime(i.deactivate.availableAt ?? null) : null;
    if (available !== null) {
      const c = countdownChangeIn(available, now);
      if (c !== null) due.push(c);
    }
  }
  return due.length > 0 ? Math.min(...due) : null;
}

/** The fields of an Assignment the badge reads (lib/portal/store.ts parses exactly these from storage). */
export type BadgeAssignment = Pick<
  Assignment,
  | 'key'
  | 'kind'
  | 'state'
  | 'targetId'
  | 'displayName'
  | 'grants'
  | 'assignmentType'
  | 'memberType'
  | 'viaGroupName'
  | 'scopeName'
  | 'startDateTime'
  | 'endDateTime'
>;

/** An assignment as the badge shows it: what it is, how it is held, and what can be done about it. */
export interface BadgeItem extends BadgeAssignment {
  /** Held through a group: its name, '' when the group is not known by name; null when held directly. */
  via: string | null;
  /** Active items only; null when the item cannot be deactivated from here at all (standing, via a group). */
  deactivate: CanDeactivate | null;
  /** Near the end of a self-activation: a new activation can start where this one ends. */
  extendable: boolean;
}

export interface BadgeModel {
  items: BadgeItem[];
  /** Ms until the badge must paint again with nothing else changing (nextChangeIn); null: nothing counts down. */
  nextChangeInMs: number | null;
  /** A relevant assignment became active after the page loaded: portals cache roles until a reload. */
  needsReload: boolean;
}

const STATE_ORDER = { active: 0, pending: 1, eligible: 2 } as const;

function endMs(a: Pick<Assignment, 'endDateTime'>): number {
  return parseTime(a.endDateTime) ?? Number.POSITIVE_INFINITY;
}

/**
 * An eligibility is not worth an Activate button when the same target is already active or requested, or (roles) when
 * the role is already in force through a group.
 */
function covered(e: BadgeAssignment, busy: readonly BadgeAssignment[]): boolean {
  return busy.some(
    (a) =>
      a.key === e.key || (e.kind === 'role' && a.kind === 'role' && a.state === 'active' && a.targetId === e.targetId),
  );
}

function item(a: BadgeAssignment, now: number, warnMs: number): BadgeItem {
  const selfActivated = a.state === 'active' && a.assignmentType === 'Activated' && a.memberType === 'direct';
  const end = endMs(a);
  return {
    ...a,
    via: a.memberType === 'direct' ? null : (a.viaGroupName ?? ''),
    deactivate: selfActivated ? canDeactivate(a, new Date(now)) : null,
    extendable: selfActivated && end > now && end - now <= warnMs,
  };
}

export function badgeModel(args: {
  assignments: readonly BadgeAssignment[];
  portal: Portal;
  pref: PortalPref;
  now: number;
  /** When the content script started: activations after it are not in the page's cached roles yet. */
  pageLoadedAt: number;
  warnMs?: number;
}): BadgeModel {
  const { now, pageLoadedAt } = args;
  const warnMs = args.warnMs ?? DEFAULT_WARN_MS;
  const relevant = relevantAssignments(args.assignments, args.portal, args.pref).filter(
    (a) => a.state !== 'active' || a.endDateTime === null || endMs(a) > now,
  );
  const inForce = relevant.filter((a) => a.state !== 'eligible');
  const shown = relevant.filter((a) => a.state !== 'eligible' || !covered(a, inForce));
  shown.sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      (a.state === 'active' ? endMs(a) - endMs(b) : 0) ||
      // A group before the roles held through it (they end together).
      Number(a.memberType !== 'direct') - Number(b.memberType !== 'direct') ||
      a.displayName.localeCompare(b.displayName),
  );
  const items = shown.map((a) => item(a, now, warnMs));
  return {
    items,
    nextChangeInMs: nextChangeIn(items, now, warnMs),
    needsReload: shown.some((a) => a.state === 'active' && (parseTime(a.startDateTime) ?? -Infinity) > pageLoadedAt),
  };
}

/** What the badge says after a command: its outcome, or the background's sentence when it failed or was refused. */
export type BadgeNotice =
  | { kind: 'outcome'; command: PortalCommand; outcome: PortalCommandResult['outcome'] }
  | { kind: 'error'; message: string };
