import { describe, expect, it } from 'vitest';
import {
  daysLeft,
  eligibilityEndsSoon,
  formatClock,
  formatDay,
  formatMoment,
  isStale,
  timeLeft,
} from '../../../lib/pim/time';

const NOW = Date.parse('2026-11-22T14:00:00Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const S = 1000;
const M = 60 * S;
const D = 24 * 60 * M;
const UTC = { locale: 'en-GB', timeZone: 'UTC' };

describe('timeLeft with seconds (the popup countdown)', () => {
  it.each([
    ['2 h exactly', 120 * M, { kind: 'hours', hours: 2, minutes: 0 }],
    ['1 h 30 min', 90 * M + 30 * S, { kind: 'hours', hours: 1, minutes: 30 }],
    ['59 min 59 s', 60 * M - S, { kind: 'minutes', minutes: 59 }],
    ['38 min', 38 * M + 20 * S, { kind: 'minutes', minutes: 38 }],
    ['10 min exactly stays in minutes', 10 * M, { kind: 'minutes', minutes: 10 }],
    ['just under 10 min switches to mm:ss', 10 * M - 1, { kind: 'clock', text: '09:59' }],
    ['61 s', 61 * S, { kind: 'clock', text: '01:01' }],
    ['under a second', 500, { kind: 'clock', text: '00:00' }],
    ['at the end', 0, { kind: 'ended' }],
    ['past the end', -5 * M, { kind: 'ended' }],
  ])('%s', (_, offset, expected) => {
    expect(timeLeft(at(offset), NOW, { seconds: true })).toEqual(expected);
  });

  it('is null for an assignment without an end', () => {
    expect(timeLeft(null, NOW, { seconds: true })).toBeNull();
  });
});

describe('timeLeft at minute resolution', () => {
  it.each([
    [59 * S, { kind: 'underMinute' }],
    [M, { kind: 'minutes', minutes: 1 }],
    [9 * M + 59 * S, { kind: 'minutes', minutes: 9 }],
    [1, { kind: 'underMinute' }],
  ])('%i ms left', (offset, expected) => {
    expect(timeLeft(at(offset), NOW, { seconds: false })).toEqual(expected);
  });
});

describe('dates and clock times', () => {
  it('formats a clock time in the locale', () => {
    expect(formatClock(Date.parse('2026-11-22T14:35:00Z'), UTC)).toBe('14:35');
    expect(formatClock(Date.parse('2026-11-22T14:35:00Z'), { locale: 'en-US', timeZone: 'UTC' })).toBe('2:35 PM');
  });

  it('formats a day without the year this year and with it otherwise', () => {
    expect(formatDay(Date.parse('2026-12-03T10:00:00Z'), NOW, UTC)).toBe('3 Dec');
    expect(formatDay(Date.parse('2027-01-03T10:00:00Z'), NOW, UTC)).toBe('3 Jan 2027');
  });

  it('formats a moment as a time today and as a day and time otherwise', () => {
    expect(formatMoment(Date.parse('2026-11-22T23:59:00Z'), NOW, UTC)).toBe('23:59');
    expect(formatMoment(Date.parse('2026-11-23T01:00:00Z'), NOW, UTC)).toBe('23 Nov, 01:00');
  });

  it('formats each locale and zone in its own way when they alternate (the formatters are reused, issue 18)', () => {
    const at = Date.parse('2026-11-22T23:30:00Z');
    const berlin = { locale: 'en-GB', timeZone: 'Europe/Berlin' };
    const us = { locale: 'en-US', timeZone: 'UTC' };
    for (let i = 0; i < 2; i++) {
      expect(formatMoment(at, NOW, UTC)).toBe('23:30');
      expect(formatMoment(at, NOW, berlin)).toBe('23 Nov, 00:30');
      expect(formatClock(at, us)).toBe('11:30 PM');
      expect(formatDay(Date.parse('2027-01-03T10:00:00Z'), NOW, us)).toBe('Jan 3, 2027');
      expect(formatDay(Date.parse('2026-12-03T10:00:00Z'), NOW, us)).toBe('Dec 3');
    }
  });

  it('decides "today" in the given time zone', () => {
    // 23:30 UTC on the 22nd is already the 23rd in Berlin.
    const late = Date.parse('2026-11-22T23:30:00Z');
    expect(formatMoment(late, NOW, { locale: 'en-GB', timeZone: 'Europe/Berlin' })).toBe('23 Nov, 00:30');
  });
});

describe('eligibility warnings', () => {
  it.each([
    ['ends in 14 days exactly', at(14 * D), true],
    ['ends in 14 days and a minute', at(14 * D + M), false],
    ['ends tomorrow', at(D), true],
    ['already ended', at(-M), false],
    ['permanent', null, false],
  ])('%s', (_, end, expected) => {
    expect(eligibilityEndsSoon(end, NOW)).toBe(expected);
  });

  it('counts days left rounded up', () => {
    expect(daysLeft(at(30 * 60 * M), NOW)).toBe(2);
    expect(daysLeft(at(D), NOW)).toBe(1);
    expect(daysLeft(null, NOW)).toBeNull();
  });
});

describe('isStale', () => {
  it.each([
    [undefined, true],
    [null, true],
    ['not a date', true],
    [at(-59 * S), false],
    [at(-61 * S), true],
  ])('fetched at %s', (fetchedAt, expected) => {
    expect(isStale(fetchedAt, NOW, 60 * S)).toBe(expected);
  });
});
