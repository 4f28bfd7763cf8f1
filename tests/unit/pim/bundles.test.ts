import { describe, expect, it } from 'vitest';
import { Bundle, forAccount, planBundle } from '../../../lib/pim/bundles';
import type { Assignment } from '../../../lib/pim/model';
import { validationText } from '../../../lib/pim/templates';
import { english } from '../i18n/messages';

const now = new Date('2026-11-22T10:00:00Z');

function a(key: string, state: Assignment['state'], over: Partial<Assignment> = {}): Assignment {
  const [kind, targetId, rest] = key.split(':') as ['role' | 'group', string, string];
  return {
    key,
    kind,
    state,
    id: `${state}-${key}`,
    principalId: 'me',
    targetId,
    displayName: targetId,
    directoryScopeId: kind === 'role' ? rest : '/',
    scopeName: null,
    accessId: kind === 'group' ? (rest as 'member' | 'owner') : null,
    assignmentType: state === 'active' ? 'Activated' : null,
    memberType: 'direct',
    startDateTime: '2026-11-22T09:00:00Z',
    endDateTime: state === 'eligible' ? null : '2026-11-22T11:00:00Z',
    grants: [],
    status: state === 'pending' ? 'PendingApproval' : null,
    justification: null,
    ...over,
  };
}

const exchange = 'role:exchange-admin:/';
const security = 'role:security-admin:/';
const auAdmin = 'role:user-admin:/administrativeUnits/au1';
const mailGroup = 'group:mail-admins:member';
const gone = 'group:old-group:owner';

describe('Bundle schema', () => {
  it('accepts a bundle of role and group keys', () => {
    expect(
      Bundle.parse({
        id: 'b1',
        name: 'Exchange work',
        items: [exchange, auAdmin, mailGroup],
        templateId: 't1',
        durationMinutes: 120,
      }),
    ).toMatchObject({ id: 'b1' });
  });

  it.each([
    ['no items', { items: [] }, 'needs at least one'],
    ['a duplicate item', { items: [exchange, exchange] }, 'same role or group twice'],
    ['a key that is not a role or group key', { items: ['Exchange Administrator'] }, 'is not a role or group key'],
    ['a group key with a bad access id', { items: ['group:g1:admin'] }, 'is not a role or group key'],
    ['an empty name', { name: '  ' }, 'is empty'],
    ['a duration over 24 h', { durationMinutes: 1500 }, 'at most 24 hours'],
  ])('rejects %s', (_, over, message) => {
    const r = Bundle.safeParse({ id: 'b1', name: 'B', items: [exchange], ...over });
    expect(r.success).toBe(false);
    expect(validationText(r.error!.issues[0]!, english)).toContain(message);
  });
});

describe('planBundle', () => {
  const bundle: Bundle = { id: 'b1', name: 'Exchange work', items: [exchange, security, auAdmin, mailGroup, gone] };

  it('activates the eligible, skips the active and pending, and reports the missing', () => {
    const snapshot = [
      a(exchange, 'eligible'),
      a(security, 'eligible'),
      a(security, 'active'),
      a(auAdmin, 'eligible'),
      a(auAdmin, 'pending'),
      a(mailGroup, 'eligible'),
    ];
    const plan = planBundle(bundle, snapshot, now);
    expect(plan.steps.map((s) => [s.key, s.action, 'reason' in s ? s.reason : undefined])).toEqual([
      [exchange, 'activate', undefined],
      [security, 'skip', 'active'],
      [auAdmin, 'skip', 'pending'],
      [mailGroup, 'activate', undefined],
      [gone, 'missing', undefined],
    ]);
    expect(plan).toMatchObject({ toActivate: 2, skipped: 2, missing: 1 });
    const first = plan.steps[0]!;
    expect(first.action === 'activate' && first.assignment.state).toBe('eligible');
  });

  it.each<[string, Assignment[], string, string | undefined]>([
    [
      'a standing (Assigned) assignment counts as active',
      [a(exchange, 'eligible'), a(exchange, 'active', { assignmentType: 'Assigned' })],
      'skip',
      'active',
    ],
    [
      'an activation that ended since the snapshot is ignored',
      [a(exchange, 'eligible'), a(exchange, 'active', { endDateTime: '2026-11-22T09:59:00Z' })],
      'activate',
      undefined,
    ],
    [
      'an eligibility that ended since the snapshot is missing',
      [a(exchange, 'eligible', { endDateTime: '2026-11-21T00:00:00Z' })],
      'missing',
      undefined,
    ],
    ['a permanent eligibility is activated', [a(exchange, 'eligible', { endDateTime: null })], 'activate', undefined],
    [
      'active without an eligibility (standing) is skipped, not missing',
      [a(exchange, 'active', { assignmentType: 'Assigned', endDateTime: null })],
      'skip',
      'active',
    ],
  ])('%s', (_, snapshot, action, reason) => {
    const [step] = planBundle({ id: 'b', name: 'B', items: [exchange] }, snapshot, now).steps;
    expect(step).toMatchObject({ key: exchange, action, ...(reason ? { reason } : {}) });
  });

  it('without `now` trusts the snapshot as it is', () => {
    const [step] = planBundle({ id: 'b', name: 'B', items: [exchange] }, [
      a(exchange, 'active', { endDateTime: '2000-01-01T00:00:00Z' }),
    ]).steps;
    expect(step).toMatchObject({ action: 'skip', reason: 'active' });
  });
});

describe('forAccount (issue 16)', () => {
  it("keeps the shared entries and the account's own", () => {
    const list = [{ id: 's' }, { id: 'x', accountId: 'a1' }, { id: 'y', accountId: 'a2' }];
    expect(forAccount(list, 'a1').map((e) => e.id)).toEqual(['s', 'x']);
    expect(forAccount(list, 'a3').map((e) => e.id)).toEqual(['s']);
  });
});
