import { describe, expect, it } from 'vitest';
import { groupKey, roleKey, type Assignment, type Snapshot } from '../../../lib/pim/model';
import {
  dedupeByKey,
  eligibilityEndsWithin,
  fillMissingNames,
  findByKey,
  isStale,
  mergeSnapshot,
  SECTION_IDS,
  sectionOf,
  type SectionResult,
} from '../../../lib/pim/snapshot';

const NOW = new Date('2024-05-01T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

function assignment(patch: Partial<Assignment> = {}): Assignment {
  return {
    key: roleKey('r1', '/'),
    kind: 'role',
    state: 'eligible',
    id: 'i1',
    principalId: 'me',
    targetId: 'r1',
    displayName: 'Exchange Administrator',
    directoryScopeId: '/',
    scopeName: null,
    accessId: null,
    assignmentType: null,
    memberType: 'direct',
    startDateTime: null,
    endDateTime: null,
    grants: [],
    status: null,
    justification: null,
    ...patch,
  };
}

function snapshot(assignments: Assignment[], fetchedAt = NOW.toISOString(), principalId = 'me'): Snapshot {
  const sections = Object.fromEntries(
    SECTION_IDS.map((id) => [id, { fetchedAt, error: null }]),
  ) as Snapshot['sections'];
  return { fetchedAt, principalId, assignments, sections };
}

const allOk = (assignments: Assignment[] = []): Record<(typeof SECTION_IDS)[number], SectionResult> =>
  Object.fromEntries(
    SECTION_IDS.map((id) => [id, { ok: true, assignments: assignments.filter((a) => sectionOf(a) === id) }]),
  ) as Record<(typeof SECTION_IDS)[number], SectionResult>;

describe('isStale', () => {
  it.each([
    ['no snapshot', null, undefined, true],
    ['59 s old', snapshot([], at(-59_000)), undefined, false],
    ['exactly 60 s old', snapshot([], at(-60_000)), undefined, false],
    ['61 s old', snapshot([], at(-61_000)), undefined, true],
    ['5 min old with a 10 min limit', snapshot([], at(-300_000)), 600_000, false],
    ['from the future (clock skew)', snapshot([], at(30_000)), undefined, false],
    ['unreadable fetchedAt', snapshot([], 'yesterday'), undefined, true],
  ])('%s → %s', (_name, snap, maxAge, expected) => {
    expect(isStale(snap, NOW, maxAge)).toBe(expected);
  });
});

describe('sectionOf', () => {
  it.each([
    ['role', 'eligible', 'roleEligible'],
    ['role', 'active', 'roleActive'],
    ['role', 'pending', 'rolePending'],
    ['group', 'eligible', 'groupEligible'],
    ['group', 'active', 'groupActive'],
    ['group', 'pending', 'groupPending'],
  ] as const)('%s %s → %s', (kind, state, section) => {
    expect(sectionOf({ kind, state })).toBe(section);
  });
});

describe('findByKey', () => {
  const eligible = assignment();
  const active = assignment({ state: 'active', id: 'a1', assignmentType: 'Activated' });
  const other = assignment({ key: roleKey('r2', '/'), targetId: 'r2' });
  const snap = snapshot([eligible, active, other]);

  it('finds every state of one target', () => {
    expect(findByKey(snap, roleKey('r1', '/'))).toEqual([eligible, active]);
  });

  it('filters by state', () => {
    expect(findByKey(snap, roleKey('r1', '/'), 'active')).toEqual([active]);
    expect(findByKey(snap, roleKey('r1', '/'), 'pending')).toEqual([]);
    expect(findByKey(null, roleKey('r1', '/'))).toEqual([]);
  });
});

describe('eligibilityEndsWithin (the 14-day extend window)', () => {
  it.each([
    ['ends in 13 days', assignment({ endDateTime: at(13 * DAY) }), true],
    ['ends in exactly 14 days', assignment({ endDateTime: at(14 * DAY) }), true],
    ['ends in 14 days and a minute', assignment({ endDateTime: at(14 * DAY + 60_000) }), false],
    ['ends in an hour', assignment({ endDateTime: at(3_600_000) }), true],
    ['ended already', assignment({ endDateTime: at(-1) }), false],
    ['ends now', assignment({ endDateTime: at(0) }), false],
    ['permanent', assignment({ endDateTime: null }), false],
    ['an activation, not an eligibility', assignment({ state: 'active', endDateTime: at(DAY) }), false],
  ])('%s → %s', (_name, a, expected) => {
    expect(eligibilityEndsWithin(a, NOW)).toBe(expected);
  });

  it('takes another window', () => {
    expect(eligibilityEndsWithin(assignment({ endDateTime: at(2 * DAY) }), NOW, DAY)).toBe(false);
  });
});

describe('dedupeByKey', () => {
  it.each([
    [
      'direct over group',
      assignment({ id: 'g', memberType: 'group' }),
      assignment({ id: 'd', memberType: 'direct' }),
      'd',
    ],
    [
      'Activated over Assigned',
      assignment({ id: 's', state: 'active', assignmentType: 'Assigned' }),
      assignment({ id: 'a', state: 'active', assignmentType: 'Activated' }),
      'a',
    ],
    [
      'later end',
      assignment({ id: 'early', endDateTime: at(DAY) }),
      assignment({ id: 'late', endDateTime: at(2 * DAY) }),
      'late',
    ],
    [
      'permanent over dated',
      assignment({ id: 'dated', endDateTime: at(DAY) }),
      assignment({ id: 'perm', endDateTime: null }),
      'perm',
    ],
    ['first of equals', assignment({ id: 'one' }), assignment({ id: 'two' }), 'one'],
  ])('keeps one per key and state: %s', (_name, a, b, kept) => {
    expect(dedupeByKey([a, b]).map((x) => x.id)).toEqual([kept]);
    expect(dedupeByKey([b, a]).map((x) => x.id)).toEqual(kept === 'one' ? ['two'] : [kept]);
  });

  it('keeps different states of one key', () => {
    expect(dedupeByKey([assignment(), assignment({ state: 'active', id: 'x' })])).toHaveLength(2);
  });
});

describe('fillMissingNames', () => {
  it('takes the name from the same key, then the previous snapshot, then the target id', () => {
    const pending = assignment({ state: 'pending', id: 'p', displayName: '' });
    const eligible = assignment();
    const group = assignment({
      kind: 'group',
      key: groupKey('g1', 'member'),
      targetId: 'g1',
      displayName: '',
      accessId: 'member',
    });
    const unknown = assignment({ key: roleKey('r9', '/'), targetId: 'r9', displayName: '' });
    const previous = snapshot([{ ...group, displayName: 'Old name' }]);
    const filled = fillMissingNames([pending, eligible, group, unknown], previous);
    expect(filled.map((a) => a.displayName)).toEqual([
      'Exchange Administrator',
      'Exchange Administrator',
      'Old name',
      'r9',
    ]);
  });

  it('fills an administrative unit name, never a tenant-wide one', () => {
    const scope = '/administrativeUnits/au1';
    const named = assignment({ key: roleKey('r1', scope), directoryScopeId: scope, scopeName: 'Seattle' });
    const unnamed = { ...named, state: 'active' as const, scopeName: null };
    expect(fillMissingNames([unnamed], snapshot([named]))[0]!.scopeName).toBe('Seattle');
    expect(fillMissingNames([assignment()], snapshot([]))[0]!.scopeName).toBeNull();
  });
});

describe('mergeSnapshot', () => {
  const oldEligible = assignment({ id: 'old' });
  const previous = snapshot([oldEligible, assignment({ state: 'active', id: 'old-active' })], at(-DAY));

  it('replaces every section that succeeded', () => {
    const fresh = assignment({ id: 'new', key: roleKey('r2', '/'), targetId: 'r2', displayName: 'Global Reader' });
    const merged = mergeSnapshot({ previous, principalId: 'me', now: NOW, results: allOk([fresh]) });
    expect(merged.assignments).toEqual([fresh]);
    expect(merged.fetchedAt).toBe(NOW.toISOString());
    expect(Object.values(merged.sections).every((s) => s.fetchedAt === NOW.toISOString() && s.error === null)).toBe(
      true,
    );
  });

  it('keeps a failed section’s previous data, fetchedAt and sets its error', () => {
    const error = { status: 403, code: 'Authorization_RequestDenied', message: 'no' };
    const results = { ...allOk([]), roleEligible: { ok: false as const, error } };
    const merged = mergeSnapshot({ previous, principalId: 'me', now: NOW, results });
    expect(merged.assignments.map((a) => a.id)).toEqual(['old']);
    expect(merged.sections.roleEligible).toEqual({ fetchedAt: at(-DAY), error });
    expect(merged.sections.roleActive).toEqual({ fetchedAt: NOW.toISOString(), error: null });
  });

  it('ignores the previous snapshot of another principal', () => {
    const results = {
      ...allOk([]),
      roleEligible: { ok: false as const, error: { status: 500, code: '', message: 'x' } },
    };
    const merged = mergeSnapshot({
      previous: { ...previous, principalId: 'other' },
      principalId: 'me',
      now: NOW,
      results,
    });
    expect(merged.assignments).toEqual([]);
    expect(merged.sections.roleEligible?.fetchedAt).toBeNull();
  });

  it('orders by section, then name', () => {
    const b = assignment({ id: 'b', key: roleKey('rb', '/'), displayName: 'B role' });
    const a = assignment({ id: 'a', key: roleKey('ra', '/'), displayName: 'A role' });
    const act = assignment({ id: 'act', state: 'active', displayName: 'Active' });
    const g = assignment({
      id: 'g',
      kind: 'group',
      key: groupKey('g', 'owner'),
      accessId: 'owner',
      displayName: 'Group',
    });
    const merged = mergeSnapshot({ previous: null, principalId: 'me', now: NOW, results: allOk([g, act, b, a]) });
    expect(merged.assignments.map((x) => x.id)).toEqual(['a', 'b', 'act', 'g']);
  });
});
