import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { badgeChangeIn } from '../../../lib/background/badge-text';
import { applyToolbar, BADGE_COLOURS, badgeText, toolbarState } from '../../../lib/background/toolbar';
import { english } from '../i18n/messages';
import { active, EXO, format, MIN, pending, SEC, settings, snap, T0 } from './scheduler-fixtures';

describe('badgeText', () => {
  it.each([
    [59_999, '<1m'],
    [60_000, '1m'],
    [9 * MIN + 59_999, '9m'],
    [10 * MIN, '10m'],
    [14 * MIN + 59_999, '14m'],
    [15 * MIN, '15m'],
    [29 * MIN + 59_999, '15m'],
    [42 * MIN + 30_000, '30m'],
    [59 * MIN + 59_999, '45m'],
    [60 * MIN, '1h'],
    [119 * MIN, '1h'],
    [24 * 60 * MIN, '1d'],
    [400 * 24 * 60 * MIN, '99d'],
  ])('%i ms left → %s', (left, text) => {
    expect(badgeText(left)).toBe(text);
  });
});

describe('badgeChangeIn: the badge alarm wakes the worker only when the text or colour changes', () => {
  const warn = 10 * MIN;
  it.each([
    // [left, next change, text now → text then]
    [3 * 60 * MIN + 20 * MIN, 20 * MIN + 1], // 3h → 2h
    [60 * MIN + 30_000, 30_001], // 1h → 45m
    [60 * MIN, 1], // 1h → 45m
    [47 * MIN, 2 * MIN + 1], // 45m → 30m
    [15 * MIN + 1, 2], // 15m → 14m
    [12 * MIN + 500, 501], // 12m → 11m: every minute from here
    [10 * MIN + 20_000, 20_001], // 10m → 9m and the warning colour
    [45_000, 45_000], // <1m until the end
  ])('%i ms left → next change in %i ms', (left, next) => {
    expect(badgeChangeIn(left, warn)).toBe(next);
    if (left > MIN) {
      // The same text until then, another one from then.
      expect(badgeText(left - next + 1)).toBe(badgeText(left));
      expect(badgeText(left - next)).not.toBe(badgeText(left));
    }
  });

  it('wakes at a warning threshold that falls between two steps', () => {
    expect(badgeChangeIn(40 * MIN, 35 * MIN)).toBe(5 * MIN + 1);
  });

  it('wakes the worker once an hour in a long activation, and 17 times in its last hour (15 in the last 15 min)', () => {
    /** Wake-ups while the time left goes from `fromMs` down to `toMs`. */
    const wakeups = (fromMs: number, toMs: number) => {
      let n = 0;
      for (let left = fromMs - badgeChangeIn(fromMs, warn); left >= toMs; left -= badgeChangeIn(left, warn)) n++;
      return n;
    };
    expect(wakeups(8 * 60 * MIN - 1, 7 * 60 * MIN - 1)).toBe(1);
    expect(wakeups(8 * 60 * MIN, 60 * MIN)).toBe(7);
    expect(wakeups(60 * MIN, MIN)).toBe(17);
    expect(wakeups(15 * MIN, 1)).toBe(15);
  });
});

describe('toolbarState', () => {
  const endingIn = (ms: number, key = EXO, name = 'Exchange Administrator') =>
    active(key, T0 - 30 * MIN, 0, { endDateTime: new Date(T0 + ms).toISOString(), displayName: name });

  it('shows the shortest time left in the normal colour above the threshold', () => {
    const state = toolbarState(
      snap([endingIn(42 * MIN), endingIn(90 * MIN, SEC, 'Security Reader')]),
      settings(),
      T0,
      format,
      english,
    );
    expect(state).toMatchObject({ text: '30m', colour: BADGE_COLOURS.normal });
    expect(state.title.split('\n')).toEqual([
      'PIM Companion',
      'Exchange Administrator: until 10:42',
      'Security Reader: until 11:30',
    ]);
  });

  it.each([
    [10 * MIN, '10m', BADGE_COLOURS.normal],
    [10 * MIN - 1, '9m', BADGE_COLOURS.warning],
    [30_000, '<1m', BADGE_COLOURS.warning],
  ])('%i ms left → %s in %s', (left, text, colour) => {
    expect(toolbarState(snap([endingIn(left)]), settings(), T0, format, english)).toMatchObject({ text, colour });
  });

  it('follows the configured warning threshold', () => {
    expect(
      toolbarState(snap([endingIn(20 * MIN)]), settings({ warningThresholdMinutes: 30 }), T0, format, english).colour,
    ).toBe(BADGE_COLOURS.warning);
  });

  it('counts pending requests when nothing is active, and is empty otherwise', () => {
    const waiting = toolbarState(snap([pending(SEC), pending(EXO)]), settings(), T0, format, english);
    expect(waiting).toMatchObject({ text: '2', colour: BADGE_COLOURS.pending });
    expect(waiting.title).toContain('2 requests waiting for approval');
    expect(toolbarState(snap([endingIn(-MIN)]), settings(), T0, format, english)).toMatchObject({
      text: '',
      title: 'PIM Companion\nNo role or group active',
    });
    expect(toolbarState(null, settings(), T0, format, english)).toMatchObject({ text: '', title: 'PIM Companion' });
  });

  it('prefers the time left over the pending count', () => {
    expect(toolbarState(snap([pending(SEC), endingIn(5 * MIN)]), settings(), T0, format, english).text).toBe('5m');
  });

  it('counts on the service clock and shows end times on the local one', () => {
    const skew = 50 * MIN;
    const a = active(EXO, T0, 0, { endDateTime: new Date(T0 + skew + 15 * MIN).toISOString() });
    const state = toolbarState(snap([a], { clockSkewMs: skew }), settings(), T0, format, english);
    expect(state.text).toBe('15m');
    expect(state.title).toContain('until 10:15');
  });
});

describe('applyToolbar', () => {
  beforeEach(() => fakeBrowser.reset());

  it('writes text, colour and tooltip to the toolbar button', async () => {
    await applyToolbar({ text: '9m', colour: BADGE_COLOURS.warning, title: 'PIM Companion\nX: until 10:09' });
    expect(await fakeBrowser.action.getBadgeText({})).toBe('9m');
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([0xc5, 0x0f, 0x1f, 255]);
    expect(await fakeBrowser.action.getTitle({})).toBe('PIM Companion\nX: until 10:09');
  });
});
