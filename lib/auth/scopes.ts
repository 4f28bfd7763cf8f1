/**
 * The delegated Microsoft Graph permissions PIM Companion asks for: the least privilege that still lets an admin list,
 * activate and deactivate their own roles and PIM groups (graph-pim reference §0). Kept as data with the reason for
 * each, so the options page and the deployment guide can show admins exactly what they consent to and why.
 */
import type { Cloud } from '../clouds';

export interface GraphPermission {
  /** The permission name as Entra shows it, without the resource prefix. */
  name: string;
  /** One line for the admin who grants consent. */
  why: string;
}

export const GRAPH_PERMISSIONS: readonly GraphPermission[] = [
  {
    name: 'RoleEligibilitySchedule.ReadWrite.Directory',
    why: 'List your eligible Entra roles, and ask to extend or renew an eligibility that is about to end.',
  },
  {
    name: 'RoleAssignmentSchedule.ReadWrite.Directory',
    why: 'List your active Entra roles and your requests, and activate or deactivate a role you are eligible for.',
  },
  {
    name: 'RoleManagementPolicy.Read.Directory',
    why: "Read each role's activation rules (maximum duration, justification, ticket, MFA, approval) to show the right form.",
  },
  {
    name: 'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    why: 'List the PIM groups you are eligible to join as member or owner.',
  },
  {
    name: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    why: 'List your active PIM group memberships and activate or deactivate them.',
  },
  {
    name: 'RoleManagementPolicy.Read.AzureADGroup',
    why: "Read each PIM group's activation rules, as for roles.",
  },
];

/** Sign-in only: the ID token (who you are) and a refresh token so the background can renew without asking. */
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'offline_access'];

/** The Graph resource of a cloud, e.g. https://graph.microsoft.com: scopes are qualified with it. */
export function graphResource(cloud: Cloud): string {
  return new URL(cloud.graph).origin;
}

/** Fully qualified Graph scopes for the cloud's own Graph endpoint (e.g. https://graph.microsoft.us/... in GCC High). */
export function graphScopes(cloud: Cloud): string[] {
  const resource = graphResource(cloud);
  return GRAPH_PERMISSIONS.map((p) => `${resource}/${p.name}`);
}

/** What an interactive sign-in asks for: every Graph scope (one consent) plus the OpenID scopes. */
export function signInScopes(cloud: Cloud): string[] {
  return [...graphScopes(cloud), ...OIDC_SCOPES];
}

/** Azure resource roles: ARM's one delegated permission, "Access Azure Service Management as organization users". */
export const ARM_PERMISSION: GraphPermission = {
  name: 'user_impersonation',
  why: 'List, activate and deactivate your eligible Azure resource roles (Azure Service Management; no Graph permission).',
};

/** The ARM scope of a cloud, e.g. https://management.azure.com/user_impersonation (a second resource: its own token). */
export function armScopes(cloud: Cloud): string[] {
  return [`${new URL(cloud.arm).origin}/${ARM_PERMISSION.name}`];
}
