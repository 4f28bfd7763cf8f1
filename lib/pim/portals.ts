/**
 * Which roles matter on which admin portal, as one data table, and the relevance rules the portal badge and the
 * background's command check share. Pure and free of zod at runtime: the portal content script imports it and has a
 * 15 kB budget.
 *
 * Roles are matched by template id (a built-in role's roleDefinitionId is its template id) and, for PIM groups, by
 * the role *names* in Assignment.grants (that is all the group-info cache knows). A group counts on a portal when a
 * role it grants does.
 */
import type { Assignment } from './model';

export interface RoleRef {
  readonly id: string;
  readonly name: string;
}

/**
 * Built-in Entra roles, template ids from the Entra "built-in roles" reference. Separate constants rather than one
 * object's properties: the minifier shortens variable names, not property names, and the content script is budgeted.
 */
const GLOBAL_ADMINISTRATOR: RoleRef = { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator' };
const GLOBAL_READER: RoleRef = { id: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', name: 'Global Reader' };
const PRIVILEGED_ROLE_ADMINISTRATOR: RoleRef = {
  id: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  name: 'Privileged Role Administrator',
};
const EXCHANGE_ADMINISTRATOR: RoleRef = { id: '29232cdf-9323-42fd-ade2-1d097af3e4de', name: 'Exchange Administrator' };
const EXCHANGE_RECIPIENT_ADMINISTRATOR: RoleRef = {
  id: '31392ffb-586c-42d1-9346-e59415a2cc4e',
  name: 'Exchange Recipient Administrator',
};
const TEAMS_ADMINISTRATOR: RoleRef = { id: '69091246-20e8-4a56-aa4d-066075b2a7a8', name: 'Teams Administrator' };
const TEAMS_COMMUNICATIONS_ADMINISTRATOR: RoleRef = {
  id: 'baf37b3a-610e-45da-9e62-d9d1e5e8914b',
  name: 'Teams Communications Administrator',
};
const SHAREPOINT_ADMINISTRATOR: RoleRef = {
  id: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  name: 'SharePoint Administrator',
};
const SECURITY_ADMINISTRATOR: RoleRef = { id: '194ae4cb-b126-40b2-bd5b-6091b380977d', name: 'Security Administrator' };
const SECURITY_OPERATOR: RoleRef = { id: '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f', name: 'Security Operator' };
const SECURITY_READER: RoleRef = { id: '5d6b6bb7-de71-4623-b4af-96380a352509', name: 'Security Reader' };
const COMPLIANCE_ADMINISTRATOR: RoleRef = {
  id: '17315797-102d-40b4-93e0-432062caca18',
  name: 'Compliance Administrator',
};
const INTUNE_ADMINISTRATOR: RoleRef = { id: '3a2c62db-5318-420d-8d74-23affee5d9d5', name: 'Intune Administrator' };
const USER_ADMINISTRATOR: RoleRef = { id: 'fe930be7-5e62-47db-91af-98c3a49a38b1', name: 'User Administrator' };
const GROUPS_ADMINISTRATOR: RoleRef = { id: 'fdd7a751-b60b-444a-984c-02652fe8fa1c', name: 'Groups Administrator' };
const HELPDESK_ADMINISTRATOR: RoleRef = { id: '729827e3-9c14-49f7-bb1b-9608f156bbb8', name: 'Helpdesk Administrator' };
const AUTHENTICATION_ADMINISTRATOR: RoleRef = {
  id: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  name: 'Authentication Administrator',
};
const PRIVILEGED_AUTHENTICATION_ADMINISTRATOR: RoleRef = {
  id: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  name: 'Privileged Authentication Administrator',
};
const APPLICATION_ADMINISTRATOR: RoleRef = {
  id: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  name: 'Application Administrator',
};
const CLOUD_APPLICATION_ADMINISTRATOR: RoleRef = {
  id: '158c047a-c907-4556-b7ef-446551a6b5f7',
  name: 'Cloud Application Administrator',
};
const CONDITIONAL_ACCESS_ADMINISTRATOR: RoleRef = {
  id: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  name: 'Conditional Access Administrator',
};
const LICENSE_ADMINISTRATOR: RoleRef = { id: '4d6ac14f-3453-41d0-bef9-a3e0c569773a', name: 'License Administrator' };

export const ROLES = {
  globalAdministrator: GLOBAL_ADMINISTRATOR,
  globalReader: GLOBAL_READER,
  privilegedRoleAdministrator: PRIVILEGED_ROLE_ADMINISTRATOR,
  exchangeAdministrator: EXCHANGE_ADMINISTRATOR,
  exchangeRecipientAdministrator: EXCHANGE_RECIPIENT_ADMINISTRATOR,
  teamsAdministrator: TEAMS_ADMINISTRATOR,
  teamsCommunicationsAdministrator: TEAMS_COMMUNICATIONS_ADMINISTRATOR,
  sharePointAdministrator: SHAREPOINT_ADMINISTRATOR,
  securityAdministrator: SECURITY_ADMINISTRATOR,
  securityOperator: SECURITY_OPERATOR,
  securityReader: SECURITY_READER,
  complianceAdministrator: COMPLIANCE_ADMINISTRATOR,
  intuneAdministrator: INTUNE_ADMINISTRATOR,
  userAdministrator: USER_ADMINISTRATOR,
  groupsAdministrator: GROUPS_ADMINISTRATOR,
  helpdeskAdministrator: HELPDESK_ADMINISTRATOR,
  authenticationAdministrator: AUTHENTICATION_ADMINISTRATOR,
  privilegedAuthenticationAdministrator: PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
  applicationAdministrator: APPLICATION_ADMINISTRATOR,
  cloudApplicationAdministrator: CLOUD_APPLICATION_ADMINISTRATOR,
  conditionalAccessAdministrator: CONDITIONAL_ACCESS_ADMINISTRATOR,
  licenseAdministrator: LICENSE_ADMINISTRATOR,
} as const;

export type PortalId =
  'exchange' | 'entra' | 'azure' | 'm365' | 'teams' | 'sharepoint' | 'intune' | 'defender' | 'purview';
export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

export interface Portal {
  readonly id: PortalId;
  readonly name: string;
  /** Exact host names (lower case). */
  readonly hosts: readonly string[];
  /**
   * Hosts that are one DNS label followed by this suffix (SharePoint admin: contoso-admin.sharepoint.com). Match
   * patterns only allow a leading `*.`, so the manifest matches `https://*.sharepoint.com/*` (narrowed by
   * include_globs) and the content script exits at once on any other SharePoint host.
   */
  readonly hostSuffix?: string;
  readonly roles: readonly RoleRef[];
  /** Where the badge starts: the corner where this portal keeps no controls of its own. */
  readonly corner: Corner;
}

export const PORTALS: readonly Portal[] = [
  {
    id: 'exchange',
    name: 'Exchange admin center',
    hosts: ['admin.exchange.microsoft.com'],
    roles: [EXCHANGE_ADMINISTRATOR, EXCHANGE_RECIPIENT_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, GLOBAL_READER],
    // The Microsoft 365 shell keeps "Help & support" bottom right.
    corner: 'bottom-left',
  },
  {
    id: 'entra',
    name: 'Microsoft Entra admin center',
    hosts: ['entra.microsoft.com'],
    roles: [
      GLOBAL_ADMINISTRATOR,
      PRIVILEGED_ROLE_ADMINISTRATOR,
      USER_ADMINISTRATOR,
      GROUPS_ADMINISTRATOR,
      HELPDESK_ADMINISTRATOR,
      AUTHENTICATION_ADMINISTRATOR,
      PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
      APPLICATION_ADMINISTRATOR,
      CLOUD_APPLICATION_ADMINISTRATOR,
      CONDITIONAL_ACCESS_ADMINISTRATOR,
      SECURITY_ADMINISTRATOR,
      SECURITY_READER,
      GLOBAL_READER,
    ],
    corner: 'bottom-right',
  },
  {
    id: 'azure',
    name: 'Azure portal',
    hosts: ['portal.azure.com'],
    roles: [
      GLOBAL_ADMINISTRATOR,
      PRIVILEGED_ROLE_ADMINISTRATOR,
      USER_ADMINISTRATOR,
      APPLICATION_ADMINISTRATOR,
      CLOUD_APPLICATION_ADMINISTRATOR,
      CONDITIONAL_ACCESS_ADMINISTRATOR,
      SECURITY_ADMINISTRATOR,
      GLOBAL_READER,
    ],
    corner: 'bottom-right',
  },
  {
    id: 'm365',
    name: 'Microsoft 365 admin center',
    hosts: ['admin.microsoft.com', 'admin.cloud.microsoft'],
    roles: [
      GLOBAL_ADMINISTRATOR,
      USER_ADMINISTRATOR,
      GROUPS_ADMINISTRATOR,
      LICENSE_ADMINISTRATOR,
      HELPDESK_ADMINISTRATOR,
      GLOBAL_READER,
    ],
    corner: 'bottom-left',
  },
  {
    id: 'teams',
    name: 'Teams admin center',
    hosts: ['admin.teams.microsoft.com'],
    roles: [TEAMS_ADMINISTRATOR, TEAMS_COMMUNICATIONS_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, GLOBAL_READER],
    corner: 'bottom-left',
  },
  {
    id: 'sharepoint',
    name: 'SharePoint admin center',
    hosts: [],
    hostSuffix: '-admin.sharepoint.com',
    roles: [SHAREPOINT_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, GLOBAL_READER],
    corner: 'bottom-left',
  },
  {
    id: 'intune',
    name: 'Microsoft Intune admin center',
    hosts: ['intune.microsoft.com'],
    roles: [INTUNE_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, GLOBAL_READER],
    corner: 'bottom-right',
  },
  {
    id: 'defender',
    name: 'Microsoft Defender',
    hosts: ['security.microsoft.com'],
    roles: [SECURITY_ADMINISTRATOR, SECURITY_OPERATOR, SECURITY_READER, GLOBAL_ADMINISTRATOR, GLOBAL_READER],
    corner: 'bottom-left',
  },
  {
    id: 'purview',
    name: 'Microsoft Purview',
    // compliance.microsoft.com is Purview's former host; it still serves (or redirects) for many tenants.
    hosts: ['purview.microsoft.com', 'compliance.microsoft.com'],
    roles: [COMPLIANCE_ADMINISTRATOR, SECURITY_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, GLOBAL_READER],
    corner: 'bottom-left',
  },
];

/** A SharePoint admin host: exactly one label (tenant name + "-admin") before the suffix. */
function matchesSuffix(host: string, suffix: string): boolean {
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, -suffix.length);
  return /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(label);
}

/**
 * Content-script match patterns: exactly the portal hosts (SharePoint admin needs the `*.` form, see
 * Portal.hostSuffix).
 */
export const PORTAL_MATCHES: string[] = PORTALS.flatMap((p) => [
  ...p.hosts.map((h) => `https://${h}/*`),
  ...(p.hostSuffix ? [`https://*${p.hostSuffix.replace(/^[^.]*/, '')}/*`] : []),
]);

/**
 * include_globs narrowing the matches: the script is not even injected on ordinary SharePoint sites. A glob's `*` also
 * matches `/` and `?`, so `https://*-admin.sharepoint.com/*` alone would match
 * `https://evil.sharepoint.com/?q=-admin.sharepoint.com/`; PORTAL_EXCLUDE_GLOBS drops every URL where the suffix stands
 * after the first `/` (path, query or fragment: browsers always put a `/` before a query). portalForUrl still decides
 * at run time, and the background decides last (the signed-in tenant's own SharePoint host only).
 */
export const PORTAL_INCLUDE_GLOBS: string[] = PORTALS.flatMap((p) => [
  ...p.hosts.map((h) => `https://${h}/*`),
  ...(p.hostSuffix ? [`https://*${p.hostSuffix}/*`] : []),
]);
export const PORTAL_EXCLUDE_GLOBS: string[] = PORTALS.flatMap((p) =>
  p.hostSuffix ? [`https://*/*${p.hostSuffix}*`] : [],
);

/**
 * The signed-in tenant's SharePoint admin host: SharePoint names it after the tenant's initial domain
 * (contoso.onmicrosoft.com → contoso-admin.sharepoint.com). Null when the account's name is on another domain; then
 * only a host set by the organisation's policy (managed `sharePointAdminHost`) counts.
 */
export function sharePointAdminHost(username: string | null | undefined): string | null {
  const m = /@([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.onmicrosoft\.(?:com|us|de)$/i.exec(username ?? '');
  return m ? `${m[1]!.toLowerCase()}-admin.sharepoint.com` : null;
}

/**
 * portalForUrl for the signed-in tenant: a SharePoint admin host counts only when it is that tenant's own (another
 * tenant's -admin host is somebody else's portal, where this account's roles mean nothing).
 */
export function tenantPortalForUrl(url: string | undefined | null, sharePointHosts: readonly string[]): Portal | null {
  const portal = portalForUrl(url);
  if (portal?.hostSuffix === undefined) return portal;
  return sharePointHosts.includes(new URL(url!).hostname.toLowerCase()) ? portal : null;
}

export function portalForHost(host: string): Portal | null {
  const h = host.toLowerCase();
  return (
    PORTALS.find((p) => p.hosts.includes(h) || (p.hostSuffix !== undefined && matchesSuffix(h, p.hostSuffix))) ?? null
  );
}

/** The portal a page URL belongs to: https on the default port only (the portals never use another). */
export function portalForUrl(url: string | undefined | null): Portal | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '' || parsed.username || parsed.password) return null;
  return portalForHost(parsed.hostname);
}

export function portalById(id: string): Portal | null {
  return PORTALS.find((p) => p.id === id) ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Relevance

/** The user's choices for one portal (stored in sync:portalPrefs, edited on the options page). */
export interface PortalPref {
  /** false: no badge on this portal, and the background refuses its commands. */
  enabled: boolean;
  /** Assignment keys pinned to this portal on top of the table's roles (e.g. a custom role, a PIM group). */
  pinned: readonly string[];
}

export const DEFAULT_PORTAL_PREF: PortalPref = { enabled: true, pinned: [] };

export type RelevanceReason = 'role' | 'grant' | 'name' | 'pinned';

const norm = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Why an assignment matters on a portal, or null. A role by its template id (or its name, for snapshots that only
 * carry names); a group when one of the roles it grants does, or, when what it grants is unknown (the role-assignment
 * list is refused to admins without a directory reader role), when its name names one of the portal's roles or their
 * product ("PIM – INT – Exchange administrator" on the Exchange admin center); anything the user pinned.
 */
export function relevance(
  a: Pick<Assignment, 'key' | 'kind' | 'targetId' | 'displayName' | 'grants'>,
  portal: Portal,
  pref: PortalPref = DEFAULT_PORTAL_PREF,
): RelevanceReason | null {
  // Azure resource roles matter on the Azure portal (the background narrows them to the resource shown there).
  if (a.kind === 'azure') return portal.id === 'azure' ? 'role' : pref.pinned.includes(a.key) ? 'pinned' : null;
  if (a.kind === 'role') {
    const id = a.targetId.toLowerCase();
    const name = norm(a.displayName);
    if (portal.roles.some((r) => r.id === id || norm(r.name) === name)) return 'role';
  } else if (a.grants.some((g) => portal.roles.some((r) => norm(r.name) === norm(g)))) {
    return 'grant';
  } else if (a.grants.length === 0 && namesPortal(a.displayName, portal)) {
    return 'name';
  }
  return pref.pinned.includes(a.key) ? 'pinned' : null;
}

/**
 * A group name that contains one of the portal's role names, or the product word they start with (Exchange, Teams…).
 */
function namesPortal(name: string, portal: Portal): boolean {
  const words = ` ${norm(name).replace(/[^a-z0-9]+/g, ' ')} `;
  return portal.roles.some((r) => {
    const role = norm(r.name);
    const product = role.split(' ')[0]!;
    return (
      words.includes(` ${role} `) || (product.length > 4 && !GENERIC.has(product) && words.includes(` ${product} `))
    );
  });
}
const GENERIC = new Set([
  'global',
  'privileged',
  'security',
  'groups',
  'cloud',
  'application',
  'authentication',
  'conditional',
  'license',
  'user',
  'helpdesk',
]);

/** The assignments that matter on `portal`, in snapshot order; none when the user switched the badge off there. */
export function relevantAssignments<A extends Pick<Assignment, 'key' | 'kind' | 'targetId' | 'displayName' | 'grants'>>(
  assignments: readonly A[],
  portal: Portal,
  pref: PortalPref = DEFAULT_PORTAL_PREF,
): A[] {
  if (!pref.enabled) return [];
  return assignments.filter((a) => relevance(a, portal, pref) !== null);
}
