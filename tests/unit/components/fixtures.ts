/** Test data and the i18n double for component tests (fakeBrowser does not implement i18n.getMessage). */
import { fakeBrowser } from 'wxt/testing/fake-browser';
import messages from '../../../public/_locales/en/messages.json';
import type { Assignment, Snapshot } from '../../../lib/pim/model';
import type { AuthState, Connection, RefreshState } from '../../../lib/storage';

interface Message {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

/** getMessage as Chrome does it: named placeholders resolve to their content, then $1…$9 to the substitutions. */
export function installMessages(): void {
  const table = messages as Record<string, Message>;
  const getMessage = (name: string, substitutions?: string | string[]): string => {
    const entry = table[name];
    if (!entry) return '';
    const subs = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
    const placeholders = Object.fromEntries(
      Object.entries(entry.placeholders ?? {}).map(([k, v]) => [k.toLowerCase(), v.content]),
    );
    return entry.message
      .replace(/\$([a-z0-9_@]+)\$/gi, (_, key: string) => placeholders[key.toLowerCase()] ?? '')
      .replace(/\$(\d)/g, (_, i: string) => subs[Number(i) - 1] ?? '')
      .replace(/\$\$/g, '$');
  };
  (fakeBrowser.i18n as unknown as { getMessage: typeof getMessage }).getMessage = getMessage;
}

export const NOW = Date.parse('2026-11-22T14:00:00Z');
export const FORMAT = { locale: 'en-GB', timeZone: 'UTC' };
export const iso = (ms: number) => new Date(ms).toISOString();
export const MIN = 60_000;
export const DAY_MS = 86_400_000;

export function assignment(overrides: Partial<Assignment> & Pick<Assignment, 'key'>): Assignment {
  return {
    kind: 'role',
    state: 'eligible',
    id: `${overrides.key}-id`,
    principalId: 'user-oid',
    targetId: 'target',
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
    ...overrides,
  };
}

export function snapshot(assignments: Assignment[], overrides: Partial<Snapshot> = {}): Snapshot {
  const fetchedAt = iso(NOW - 2 * MIN);
  const ok = { fetchedAt, error: null };
  return {
    fetchedAt,
    principalId: 'user-oid',
    assignments,
    sections: {
      roleEligible: ok,
      roleActive: ok,
      rolePending: ok,
      groupEligible: ok,
      groupActive: ok,
      groupPending: ok,
    },
    ...overrides,
  };
}

export const CONNECTION: Connection = {
  cloudId: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
};

export const SIGNED_IN: AuthState = {
  status: 'signed-in',
  account: {
    homeAccountId: 'h',
    oid: 'user-oid',
    tenantId: 'tenant-guid',
    name: 'Adele Vance',
    username: 'adm-adele@contoso.onmicrosoft.com',
  },
  detail: null,
};

export const IDLE: RefreshState = { inFlight: false, error: null, offline: false, startedAt: null };
