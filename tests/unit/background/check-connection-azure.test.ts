import { describe, expect, it } from 'vitest';
import type { ArmClient } from '../../../lib/arm/client';
import { ArmConsentRequiredError } from '../../../lib/auth/token-provider';
import { AZURE_SCOPE, checkConnection } from '../../../lib/background/check-connection';
import type { GraphClient } from '../../../lib/graph/client';
import type { Connection } from '../../../lib/storage';

const CONNECTION: Connection = { cloudId: 'global', tenant: 'contoso.onmicrosoft.com', clientId: 'client' };
const graph: GraphClient = {
  get: async () => null,
  post: async () => null,
  patch: async () => null,
  batch: async (requests) => requests.map((r) => ({ id: r.id, status: 200, headers: {}, body: { value: [] } })),
};
const arm = (list: () => Promise<unknown[]>): ArmClient => ({
  list,
  get: async () => null,
  put: async () => null,
  post: async () => null,
});

async function azureLine(client: ArmClient | null) {
  const result = await checkConnection({
    connection: async () => CONNECTION,
    graphFor: () => graph,
    token: async () => 'token',
    now: () => new Date(),
    arm: async () => client,
  });
  return result.kind === 'checked' ? result.scopes.find((s) => s.scope === AZURE_SCOPE) : undefined;
}

describe('Check connection: Azure roles', () => {
  it('says "not consented" when no ARM token could be had, with the consent hint', async () => {
    expect(
      await azureLine(
        arm(async () => {
          throw new ArmConsentRequiredError();
        }),
      ),
    ).toMatchObject({ status: 'not-consented', detail: expect.stringContaining('not consented') });
  });

  it('says "no Azure access" when ARM lists nothing for the account, ok when it lists something', async () => {
    expect(await azureLine(arm(async () => []))).toMatchObject({
      status: 'skipped',
      detail: expect.stringContaining('No Azure access'),
    });
    expect(await azureLine(arm(async () => [{}]))).toMatchObject({ status: 'ok' });
  });

  it('has no Azure line, and asks nothing of ARM, when Azure roles are off', async () => {
    expect(await azureLine(null)).toBeUndefined();
  });
});
