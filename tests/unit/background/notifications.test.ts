import { describe, expect, it } from 'vitest';
import { english } from '../i18n/messages';
import {
  notificationFor,
  notificationTarget,
  observeChanges,
  staleWarnings,
  type NotifyEvent,
} from '../../../lib/background/notifications';
import type { AuthState, Observed } from '../../../lib/storage';
import type { Snapshot } from '../../../lib/pim/model';
import {
  account,
  active,
  activity,
  assignment,
  EXO,
  format,
  iso,
  MIN,
  pending,
  SEC,
  snap,
  T0,
} from './scheduler-fixtures';

const signedIn: AuthState = { status: 'signed-in', account, detail: null };

/** What the background remembers after seeing `snapshot` (the first look announces nothing). */
function seen(snapshot: Snapshot | null, auth: AuthState = signedIn, nowMs = T0): Observed {
  const first = observeChanges({ previous: null, snapshot, auth, activity: [], nowMs, notified: {} });
  expect(first.events.filter((e) => e.kind !== 'eligibility')).toEqual([]);
  return first.observed;
}

const kinds = (events: NotifyEvent[]) => events.map((e) => e.kind);

describe('observeChanges', () => {
  const later = T0 + 2 * MIN;

  it('a pending request that became active: approved, once', () => {
    const previous = seen(snap([pending(SEC)]));
    const next = snap([active(SEC, later, 60, { displayName: 'Security Reader' })]);
    const first = observeChanges({
      previous,
      snapshot: next,
      auth: signedIn,
      activity: [],
      nowMs: later,
      notified: {},
    });
    expect(first.events).toEqual([{ kind: 'approved', key: SEC, name: 'Security Reader', end: iso(later + 60 * MIN) }]);
    expect(
      observeChanges({
        previous: first.observed,
        snapshot: next,
        auth: signedIn,
        activity: [],
        nowMs: later,
        notified: {},
      }).events,
    ).toEqual([]);
  });

  it('a pending request that disappeared without becoming active: denied', () => {
    const previous = seen(snap([pending(SEC)]));
    const { events } = observeChanges({
      previous,
      snapshot: snap([]),
      auth: signedIn,
      activity: [],
      nowMs: later,
      notified: {},
    });
    expect(events).toEqual([{ kind: 'denied', key: SEC, name: 'Security Reader' }]);
  });

  it('a request the user withdrew here is not reported as denied', () => {
    const previous = seen(snap([pending(SEC)]));
    const cancelled = [activity({ key: SEC, action: 'cancel', at: iso(T0 + MIN), outcome: 'Canceled' })];
    expect(
      observeChanges({ previous, snapshot: snap([]), auth: signedIn, activity: cancelled, nowMs: later, notified: {} })
        .events,
    ).toEqual([]);
  });

  it('does not conclude while the requests or activations could not be read', () => {
    const previous = seen(snap([pending(SEC)]));
    const broken = snap([], {
      sections: { roleActive: { fetchedAt: null, error: { status: 503, code: 'ServiceUnavailable', message: 'x' } } },
    });
    const r = observeChanges({ previous, snapshot: broken, auth: signedIn, activity: [], nowMs: later, notified: {} });
    expect(r.events).toEqual([]);
    expect(r.observed.pending[SEC]).toBeDefined();
    // The next complete read decides.
    expect(
      kinds(
        observeChanges({
          previous: r.observed,
          snapshot: snap([]),
          auth: signedIn,
          activity: [],
          nowMs: later,
          notified: {},
        }).events,
      ),
    ).toEqual(['denied']);
  });

  it('a request for a later start that left the queue: decided, then started when it becomes active', () => {
    const start = T0 + 3 * 60 * MIN;
    const previous = seen(snap([pending(SEC, { startDateTime: iso(start) })]));
    const decided = observeChanges({
      previous,
      snapshot: snap([]),
      auth: signedIn,
      activity: [],
      nowMs: later,
      notified: {},
    });
    expect(decided.events).toEqual([{ kind: 'decided', key: SEC, name: 'Security Reader', start: iso(start) }]);
    const started = observeChanges({
      previous: decided.observed,
      snapshot: snap([active(SEC, start, 60)]),
      auth: signedIn,
      activity: [],
      nowMs: start + MIN,
      notified: {},
    });
    expect(kinds(started.events)).toEqual(['started']);
    expect(started.observed.awaiting).toEqual({});
  });

  it('an activation the user scheduled here: started when it appears; a plain activation: nothing', () => {
    const previous = seen(snap([]));
    const start = T0 + 60 * MIN;
    const scheduled = [activity({ key: EXO, action: 'activate', at: iso(T0 - 10 * MIN), outcome: 'Granted' })];
    expect(
      kinds(
        observeChanges({
          previous,
          snapshot: snap([active(EXO, start, 60)]),
          auth: signedIn,
          activity: scheduled,
          nowMs: start,
          notified: {},
        }).events,
      ),
    ).toEqual(['started']);
    const now = [activity({ key: EXO, action: 'activate', at: iso(T0), outcome: 'Provisioned' })];
    expect(
      observeChanges({
        previous,
        snapshot: snap([active(EXO, T0, 60)]),
        auth: signedIn,
        activity: now,
        nowMs: T0,
        notified: {},
      }).events,
    ).toEqual([]);
  });

  it('another account, or no previous look: nothing announced', () => {
    const previous = { ...seen(snap([pending(SEC)])), principalId: 'someone-else' };
    expect(
      observeChanges({ previous, snapshot: snap([]), auth: signedIn, activity: [], nowMs: later, notified: {} }).events,
    ).toEqual([]);
  });

  it('"sign in again" when silent renewal fails, once', () => {
    const previous = seen(snap([]));
    const renewal: AuthState = { status: 'renewal-required', account, detail: 'AADSTS50173' };
    const first = observeChanges({
      previous,
      snapshot: snap([]),
      auth: renewal,
      activity: [],
      nowMs: later,
      notified: {},
    });
    expect(kinds(first.events)).toEqual(['signIn']);
    expect(
      observeChanges({
        previous: first.observed,
        snapshot: snap([]),
        auth: renewal,
        activity: [],
        nowMs: later,
        notified: {},
      }).events,
    ).toEqual([]);
  });

  it('an eligibility ending within 14 days: at most once a day', () => {
    const ending = assignment({ key: EXO, state: 'eligible', endDateTime: iso(T0 + 5 * 24 * 60 * MIN) });
    const farAway = assignment({ key: SEC, state: 'eligible', endDateTime: iso(T0 + 30 * 24 * 60 * MIN) });
    const s = snap([ending, farAway]);
    const first = observeChanges({
      previous: null,
      snapshot: s,
      auth: signedIn,
      activity: [],
      nowMs: T0,
      notified: {},
    });
    expect(first.events).toEqual([
      { kind: 'eligibility', key: EXO, name: 'Exchange Administrator', end: ending.endDateTime },
    ]);
    const notified = Object.fromEntries(first.record.map((k) => [k, iso(T0)]));
    expect(
      observeChanges({
        previous: first.observed,
        snapshot: s,
        auth: signedIn,
        activity: [],
        nowMs: T0 + 23 * 60 * MIN,
        notified,
      }).events,
    ).toEqual([]);
    expect(
      kinds(
        observeChanges({
          previous: first.observed,
          snapshot: s,
          auth: signedIn,
          activity: [],
          nowMs: T0 + 24 * 60 * MIN,
          notified,
        }).events,
      ),
    ).toEqual(['eligibility']);
  });
});

describe('notificationFor', () => {
  const env = { iconUrl: 'chrome-extension://id/icon/128.png', format, nowMs: T0, skewMs: 0, tr: english };
  const a = active(EXO, T0 - 50 * MIN, 60);
  const warn: NotifyEvent = { kind: 'warn', warning: { assignment: a, lead: 10, leftMs: 10 * MIN } };

  it('Chromium: "ends in 10 min" with Extend and Deactivate, id warn:<key>:<lead>', () => {
    const spec = notificationFor(warn, { ...env, buttons: true });
    expect(spec.id).toBe(`warn:${EXO}:10`);
    expect(spec.options).toMatchObject({
      type: 'basic',
      title: 'Exchange Administrator ends in 10 min',
      message: 'Active until 10:10.',
    });
    expect(spec.options.buttons).toEqual([{ title: 'Extend' }, { title: 'Deactivate' }]);
  });

  it('Firefox: no buttons (nor options Firefox rejects); the click opens the popup', () => {
    const spec = notificationFor(warn, { ...env, buttons: false });
    expect(spec.options.buttons).toBeUndefined();
    expect(spec.options.requireInteraction).toBeUndefined();
    expect(spec.options.message).toContain('Click to extend or deactivate');
  });

  it('no buttons for what the user cannot extend or deactivate themselves', () => {
    const viaGroup = {
      ...warn,
      warning: { ...warn.warning, assignment: { ...a, memberType: 'group' as const } },
    } as NotifyEvent;
    expect(notificationFor(viaGroup, { ...env, buttons: true }).options.buttons).toBeUndefined();
  });

  it.each<[NotifyEvent, string, string]>([
    [
      { kind: 'approved', key: SEC, name: 'Security Reader', end: iso(T0 + 60 * MIN) },
      `request:${SEC}`,
      'Security Reader is active',
    ],
    [
      { kind: 'denied', key: SEC, name: 'Security Reader' },
      `request:${SEC}`,
      'Request for Security Reader not approved',
    ],
    [
      { kind: 'started', key: EXO, name: 'Exchange Administrator', end: null },
      `started:${EXO}`,
      'Exchange Administrator is active',
    ],
    [
      { kind: 'eligibility', key: EXO, name: 'Exchange Administrator', end: iso(T0 + 5 * 24 * 60 * MIN) },
      `eligibility:${EXO}`,
      'Your eligibility for Exchange Administrator ends in 5 days',
    ],
    [{ kind: 'signIn' }, 'signin', 'Sign in to PIM Companion again'],
  ])('%j', (event, id, title) => {
    const spec = notificationFor(event, { ...env, buttons: true });
    expect(spec).toMatchObject({ id, options: { title } });
    expect(notificationTarget(spec.id)).toEqual(
      event.kind === 'signIn'
        ? { kind: 'signIn', accountId: null }
        : { kind: 'row', key: (event as { key: string }).key, accountId: null },
    );
    // The scheduler shows it under its account: the target says which.
    expect(notificationTarget(`a1/${spec.id}`)).toMatchObject({
      kind: event.kind === 'signIn' ? 'signIn' : 'row',
      accountId: 'a1',
    });
  });

  it('under a minute left', () => {
    expect(
      notificationFor({ kind: 'warn', warning: { assignment: a, lead: 2, leftMs: 20_000 } }, { ...env, buttons: true })
        .options.title,
    ).toBe('Exchange Administrator ends in less than a minute');
  });
});

describe('notificationTarget', () => {
  it('knows our ids only', () => {
    expect(notificationTarget(`warn:${SEC}:2`)).toEqual({ kind: 'row', key: SEC, accountId: null });
    expect(notificationTarget(`a1/warn:${SEC}:2`)).toEqual({ kind: 'row', key: SEC, accountId: 'a1' });
    expect(notificationTarget('a2/approval:r1')).toEqual({ kind: 'approval', requestId: 'r1', accountId: 'a2' });
    expect(notificationTarget('something')).toBeNull();
    expect(notificationTarget('a1/something')).toBeNull();
  });
});

describe('staleWarnings', () => {
  it('takes down warnings for what ended, went away or was extended past the lead time', () => {
    const a = active(EXO, T0 - 50 * MIN, 60); // 10 min left
    const ids = [`warn:${EXO}:10`, `warn:${SEC}:10`, 'request:x'];
    expect(staleWarnings(ids, snap([a]), T0)).toEqual([`warn:${SEC}:10`]);
    expect(staleWarnings(ids, snap([a]), T0 + 11 * MIN)).toEqual([`warn:${EXO}:10`, `warn:${SEC}:10`]);
    expect(staleWarnings(ids, snap([{ ...a, endDateTime: iso(T0 + 70 * MIN) }]), T0)).toEqual([
      `warn:${EXO}:10`,
      `warn:${SEC}:10`,
    ]);
  });
});
