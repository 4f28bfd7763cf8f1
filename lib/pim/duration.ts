/**
 * ISO-8601 durations as PIM uses them (PT8H, PT1H45M, PT30M, P1D, P365D) and the activation-length picker's maths.
 * Everything works in minutes internally: PIM policies are set in minutes/hours, and a number is easy to clamp.
 * DurationError's English text is for developers and logs (PIM sends well-formed durations; the UI offers presets and
 * minute fields, never a free ISO field); what users read comes from formatMinutes through the messages files.
 */
import { plural, type Translate } from '../i18n';

export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

/** PnW, PnD, T, nH, nM, nS; fractions allowed on the smallest unit (PT1.5H). Years and months have no fixed length. */
const ISO_DURATION =
  /^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

const MINUTES = { week: 7 * 24 * 60, day: 24 * 60, hour: 60, minute: 1, second: 1 / 60 } as const;

/** The activation lengths the picker offers before the policy maximum filters them. */
export const DURATION_PRESETS_MINUTES: readonly number[] = [30, 60, 120, 240, 480];

/**
 * Graph's default maximum activation (Expiration_EndUser_Assignment.maximumDuration), used when the policy is unknown.
 */
export const DEFAULT_MAX_MINUTES = 8 * 60;

/**
 * Parse an ISO-8601 duration into minutes (fractional when seconds are given). Throws DurationError with a sentence
 * that says what was wrong and what a valid value looks like.
 */
export function parseDuration(iso: string): number {
  const text = iso.trim();
  const example = 'Use an ISO-8601 duration such as PT30M, PT1H45M, PT8H or P1D.';
  const m = ISO_DURATION.exec(text);
  // "P" and "PT" alone match the pattern with every part empty; a trailing T with nothing after it is also invalid.
  if (!m || /T$/i.test(text) || m.slice(1).every((g) => g === undefined)) {
    if (/^P[\d.,]+[YM]/i.test(text) && !/^PT/i.test(text)) {
      throw new DurationError(`"${iso}" uses years or months, which have no fixed length. ${example}`);
    }
    throw new DurationError(`"${iso}" is not a duration. ${example}`);
  }
  const [, w, d, h, min, s] = m;
  const num = (g: string | undefined) => (g === undefined ? 0 : Number(g.replace(',', '.')));
  return (
    num(w) * MINUTES.week +
    num(d) * MINUTES.day +
    num(h) * MINUTES.hour +
    num(min) * MINUTES.minute +
    num(s) * MINUTES.second
  );
}

export type ParsedDuration = { ok: true; minutes: number } | { ok: false; error: string };

export function safeParseDuration(iso: string): ParsedDuration {
  try {
    return { ok: true, minutes: parseDuration(iso) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

export function isDuration(iso: string): boolean {
  return safeParseDuration(iso).ok;
}

/**
 * Whole minutes → ISO-8601: P1D, P1DT2H30M, PT8H, PT1H45M, PT30M. Rounds to the minute (PIM works in minutes).
 * Throws DurationError for zero, negative or non-finite input: an activation must last some time.
 */
export function minutesToIso(minutes: number): string {
  if (!Number.isFinite(minutes) || Math.round(minutes) <= 0) {
    throw new DurationError(`A duration must be at least one minute (got ${minutes}).`);
  }
  let rest = Math.round(minutes);
  const days = Math.floor(rest / MINUTES.day);
  rest -= days * MINUTES.day;
  const hours = Math.floor(rest / MINUTES.hour);
  const mins = rest - hours * MINUTES.hour;
  const date = days > 0 ? `${days}D` : '';
  const time = `${hours > 0 ? `${hours}H` : ''}${mins > 0 ? `${mins}M` : ''}`;
  return `P${date}${time ? `T${time}` : ''}`;
}

/**
 * "30 min", "1 h", "1 h 45 min", "1 day", "365 days" in `tr`'s language: how the UI and the error sentences say a
 * length.
 */
export function formatMinutes(minutes: number, tr: Translate): string {
  const total = Math.max(0, Math.round(minutes));
  if (total >= MINUTES.day && total % MINUTES.day === 0) return plural(tr, 'durationDays', total / MINUTES.day);
  const hours = Math.floor(total / 60);
  const mins = total % 60;
  if (hours === 0) return tr('actDurationMinutes', mins);
  return mins === 0 ? tr('actDurationHours', hours) : tr('actDurationHoursMinutes', hours, mins);
}

/** ISO duration → "1 h 45 min"; garbage is shown as typed rather than thrown into the UI. */
export function formatDuration(iso: string, tr: Translate): string {
  const parsed = safeParseDuration(iso);
  return parsed.ok ? formatMinutes(parsed.minutes, tr) : iso;
}

/** Whole minutes between 1 and `maxMinutes` (a longer request would fail PIM's ExpirationRule). */
export function clampMinutes(minutes: number, maxMinutes: number): number {
  const max = Math.max(1, Math.floor(maxMinutes));
  if (!Number.isFinite(minutes)) return max;
  return Math.min(max, Math.max(1, Math.round(minutes)));
}

/** The same clamp on ISO strings; returns ISO. */
export function clampDuration(iso: string, maxIso: string): string {
  return minutesToIso(clampMinutes(parseDuration(iso), parseDuration(maxIso)));
}

/**
 * The presets no longer than the policy maximum, plus the maximum itself when it is not a preset (so a PT1H45M policy
 * offers 30 min, 1 h and 1 h 45 min; policies are often not whole hours).
 */
export function durationPresets(maxMinutes: number): number[] {
  const max = Math.max(1, Math.floor(maxMinutes));
  const fitting = DURATION_PRESETS_MINUTES.filter((p) => p <= max);
  return fitting.includes(max) ? fitting : [...fitting, max];
}
