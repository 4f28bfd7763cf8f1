import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTAL_PREF, ROLES, portalForUrl } from '../../../lib/pim/portals';
import { badgeModel, nextChangeIn } from '../../../lib/portal/view';
import { EXCHANGE_URL, GROUP_NAME, MIN, NOW, assignment, eligibleExchange, iso, viaGroupScenario } from './helpers';

const portal = portalForUrl(EXCHANGE_URL)!;
const model = (
  assignments: Parameters<typeof badgeModel>[0]['assignments'],
  extra: { now?: number; pageLoadedAt?: number } = {},
) =>
  badgeModel({
    assignments,
    portal,
    pref: DEFAULT_PORTAL_PREF,
    now: extra.now ?? NOW,
    pageLoadedAt: extra.pageLoadedAt ?? NOW - 60 * MIN,
  });

describe('badgeModel', () => {
  it('lists the group and the role held through it, with Deactivate only on the group', () => {
    const m = model(viaGroupScenario(2, 50));
    expect(m.items.map((i) => [i.displayName, i.via])).toEqual([
      [GROUP_NAME, null],
      ['Exchange Administrator', GROUP_NAME],
    ]);
    expect(m.items[0]!.deactivate).toEqual({ ok: false, reason: 'too-soon', availableAt: iso(NOW + 3 * MIN) });
    expect(m.items[1]!.deactivate).toBeNull();
    // On a minute boundary of both the countdown and the floor: the text changes a millisecond later.
    expect(m.nextChangeInMs).toBe(1);
    // 20 s later: at the next minute boundary (49 min → 48 min; the floor's 3 min → 2 min), not in a second.
    expect(model(viaGroupScenario(2, 50), { now: NOW + 20_000 }).nextChangeInMs).toBe(40_001);
  });

  it('allows Deactivate from start + 5 minutes, and offers Extend under the warning threshold only', () => {
    expect(model(viaGroupScenario(5, 50)).items[0]!.deactivate).toEqual({ ok: true });
    expect(model(viaGroupScenario(30, 11)).items[0]!.extendable).toBe(false);
    expect(model(viaGroupScenario(30, 9)).items[0]!.extendable).toBe(true);
    // Held through a group or standing: nothing to extend from here.
    expect(model(viaGroupScenario(30, 9)).items[1]!.extendable).toBe(false);
  });

  it('offers Activate only for what is not already in force', () => {
    expect(model([eligibleExchange()]).items.map((i) => i.state)).toEqual(['eligible']);
    expect(model([eligibleExchange(), ...viaGroupScenario(10, 30)]).items.map((i) => i.state)).toEqual([
      'active',
      'active',
    ]);
    const pending = assignment({
      key: eligibleExchange().key,
      targetId: ROLES.exchangeAdministrator.id,
      displayName: 'Exchange Administrator',
      state: 'pending',
      status: 'PendingApproval',
    });
    expect(model([eligibleExchange(), pending]).items.map((i) => i.state)).toEqual(['pending']);
  });

  it('needs no timer when nothing relevant counts down', () => {
    expect(model([]).nextChangeInMs).toBeNull();
    expect(model([eligibleExchange()]).nextChangeInMs).toBeNull();
    const other = assignment({
      key: 'role:teams:/',
      targetId: ROLES.teamsAdministrator.id,
      displayName: 'Teams Administrator',
      endDateTime: iso(NOW + 30 * MIN),
    });
    expect(model([other])).toEqual({ items: [], nextChangeInMs: null, needsReload: false });
    const standing = assignment({
      key: 'role:ga:/',
      targetId: ROLES.globalAdministrator.id,
      displayName: 'Global Administrator',
      assignmentType: 'Assigned',
    });
    expect(model([standing]).nextChangeInMs).toBeNull();
  });

  it('drops activations that have ended and sorts the soonest end first', () => {
    const ended = assignment({ key: 'role:a:/', displayName: 'Global Administrator', endDateTime: iso(NOW - MIN) });
    const soon = assignment({
      key: 'role:b:/',
      displayName: 'Exchange Recipient Administrator',
      endDateTime: iso(NOW + 5 * MIN),
    });
    const later = assignment({
      key: 'role:c:/',
      displayName: 'Exchange Administrator',
      endDateTime: iso(NOW + 50 * MIN),
    });
    expect(model([later, ended, soon]).items.map((i) => i.key)).toEqual(['role:b:/', 'role:c:/']);
  });

  it('asks for a reload when a relevant role became active after the page loaded (portals cache roles)', () => {
    expect(model(viaGroupScenario(2, 50), { pageLoadedAt: NOW - 10 * MIN }).needsReload).toBe(true);
    expect(model(viaGroupScenario(20, 50), { pageLoadedAt: NOW - 10 * MIN }).needsReload).toBe(false);
  });
});

describe('nextChangeIn: the badge paints when its text changes, not every second', () => {
  const active = (endMs: number) =>
    badgeModel({
      assignments: viaGroupScenario(30, 0).map((a) => ({ ...a, endDateTime: iso(endMs) })),
      portal,
      pref: DEFAULT_PORTAL_PREF,
      now: NOW,
      pageLoadedAt: NOW - 60 * MIN,
    }).items;

  it('waits for the next minute of a countdown while more than a minute is left', () => {
    expect(nextChangeIn(active(NOW + 50 * MIN + 20_000), NOW, 10 * MIN)).toBe(20_001);
    expect(nextChangeIn(active(NOW + 3 * 60 * MIN + 59_999), NOW, 10 * MIN)).toBe(60_000);
  });

  it('ticks on each second in the last minute, and stops at the end', () => {
    expect(nextChangeIn(active(NOW + 42_500), NOW, 10 * MIN)).toBe(501);
    expect(nextChangeIn(active(NOW + 60_000), NOW, 10 * MIN)).toBe(1);
    expect(nextChangeIn(active(NOW + 300), NOW, 10 * MIN)).toBe(301);
  });

  it('wakes at the warning threshold when it comes before the next minute', () => {
    expect(nextChangeIn(active(NOW + 10 * MIN + 40_000), NOW, 10 * MIN + 15_000)).toBe(25_001);
  });

  it('needs nothing for eligible, pending or ended items', () => {
    expect(nextChangeIn(active(NOW - 1), NOW, 10 * MIN)).toBeNull();
    expect(nextChangeIn([], NOW, 10 * MIN)).toBeNull();
  });
});
