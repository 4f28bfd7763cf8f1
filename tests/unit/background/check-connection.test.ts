import { describe, expect, it } from 'vitest';
import { SignInRequiredError } from '../../../lib/auth/errors';
import { adminConsentUrl, checkConnection, classify } from '../../../lib/background/check-connection';
import type { BatchItemResponse, BatchRequestItem, GraphClient } from '../../../lib/graph/client';
import { GraphRequestError } from '../../../lib/graph/errors';
import type { Connection } from '../../../lib/storage';

const CONNECTION: Connection = {
  cloudId: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
};
const NOW = new Date('2026-03-02T10:00:00Z');
const NOT_GRANTED = {
  error: {
    code: 'UnknownError',
    message:
      '{"errorCode":"PermissionScopeNotGranted","message":"Authorization failed due to missing permission scope X."}',
  },
};
const DENIED = {
  error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
};

type Answer = { status: number; body?: unknown };

/** A Graph double answering $batch items by id; records every batch it was sent. */
function fakeGraph(answers: Record<string, Answer>, lists: Record<string, unknown[]> = {}) {
  const batches: BatchRequestItem[][] = [];
  const graph: GraphClient = {
    get: async () => null,
    post: async () => null,
    patch: async () => null,
    async batch(requests) {
      batches.push([...requests]);
      return requests.map((r): BatchItemResponse => {
        const a = answers[r.id] ?? { status: 200, body: { value: lists[r.id] ?? [] } };
        return { id: r.id, status: a.status, headers: {}, body: a.body };
      });
    },
  };
  return { graph, batches };
}

const run = (graph: GraphClient, token: () => Promise<unknown> = async () => 'token') =>
  checkConnection({ connection: async () => CONNECTION, graphFor: () => graph, token, now: () => NOW });

const statuses = (r: Awaited<ReturnType<typeof checkConnection>>) =>
  r.kind === 'checked' ? Object.fromEntries(r.scopes.map((s) => [s.scope, s.status])) : r.kind;

describe('checkConnection', () => {
  it('covers the approver views: a refused one says what it costs, under the permission it needs', async () => {
    const refused = {
      status: 403,
      body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } },
    };
    const { graph } = fakeGraph({ apRole: refused });
    const result = await run(graph);
    expect(
      result.kind === 'checked' && result.scopes.find((x) => x.scope === 'RoleAssignmentSchedule.ReadWrite.Directory'),
    ).toMatchObject({
      status: 'forbidden',
      detail: expect.stringMatching(/requests waiting for your approval cannot be listed/),
    });
  });

  it('calls each read endpoint once, then one policy read for roles and one for groups, and what a group grants', async () => {
    const { graph, batches } = fakeGraph(
      {},
      { rElig: [{ roleDefinitionId: 'role-1' }], gElig: [{ groupId: 'group-1' }] },
    );
    const result = await run(graph);
    expect(batches.map((b) => b.map((r) => r.id))).toEqual([
      ['rElig', 'rAct', 'gElig', 'gAct', 'rReq', 'gReq'],
      ['rPolicy', 'gPolicy', 'gRoles', 'apRole', 'apGroup'],
    ]);
    expect(batches[1]![2]!.url).toContain("principalId eq 'group-1'");
    expect(batches[1]![0]!.url).toContain("roleDefinitionId eq 'role-1'");
    expect(batches[1]![1]!.url).toContain("scopeId eq 'group-1'");
    expect(batches.flat().every((r) => r.method === 'GET')).toBe(true);
    expect(statuses(result)).toEqual({
      'RoleEligibilitySchedule.ReadWrite.Directory': 'ok',
      'RoleAssignmentSchedule.ReadWrite.Directory': 'ok',
      'RoleManagementPolicy.Read.Directory': 'ok',
      'PrivilegedEligibilitySchedule.Read.AzureADGroup': 'ok',
      'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup': 'ok',
      'RoleManagementPolicy.Read.AzureADGroup': 'ok',
    });
    expect(result).toMatchObject({
      kind: 'checked',
      checkedAt: NOW.toISOString(),
      adminConsentUrl: adminConsentUrl(CONNECTION),
    });
  });

  it('tells a missing consent from a forbidden call, per permission', async () => {
    const { graph } = fakeGraph(
      {
        gElig: { status: 403, body: NOT_GRANTED },
        gAct: { status: 403, body: NOT_GRANTED },
        rPolicy: { status: 403, body: DENIED },
      },
      { gReq: [{ groupId: 'group-1' }] },
    );
    const result = await run(graph);
    expect(statuses(result)).toMatchObject({
      'PrivilegedEligibilitySchedule.Read.AzureADGroup': 'not-consented',
      'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup': 'not-consented',
      'RoleManagementPolicy.Read.Directory': 'forbidden',
      'RoleEligibilitySchedule.ReadWrite.Directory': 'ok',
    });
    const scope =
      result.kind === 'checked' ? result.scopes.find((s) => s.scope === 'RoleManagementPolicy.Read.Directory') : null;
    expect(scope?.detail).toMatch(/Insufficient privileges/);
    // What the refusal costs, in the same sentence.
    expect(scope?.detail).toMatch(
      /^Refused for this account: activation rules cannot be read ahead\. .*learns the rest/,
    );
  });

  it('says what a refused role-assignment list costs (groups placed by name and pins)', async () => {
    const { graph } = fakeGraph({ gRoles: { status: 403, body: DENIED } }, { gElig: [{ groupId: 'group-1' }] });
    const result = await run(graph);
    const scope =
      result.kind === 'checked'
        ? result.scopes.find((s) => s.scope === 'RoleAssignmentSchedule.ReadWrite.Directory')
        : null;
    expect(scope?.status).toBe('forbidden');
    expect(scope?.detail).toMatch(/which roles your PIM groups grant is unknown.*by their name and by your pins/);
  });

  it('skips the group policy read when there is no group to read it for', async () => {
    const { graph, batches } = fakeGraph({});
    const result = await run(graph);
    expect(batches[1]!.map((r) => r.id)).toEqual(['rPolicy', 'apRole', 'apGroup']);
    expect(batches[1]![0]!.url).toBe(
      "/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'",
    );
    expect(statuses(result)).toMatchObject({ 'RoleManagementPolicy.Read.AzureADGroup': 'skipped' });
  });

  it('asks for sign-in before calling Graph when no token can be had', async () => {
    const { graph, batches } = fakeGraph({});
    const result = await run(graph, async () => {
      throw new SignInRequiredError('signed-out', 'You are not signed in.');
    });
    expect(result).toEqual({ kind: 'sign-in-required', detail: 'You are not signed in.' });
    expect(batches).toEqual([]);
  });

  it('says when nothing is configured, and when Graph cannot be reached at all', async () => {
    expect(
      await checkConnection({
        connection: async () => null,
        graphFor: () => fakeGraph({}).graph,
        token: async () => '',
        now: () => NOW,
      }),
    ).toEqual({
      kind: 'not-configured',
    });
    const offline: GraphClient = {
      ...fakeGraph({}).graph,
      batch: async () => {
        throw new GraphRequestError({
          status: 0,
          code: 'NetworkError',
          message: 'Microsoft Graph could not be reached (offline).',
        });
      },
    };
    expect(await run(offline)).toMatchObject({ kind: 'failed', detail: expect.stringMatching(/could not be reached/) });
  });
});

describe('classify', () => {
  it.each([
    [{ status: 200 }, 'ok'],
    [{ status: 403, body: NOT_GRANTED }, 'not-consented'],
    [
      { status: 403, body: { error: { code: 'Forbidden', message: 'Missing scope permissions on the request.' } } },
      'not-consented',
    ],
    [{ status: 403, body: DENIED }, 'forbidden'],
    [{ status: 403, body: { error: { code: '', message: '' } } }, 'forbidden'],
    [{ status: 429 }, 'error'],
    [{ status: 503 }, 'error'],
  ])('%j → %s', (answer, status) => {
    expect(classify({ id: 'x', headers: {}, ...answer }).status).toBe(status);
  });
});

describe('adminConsentUrl', () => {
  it('uses the cloud’s sign-in host, the tenant and the client id', () => {
    expect(adminConsentUrl(CONNECTION)).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=11111111-2222-4333-8444-555555555555',
    );
    expect(adminConsentUrl({ ...CONNECTION, cloudId: 'usgov' })).toMatch(/^https:\/\/login\.microsoftonline\.us\//);
  });
});
