/**
 * What the portal badge shows, as data: the assignments that matter on this portal, what each one offers
 * (Deactivate, Extend, Activate) and whether the page needs its one-second timer. Pure: takes `now`.
 */
import type { PortalCommandResult } from '../messaging';
import type { Assignment } from '../pim/model';
import { relevantAssignments, type Portal, type PortalPref } from '../pim/portals';
import { canDeactivate, type CanDeactivate } from '../pim/deactivate';
import { MINUTE, endsInFuture, parseTime } from '../pim/time';
import type { PortalCommand } from './client';

/** Below this much time left the countdown turns to the warning colour and Extend is offered. */
export const DEFAULT_WARN_MS = 10 * MINUTE;

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
  /** Something relevant counts down: the page runs its one timer (while visible). */
  ticking: boolean;
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
  return {
    items: shown.map((a) => item(a, now, warnMs)),
    ticking: shown.some((a) => a.state === 'active' && endsInFuture(a.endDateTime, now)),
    needsReload: shown.some((a) => a.state === 'active' && (parseTime(a.startDateTime) ?? -Infinity) > pageLoadedAt),
  };
}

/** What the badge says after a command: its outcome, or the background's sentence when it failed or was refused. */
export type BadgeNotice =
  | { kind: 'outcome'; command: PortalCommand; outcome: PortalCommandResult['outcome'] }
  | { kind: 'error'; message: string };
