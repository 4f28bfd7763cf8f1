import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { buildSections, matchesQuery, sortAssignments } from '../../../lib/pim/order';
import { assignment, DAY_MS, iso, MIN, NOW } from '../components/fixtures';

const none = new Set<string>();

describe('sortAssignments', () => {
  it('puts active first, soonest ending first, standing assignments without end last among them', () => {
    const list = [
      assignment({ key: 'e-a', displayName: 'Attribute Reader' }),
      assignment({ key: 'a-perm', state: 'active', displayName: 'Global Reader', endDateTime: null }),
      assignment({
        key: 'a-late',
        state: 'active',
        displayName: 'Billing Administrator',
        endDateTime: iso(NOW + 90 * MIN),
      }),
      assignment({ key: 'p', state: 'pending', displayName: 'Zeta' }),
      assignment({
        key: 'a-soon',
        state: 'active',
        displayName: 'Teams Administrator',
        endDateTime: iso(NOW + 5 * MIN),
      }),
    ];
    expect(sortAssignments(list, { now: NOW, favourites: none }).map((a) => a.key)).toEqual([
      'a-soon',
      'a-late',
      'a-perm',
      'p',
      'e-a',
    ]);
  });

  it('puts favourites before other eligible items, then sorts by name ignoring case and accents', () => {
    const list = [
      assignment({ key: 'b', displayName: 'billing Administrator' }),
      assignment({ key: 'z', displayName: 'Teams Administrator' }),
      assignment({ key: 'a', displayName: 'Application Administrator' }),
      assignment({ key: 'e', displayName: 'Éxchange Administrator' }),
    ];
    expect(sortAssignments(list, { now: NOW, favourites: new Set(['z']) }).map((a) => a.key)).toEqual([
      'z',
      'a',
      'b',
      'e',
    ]);
  });

  it('is a stable total order: sorting any shuffle gives the same result', () => {
    const base = [
      assignment({ key: 'r1', displayName: 'Same' }),
      assignment({ key: 'r2', displayName: 'Same', scopeName: 'Paris', directoryScopeId: '/administrativeUnits/p' }),
      assignment({ key: 'r3', displayName: 'Same', state: 'active', endDateTime: iso(NOW + MIN) }),
      assignment({ key: 'r4', displayName: 'Other', state: 'pending' }),
      assignment({ key: 'r5', displayName: 'Other' }),
    ];
    const expected = sortAssignments(base, { now: NOW, favourites: none }).map((a) => a.key);
    fc.assert(
      fc.property(fc.shuffledSubarray(base, { minLength: base.length }), (shuffled) => {
        expect(sortAssignments(shuffled, { now: NOW, favourites: none }).map((a) => a.key)).toEqual(expected);
      }),
    );
  });
});

describe('matchesQuery', () => {
  const group = assignment({
    key: 'g',
    kind: 'group',
    displayName: 'PIM-Messaging-Admins',
    grants: ['Exchange Administrator', 'Teams Administrator'],
  });
  const scoped = assignment({
    key: 'r',
    displayName: 'User Administrator',
    directoryScopeId: '/administrativeUnits/x',
    scopeName: 'Région Paris',
  });

  it.each([
    ['', true],
    ['messaging', true],
    ['exchange', true],
    ['teams admin', true],
    ['exchange helpdesk', false],
    ['user', false],
  ])('group matches %j: %s', (query, expected) => {
    expect(matchesQuery(group, query)).toBe(expected);
  });

  it('matches the scope name without accents and extra UI labels', () => {
    expect(matchesQuery(scoped, 'region paris')).toBe(true);
    expect(matchesQuery(scoped, 'tenant-wide')).toBe(false);
    expect(matchesQuery(assignment({ key: 't' }), 'tenant-wide', ['Tenant-wide'])).toBe(true);
  });
});

describe('buildSections', () => {
  it('shows an active or pending item once, not again among the eligible ones', () => {
    const list = [
      assignment({ key: 'role:x:/', state: 'eligible', displayName: 'X' }),
      assignment({ key: 'role:x:/', state: 'active', displayName: 'X', endDateTime: iso(NOW + 30 * MIN) }),
      assignment({ key: 'role:y:/', state: 'eligible', displayName: 'Y' }),
      assignment({ key: 'role:y:/', state: 'pending', displayName: 'Y', status: 'PendingApproval' }),
      assignment({ key: 'role:z:/', state: 'eligible', displayName: 'Z' }),
    ];
    const s = buildSections(list, { now: NOW, favourites: none, query: '' });
    expect(s.active.map((a) => a.key)).toEqual(['role:x:/']);
    expect(s.pending.map((a) => a.key)).toEqual(['role:y:/']);
    expect(s.eligible.map((a) => a.key)).toEqual(['role:z:/']);
  });

  it('drops an activation whose end has passed and shows its eligibility again', () => {
    const list = [
      assignment({ key: 'k', state: 'eligible' }),
      assignment({ key: 'k', state: 'active', endDateTime: iso(NOW - 1) }),
      assignment({ key: 'lapsed', state: 'eligible', endDateTime: iso(NOW - DAY_MS) }),
    ];
    const s = buildSections(list, { now: NOW, favourites: none, query: '' });
    expect(s.active).toEqual([]);
    expect(s.eligible.map((a) => a.key)).toEqual(['k']);
  });

  it('filters every section by the query', () => {
    const list = [
      assignment({ key: 'a', state: 'active', displayName: 'Exchange Administrator', endDateTime: iso(NOW + MIN) }),
      assignment({ key: 'b', displayName: 'Exchange Recipient Administrator' }),
      assignment({ key: 'c', displayName: 'Global Reader' }),
    ];
    const s = buildSections(list, { now: NOW, favourites: none, query: 'exchange' });
    expect([...s.active, ...s.eligible].map((a) => a.key)).toEqual(['a', 'b']);
  });

  it('gives the same sections when it starts from the last build, whatever that build held (new items, a search)', () => {
    const base = [
      assignment({ key: 'r1', displayName: 'Same' }),
      assignment({ key: 'r2', displayName: 'Same', scopeName: 'Paris', directoryScopeId: '/administrativeUnits/p' }),
      assignment({ key: 'r3', displayName: 'Same', state: 'active', endDateTime: iso(NOW + MIN) }),
      assignment({ key: 'r4', displayName: 'Other', state: 'pending' }),
      assignment({ key: 'r5', displayName: 'Other' }),
      assignment({ key: 'r6', displayName: 'Zeta' }),
      assignment({ key: 'r7', displayName: 'alpha' }),
    ];
    const keys = (s: ReturnType<typeof buildSections>) =>
      [s.active, s.pending, s.eligible].map((l) => l.map((a) => a.key));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(base),
        fc.shuffledSubarray(base),
        fc.constantFrom('', 'same', 'o'),
        fc.boolean(),
        (before, now, query, star) => {
          const options = { now: NOW, favourites: new Set(star ? ['r6'] : []), query };
          const previous = buildSections(before, { ...options, query: '' });
          expect(keys(buildSections(now, { ...options, previous }))).toEqual(keys(buildSections(now, options)));
        },
      ),
    );
  });

  it("asks for the UI's labels only when there is a query to match them against, and matches them then", () => {
    const list = [
      assignment({ key: 'a', displayName: 'Global Reader' }),
      assignment({ key: 'b', displayName: 'Other' }),
    ];
    const labels = vi.fn((a: { key: string }) => (a.key === 'a' ? ['Tenant-wide'] : []));
    expect(buildSections(list, { now: NOW, favourites: none, query: '  ', labels }).eligible).toHaveLength(2);
    expect(labels).not.toHaveBeenCalled();
    const s = buildSections(list, { now: NOW, favourites: none, query: 'tenant wide', labels });
    expect(s.eligible.map((a) => a.key)).toEqual(['a']);
  });
});
