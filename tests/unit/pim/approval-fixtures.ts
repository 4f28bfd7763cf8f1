/** A waiting approval for tests: Megan asks for Global Administrator a minute before NOW. */
import type { Approval } from '../../../lib/pim/approvals';

export const NOW = Date.parse('2026-11-22T10:00:00Z');

export function approval(over: Partial<Approval> = {}): Approval {
  return {
    id: 'req-1',
    kind: 'role',
    approvalId: 'req-1',
    stepId: 'step-1',
    justificationRequired: true,
    detailError: null,
    requester: { id: 'megan', displayName: 'Megan Bowen', upn: 'megan@contoso.onmicrosoft.com' },
    targetId: 'ga',
    targetName: 'Global Administrator',
    scopeName: null,
    accessId: null,
    createdDateTime: new Date(NOW - 60_000).toISOString(),
    startDateTime: new Date(NOW - 60_000).toISOString(),
    durationMinutes: 60,
    justification: 'Fix CA',
    ticketNumber: null,
    ticketSystem: null,
    ...over,
  };
}
