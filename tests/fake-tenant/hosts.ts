/** The Microsoft hostnames the stand-in answers for, and Chromium's --host-resolver-rules that send them here. */

export const LOGIN_HOST = 'login.microsoftonline.com';
export const GRAPH_HOST = 'graph.microsoft.com';
/** Azure Resource Manager (Azure resource roles; tests/fake-tenant/arm/). */
export const ARM_HOST = 'management.azure.com';

/** Admin portals where the product's portal badge runs (pages are placeholders until portal fixtures exist). */
export function portalHosts(tenantDomain: string): string[] {
  const sharepointAdmin = `${tenantDomain.split('.')[0]}-admin.sharepoint.com`;
  return [
    'admin.exchange.microsoft.com',
    'entra.microsoft.com',
    'portal.azure.com',
    'admin.microsoft.com',
    'admin.cloud.microsoft',
    'admin.teams.microsoft.com',
    sharepointAdmin,
    'intune.microsoft.com',
    'security.microsoft.com',
    'purview.microsoft.com',
    'compliance.microsoft.com',
  ];
}

/**
 * Hosts that look like portals to a careless match and are not this tenant's: an ordinary SharePoint site of the
 * tenant (where the badge must not even start) and another tenant's SharePoint admin center (where it must show
 * nothing). They serve the same placeholder page, so a test can open them.
 */
export function lookAlikeHosts(tenantDomain: string): string[] {
  const name = tenantDomain.split('.')[0];
  return [`${name}.sharepoint.com`, 'fabrikam-admin.sharepoint.com'];
}

export function allHosts(tenantDomain: string): string[] {
  return [LOGIN_HOST, GRAPH_HOST, ARM_HOST, ...portalHosts(tenantDomain), ...lookAlikeHosts(tenantDomain)];
}

export function hostResolverRules(port: number, tenantDomain: string): string {
  const maps = allHosts(tenantDomain).map((h) => `MAP ${h} 127.0.0.1:${port}`);
  return [...maps, 'MAP * ~NOTFOUND', 'EXCLUDE 127.0.0.1', 'EXCLUDE localhost'].join(',');
}

export function isControlHost(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}
