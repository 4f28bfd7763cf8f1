import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { graph, signIn } from '../fake-tenant/testing.ts';

let tenant: FakeTenant;
let token: string;

const READS = [
  {
    id: 'rElig',
    method: 'GET',
    url: "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition",
  },
  {
    id: 'rAct',
    method: 'GET',
    url: "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')?$expand=roleDefinition",
  },
  {
    id: 'gElig',
    method: 'GET',
    url: "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/filterByCurrentUser(on='principal')?$expand=group",
  },
  {
    id: 'gAct',
    method: 'GET',
    url: "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/filterByCurrentUser(on='principal')",
  },
  {
    id: 'rReq',
    method: 'GET',
    url: "/roleManagement/directory/roleAssignmentScheduleRequests/filterByCurrentUser(on='principal')?$filter=status eq 'PendingApproval'",
  },
  {
    id: 'gReq',
    method: 'GET',
    url: "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests/filterByCurrentUser(on='principal')?$filter=status eq 'PendingApproval'",
  },
];
const batch = (requests: unknown) => graph(tenant, token, 'POST', '/$batch', { requests });

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(() => tenant.close());
beforeEach(async () => {
  await tenant.control.loadScenario('tests/fake-tenant/scenarios/default.json');
  token = (await signIn(tenant)).access_token;
});

describe('$batch', () => {
  it('runs the six PIM reads (quotes, parentheses, spaces in urls) with per-item status, headers and body', async () => {
    const r = await batch(READS);
    expect(r.status).toBe(200);
    const responses = r.json().responses as {
      id: string;
      status: number;
      headers: Record<string, string>;
      body: { value: unknown[] };
    }[];
    expect(responses.map((x) => x.id)).toEqual(READS.map((x) => x.id));
    for (const item of responses) {
      expect(item.status).toBe(200);
      expect(item.headers['Content-Type']).toContain('application/json');
      expect(Array.isArray(item.body.value)).toBe(true);
    }
    expect(responses.find((x) => x.id === 'rElig')!.body.value).toHaveLength(5);
    expect(responses.find((x) => x.id === 'gElig')!.body.value).toHaveLength(2);
    const log = await tenant.control.log();
    const entry = log.find((e) => e.path === '/v1.0/$batch')!;
    expect(entry.batch!.map((b) => [b.id, b.status])).toEqual(READS.map((x) => [x.id, 200]));
    expect(entry.tokenClaims!.scp).toContain('RoleAssignmentSchedule.ReadWrite.Directory');
  });

  it('rejects more than 20 requests, duplicate ids (case-insensitive) and a malformed body with 400', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ ...READS[0], id: String(i) }));
    const tooMany = await batch(many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json().error.code).toBe('BadRequest');
    expect((await batch(Array.from({ length: 20 }, (_, i) => ({ ...READS[0], id: String(i) })))).status).toBe(200);
    expect(
      (
        await batch([
          { ...READS[0], id: 'a' },
          { ...READS[1], id: 'A' },
        ])
      ).status,
    ).toBe(400);
    const raw = await graph(tenant, token, 'POST', '/$batch', undefined, {});
    expect(raw.status).toBe(400);
  });

  it('applies a per-item fault (429 with Retry-After) only to the matching item', async () => {
    await tenant.control.addFault({
      match: { batchItemUrl: 'group/eligibilityScheduleInstances' },
      times: 1,
      respond: { status: 429, headers: { 'Retry-After': '2.128' } },
    });
    const responses = (await batch(READS)).json().responses as {
      id: string;
      status: number;
      headers: Record<string, string>;
      body: { error?: { code: string } };
    }[];
    const g = responses.find((x) => x.id === 'gElig')!;
    expect(g.status).toBe(429);
    expect(g.headers['Retry-After']).toBe('2.128');
    expect(g.body.error!.code).toBe('TooManyRequests');
    expect(responses.filter((x) => x.status === 200)).toHaveLength(5);
    const again = (await batch(READS)).json().responses as { status: number }[];
    expect(again.every((x) => x.status === 200)).toBe(true);
  });

  it('dependsOn: a failed dependency gives 424', async () => {
    await tenant.control.addFault({
      match: { batchItemUrl: 'roleEligibilityScheduleInstances' },
      times: 1,
      respond: { status: 503 },
    });
    const responses = (await batch([READS[0], { ...READS[1], dependsOn: ['rElig'] }])).json().responses as {
      id: string;
      status: number;
    }[];
    expect(responses.map((x) => x.status)).toEqual([503, 424]);
  });

  it('runs POSTs (with Content-Type) through the same validation', async () => {
    const body = {
      action: 'selfActivate',
      principalId: '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71',
      roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
      directoryScopeId: '/',
      scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } },
    };
    const responses = (
      await batch([
        {
          id: '1',
          method: 'POST',
          url: '/roleManagement/directory/roleAssignmentScheduleRequests',
          headers: { 'Content-Type': 'application/json' },
          body,
        },
        { id: '2', method: 'POST', url: '/roleManagement/directory/roleAssignmentScheduleRequests', body },
      ])
    ).json().responses as { status: number; body: { error: { message: string } } }[];
    expect(responses[0]!.status).toBe(400);
    expect(responses[0]!.body.error.message).toBe('The following policy rules failed: ["JustificationRule"]');
    expect(responses[1]!.status).toBe(400);
  });
});
