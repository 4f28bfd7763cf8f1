/**
 * When to try a failed background refresh again. The Graph client's RetryHandler already waits out short Retry-After
 * values (a few seconds, fractional too) inside the call; what reaches us here failed beyond that, so the next attempt
 * is an alarm (a worker may die while waiting), exponentially later each time, never earlier than the server asked.
 */
import { errorCodeOf } from '../auth/errors';
import { GraphRequestError } from '../graph/errors';

export const BACKOFF = {
  /** First retry after this; doubles per failed attempt. */
  baseMs: 30_000,
  /** No wait longer than this (the default periodic refresh) unless the server asks for more. */
  maxMs: 15 * 60_000,
  /** After this many failures in a row, stop retrying until something else triggers a refresh. */
  maxAttempts: 8,
} as const;

export interface RetryDecision {
  retry: boolean;
  /** Seconds the server asked us to wait (Retry-After), fractional allowed. */
  retryAfterSeconds?: number;
  offline: boolean;
}

/** Which failures are worth retrying on our own: no answer at all, throttling, and server errors. */
export function classifyFailure(error: unknown): RetryDecision {
  if (error instanceof GraphRequestError) {
    const { status, retryAfterSeconds } = error.error;
    const retry = status === 0 || status === 429 || status >= 500;
    return { retry, offline: status === 0, ...(retry && retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  // fetch rejects with a TypeError when the network is down; the token provider says 'offline' when Entra is
  // unreachable. A sign-in problem (SignInRequiredError) is not retried: only the user can fix it.
  if (error instanceof TypeError || errorCodeOf(error) === 'offline') return { retry: true, offline: true };
  return { retry: false, offline: false };
}

/**
 * The wait before attempt number `attempt` (1 = the first retry): base·2^(attempt−1) capped at maxMs, and at least the
 * server's Retry-After (kept to the millisecond: 2.5 s is 2500 ms, not rounded to whole seconds).
 */
export function retryDelayMs(
  attempt: number,
  retryAfterSeconds?: number,
  options: Partial<Record<keyof typeof BACKOFF, number>> = {},
): number {
  const base = options.baseMs ?? BACKOFF.baseMs;
  const max = options.maxMs ?? BACKOFF.maxMs;
  const exponential = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const asked =
    retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0
      ? Math.ceil(retryAfterSeconds * 1000)
      : 0;
  return Math.max(exponential, asked);
}
