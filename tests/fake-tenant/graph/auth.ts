/** Bearer-token checks as Graph makes them: signature, audience, lifetime on the stand-in clock, then scopes. */
import type { TenantContext } from '../context.ts';
import type { Reply } from '../http.ts';
import type { CallMeta } from './errors.ts';
import { graphError, insufficientPrivileges } from './errors.ts';

export interface Caller {
  oid: string;
  /** The scp claim as issued (for the request log). */
  scp: string;
  /** Lower-cased, for comparisons. */
  scopes: Set<string>;
  acrs: string[];
  amr: string[];
}

const CHALLENGE = {
  'WWW-Authenticate':
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
};

export function authenticate(ctx: TenantContext, authorization: string | undefined, meta: CallMeta): Caller | Reply {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  if (!m) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', meta, CHALLENGE);
  const claims = ctx.signer.verify(m[1]!.trim());
  if (!claims)
    return graphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.', meta, CHALLENGE);
  if (claims.aud !== 'https://graph.microsoft.com' && claims.aud !== '00000003-0000-0000-c000-000000000000')
    return graphError(
      401,
      'InvalidAuthenticationToken',
      'Access token validation failure. Invalid audience.',
      meta,
      CHALLENGE,
    );
  const now = ctx.clock.nowMs() / 1000;
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
  // Entra allows five minutes of clock skew before the not-before time.
  if (now >= exp || now + 300 < nbf)
    return graphError(
      401,
      'InvalidAuthenticationToken',
      'Access token has expired or is not yet valid.',
      meta,
      CHALLENGE,
    );
  if (claims.tid !== ctx.scenario.tenant.id)
    return graphError(
      401,
      'InvalidAuthenticationToken',
      'Access token validation failure. Invalid issuer.',
      meta,
      CHALLENGE,
    );
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    oid: typeof claims.oid === 'string' ? claims.oid : '',
    scp: typeof claims.scp === 'string' ? claims.scp : '',
    scopes: new Set(
      (typeof claims.scp === 'string' ? claims.scp : '')
        .split(' ')
        .filter(Boolean)
        .map((s) => s.toLowerCase()),
    ),
    acrs: strings(claims.acrs),
    amr: strings(claims.amr),
  };
}

/** Accepted delegated permissions per operation family (any one suffices; ReadWrite implies Read). */
export const SCOPES = {
  roleEligibilityRead: [
    'RoleEligibilitySchedule.Read.Directory',
    'RoleEligibilitySchedule.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
  ],
  roleEligibilityWrite: ['RoleEligibilitySchedule.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory'],
  roleAssignmentRead: [
    'RoleAssignmentSchedule.Read.Directory',
    'RoleAssignmentSchedule.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
  ],
  roleAssignmentWrite: ['RoleAssignmentSchedule.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory'],
  rolePolicyRead: [
    'RoleManagementPolicy.Read.Directory',
    'RoleManagementPolicy.ReadWrite.Directory',
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'RoleManagement.ReadWrite.Directory',
  ],
  groupEligibilityRead: [
    'PrivilegedEligibilitySchedule.Read.AzureADGroup',
    'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
    'PrivilegedAccess.Read.AzureADGroup',
    'PrivilegedAccess.ReadWrite.AzureADGroup',
  ],
  groupAssignmentRead: [
    'PrivilegedAssignmentSchedule.Read.AzureADGroup',
    'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    'PrivilegedAccess.Read.AzureADGroup',
    'PrivilegedAccess.ReadWrite.AzureADGroup',
  ],
  groupAssignmentWrite: [
    'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    'PrivilegedAccess.ReadWrite.AzureADGroup',
  ],
  groupPolicyRead: ['RoleManagementPolicy.Read.AzureADGroup', 'RoleManagementPolicy.ReadWrite.AzureADGroup'],
  groupRead: [
    'GroupMember.Read.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
} as const;

export function requireScope(caller: Caller, accepted: readonly string[], meta: CallMeta): Reply | null {
  if (accepted.some((s) => caller.scopes.has(s.toLowerCase()))) return null;
  return insufficientPrivileges(meta);
}
