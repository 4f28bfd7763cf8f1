import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { EXT_ORIGIN, call, enc, graph, signIn } from '../fake-tenant/testing.ts';

let tenant: FakeTenant;
let token: string;
const ELIG = "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')";
const control = (method: string, path: string, body?: unknown) =>
  call(tenant, {
    host: '127.0.0.1',
    method,
    path: `/_control/${path}`,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
  });

beforeAll(async () => {
  tenant = await startFakeTenant({ now: new Date('2026-03-02T08:00:00Z') });
});
afterAll(() => tenant.close());
beforeEach(async () => {
  await tenant.control.loadScenario('tests/fake-tenant/scenarios/default.json');
  token = (await signIn(tenant)).access_token;
});

describe('faults', () => {
  it('status faults apply to the next N matching requests only, with the given headers', async () => {
    await tenant.control.addFault({
      match: { host: 'graph.microsoft.com', path: 'roleEligibilityScheduleInstances' },
      times: 2,
      respond: { status: 503, headers: { 'Retry-After': '1' } },
    });
    const a = await graph(tenant, token, 'GET', enc(ELIG));
    expect(a.status).toBe(503);
    expect(a.headers['retry-after']).toBe('1');
    expect(a.json().error.code).toBe('ServiceUnavailable');
    expect((await graph(tenant, token, 'GET', enc(ELIG))).status).toBe(503);
    expect((await graph(tenant, token, 'GET', enc(ELIG))).status).toBe(200);
  });

  it('reset drops the connection, malformed-json answers cut-off JSON, timeout never answers', async () => {
    await tenant.control.addFault({
      match: { method: 'GET', path: 'filterByCurrentUser' },
      times: 1,
      respond: { kind: 'reset' },
    });
    await expect(graph(tenant, token, 'GET', enc(ELIG))).rejects.toThrow();
    await tenant.control.addFault({
      match: { path: 'filterByCurrentUser' },
      times: 1,
      respond: { kind: 'malformed-json' },
    });
    const bad = await graph(tenant, token, 'GET', enc(ELIG));
    expect(bad.status).toBe(200);
    expect(() => bad.json()).toThrow();
    await tenant.control.addFault({ match: { path: 'filterByCurrentUser' }, times: 1, respond: { kind: 'timeout' } });
    await expect(
      call(tenant, {
        host: 'graph.microsoft.com',
        path: `/v1.0${enc(ELIG)}`,
        headers: { Authorization: `Bearer ${token}` },
        timeoutMs: 300,
      }),
    ).rejects.toThrow('timeout');
  });

  it('a fault on the token endpoint (login host)', async () => {
    await tenant.control.addFault({
      match: { host: 'login.microsoftonline.com', method: 'POST', path: '/oauth2/v2.0/token' },
      times: 1,
      respond: { status: 500, body: { error: 'server_error' } },
    });
    await expect(signIn(tenant)).rejects.toThrow(/server_error/);
  });
});

describe('request log', () => {
  it('records host, method, path, query, status, origin, token claims and bodies on the stand-in clock', async () => {
    await tenant.control.clearLog();
    await graph(tenant, token, 'GET', enc(`${ELIG}?$expand=roleDefinition`), undefined, { Origin: EXT_ORIGIN });
    await graph(tenant, token, 'POST', '/roleManagement/directory/roleAssignmentScheduleRequests', {
      action: 'selfActivate',
    });
    const log = await tenant.control.log();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({
      seq: expect.any(Number),
      host: 'graph.microsoft.com',
      method: 'GET',
      path: `/v1.0${ELIG}`,
      status: 200,
      origin: EXT_ORIGIN,
      tokenClaims: { amr: ['pwd'], acrs: [] },
    });
    expect(decodeURIComponent(log[0]!.query)).toBe('$expand=roleDefinition');
    expect(log[0]!.at.startsWith('2026-03-02T08:')).toBe(true);
    expect(log[1]).toMatchObject({ method: 'POST', status: 400, body: { action: 'selfActivate' } });
    expect(log[1]!.seq).toBeGreaterThan(log[0]!.seq);
  });
});

describe('HTTP control API', () => {
  it('clock, state, log, sessions and faults over /_control/ on 127.0.0.1', async () => {
    const now = (await control('GET', 'clock')).json().now as string;
    expect(now.startsWith('2026-03-02T08:')).toBe(true);
    const advanced = (await control('POST', 'clock', { advanceMs: 3_600_000 })).json().now as string;
    expect(Date.parse(advanced) - Date.parse(now)).toBeGreaterThanOrEqual(3_600_000);
    expect(
      (await control('POST', 'clock', { set: '2026-05-01T12:00:00Z' })).json().now.startsWith('2026-05-01T12:00'),
    ).toBe(true);
    const state = (await control('GET', 'state')).json();
    expect(state.tenant.displayName).toBe('Contoso');
    expect(state.sessions).toBe(1);
    expect((await control('DELETE', 'sessions')).status).toBe(204);
    expect((await control('GET', 'state')).json().sessions).toBe(0);
    expect((await control('POST', 'faults', { match: { path: 'x' }, times: 1, respond: { status: 429 } })).status).toBe(
      204,
    );
    expect((await control('GET', 'state')).json().pendingFaults).toBe(1);
    expect(Array.isArray((await control('GET', 'log')).json())).toBe(true);
    expect((await control('DELETE', 'log')).status).toBe(204);
    expect((await control('POST', 'clock', { nonsense: 1 })).status).toBe(400);
  });

  it('loads a scenario over HTTP (relative times resolved against its clock start) and approves a request', async () => {
    const s = JSON.parse(readFileSync('tests/fake-tenant/scenarios/default.json', 'utf8'));
    s.clock = { start: '2026-07-01T09:00:00Z' };
    s.pendingRequests = [
      {
        id: 'pending-ga',
        principal: 'adm-lidia@contoso.onmicrosoft.com',
        roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
        justification: 'Quarterly audit',
        duration: 'PT1H',
      },
    ];
    const loaded = await control('POST', 'scenario', s);
    expect(loaded.status).toBe(200);
    expect(loaded.json().now.startsWith('2026-07-01T09:00')).toBe(true);
    expect(loaded.json().requests[0]).toMatchObject({ id: 'pending-ga', status: 'PendingApproval' });
    const approved = await control('POST', 'requests/pending-ga/approve');
    expect(approved.json().status).toBe('Provisioned');
    expect((await control('POST', 'requests/pending-ga/deny')).status).toBe(400);
    const bad = await control('POST', 'scenario', { tenant: {} });
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatch(/Invalid fake-tenant scenario/);
  });

  it('serves placeholder admin portal pages and exposes host-resolver rules', async () => {
    const page = await call(tenant, { host: 'admin.exchange.microsoft.com', path: '/#/mailboxes' });
    expect(page.text).toContain('Exchange admin center');
    expect(tenant.hostResolverRules).toContain(`MAP login.microsoftonline.com 127.0.0.1:${tenant.port}`);
    expect(tenant.hostResolverRules).toContain(`MAP graph.microsoft.com 127.0.0.1:${tenant.port}`);
    expect(tenant.hostResolverRules.endsWith('MAP * ~NOTFOUND,EXCLUDE 127.0.0.1,EXCLUDE localhost')).toBe(true);
  });
});
