/**
 * Graph faults against the stand-in tenant over real HTTPS, through the product's Graph client and refresh: throttling
 * with fractional Retry-After, 5xx, timeouts, resets, cut-short JSON, per-item `$batch` failures, odd payloads, an
 * access token that expires mid-request, and a refresh token that no longer works.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  const { fakeBrowser } = await import('wxt/testing/fake-browser');
  (globalThis as { chrome?: unknown }).chrome = fakeBrowser;
});
import { createGraphClient } from '../../lib/graph/client';
import { GraphRequestError } from '../../lib/graph/errors';
import { refreshSnapshot } from '../../lib/graph/reads';
import { createTokenProvider, SignInRequiredError } from '../../lib/auth/token-provider';
import type { AuthHost } from '../../lib/auth/host';
import type { Snapshot } from '../../lib/pim/model';
import type { AuthState } from '../../lib/storage';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { signIn } from '../fake-tenant/testing.ts';
import { CONNECTION, ME, mem, SIGNED_IN, tenantFetch } from './scenario-world';

let tenant: FakeTenant;
let token: string;
const ELIG =
  "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition";

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(() => tenant.close());
beforeEach(async () => {
  await tenant.control.loadScenario('tests/fake-tenant/scenarios/default.json');
  token = (await signIn(tenant)).access_token;
  await tenant.control.clearLog();
});

const client = (o: { timeoutMs?: number; getToken?: (x: { forceRefresh: boolean }) => Promise<string> } = {}) =>
  createGraphClient({
    getToken: o.getToken ?? (async () => token),
    graphBase: 'https://graph.microsoft.com',
    fetch: tenantFetch(tenant, 30_000),
    timeoutMs: o.timeoutMs,
  });
const gets = async (fragment: string) =>
  (await tenant.control.log()).filter((e) => e.method === 'GET' && e.path.includes(fragment));
const batches = async () => (await tenant.control.log()).filter((e) => e.path === '/v1.0/$batch');
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(GraphRequestError);
  return e as GraphRequestError;
};
const refresh = (previous: Snapshot | null = null, sleep?: (ms: number) => Promise<void>) =>
  refreshSnapshot({
    graph: client(),
    principalId: ME,
    previous,
    groupInfo: {},
    now: new Date(),
    ...(sleep ? { sleep } : {}),
  });

describe('Graph faults: throttling and server errors', () => {
  it('429 with Retry-After 2.5 is waited and retried once', async () => {
    await tenant.control.addFault({
      match: { path: 'roleEligibilityScheduleInstances' },
      respond: { status: 429, headers: { 'Retry-After': '2.5' } },
    });
    const started = Date.now();
    await client().get(ELIG);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_400);
    expect((await gets('roleEligibilityScheduleInstances')).map((e) => e.status)).toEqual([429, 200]);
  });

  it('429 with a Retry-After beyond the cap is returned at once with the wait, not retried early', async () => {
    await tenant.control.addFault({
      match: { path: 'roleEligibilityScheduleInstances' },
      respond: { status: 429, headers: { 'Retry-After': '120' } },
    });
    const e = await failure(client().get(ELIG));
    expect(e.error).toMatchObject({ status: 429, retryAfterSeconds: 120 });
    expect(await gets('roleEligibilityScheduleInstances')).toHaveLength(1);
  });

  it('503 with Retry-After 0.2 twice, then success: retried twice', async () => {
    await tenant.control.addFault({
      match: { path: 'roleEligibilityScheduleInstances' },
      times: 2,
      respond: { status: 503, headers: { 'Retry-After': '0.2' } },
    });
    await client().get(ELIG);
    expect((await gets('roleEligibilityScheduleInstances')).map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it('500 on the refresh batch is not retried; the refresh fails as a whole with status 500', async () => {
    await tenant.control.addFault({ match: { path: '$batch' }, respond: { status: 500 } });
    const e = await failure(refresh());
    expect(e.status).toBe(500);
    expect(await batches()).toHaveLength(1);
  });

  it('500 on an activation POST is not retried: one POST', async () => {
    await tenant.control.addFault({
      match: { method: 'POST', path: 'roleAssignmentScheduleRequests' },
      respond: { status: 500 },
    });
    const e = await failure(
      client().post('/roleManagement/directory/roleAssignmentScheduleRequests', { action: 'selfActivate' }),
    );
    expect(e.status).toBe(500);
    expect((await tenant.control.log()).filter((x) => x.method === 'POST')).toHaveLength(1);
  });
});

describe('Graph faults: the network', () => {
  it('a request that never answers times out as a network error (status 0) instead of hanging', async () => {
    await tenant.control.addFault({
      match: { path: 'roleEligibilityScheduleInstances' },
      respond: { kind: 'timeout' },
    });
    const started = Date.now();
    const e = await failure(client({ timeoutMs: 400 }).get(ELIG));
    expect(e.error).toMatchObject({ status: 0, code: 'NetworkError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a connection reset on the refresh batch fails the refresh as offline-like (status 0), nothing half-written', async () => {
    await tenant.control.addFault({ match: { path: '$batch' }, respond: { kind: 'reset' } });
    const e = await failure(refresh());
    expect(e.status).toBe(0);
  });

  it('a 200 with JSON cut short is an InvalidResponse error, not a crash', async () => {
    await tenant.control.addFault({
      match: { path: 'roleEligibilityScheduleInstances' },
      respond: { kind: 'malformed-json' },
    });
    const e = await failure(client().get(ELIG));
    expect(e.error).toMatchObject({ status: 200, code: 'InvalidResponse' });
  });

  it('a $batch answer cut short fails the refresh with InvalidResponse and keeps nothing half-parsed', async () => {
    await tenant.control.addFault({ match: { path: '$batch' }, respond: { kind: 'malformed-json' } });
    expect((await failure(refresh())).code).toBe('InvalidResponse');
  });
});

describe('Graph faults: per-item $batch failures', () => {
  async function sectionFailure(status: number) {
    const first = (await refresh()).snapshot;
    await tenant.control.addFault({
      match: { batchItemUrl: 'group/eligibilityScheduleInstances' },
      respond: { status },
    });
    const second = (await refresh(first)).snapshot;
    expect(second.sections.groupEligible?.error?.status).toBe(status);
    expect(second.sections.roleEligible?.error).toBeNull();
    const groups = (s: Snapshot) =>
      s.assignments.filter((a) => a.kind === 'group' && a.state === 'eligible').map((a) => a.key);
    expect(groups(second)).toEqual(groups(first));
  }

  it("a $batch where one item fails with 403 (scope not consented) keeps that section's last data and updates the rest", () =>
    sectionFailure(403));
  it("a $batch where one item fails with 500 keeps that section's last data and updates the rest", () =>
    sectionFailure(500));

  it('a $batch item throttled with Retry-After 1.25 is re-sent alone once after 1250 ms', async () => {
    await tenant.control.addFault({
      match: { batchItemUrl: 'roleAssignmentScheduleInstances' },
      respond: { status: 429, headers: { 'Retry-After': '1.25' } },
    });
    const waits: number[] = [];
    const r = await refresh(null, async (ms) => void waits.push(ms));
    expect(waits).toEqual([1250]);
    const [, retry] = await batches();
    expect(retry!.batch!.map((b) => b.id)).toEqual(['rAct']);
    expect(r.snapshot.sections.roleActive?.error).toBeNull();
  });

  it('a $batch item throttled for longer than worth waiting keeps its last data with the 429, without a second batch', async () => {
    await tenant.control.addFault({
      match: { batchItemUrl: 'roleAssignmentScheduleInstances' },
      respond: { status: 429, headers: { 'Retry-After': '300' } },
    });
    const r = await refresh();
    expect(r.snapshot.sections.roleActive?.error?.status).toBe(429);
    // The read batch and the group/policy details, no retry of the throttled item.
    expect(await batches()).toHaveLength(2);
    expect((await batches())[1]!.batch!.some((b) => b.id === 'rAct')).toBe(false);
  });
});

describe('Graph faults: tokens', () => {
  it('an access token expiring mid-request: one silent renewal, then one retry', async () => {
    const forced: boolean[] = [];
    let current = token;
    const getToken = async ({ forceRefresh }: { forceRefresh: boolean }) => {
      forced.push(forceRefresh);
      if (forceRefresh) current = (await signIn(tenant)).access_token;
      return current;
    };
    await tenant.control.advance(2 * 3_600_000); // the token's exp passes on the stand-in's clock
    await client({ getToken }).get(ELIG);
    expect(forced).toEqual([false, true]);
    expect((await gets('roleEligibilityScheduleInstances')).map((e) => e.status)).toEqual([401, 200]);
  });

  it('a token Graph keeps rejecting: one renewal and one retry, then the 401 is returned (no loop)', async () => {
    let calls = 0;
    const e = await failure(client({ getToken: async () => (calls++, 'not-a-token') }).get(ELIG));
    expect(e.status).toBe(401);
    expect(calls).toBe(2);
    expect(await gets('roleEligibilityScheduleInstances')).toHaveLength(2);
  });

  it('an expired refresh token: one clear sign-in prompt (renewal-required), and no further renewal attempts loop', async () => {
    const authState = mem<AuthState>(SIGNED_IN);
    const requests: string[] = [];
    const host: AuthHost = {
      ensure: async () => {},
      reset: async () => {},
      request: (async (name: string) => {
        requests.push(name);
        if (name === 'auth.token')
          throw Object.assign(new Error('AADSTS700082: The refresh token has expired due to inactivity.'), {
            code: 'interaction-required',
          });
        if (name === 'auth.renewalUrl')
          return { url: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?prompt=none' };
        if (name === 'auth.redeem') throw new Error('login_required');
        return { ok: true };
      }) as AuthHost['request'],
    };
    let flows = 0;
    const provider = createTokenProvider({
      host,
      launchWebAuthFlow: async () => {
        flows++;
        throw new Error('User interaction required.');
      },
      connection: mem(CONNECTION),
      authState,
    });
    const first = await provider.getToken().then(
      () => null,
      (e: unknown) => e,
    );
    expect(first).toBeInstanceOf(SignInRequiredError);
    expect(authState.peek()).toMatchObject({
      status: 'renewal-required',
      detail: expect.stringMatching(/Silent renewal failed/),
    });
    expect(flows).toBe(1);
    expect((first as Error).message).toMatch(/sign in/i);
    // A second caller (the next alarm) tries once more and gives up the same way: bounded, never a loop.
    await provider.getToken().catch(() => undefined);
    expect(flows).toBe(2);
    expect(requests.filter((r) => r === 'auth.token')).toHaveLength(2);
  });
});
