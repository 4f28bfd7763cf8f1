/**
 * The background's commands and refresh wired to the stand-in tenant over real HTTPS, for the fault scenarios
 * (tests/integration/scenario-*.test.ts). Storage items are in-memory and can be shared between two "lives" of the
 * worker (a journal written by one and read by the next). Import after setting `globalThis.chrome` (see the tests).
 */
import { createActivityLog } from '../../lib/background/activity';
import { createCommands } from '../../lib/background/commands';
import { createJournal } from '../../lib/background/journal';
import { createPolicyStore } from '../../lib/background/policy-store';
import { createStepUps } from '../../lib/background/stepup';
import { createGraphClient, type GraphClient, type GraphClientDeps } from '../../lib/graph/client';
import { refreshSnapshot } from '../../lib/graph/reads';
import { groupKey, roleKey, type Snapshot } from '../../lib/pim/model';
import type { Template } from '../../lib/pim/templates';
import type {
  ActivityEntry,
  AuthState,
  Connection,
  GroupInfo,
  JournalEntry,
  PendingStepUp,
  PolicyEntry,
  Remembered,
} from '../../lib/storage';
import type { FakeTenant, LogEntry } from '../fake-tenant/index.ts';
import { call } from '../fake-tenant/testing.ts';
import { installMessages } from '../unit/components/fixtures';

// The sentences come from the English messages.json, as in the browser (fakeBrowser has no i18n.getMessage).
installMessages();

export const ME = '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71';
export const OSLO = '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09';
export const K = {
  ga: roleKey('62e90394-69f5-4237-9190-012177145e10', '/'),
  exo: roleKey('29232cdf-9323-42fd-ade2-1d097af3e4de', OSLO),
  userAdmin: roleKey('fe930be7-5e62-47db-91af-98c3a49a38b1', '/'),
  secReader: roleKey('5d6b6bb7-de71-4623-b4af-96380a352509', '/'),
  teams: groupKey('4e6d8f0a-2b1c-4d3e-8f5a-6b7c8d9e0f12', 'member'),
};
export const TEMPLATE: Template = {
  id: 'tpl',
  name: 'Change',
  justification: 'Planned change for {role}',
  durationMinutes: 60,
};
export const INPUT = {
  templateId: 'tpl',
  justification: null,
  ticketNumber: null,
  ticketSystem: null,
  durationMinutes: 60,
  startAt: null,
};
export const CONNECTION: Connection = {
  cloudId: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
};
export const SIGNED_IN: AuthState = {
  status: 'signed-in',
  account: { homeAccountId: 'h', oid: ME, tenantId: 't', name: 'Lidia', username: 'adm-lidia@contoso.onmicrosoft.com' },
  detail: null,
};
export const POPUP = { id: 'ext', url: 'chrome-extension://ext/popup.html' };
export const OPTIONS = { id: 'ext', url: 'chrome-extension://ext/options.html' };

export function mem<T>(value: T) {
  return { get: async () => value, set: async (v: T) => void (value = v), peek: () => value };
}
export type Mem<T> = ReturnType<typeof mem<T>>;

/** fetch → the stand-in on loopback, keeping the Microsoft host name; a reset or hang surfaces as fetch does. */
export function tenantFetch(tenant: FakeTenant, timeoutMs = 10_000): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const body = typeof init?.body === 'string' ? init.body : undefined;
    let r;
    const signal = init?.signal;
    try {
      const request = call(tenant, {
        host: url.host,
        method: init?.method ?? 'GET',
        path: url.pathname + url.search,
        headers,
        body,
        timeoutMs,
      });
      // Like fetch: an aborted signal (the client's timeout) rejects at once with the signal's reason.
      const aborted = new Promise<never>((_, reject) => {
        if (signal?.aborted) reject(signal.reason as Error);
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      });
      r = await Promise.race([request, aborted]);
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new TypeError(`fetch failed (${String(e)})`);
    }
    return new Response(r.status === 204 ? null : r.text, {
      status: r.status,
      headers: Object.fromEntries(
        Object.entries(r.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
      ),
    });
  };
}

export interface WorldOptions {
  token: () => string;
  remembered?: Record<string, Remembered>;
  journal?: Mem<JournalEntry[]>;
  activity?: Mem<ActivityEntry[]>;
  snapshot?: Mem<Snapshot | null>;
  client?: Partial<GraphClientDeps>;
}

/** One life of the background worker against the stand-in. */
export async function world(tenant: FakeTenant, o: WorldOptions) {
  let now = new Date(await tenant.control.now());
  const graph = (t?: string): GraphClient =>
    createGraphClient({
      getToken: async () => t ?? o.token(),
      graphBase: 'https://graph.microsoft.com',
      fetch: tenantFetch(tenant),
      ...o.client,
    });
  const snapshot = o.snapshot ?? mem<Snapshot | null>(null);
  const policies = createPolicyStore(mem<Record<string, PolicyEntry>>({}));
  const journal = o.journal ?? mem<JournalEntry[]>([]);
  const activity = o.activity ?? mem<ActivityEntry[]>([]);
  let groupInfo: Record<string, GroupInfo> = {};
  const refresh = async () => {
    now = new Date(await tenant.control.now());
    const r = await refreshSnapshot({
      graph: graph(),
      principalId: ME,
      previous: snapshot.peek(),
      groupInfo,
      now,
      policies: await policies.get(),
    });
    groupInfo = r.groupInfo;
    await policies.merge(r.policyUpdates ?? {}, now);
    await snapshot.set(r.snapshot);
    return r;
  };
  let last: Promise<unknown> = Promise.resolve();
  let n = 0;
  const newId = () => `id-${Date.now()}-${++n}`;
  const commands = createCommands({
    now: () => now,
    graph: (_c, t) => graph(t),
    items: {
      connection: mem<Connection | null>(CONNECTION),
      authState: mem(SIGNED_IN),
      snapshot,
      remembered: mem(o.remembered ?? {}),
      templates: mem([TEMPLATE]),
      bundles: mem([]),
    },
    policies,
    journal: createJournal({ item: journal, now: () => now, newId }),
    activity: createActivityLog({ item: activity, now: () => now, newId }),
    stepUps: createStepUps({
      item: mem<PendingStepUp[]>([]),
      now: () => now,
      newId,
      openTab: async () => 1,
      focusTab: async () => true,
      pageUrl: (q) => `ext:/signin.html${q}`,
    }),
    refresh: () => (last = refresh()),
    locale: 'en-GB',
    timeZone: 'UTC',
    openPopup: async () => false,
  });
  return { ...commands, h: commands.handlers, refresh, settled: () => last, snapshot, journal, activity, graph };
}

const WRITES =
  /\/(roleAssignmentScheduleRequests|roleEligibilityScheduleRequests|group\/assignmentScheduleRequests)(\/[^/]+\/cancel)?$/;
/** The privileged POSTs the stand-in received (not $batch). */
export async function writes(tenant: FakeTenant): Promise<LogEntry[]> {
  return (await tenant.control.log()).filter((e) => e.method === 'POST' && WRITES.test(e.path));
}

export const selfActivateBody = (
  roleDefinitionId: string,
  directoryScopeId: string,
  justification: string,
  start: string,
) => ({
  action: 'selfActivate',
  principalId: ME,
  roleDefinitionId,
  directoryScopeId,
  justification,
  scheduleInfo: { startDateTime: start, expiration: { type: 'afterDuration', duration: 'PT1H' } },
});
