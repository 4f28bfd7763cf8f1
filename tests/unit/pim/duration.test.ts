import { describe, expect, it } from 'vitest';
import { english } from '../i18n/messages';
import {
  DurationError,
  clampDuration,
  clampMinutes,
  durationPresets,
  formatDuration,
  formatMinutes,
  minutesToIso,
  parseDuration,
  safeParseDuration,
} from '../../../lib/pim/duration';

describe('parseDuration', () => {
  it.each([
    ['PT8H', 480],
    ['PT1H45M', 105],
    ['PT30M', 30],
    ['PT5H30M', 330],
    ['P1D', 1440],
    ['P365D', 365 * 1440],
    ['P1DT2H', 1560],
    ['P1W', 7 * 1440],
    ['PT1.5H', 90],
    ['PT0,5H', 30],
    ['PT90S', 1.5],
    ['pt2h', 120],
    [' PT1H ', 60],
  ])('%s → %d minutes', (iso, minutes) => {
    expect(parseDuration(iso)).toBe(minutes);
  });

  it.each([
    ['', 'is not a duration'],
    ['P', 'is not a duration'],
    ['PT', 'is not a duration'],
    ['P1DT', 'is not a duration'],
    ['8h', 'is not a duration'],
    ['PT8', 'is not a duration'],
    ['PT-1H', 'is not a duration'],
    ['PTH', 'is not a duration'],
    ['8 hours', 'is not a duration'],
    ['P1Y', 'years or months'],
    ['P2M', 'years or months'],
    ['P1Y2M3D', 'years or months'],
  ])('rejects %j with a sentence that says what is wrong and shows valid examples', (iso, why) => {
    expect(() => parseDuration(iso)).toThrow(DurationError);
    expect(() => parseDuration(iso)).toThrow(why);
    expect(() => parseDuration(iso)).toThrow('PT1H45M');
  });

  it('safeParseDuration returns the error instead of throwing', () => {
    expect(safeParseDuration('PT2H')).toEqual({ ok: true, minutes: 120 });
    expect(safeParseDuration('soon')).toEqual({
      ok: false,
      error: expect.stringContaining('"soon" is not a duration'),
    });
  });
});

describe('minutesToIso', () => {
  it.each([
    [30, 'PT30M'],
    [60, 'PT1H'],
    [105, 'PT1H45M'],
    [480, 'PT8H'],
    [1440, 'P1D'],
    [1560, 'P1DT2H'],
    [1441, 'P1DT1M'],
    [365 * 1440, 'P365D'],
    [59.6, 'PT1H'],
  ])('%d → %s', (minutes, iso) => {
    expect(minutesToIso(minutes)).toBe(iso);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, 0.4])('rejects %d minutes', (minutes) => {
    expect(() => minutesToIso(minutes)).toThrow(DurationError);
  });

  it.each([30, 45, 60, 105, 480, 1440, 2000])('round-trips %d minutes through ISO', (minutes) => {
    expect(parseDuration(minutesToIso(minutes))).toBe(minutes);
  });
});

describe('formatting for people', () => {
  it.each([
    [30, '30 min'],
    [60, '1 h'],
    [105, '1 h 45 min'],
    [480, '8 h'],
    [1440, '1 day'],
    [2880, '2 days'],
    [1500, '25 h'],
  ])('%d minutes reads "%s"', (minutes, text) => {
    expect(formatMinutes(minutes, english)).toBe(text);
  });

  it('formats ISO and shows garbage as typed rather than throwing', () => {
    expect(formatDuration('PT1H45M', english)).toBe('1 h 45 min');
    expect(formatDuration('P365D', english)).toBe('365 days');
    expect(formatDuration('later', english)).toBe('later');
  });
});

describe('clamping to the policy maximum', () => {
  it.each([
    [600, 480, 480],
    [480, 480, 480],
    [120, 105, 105],
    [90, 105, 90],
    [0, 480, 1],
    [-10, 480, 1],
    [89.6, 480, 90],
    [Number.NaN, 105, 105],
  ])('%d minutes with a %d-minute maximum → %d', (minutes, max, expected) => {
    expect(clampMinutes(minutes, max)).toBe(expected);
  });

  it('clamps ISO durations and keeps a non-whole-hour maximum', () => {
    expect(clampDuration('PT2H', 'PT1H45M')).toBe('PT1H45M');
    expect(clampDuration('PT30M', 'PT1H45M')).toBe('PT30M');
    expect(clampDuration('P1D', 'PT8H')).toBe('PT8H');
  });
});

describe('duration presets', () => {
  it.each([
    [480, [30, 60, 120, 240, 480]],
    [1440, [30, 60, 120, 240, 480, 1440]],
    [105, [30, 60, 105]],
    [120, [30, 60, 120]],
    [60, [30, 60]],
    [20, [20]],
    [300, [30, 60, 120, 240, 300]],
  ])('a maximum of %d minutes offers %j', (max, presets) => {
    expect(durationPresets(max)).toEqual(presets);
  });
});
