import { describe, expect, it } from 'vitest';
import {
  APPROVAL_WINDOW_MS,
  APPROVER_QUIET_MS,
  approvalExpiresAt,
  LEFT_NOTE_MS,
  leftNotes,
  shouldReadApprovers,
  waitingApprovals,
  type ApprovalsState,
} from '../../../lib/pim/approvals';
import { approval } from './approval-fixtures';

const NOW = Date.parse('2026-11-22T10:00:00Z');

function state(over: Partial<ApprovalsState> = {}): ApprovalsState {
  return { principalId: 'me', fetchedAt: null, items: [], error: null, quietUntil: null, left: [], ...over };
}

describe('approver reads: when to ask', () => {
  it.each([
    ['never read', null, true],
    ['another account', state({ principalId: 'other', quietUntil: new Date(NOW + 1).toISOString() }), true],
    ['approves something (no quiet period)', state({ items: [approval()] }), true],
    ['quiet period running', state({ quietUntil: new Date(NOW + 1).toISOString() }), false],
    ['quiet period over', state({ quietUntil: new Date(NOW).toISOString() }), true],
    ['unreadable quiet time', state({ quietUntil: 'soon' }), true],
  ])('%s → %s', (_, s, expected) => {
    expect(shouldReadApprovers(s, 'me', NOW)).toBe(expected);
  });

  it('the quiet period is longer than the default refresh interval (15 min)', () => {
    expect(APPROVER_QUIET_MS).toBeGreaterThan(15 * 60_000);
  });
});

describe('waiting approvals', () => {
  it('end 24 h after the request was made; an expired one is not shown, nor another account’s', () => {
    const fresh = approval({ id: 'a' });
    const old = approval({ id: 'b', createdDateTime: new Date(NOW - APPROVAL_WINDOW_MS).toISOString() });
    const unknown = approval({ id: 'c', createdDateTime: null });
    expect(approvalExpiresAt(fresh)).toBe(NOW - 60_000 + APPROVAL_WINDOW_MS);
    expect(waitingApprovals(state({ items: [fresh, old, unknown] }), 'me', NOW).map((a) => a.id)).toEqual(['a', 'c']);
    expect(waitingApprovals(state({ items: [fresh] }), 'someone-else', NOW)).toEqual([]);
    expect(waitingApprovals(null, 'me', NOW)).toEqual([]);
  });
});

describe('requests that left the list', () => {
  it('are noted once (not the user’s own decisions, which left the list before the read) and kept an hour', () => {
    const a = approval({ id: 'a' });
    const b = approval({ id: 'b', requester: { id: 'x', displayName: null, upn: 'x@contoso.com' } });
    const notes = leftNotes({ items: [a, b], left: [] }, [a], NOW);
    expect(notes).toEqual([
      { id: 'b', requester: 'x@contoso.com', targetName: 'Global Administrator', at: new Date(NOW).toISOString() },
    ]);
    expect(leftNotes({ items: [a], left: notes }, [a], NOW + LEFT_NOTE_MS - 1)).toEqual(notes);
    expect(leftNotes({ items: [a], left: notes }, [a], NOW + LEFT_NOTE_MS)).toEqual([]);
  });
});
