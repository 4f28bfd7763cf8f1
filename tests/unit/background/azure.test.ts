import { describe, expect, it } from 'vitest';
import type { ArmClient } from '../../../lib/arm/client';
import { refreshAzure } from '../../../lib/background/azure';
import { checkEntries } from '../../../lib/background/reconcile';
import type { GraphClient } from '../../../lib/graph/client';
import { GraphRequestError } from '../../../lib/graph/errors';
import type { JournalEntry } from '../../../lib/storage';
import { badgeView } from '../../../lib/background/portal-tabs';
import { DEFAULT_PORTAL_PREF, portalById } from '../../../lib/pim/portals';
import type { Assignment, Snapshot } from '../../../lib/pim/model';

const PATH =
  '/subscriptions/3c1f8e2a-7b4d-4e9f-a6c5-1d2e3f4a5b6c/resourceGroups/rg-web/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/5f0c7a9e-1b2d-4c3e-8f4a-6b7c8d9e0f1a';
const entry = (path: string, requestKey = 'k1'): JournalEntry => ({
  requestKey,
  key: 'azure:b24988ac-6180-42a0-ab88-20f7382dd24c:/subscriptions/x/resourcegroups/rg-web',
  action: 'activate',
  at: '2026-12-02T10:00:00.000Z',
  request: { path, body: { properties: { requestType: 'SelfActivate' } } },
});
const noGraph = {} as GraphClient;

function arm(answer: (path: string) => unknown, asked: string[] = []): ArmClient {
  const fail = () => Promise.reject(new Error('not expected'));
  return {
    get: async (path) => {
      asked.push(path);
      return answer(path);
    },
    list: fail,
    put: fail,
    post: fail,
  };
}

describe('reconciling an Azure write by its request GUID', () => {
  it('reads that very request back: found → landed with ARM’s status, never a second PUT', async () => {
    const asked: string[] = [];
    const verdicts = await checkEntries(
      noGraph,
      [entry(PATH)],
      arm(() => ({ id: PATH, name: 'x', properties: { status: 'Provisioned' } }), asked),
    );
    expect(asked).toEqual([PATH]);
    expect(verdicts.get('k1')).toEqual({ outcome: 'landed', status: 'Provisioned', requestId: PATH });
  });

  it('404 → it never arrived; any other failure → unknown (the entry stays, nothing is resent)', async () => {
    const notFound = new GraphRequestError({
      status: 404,
      code: 'RoleAssignmentScheduleRequestNotFound',
      message: 'no',
    });
    const v404 = await checkEntries(
      noGraph,
      [entry(PATH)],
      arm(() => Promise.reject(notFound)),
    );
    expect(v404.get('k1')).toEqual({ outcome: 'absent' });
    const offline = new GraphRequestError({ status: 0, code: 'NetworkError', message: 'offline' });
    const v0 = await checkEntries(
      noGraph,
      [entry(PATH)],
      arm(() => Promise.reject(offline)),
    );
    expect(v0.get('k1')).toMatchObject({ outcome: 'unknown' });
  });
});

describe('Azure roles switched off', () => {
  it('asks nothing of ARM (no token, no request)', async () => {
    let touched = 0;
    const spy: ArmClient = {
      get: async () => void touched++,
      list: async () => {
        touched++;
        return [];
      },
      put: async () => void touched++,
      post: async () => void touched++,
    };
    const read = await refreshAzure({ enabled: async () => false, arm: spy, now: new Date(), policies: {} });
    expect(read).toBeNull();
    expect(touched).toBe(0);
  });
});

describe('the Azure portal badge', () => {
  const SUB = '/subscriptions/3c1f8e2a-7b4d-4e9f-a6c5-1d2e3f4a5b6c';
  const KV = `${SUB}/resourceGroups/rg-web/providers/Microsoft.KeyVault/vaults/kv-web-01`;
  const row = (key: string, scope: string): Assignment => ({
    key,
    kind: 'azure',
    state: 'eligible',
    id: key,
    principalId: 'me',
    targetId: key,
    displayName: key,
    directoryScopeId: scope,
    scopeName: null,
    accessId: null,
    assignmentType: null,
    memberType: 'direct',
    startDateTime: null,
    endDateTime: null,
    grants: [],
    status: null,
    justification: null,
  });
  const snapshot: Snapshot = {
    fetchedAt: '2026-12-02T10:00:00.000Z',
    principalId: 'me',
    sections: {},
    assignments: [
      row('vault', KV),
      row('rg-web', `${SUB}/resourceGroups/rg-web`),
      row('rg-data', `${SUB}/resourceGroups/rg-data`),
      row('mg', '/providers/Microsoft.Management/managementGroups/contoso-platform'),
    ],
  };
  const azure = portalById('azure')!;
  const names = (resourceId: string | null) =>
    badgeView(azure, snapshot, DEFAULT_PORTAL_PREF, undefined, resourceId).assignments.map((a) => a.key);

  it('shows only the Azure roles whose scope contains the resource in view, none where no resource is', () => {
    expect(names(KV)).toEqual(['vault', 'rg-web', 'mg']);
    expect(names(`${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata01`)).toEqual([
      'rg-data',
      'mg',
    ]);
    expect(names(null)).toEqual([]);
    expect(badgeView(portalById('exchange')!, snapshot, DEFAULT_PORTAL_PREF, undefined, KV).assignments).toEqual([]);
  });
});
