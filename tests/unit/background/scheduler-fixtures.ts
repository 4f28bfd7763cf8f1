/** Snapshots for the scheduler tests (alarms, notifications, toolbar, schedule). */
import type { Assignment, Snapshot } from '../../../lib/pim/model';
import { DEFAULT_SETTINGS, type ActivityEntry, type Settings } from '../../../lib/storage';

export const T0 = Date.parse('2026-11-22T10:00:00Z');
export const MIN = 60_000;
export const iso = (ms: number) => new Date(ms).toISOString();
export const account = {
  homeAccountId: 'h',
  oid: 'oid-1',
  tenantId: 't',
  name: 'Lidia',
  username: 'adm-lidia@contoso.onmicrosoft.com',
};
export const settings = (patch: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, ...patch });
export const format = { locale: 'en-GB', timeZone: 'UTC' };

let n = 0;
export function assignment(patch: Partial<Assignment> & Pick<Assignment, 'key' | 'state'>): Assignment {
  n += 1;
  return {
    kind: patch.key.startsWith('group:') ? 'group' : 'role',
    id: `id-${n}`,
    principalId: 'oid-1',
    targetId: patch.key.split(':')[1] ?? 'x',
    displayName: 'Exchange Administrator',
    directoryScopeId: '/',
    scopeName: null,
    accessId: null,
    assignmentType: patch.state === 'active' ? 'Activated' : null,
    memberType: 'direct',
    startDateTime: null,
    endDateTime: null,
    grants: [],
    status: patch.state === 'pending' ? 'PendingApproval' : null,
    justification: null,
    ...patch,
  };
}

export const EXO = 'role:29232cdf-9323-42fd-ade2-1d097af3e4de:/';
export const SEC = 'role:5d6b6bb7-de71-4623-b4af-96380a352509:/administrativeUnits/au-1';

/** Exchange Administrator activated at `start` for `minutes`. */
export function active(key: string, start: number, minutes: number, patch: Partial<Assignment> = {}): Assignment {
  return assignment({
    key,
    state: 'active',
    startDateTime: iso(start),
    endDateTime: iso(start + minutes * MIN),
    ...patch,
  });
}

export function pending(key: string, patch: Partial<Assignment> = {}): Assignment {
  return assignment({
    key,
    state: 'pending',
    displayName: 'Security Reader',
    startDateTime: iso(T0),
    endDateTime: null,
    ...patch,
  });
}

export function snap(assignments: Assignment[], patch: Partial<Snapshot> = {}): Snapshot {
  return { fetchedAt: iso(T0), principalId: 'oid-1', assignments, sections: {}, ...patch };
}

export function activity(patch: Partial<ActivityEntry> & Pick<ActivityEntry, 'key' | 'action' | 'at'>): ActivityEntry {
  return {
    id: `a-${patch.key}-${patch.at}`,
    displayName: 'Exchange Administrator',
    justification: null,
    durationMinutes: null,
    outcome: 'Provisioned',
    text: '',
    requestId: null,
    ...patch,
  };
}
