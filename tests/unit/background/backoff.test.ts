import { describe, expect, it } from 'vitest';
import { BACKOFF, classifyFailure, retryDelayMs } from '../../../lib/background/backoff';
import { GraphRequestError } from '../../../lib/graph/errors';

const graphError = (status: number, retryAfterSeconds?: number) =>
  new GraphRequestError({
    status,
    code: status === 429 ? 'TooManyRequests' : '',
    message: 'x',
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });

describe('retryDelayMs', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [5, 480_000],
    [6, 900_000],
    [20, 900_000],
  ])('attempt %i waits %i ms without Retry-After', (attempt, ms) => {
    expect(retryDelayMs(attempt)).toBe(ms);
  });

  it('never retries before a fractional Retry-After, kept to the millisecond', () => {
    expect(retryDelayMs(1, 90.25)).toBe(90_250);
    expect(retryDelayMs(1, 2.5, { baseMs: 1_000 })).toBe(2_500);
    expect(retryDelayMs(1, 0.0004, { baseMs: 0 })).toBe(1);
  });

  it('a longer exponential wait wins over a short Retry-After; a long Retry-After goes past the cap', () => {
    expect(retryDelayMs(3, 2.5)).toBe(120_000);
    expect(retryDelayMs(8, 3600)).toBe(3_600_000);
    expect(BACKOFF.maxAttempts).toBeGreaterThan(3);
  });

  it('ignores a meaningless Retry-After', () => {
    expect(retryDelayMs(1, Number.NaN)).toBe(30_000);
    expect(retryDelayMs(1, -3)).toBe(30_000);
  });
});

describe('classifyFailure', () => {
  it.each([
    ['offline (no answer)', graphError(0), { retry: true, offline: true }],
    ['throttled with Retry-After', graphError(429, 2.5), { retry: true, offline: false, retryAfterSeconds: 2.5 }],
    ['server error', graphError(503), { retry: true, offline: false }],
    ['bad gateway with Retry-After', graphError(502, 10), { retry: true, offline: false, retryAfterSeconds: 10 }],
    ['expired sign-in', graphError(401), { retry: false, offline: false }],
    ['missing consent', graphError(403), { retry: false, offline: false }],
    ['fetch TypeError', new TypeError('Failed to fetch'), { retry: true, offline: true }],
    ['anything else', new Error('sign in required'), { retry: false, offline: false }],
  ])('%s', (_, error, expected) => {
    expect(classifyFailure(error)).toEqual(expected);
  });
});
