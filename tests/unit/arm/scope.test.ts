import { describe, expect, it } from 'vitest';
import { parseScope, portalResourceId, scopeContains, scopePath } from '../../../lib/arm/scope';

const SUB = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-web`;
const KV = `${RG}/providers/Microsoft.KeyVault/vaults/kv-web-01`;
const MG = '/providers/Microsoft.Management/managementGroups/contoso-root';
const TENANT = '#@contoso.onmicrosoft.com';

describe('portalResourceId', () => {
  it.each([
    [`https://portal.azure.com/${TENANT}/resource${KV}/overview`, KV],
    [`https://portal.azure.com/${TENANT}/resource${KV}/secrets`, KV],
    [`https://portal.azure.com/${TENANT}/resource${RG}/overview`, RG],
    [`https://portal.azure.com/${TENANT}/resource/subscriptions/${SUB}/overview`, `/subscriptions/${SUB}`],
    [`https://portal.azure.com/${TENANT}/resource${MG}/overview`, MG],
    [
      `https://portal.azure.com/#view/Microsoft_Azure_ManagementGroups/ManagmentGroupDrilldownMenuBlade/~/overview/tenantId/0000/mgId/contoso-root/mgDisplayName/Contoso`,
      MG,
    ],
    [
      `https://portal.azure.com/${TENANT}/resource${RG}/providers/Microsoft.Web/sites/app-web/slots/staging/overview`,
      `${RG}/providers/Microsoft.Web/sites/app-web/slots/staging`,
    ],
    [`https://portal.azure.us/${TENANT}/resource${KV}/overview`, KV],
    [`https://portal.azure.com/${TENANT}/resource${KV.replace('rg-web', 'rg%2Dweb')}/overview`, KV],
    [`https://portal.azure.com/#home`, null],
    [`https://portal.azure.com/#view/HubsExtension/BrowseResourceGroups`, null],
    [`https://evil.example/${TENANT}/resource${KV}/overview`, null],
    [`https://portal.azure.com/${TENANT}/resource/subscriptions/not-a-guid/overview`, null],
  ])('%s → %s', (url, expected) => {
    expect(portalResourceId(url)).toBe(expected);
  });
});

describe('scopeContains', () => {
  it.each([
    [RG, KV, true],
    [KV, KV, true],
    [`/subscriptions/${SUB}`, KV, true],
    [KV, RG, false],
    [`/subscriptions/${SUB}/resourceGroups/rg-data`, KV, false],
    [RG.toUpperCase().replace('SUBSCRIPTIONS', 'subscriptions'), KV, true],
    [`/subscriptions/${SUB}/resourceGroups/rg-we`, KV, false],
    // A management group's subscriptions are not known from ids: taken to contain every resource.
    [MG, KV, true],
    [MG, MG, true],
    [MG, '/providers/Microsoft.Management/managementGroups/other', false],
    [KV, MG, false],
    ['not a scope', KV, false],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(scopeContains(outer, inner)).toBe(expected);
  });
});

describe('parseScope', () => {
  it('names the level of each kind of scope and refuses what is not one', () => {
    expect(parseScope(MG)?.level).toBe('managementGroup');
    expect(parseScope(`/subscriptions/${SUB}`)?.level).toBe('subscription');
    expect(parseScope(RG)?.level).toBe('resourceGroup');
    expect(parseScope(KV)).toMatchObject({ level: 'resource', provider: 'Microsoft.KeyVault' });
    expect(parseScope(`${RG}/providers/Microsoft.KeyVault/vaults`)).toBeNull();
    expect(parseScope('/subscriptions/x/../../etc')).toBeNull();
    expect(parseScope('https://evil.example/x')).toBeNull();
  });
});

describe('scopePath', () => {
  it('uses the names ARM sent, else the names in the id, and a short subscription id', () => {
    const names = new Map([[`/subscriptions/${SUB}`, 'Contoso Prod']]);
    expect(scopePath(KV, names)).toBe('Contoso Prod › rg-web › kv-web-01');
    expect(scopePath(KV, new Map())).toBe('1f2e3d4c… › rg-web › kv-web-01');
    expect(scopePath(MG, new Map([[MG.toLowerCase(), 'Contoso Root']]))).toBe('Contoso Root');
  });
});
