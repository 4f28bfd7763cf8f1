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

// ---------------------------------------------------------------------------------------------------------------
// The badge's line to the background, for tests: the real lib/background/portal-tabs.ts handlers over the real
// storage items (fakeBrowser), reached through the store's transport as a content script in a portal tab would.

import { createPortalTabs, type ToBadge } from '../../../lib/background/portal-tabs';
import { effectivePortalPrefsItem } from '../../../lib/managed';
import { createListener } from '../../../lib/messaging';
import { ownSnapshot } from '../../../lib/pim/snapshot';
import type { BadgeTransport } from '../../../lib/portal/store';
import { portalAccountsItem, portalLayoutItem, portalTabsItem } from '../../../lib/storage';
import { a1, A1_ENTRY } from '../account-fixture';

export const SIGNED_IN = {
  status: 'signed-in' as const,
  account: {
    homeAccountId: 'user-oid.tid',
    oid: 'user-oid',
    tenantId: 'tid',
    name: 'Lidia',
    username: 'adm-lidia@contoso.onmicrosoft.com',
  },
  detail: null,
};

export function backgroundLine(url = EXCHANGE_URL, tabId = 7) {
  const listeners = new Set<Parameters<BadgeTransport['onMessage']['addListener']>[0]>();
  const pushed: ToBadge[] = [];
  const reloaded: number[] = [];
  const tabs = createPortalTabs({
    accounts: async () => {
      const auth = await a1.authState.get();
      return [{ account: A1_ENTRY, auth, snapshot: ownSnapshot(await a1.snapshot.get(), auth) }];
    },
    picks: portalAccountsItem,
    prefs: () => effectivePortalPrefsItem.get(),
    layouts: portalLayoutItem,
    registry: portalTabsItem,
    sharePointHosts: async () => ['contoso-admin.sharepoint.com'],
    send: async (id, message) => {
      if (id !== tabId || listeners.size === 0)
        throw new Error('Could not establish connection. Receiving end does not exist.');
      pushed.push(message);
      let answer: unknown;
      for (const l of listeners) l(message, { id: 'ext-id' }, (r) => (answer = r));
      return answer;
    },
    reload: async (id) => void reloaded.push(id),
  });
  const self = { id: 'ext-id', origin: 'chrome-extension://ext-id/' };
  const listener = createListener('background', tabs.handlers, self);
  const sender = { id: 'ext-id', url, frameId: 0, tab: { id: tabId, url } };
  const transport: BadgeTransport = {
    id: 'ext-id',
    send: (message) =>
      new Promise((resolve) => {
        // createListener answers through sendResponse (or not at all for names it does not handle).
        if (listener(message, sender as Browser.runtime.MessageSender, resolve) === undefined) resolve(undefined);
      }),
    onMessage: { addListener: (l) => void listeners.add(l), removeListener: (l) => void listeners.delete(l) },
  };
  return { tabs, transport, pushed, reloaded, listeners };
}
