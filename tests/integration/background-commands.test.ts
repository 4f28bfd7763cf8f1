/**
 * The background's commands against the stand-in tenant over real HTTPS: the refresh with policies, one click,
 * approval + cancel, authentication-context step-up with a real acrs token, a bundle with one failing item, and the
 * 5-minute deactivation floor on the tenant's clock. Storage items are in-memory (no extension runtime here).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// lib/storage.ts defines its items at import (WXT storage checks their versions at once); outside an extension that
// needs a `chrome` to talk to. The commands themselves get in-memory items below.
await vi.hoisted(async () => {
  const { fakeBrowser } = await import('wxt/testing/fake-browser');
  (globalThis as { chrome?: unknown }).chrome = fakeBrowser;
});
import { createActivityLog } from '../../lib/background/activity';
import { createCommands } from '../../lib/background/commands';
import { createJournal } from '../../lib/background/journal';
import { createPolicyStore } from '../../lib/background/policy-store';
import { createStepUps } from '../../lib/background/stepup';
import { stepUpClaims } from '../../lib/auth/claims';
import { createGraphClient } from '../../lib/graph/client';
import { refreshSnapshot } from '../../lib/graph/reads';
import { roleKey, groupKey, type Snapshot } from '../../lib/pim/model';
import type { Template } from '../../lib/pim/templates';
import type { Bundle } from '../../lib/pim/bundles';
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
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { call, signIn } from '../fake-tenant/testing.ts';
import { installMessages } from '../unit/components/fixtures';

// The product's sentences come from the English messages file, as in the extension.
installMessages();

const ME = '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71';
const K = {
  ga: roleKey('62e90394-69f5-4237-9190-012177145e10', '/'),
  // Exchange Administrator is eligible on the Oslo administrative unit only: the request must carry that scope.
  exo: roleKey('29232cdf-9323-42fd-ade2-1d097af3e4de', '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09'),
  userAdmin: roleKey('fe930be7-5e62-47db-91af-98c3a49a38b1', '/'),
  appAdmin: roleKey('9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', '/'),
  teams: groupKey('4e6d8f0a-2b1c-4d3e-8f5a-6b7c8d9e0f12', 'member'),
};
const template: Template = {
  id: 'tpl',
  name: 'Change',
  justification: 'Planned change for {role}',
  durationMinutes: 60,
};

function mem<T>(value: T) {
  return { get: async () => value, set: async (v: T) => void (value = v), peek: () => value };
}

let tenant: FakeTenant;
let token: string;
beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(() => tenant.close());
/** The refresh a command started last; waited for so that no request outlives its test. */
let pendingRefresh: () => Promise<unknown> = async () => {};
afterEach(() => pendingRefresh());

/** fetch → the stand-in on loopback, keeping the Microsoft host name. */
const toTenant: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
  const r = await call(tenant, {
    host: url.host,
    method: init?.method ?? 'GET',
    path: url.pathname + url.search,
    headers,
    body: typeof init?.body === 'string' ? init.body : undefined,
  });
  return new Response(r.status === 204 ? null : r.text, {
    status: r.status,
    headers: { 'content-type': String(r.headers['content-type'] ?? 'application/json') },
  });
};

async function world(opts: { remembered?: Record<string, Remembered>; bundles?: Bundle[] } = {}) {
  let now = new Date(await tenant.control.now());
  const connection: Connection = {
    cloudId: 'global',
    tenant: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-4333-8444-555555555555',
  };
  const auth: AuthState = {
    status: 'signed-in',
    account: {
      homeAccountId: 'h',
      oid: ME,
      tenantId: 't',
      name: 'Lidia',
      username: 'adm-lidia@contoso.onmicrosoft.com',
    },
    detail: null,
  };
  const graph = (t?: string) =>
    createGraphClient({ getToken: async () => t ?? token, graphBase: 'https://graph.microsoft.com', fetch: toTenant });
  const snapshot = mem<Snapshot | null>(null);
  const policies = createPolicyStore(mem<Record<string, PolicyEntry>>({}));
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
  // The commands start a refresh after their requests without waiting for it; the tests wait through `settled`.
  let last: Promise<unknown> = Promise.resolve();
  pendingRefresh = () => last;
  const opened: string[] = [];
  let n = 0;
  const newId = () => `id-${++n}`;
  const stepUps = mem<PendingStepUp[]>([]);
  const activity = mem<ActivityEntry[]>([]);
  const commands = createCommands({
    now: () => now,
    graph: (_c, t) => graph(t),
    items: {
      connection: mem(connection),
      authState: mem(auth),
      snapshot,
      remembered: mem(opts.remembered ?? {}),
      templates: mem([template]),
      bundles: mem(opts.bundles ?? []),
    },
    policies,
    journal: createJournal({ item: mem<JournalEntry[]>([]), now: () => now, newId }),
    activity: createActivityLog({ item: activity, now: () => now, newId }),
    stepUps: createStepUps({
      item: stepUps,
      now: () => now,
      newId,
      openTab: async (u) => (opened.push(u), 1),
      focusTab: async () => true,
      pageUrl: (q) => `ext:/signin.html${q}`,
    }),
    refresh: () => (last = refresh()),
    locale: 'en-GB',
    timeZone: 'UTC',
    openPopup: async () => false,
  });
  const sender = { id: 'ext', url: 'chrome-extension://ext/popup.html' };
  return {
    h: commands.handlers,
    refresh,
    settled: () => last,
    snapshot,
    policies,
    opened,
    stepUps,
    activity,
    sender,
    setNow: (d: Date) => (now = d),
  };
}

const posts = async () =>
  (await tenant.control.log()).filter(
    (e) => (e as { method?: string }).method === 'POST' && !String((e as { path?: string }).path).includes('$batch'),
  );

beforeEach(async () => {
  await tenant.control.loadScenario('tests/fake-tenant/scenarios/default.json');
  token = (await signIn(tenant)).access_token;
});

describe('commands against the stand-in tenant', () => {
  it('cold refresh reads policies in the second round trip; one click then sends exactly one valid POST', async () => {
    const w = await world({
      remembered: {
        [K.exo]: {
          templateId: 'tpl',
          durationMinutes: 600,
          ticketNumber: null,
          ticketSystem: null,
          justification: null,
        },
      },
    });
    const cold = await w.refresh();
    expect(cold.requests).toBe(2);
    expect((await w.policies.get())[K.exo]?.policy).toMatchObject({ maxMinutes: 480, requireJustification: true });
    expect((await w.policies.get())[K.appAdmin]?.policy).toMatchObject({ authContext: 'c1' });
    expect((await w.refresh()).requests).toBe(1);
    await tenant.control.clearLog();
    const { results } = await w.h['pim.activate']({ accountId: 'a1', keys: [K.exo], input: null }, w.sender);
    expect(results[0]).toMatchObject({ kind: 'ok', status: 'Provisioned' });
    const [write] = await posts();
    expect(await posts()).toHaveLength(1);
    expect(write).toMatchObject({
      body: {
        directoryScopeId: '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09',
        justification: 'Planned change for Exchange Administrator',
        scheduleInfo: { expiration: { duration: 'PT8H' } },
      },
    });
    await w.settled();
    expect(w.snapshot.peek()!.assignments.some((a) => a.key === K.exo && a.state === 'active')).toBe(true);
  });

  it('approval: PendingApproval, then Cancel withdraws it', async () => {
    const w = await world();
    await w.refresh();
    const { results } = await w.h['pim.activate'](
      {
        accountId: 'a1',
        keys: [K.ga],
        input: {
          templateId: 'tpl',
          justification: null,
          ticketNumber: null,
          ticketSystem: null,
          durationMinutes: 60,
          startAt: null,
        },
      },
      w.sender,
    );
    expect(results[0]).toMatchObject({ kind: 'ok', status: 'PendingApproval' });
    await w.settled();
    expect(w.snapshot.peek()!.assignments.some((a) => a.key === K.ga && a.state === 'pending')).toBe(true);
    const cancel = await w.h['pim.cancel']({ accountId: 'a1', key: K.ga }, w.sender);
    expect(cancel.results[0]).toMatchObject({ kind: 'ok', status: 'Canceled' });
  });

  it('authentication context c1: one step-up, then the POST carries a token with acrs c1', async () => {
    const w = await world({
      remembered: {
        [K.appAdmin]: {
          templateId: 'tpl',
          durationMinutes: 60,
          ticketNumber: null,
          ticketSystem: null,
          justification: null,
        },
      },
    });
    await w.refresh();
    const first = await w.h['pim.activate']({ accountId: 'a1', keys: [K.appAdmin], input: null }, w.sender);
    expect(first.results[0]).toMatchObject({ kind: 'stepUp' });
    expect(w.opened).toHaveLength(1);
    const [pending] = await w.stepUps.get();
    const claims = stepUpClaims({ acrs: 'c1' });
    expect(pending!.claims).toBe(claims);
    const stepped = await signIn(tenant, { claims });
    const done = await w.h['auth.stepUpDone'](
      { accountId: 'a1', stepUpId: pending!.stepUpId, accessToken: stepped.access_token, error: null },
      w.sender,
    );
    expect(done.results[0]).toMatchObject({ kind: 'ok', status: 'Provisioned' });
    const write = (await posts()).at(-1) as { tokenClaims?: { acrs?: string[] } };
    expect(write.tokenClaims?.acrs).toContain('c1');
  });

  it('a bundle of 2 roles + 1 group reports the policy failure of one item and activates the others', async () => {
    const w = await world({
      bundles: [{ id: 'b', name: 'Kit', items: [K.exo, K.userAdmin, K.teams], templateId: 'tpl', durationMinutes: 60 }],
    });
    await w.refresh();
    const { results } = await w.h['pim.activateBundle']({ accountId: 'a1', bundleId: 'b' }, w.sender);
    expect(results.map((r) => [r.key, r.kind])).toEqual([
      [K.exo, 'ok'],
      [K.userAdmin, 'field'],
      [K.teams, 'ok'],
    ]);
    expect(results[1]!.field).toBe('ticket');
  });

  it('deactivate is refused before start + 5 min on the tenant clock, then works', async () => {
    const w = await world();
    await w.refresh();
    await w.h['pim.activate'](
      {
        accountId: 'a1',
        keys: [K.exo],
        input: {
          templateId: 'tpl',
          justification: null,
          ticketNumber: null,
          ticketSystem: null,
          durationMinutes: 60,
          startAt: null,
        },
      },
      w.sender,
    );
    await w.settled();
    await tenant.control.clearLog();
    expect((await w.h['pim.deactivate']({ accountId: 'a1', key: K.exo }, w.sender)).results[0]).toMatchObject({
      kind: 'state',
    });
    expect(await posts()).toHaveLength(0);
    w.setNow(new Date(await tenant.control.advance(6 * 60_000)));
    expect((await w.h['pim.deactivate']({ accountId: 'a1', key: K.exo }, w.sender)).results[0]).toMatchObject({
      kind: 'ok',
      status: 'Revoked',
    });
  });
});
