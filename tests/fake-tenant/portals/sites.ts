/** The stand-in admin portals: per host, the shell's title, brand colour and SPA routes (pushState, no reloads). */

export interface Route {
  path: string;
  label: string;
  /** Columns of the route's data grid (the heavy part of the DOM). */
  columns: string[];
}

export interface Site {
  title: string;
  brand: string;
  /** A fixed "Help & support" button in the bottom-right corner, as the Microsoft 365 shell has. */
  helpButton: boolean;
  routes: Route[];
}

const people = ['Display name', 'User principal name', 'Department', 'Licenses', 'Sign-in status', 'Created'];

export const SITES: Record<string, Site> = {
  'admin.exchange.microsoft.com': {
    title: 'Exchange admin center',
    brand: '#0f6cbd',
    helpButton: true,
    routes: [
      { path: '/', label: 'Home', columns: ['Item', 'Status', 'Owner', 'Updated', 'Region', 'Notes'] },
      {
        path: '/mailboxes',
        label: 'Mailboxes',
        columns: ['Display name', 'Email address', 'Recipient type', 'Archive', 'Litigation hold', 'Last modified'],
      },
      {
        path: '/groups',
        label: 'Groups',
        columns: ['Group name', 'Email address', 'Group type', 'Members', 'Owners', 'Created'],
      },
      {
        path: '/mailflow/rules',
        label: 'Rules',
        columns: ['Rule', 'Priority', 'Status', 'Mode', 'Stop processing', 'Last modified'],
      },
    ],
  },
  'entra.microsoft.com': {
    title: 'Microsoft Entra admin center',
    brand: '#0078d4',
    helpButton: false,
    routes: [
      { path: '/', label: 'Home', columns: ['Item', 'Status', 'Owner', 'Updated', 'Region', 'Notes'] },
      { path: '/users', label: 'Users', columns: people },
      {
        path: '/groups',
        label: 'Groups',
        columns: ['Name', 'Object ID', 'Group type', 'Membership type', 'Email', 'Source'],
      },
      {
        path: '/roles',
        label: 'Roles and administrators',
        columns: ['Role', 'Description', 'Type', 'Assignments', 'Privileged', 'Template ID'],
      },
    ],
  },
  'admin.microsoft.com': {
    title: 'Microsoft 365 admin center',
    brand: '#0f6cbd',
    helpButton: true,
    routes: [
      { path: '/', label: 'Home', columns: ['Item', 'Status', 'Owner', 'Updated', 'Region', 'Notes'] },
      { path: '/users', label: 'Active users', columns: people },
      {
        path: '/teams-and-groups',
        label: 'Teams & groups',
        columns: ['Name', 'Email', 'Type', 'Privacy', 'Members', 'Created'],
      },
      {
        path: '/billing',
        label: 'Billing',
        columns: ['Product', 'Assigned', 'Available', 'Renewal', 'Billing frequency', 'Status'],
      },
    ],
  },
  'portal.azure.com': {
    title: 'Microsoft Azure',
    brand: '#0078d4',
    helpButton: false,
    routes: [
      { path: '/', label: 'Home', columns: ['Name', 'Type', 'Resource group', 'Location', 'Subscription', 'Tags'] },
      {
        path: '/resources',
        label: 'All resources',
        columns: ['Name', 'Type', 'Resource group', 'Location', 'Subscription', 'Tags'],
      },
    ],
  },
  'admin.teams.microsoft.com': {
    title: 'Microsoft Teams admin center',
    brand: '#5b5fc7',
    helpButton: false,
    routes: [
      { path: '/', label: 'Dashboard', columns: ['Item', 'Status', 'Owner', 'Updated', 'Region', 'Notes'] },
      {
        path: '/teams',
        label: 'Manage teams',
        columns: ['Name', 'Channels', 'Team members', 'Owners', 'Privacy', 'Status'],
      },
    ],
  },
};

/** admin.cloud.microsoft is the Microsoft 365 admin center's newer host. */
SITES['admin.cloud.microsoft'] = SITES['admin.microsoft.com']!;

/** The site for a host: the fixed hosts above, or any tenant's SharePoint admin center. */
export function siteFor(host: string): Site | null {
  const h = host.toLowerCase();
  if (Object.hasOwn(SITES, h)) return SITES[h]!;
  if (/^[a-z0-9-]+-admin\.sharepoint\.com$/.test(h)) {
    return {
      title: 'SharePoint admin center',
      brand: '#03787c',
      helpButton: true,
      routes: [
        { path: '/', label: 'Home', columns: ['Item', 'Status', 'Owner', 'Updated', 'Region', 'Notes'] },
        {
          path: '/_layouts/15/online/AdminHome.aspx',
          label: 'Active sites',
          columns: ['Site name', 'URL', 'Teams', 'Storage used', 'Primary admin', 'Created'],
        },
      ],
    };
  }
  return null;
}
