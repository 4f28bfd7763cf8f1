/** Test data for the portal badge: assignments on the Exchange admin center around a fixed clock. */
import type { Assignment } from '../../../lib/pim/model';
import { ROLES } from '../../../lib/pim/portals';

export const NOW = Date.parse('2026-11-22T14:00:00Z');
export const MIN = 60_000;
export const iso = (ms: number) => new Date(ms).toISOString();
export const EXCHANGE_URL = 'https://admin.exchange.microsoft.com/#/mailboxes';
export const GROUP_NAME = 'PIM – INT – Exchange administrator';
export const HOSTILE = '<img src=x onerror=alert(1)>';

export function assignment(overrides: Partial<Assignment> & Pick<Assignment, 'key'>): Assignment {
  return {
    kind: 'role',
    state: 'active',
    id: `${overrides.key}-id`,
    principalId: 'user-oid',
    targetId: 'target',
    displayName: 'Some role',
    directoryScopeId: '/',
    scopeName: null,
    accessId: null,
    assignmentType: 'Activated',
    memberType: 'direct',
    startDateTime: null,
    endDateTime: null,
    grants: [],
    status: null,
    justification: null,
    ...overrides,
  };
}

const EXO = ROLES.exchangeAdministrator;

/** Exchange Administrator active through the PIM group (the acceptance scenario): the group, and the role via it. */
export function viaGroupScenario(startedAgoMin: number, leftMin: number): Assignment[] {
  const start = iso(NOW - startedAgoMin * MIN);
  const end = iso(NOW + leftMin * MIN);
  return [
    assignment({
      key: 'group:g-exo:member',
      kind: 'group',
      targetId: 'g-exo',
      displayName: GROUP_NAME,
      accessId: 'member',
      grants: ['Exchange Administrator'],
      startDateTime: start,
      endDateTime: end,
    }),
    assignment({
      key: `role:${EXO.id}:/`,
      targetId: EXO.id,
      displayName: EXO.name,
      assignmentType: 'Assigned',
      memberType: 'group',
      viaGroupName: GROUP_NAME,
      startDateTime: start,
      endDateTime: end,
    }),
  ];
}

export function eligibleExchange(overrides: Partial<Assignment> = {}): Assignment {
  return assignment({
    key: `role:${EXO.id}:/`,
    targetId: EXO.id,
    displayName: EXO.name,
    state: 'eligible',
    assignmentType: null,
    ...overrides,
  });
}

export function snapshotOf(assignments: Assignment[]) {
  return { fetchedAt: iso(NOW), principalId: 'user-oid', assignments, sections: {} };
}
