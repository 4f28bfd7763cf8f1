/**
 * The stand-in's virtual clock. Everything time-dependent (token expiry, schedule instances, the 24 h refresh-token
 * window) reads this clock, never Date.now(), so tests can jump hours ahead in a millisecond.
 * The clock runs: it keeps an offset from the real clock, so "now" still moves while a browser test waits.
 */
export class Clock {
  private offsetMs: number;

  constructor(start?: Date) {
    this.offsetMs = start ? start.getTime() - Date.now() : 0;
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  iso(): string {
    return this.now().toISOString();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
}

const RELATIVE = /^([+-])\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "+40m", "-20m", "+10d" relative to `base`, or an absolute ISO string. Throws on anything else. */
export function resolveTime(value: string, base: Date): Date {
  const m = RELATIVE.exec(value.trim());
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    return new Date(base.getTime() + sign * Number(m[2]) * UNIT_MS[m[3]!]!);
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`Not a time: ${JSON.stringify(value)} (use ISO 8601 or +40m / -2h / +10d)`);
  return new Date(t);
}

const ISO_DURATION =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** ISO-8601 duration (PT8H, PT1H45M, P365D) in milliseconds; null when it does not parse. */
export function parseDuration(value: string): number | null {
  const m = ISO_DURATION.exec(value.trim());
  if (!m || value.trim().toUpperCase() === 'P' || value.trim().toUpperCase() === 'PT') return null;
  const [, w, d, h, min, s] = m;
  const n = (x: string | undefined) => (x ? Number(x) : 0);
  return n(w) * 604_800_000 + n(d) * 86_400_000 + n(h) * 3_600_000 + n(min) * 60_000 + n(s) * 1000;
}
