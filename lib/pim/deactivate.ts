/**
 * The self-deactivation rule, on its own and free of zod so the portal content script (15 kB budget) can use it;
 * lib/pim/requests.ts re-exports it.
 */
import type { Assignment } from './model';

/** PIM refuses to deactivate within five minutes of the start (ActiveDurationTooShort). */
export const DEACTIVATE_FLOOR_MS = 5 * 60_000;

export type CanDeactivate =
  { ok: true } | { ok: false; reason: 'not-activated' | 'via-group' | 'too-soon'; availableAt?: string };

/** Only a direct, self-activated assignment may be self-deactivated, and only 5 minutes after it started. */
export function canDeactivate(
  a: Pick<Assignment, 'state' | 'assignmentType' | 'memberType' | 'startDateTime'>,
  now: Date,
): CanDeactivate {
  if (a.state !== 'active' || a.assignmentType !== 'Activated') return { ok: false, reason: 'not-activated' };
  if (a.memberType !== 'direct') return { ok: false, reason: 'via-group' };
  const start = a.startDateTime ? Date.parse(a.startDateTime) : Number.NaN;
  // Unknown start: let PIM decide rather than hide the button forever.
  if (Number.isNaN(start)) return { ok: true };
  const at = start + DEACTIVATE_FLOOR_MS;
  return now.getTime() >= at
    ? { ok: true }
    : { ok: false, reason: 'too-soon', availableAt: new Date(at).toISOString() };
}
