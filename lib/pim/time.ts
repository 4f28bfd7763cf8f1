/**
 * Time maths and formatting for what the UI shows about an assignment: time left, "until 14:35", "eligible until 3
 * Dec". Pure: every function takes `now` (ms since the epoch) and, where it produces text, a locale (and optionally a
 * time zone, so tests and the benchmark are deterministic). Words ("min left") are not produced here: the UI translates
 * the structured results with t(); only dates and clock times come from Intl, which knows the user's conventions.
 */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Below this, the popup's countdown shows mm:ss: the last minutes are when seconds matter. */
export const CLOCK_THRESHOLD_MS = 10 * MINUTE;

/** An eligibility ending within this many days gets a warning: the admin needs time to ask for a renewal. */
export const ELIGIBILITY_WARNING_DAYS = 14;

export interface TimeFormat {
  locale: string;
  /** IANA zone; the runtime's zone when absent. */
  timeZone?: string;
}

export type TimeLeft =
  | { kind: 'ended' }
  /** Minute resolution only: less than a minute left ("<1 min left"). */
  | { kind: 'underMinute' }
  /** Seconds resolution under 10 minutes: "09:59". */
  | { kind: 'clock'; text: string }
  | { kind: 'minutes'; minutes: number }
  | { kind: 'hours'; hours: number; minutes: number };

export function parseTime(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * What is left until `end`. With `seconds` (the popup, which ticks every second) the last 10 minutes show as mm:ss;
 * without (places that refresh once a minute) the last minute is "<1 min". Whole units are floored so the display
 * never claims more time than is left. Null when there is no end (permanent).
 */
export function timeLeft(
  end: string | null,
  now: number,
  options: { seconds: boolean; clockBelowMs?: number },
): TimeLeft | null {
  const endMs = parseTime(end);
  if (endMs === null) return null;
  const left = endMs - now;
  if (left <= 0) return { kind: 'ended' };
  if (options.seconds && left < (options.clockBelowMs ?? CLOCK_THRESHOLD_MS)) {
    const totalSeconds = Math.floor(left / SECOND);
    const mm = String(Math.floor(totalSeconds / 60)).padStart(2, '0');
    const ss = String(totalSeconds % 60).padStart(2, '0');
    return { kind: 'clock', text: `${mm}:${ss}` };
  }
  if (left < MINUTE) return { kind: 'underMinute' };
  const totalMinutes = Math.floor(left / MINUTE);
  if (totalMinutes < 60) return { kind: 'minutes', minutes: totalMinutes };
  return { kind: 'hours', hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60 };
}

/** Whether a ticking countdown is needed at all: something ends and has not ended yet. */
export function endsInFuture(end: string | null, now: number): boolean {
  const endMs = parseTime(end);
  return endMs !== null && endMs > now;
}

/**
 * Intl.DateTimeFormat instances by locale, zone and options. Building one costs far more than formatting with it
 * (tens of microseconds: the locale data is resolved each time), and the popup formats a date on each of hundreds of
 * rows: without the cache, re-rendering 500 eligible rows spent ~200 ms building formatters (issue 18).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, zone: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${locale}|${zone ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(id);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    formatters.set(id, f);
  }
  return f;
}

/**
 * Calendar day (yyyy-mm-dd) of an instant in the format's zone, to compare days without the runtime's zone leaking in.
 */
function dayOf(ms: number, format: TimeFormat): string {
  return formatter('en-CA', format.timeZone, { year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

function yearOf(ms: number, format: TimeFormat): string {
  return formatter('en-CA', format.timeZone, { year: 'numeric' }).format(ms);
}

/** "14:35" (or "2:35 PM", as the locale writes it). */
export function formatClock(ms: number, format: TimeFormat): string {
  return formatter(format.locale, format.timeZone, { timeStyle: 'short' }).format(ms);
}

/** "3 Dec", with the year when it is not this year. */
export function formatDay(ms: number, now: number, format: TimeFormat): string {
  const sameYear = yearOf(ms, format) === yearOf(now, format);
  return formatter(format.locale, format.timeZone, {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(ms);
}

/** A moment near now: "14:35" today, "3 Dec, 14:35" on another day. */
export function formatMoment(ms: number, now: number, format: TimeFormat): string {
  if (dayOf(ms, format) === dayOf(now, format)) return formatClock(ms, format);
  return `${formatDay(ms, now, format)}, ${formatClock(ms, format)}`;
}

/** Whole days left until `end`, rounded up (ends in 30 hours → 2 days); null when there is no end. */
export function daysLeft(end: string | null, now: number): number | null {
  const endMs = parseTime(end);
  if (endMs === null) return null;
  return Math.max(0, Math.ceil((endMs - now) / DAY));
}

/** An eligibility that ends within the warning window (and has not ended). */
export function eligibilityEndsSoon(end: string | null, now: number, days = ELIGIBILITY_WARNING_DAYS): boolean {
  const endMs = parseTime(end);
  return endMs !== null && endMs > now && endMs - now <= days * DAY;
}

/** Whether data fetched at `fetchedAt` is older than `maxAgeMs` (or missing / unreadable, which counts as stale). */
export function isStale(fetchedAt: string | null | undefined, now: number, maxAgeMs: number): boolean {
  const at = parseTime(fetchedAt ?? null);
  return at === null || now - at > maxAgeMs;
}
