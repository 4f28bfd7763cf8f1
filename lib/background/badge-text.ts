/**
 * The toolbar badge's words for the time left, and when they next change: exact to the minute in the last 15 minutes,
 * coarser before, so the worker wakes only when the text changes (lib/background/schedule.ts `badge` alarm).
 */
import { DAY, HOUR, MINUTE } from '../pim/time';

/** Below this much time left the toolbar counts every minute. */
export const EXACT_BADGE_MS = 15 * MINUTE;

/** The unit the toolbar text counts in at `leftMs` left (see badgeText). */
function badgeStep(leftMs: number): number {
  if (leftMs < EXACT_BADGE_MS) return MINUTE;
  if (leftMs < HOUR) return 15 * MINUTE;
  if (leftMs < DAY) return HOUR;
  return DAY;
}

/**
 * "<1m", "9m", "30m", "3h", "2d": floored to its step (minutes below 15, quarter hours below an hour), so the badge
 * never claims more time than is left; at most 3 characters.
 */
export function badgeText(leftMs: number): string {
  if (leftMs < MINUTE) return '<1m';
  const step = badgeStep(leftMs);
  if (step < HOUR) return `${Math.floor(leftMs / step) * (step / MINUTE)}m`;
  if (step === HOUR) return `${Math.floor(leftMs / HOUR)}h`;
  return `${Math.min(99, Math.floor(leftMs / DAY))}d`;
}

/**
 * Ms until badgeText(leftMs) says something else, or the colour turns at `warnMs`: the moment the `badge` alarm is
 * for. Under a minute the text stays "<1m" until the end (the `end` alarm's refresh clears it).
 */
export function badgeChangeIn(leftMs: number, warnMs: number): number {
  if (leftMs <= MINUTE) return Math.max(0, leftMs);
  // Floored text changes just after each multiple of its step (at exactly 42:00 left it still says 42m).
  const toText = (leftMs % badgeStep(leftMs)) + 1;
  return leftMs >= warnMs ? Math.min(toText, leftMs - warnMs + 1) : toText;
}
