import { describe, expect, it } from 'vitest';
import { CLOUDS, cloudById } from '../../../lib/clouds';
import { GRAPH_PERMISSIONS, OIDC_SCOPES, graphResource, graphScopes, signInScopes } from '../../../lib/auth/scopes';

describe('delegated scopes', () => {
  it('asks for exactly the least-privilege PIM permissions of the reference, each with a reason', () => {
    expect(GRAPH_PERMISSIONS.map((p) => p.name)).toEqual([
      'RoleEligibilitySchedule.ReadWrite.Directory',
      'RoleAssignmentSchedule.ReadWrite.Directory',
      'RoleManagementPolicy.Read.Directory',
      'PrivilegedEligibilitySchedule.Read.AzureADGroup',
      'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
      'RoleManagementPolicy.Read.AzureADGroup',
    ]);
    for (const p of GRAPH_PERMISSIONS) expect(p.why.length).toBeGreaterThan(20);
  });

  it('qualifies them with the global Graph resource', () => {
    expect(graphScopes(cloudById('global'))).toContain(
      'https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory',
    );
    expect(graphScopes(cloudById('global')).every((s) => s.startsWith('https://graph.microsoft.com/'))).toBe(true);
  });

  it.each([
    ['usgov', 'https://graph.microsoft.us'],
    ['dod', 'https://dod-graph.microsoft.us'],
    ['china', 'https://microsoftgraph.chinacloudapi.cn'],
  ])('derives the resource of the %s cloud from its Graph base', (id, resource) => {
    const cloud = cloudById(id);
    expect(graphResource(cloud)).toBe(resource);
    expect(graphScopes(cloud)).toEqual(GRAPH_PERMISSIONS.map((p) => `${resource}/${p.name}`));
  });

  it('signs in with the Graph scopes plus openid, profile and offline_access (the refresh token)', () => {
    for (const cloud of CLOUDS) {
      expect(signInScopes(cloud)).toEqual([...graphScopes(cloud), 'openid', 'profile', 'offline_access']);
    }
    expect(OIDC_SCOPES).toContain('offline_access');
  });

  it('fits the message protocol limit on scopes (at most 20, each under 200 characters)', () => {
    for (const cloud of CLOUDS) {
      const scopes = signInScopes(cloud);
      expect(scopes.length).toBeLessThanOrEqual(20);
      expect(Math.max(...scopes.map((s) => s.length))).toBeLessThan(200);
    }
  });
});
