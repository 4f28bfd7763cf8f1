/**
 * Microsoft clouds as data: authority host, Graph base and Azure Resource Manager base. National clouds are added here
 * (and nowhere else); the manifest's connect-src is derived from this list.
 */
export interface Cloud {
  id: string;
  label: string;
  authority: string;
  graph: string;
  /** Azure Resource Manager (Azure resource roles); its origin is also the token audience. */
  arm: string;
}

export const CLOUDS: readonly Cloud[] = [
  {
    id: 'global',
    label: 'Microsoft Entra (global)',
    authority: 'https://login.microsoftonline.com',
    graph: 'https://graph.microsoft.com',
    arm: 'https://management.azure.com',
  },
  {
    id: 'usgov',
    label: 'US Government L4 (GCC High)',
    authority: 'https://login.microsoftonline.us',
    graph: 'https://graph.microsoft.us',
    arm: 'https://management.usgovcloudapi.net',
  },
  {
    id: 'dod',
    label: 'US Government L5 (DoD)',
    authority: 'https://login.microsoftonline.us',
    graph: 'https://dod-graph.microsoft.us',
    arm: 'https://management.usgovcloudapi.net',
  },
  {
    id: 'china',
    label: 'China (21Vianet)',
    authority: 'https://login.chinacloudapi.cn',
    graph: 'https://microsoftgraph.chinacloudapi.cn',
    arm: 'https://management.chinacloudapi.cn',
  },
];

export function cloudById(id: string): Cloud {
  return CLOUDS.find((c) => c.id === id) ?? CLOUDS[0]!;
}
