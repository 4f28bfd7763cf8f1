import { describe, expect, it } from 'vitest';
import {
  dueWarnings,
  endAlarm,
  parseAlarmName,
  PENDING_REFRESH_MINUTES,
  sameAlarm,
  wantedAlarms,
  warnAlarm,
  warnDedupeKey,
} from '../../../lib/background/schedule';
import { active, activity, EXO, MIN, pending, SEC, settings, snap, T0, iso } from './scheduler-fixtures';

const byName = (alarms: ReturnType<typeof wantedAlarms>) => Object.fromEntries(alarms.map((a) => [a.name, a]));

describe('alarm names', () => {
  it.each([
    [warnAlarm(EXO, 10), { kind: 'warn', key: EXO, lead: 10 }],
    [warnAlarm(SEC, 0.5), { kind: 'warn', key: SEC, lead: 0.5 }],
    [endAlarm(SEC), { kind: 'end', key: SEC }],
    ['refresh', { kind: 'refresh' }],
    ['badge', { kind: 'badge' }],
    ['retry', { kind: 'retry' }],
    ['someone-else', null],
    ['warn:no-lead', null],
  ])('%s', (name, parsed) => {
    expect(parseAlarmName(name)).toEqual(parsed);
  });
});

describe('wantedAlarms', () => {
  const base = { settings: settings(), nowMs: T0, canRefresh: true, activity: [] };

  it('wants no alarm at all when nothing is active or pending', () => {
    expect(wantedAlarms({ ...base, snapshot: null })).toEqual([]);
    expect(wantedAlarms({ ...base, snapshot: snap([]) })).toEqual([]);
    // Permanent and ended assignments need no watching.
    const idle = snap([
      active(EXO, T0 - 120 * MIN, 60),
      active(SEC, T0 - MIN, 0, { endDateTime: null, assignmentType: 'Assigned' }),
    ]);
    expect(wantedAlarms({ ...base, snapshot: idle })).toEqual([]);
  });

  it('an active 1-hour role: a warning per lead time, the end, the badge when its text changes, the slow refresh', () => {
    const alarms = byName(wantedAlarms({ ...base, snapshot: snap([active(EXO, T0 - 5 * MIN, 60)]) }));
    const end = T0 + 55 * MIN;
    expect(Object.keys(alarms).sort()).toEqual(
      ['badge', endAlarm(EXO), 'refresh', warnAlarm(EXO, 10), warnAlarm(EXO, 2)].sort(),
    );
    expect(alarms[warnAlarm(EXO, 10)]!.when).toBe(end - 10 * MIN);
    expect(alarms[warnAlarm(EXO, 2)]!.when).toBe(end - 2 * MIN);
    expect(alarms[endAlarm(EXO)]!.when).toBeGreaterThanOrEqual(end);
    expect(alarms.refresh).toMatchObject({ periodInMinutes: 15, phase: 'any' });
    // 55 min left says "45m" until 45:00 left, then "30m"; one-shot, re-planned at each wake-up.
    expect(alarms.badge).toEqual({ name: 'badge', when: T0 + 10 * MIN + 1, phase: 'exact' });
  });

  it('wakes for the badge when the text for the soonest end changes', () => {
    const alarms = byName(
      wantedAlarms({
        ...base,
        snapshot: snap([active(EXO, T0 - 5 * MIN, 60, { endDateTime: iso(T0 + 42 * MIN + 17_000) })]),
      }),
    );
    // "30m" until 30:00 left, "15m" after.
    expect(alarms.badge!.when).toBe(T0 + 12 * MIN + 17_001);
  });

  it('sets alarms on the local clock when the service clock is ahead', () => {
    const skew = 50 * MIN; // service time = local + 50 min
    const alarms = byName(
      wantedAlarms({ ...base, snapshot: snap([active(EXO, T0 + skew, 60)], { clockSkewMs: skew }) }),
    );
    expect(alarms[warnAlarm(EXO, 10)]!.when).toBe(T0 + 50 * MIN);
  });

  it('skips warnings that have passed or that fall before the activation started', () => {
    const shortOne = byName(wantedAlarms({ ...base, snapshot: snap([active(EXO, T0, 5)]) }));
    expect(shortOne[warnAlarm(EXO, 10)]).toBeUndefined();
    expect(shortOne[warnAlarm(EXO, 2)]!.when).toBe(T0 + 3 * MIN);
    const late = byName(wantedAlarms({ ...base, snapshot: snap([active(EXO, T0 - 55 * MIN, 60)]) }));
    expect(late[warnAlarm(EXO, 10)]).toBeUndefined();
    expect(late[warnAlarm(EXO, 2)]).toBeDefined();
  });

  it('no warnings for an activation the user already extended', () => {
    const a = active(EXO, T0 - 5 * MIN, 60);
    const alarms = byName(
      wantedAlarms({
        ...base,
        snapshot: snap([a]),
        activity: [activity({ key: EXO, action: 'extend', at: iso(T0 - MIN), outcome: 'Granted' })],
      }),
    );
    expect(alarms[warnAlarm(EXO, 10)]).toBeUndefined();
    expect(alarms[endAlarm(EXO)]).toBeDefined();
  });

  it('refreshes every 2 minutes while a request waits for approval, and only while signed in', () => {
    const withPending = snap([pending(SEC)]);
    expect(byName(wantedAlarms({ ...base, snapshot: withPending })).refresh).toMatchObject({
      periodInMinutes: PENDING_REFRESH_MINUTES,
    });
    expect(wantedAlarms({ ...base, snapshot: withPending, canRefresh: false })).toEqual([]);
  });

  it('keeps a scheduled retry', () => {
    expect(byName(wantedAlarms({ ...base, snapshot: null, retryAt: T0 + 30_000 })).retry).toMatchObject({
      when: T0 + 30_000,
    });
  });

  it('uses the configured lead times and refresh period', () => {
    const alarms = byName(
      wantedAlarms({
        ...base,
        settings: settings({ leadTimesMinutes: [30, 5, 5], refreshMinutes: 60 }),
        snapshot: snap([active(EXO, T0, 60)]),
      }),
    );
    expect(
      Object.keys(alarms)
        .filter((n) => n.startsWith('warn:'))
        .sort(),
    ).toEqual([warnAlarm(EXO, 30), warnAlarm(EXO, 5)].sort());
    expect(alarms.refresh!.periodInMinutes).toBe(60);
  });
});

describe('sameAlarm', () => {
  it('keeps a periodic refresh whatever its phase, a one-shot only at the same time, a badge only in phase', () => {
    expect(
      sameAlarm(
        { scheduledTime: T0 + 3 * MIN, periodInMinutes: 15 },
        { name: 'refresh', when: T0 + 15 * MIN, periodInMinutes: 15, phase: 'any' },
      ),
    ).toBe(true);
    expect(
      sameAlarm(
        { scheduledTime: T0 + 3 * MIN, periodInMinutes: 2 },
        { name: 'refresh', when: T0 + 15 * MIN, periodInMinutes: 15, phase: 'any' },
      ),
    ).toBe(false);
    expect(sameAlarm({ scheduledTime: T0 }, { name: 'x', when: T0 + 500, phase: 'exact' })).toBe(true);
    expect(sameAlarm({ scheduledTime: T0 }, { name: 'x', when: T0 + 60_000, phase: 'exact' })).toBe(false);
    expect(
      sameAlarm(
        { scheduledTime: T0 + 2 * MIN, periodInMinutes: 1 },
        { name: 'badge', when: T0 + MIN, periodInMinutes: 1, phase: 'exact' },
      ),
    ).toBe(true);
    expect(
      sameAlarm(
        { scheduledTime: T0 + 30_000, periodInMinutes: 1 },
        { name: 'badge', when: T0 + MIN, periodInMinutes: 1, phase: 'exact' },
      ),
    ).toBe(false);
  });
});

describe('dueWarnings', () => {
  const a = active(EXO, T0 - 50 * MIN, 60); // ends at T0 + 10 min
  const base = { settings: settings(), activity: [], notified: {} };

  it('nothing before the first lead time', () => {
    expect(dueWarnings({ ...base, snapshot: snap([a]), nowMs: T0 - MIN })).toEqual({ show: [], record: [] });
  });

  it('the 10-minute warning at its moment, once', () => {
    const first = dueWarnings({ ...base, snapshot: snap([a]), nowMs: T0 });
    expect(first.show).toEqual([expect.objectContaining({ lead: 10, leftMs: 10 * MIN })]);
    expect(first.record).toEqual([warnDedupeKey(EXO, 10, a.endDateTime!)]);
    const notified = Object.fromEntries(first.record.map((k) => [k, iso(T0)]));
    expect(dueWarnings({ ...base, snapshot: snap([a]), nowMs: T0 + 30_000, notified })).toEqual({
      show: [],
      record: [],
    });
  });

  it('after sleeping through both moments: one catch-up warning (the most urgent), both recorded', () => {
    const woke = dueWarnings({ ...base, snapshot: snap([a]), nowMs: T0 + 9 * MIN });
    expect(woke.show).toEqual([expect.objectContaining({ lead: 2, leftMs: MIN })]);
    expect(woke.record.sort()).toEqual(
      [warnDedupeKey(EXO, 10, a.endDateTime!), warnDedupeKey(EXO, 2, a.endDateTime!)].sort(),
    );
  });

  it('after sleeping past the end: nothing', () => {
    expect(dueWarnings({ ...base, snapshot: snap([a]), nowMs: T0 + 11 * MIN })).toEqual({ show: [], record: [] });
  });

  it('a later 10-minute moment reached after the 2-minute one was shown is only recorded', () => {
    const notified = { [warnDedupeKey(EXO, 2, a.endDateTime!)]: iso(T0) };
    expect(dueWarnings({ ...base, snapshot: snap([a]), nowMs: T0 + 9 * MIN, notified })).toEqual({
      show: [],
      record: [warnDedupeKey(EXO, 10, a.endDateTime!)],
    });
  });

  it('an activation with a new end warns again', () => {
    const notified = { [warnDedupeKey(EXO, 10, a.endDateTime!)]: iso(T0) };
    const extended = { ...a, endDateTime: iso(T0 + 70 * MIN) };
    expect(dueWarnings({ ...base, snapshot: snap([extended]), nowMs: T0 + 60 * MIN, notified }).show).toHaveLength(1);
  });

  it('uses the service clock', () => {
    // Locally it is T0 - 50 min, but the service is 50 min ahead: the warning is due.
    expect(
      dueWarnings({ ...base, snapshot: snap([a], { clockSkewMs: 50 * MIN }), nowMs: T0 - 50 * MIN }).show,
    ).toHaveLength(1);
  });
});
