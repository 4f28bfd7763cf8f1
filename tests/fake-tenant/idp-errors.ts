/** Entra's OAuth error shapes: the token endpoint's JSON and the redirect-URI error parameters. */
import { randomUUID } from 'node:crypto';
import type { Reply } from './http.ts';
import { json } from './http.ts';

export function entraErrorBody(
  error: string,
  aadsts: number,
  text: string,
  nowIso: string,
  extra: Record<string, unknown> = {},
) {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const stamp = nowIso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    error,
    error_description: `AADSTS${aadsts}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${stamp}`,
    error_codes: [aadsts],
    timestamp: stamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    ...extra,
  };
}

export function tokenError(
  status: number,
  error: string,
  aadsts: number,
  text: string,
  nowIso: string,
  extra: Record<string, unknown> = {},
): Reply {
  return json(status, entraErrorBody(error, aadsts, text, nowIso, extra), {
    'Cache-Control': 'no-store, no-cache',
    Pragma: 'no-cache',
  });
}

export const AADSTS = {
  appNotFound: (clientId: string, tenant: string) =>
    [
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ] as const,
  redirectMismatch: (uri: string, clientId: string) =>
    [
      50011,
      `The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    ] as const,
  tenantNotFound: (tenant: string) =>
    [
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ] as const,
  noSession: [50058, 'A silent sign-in request was sent but no user is signed in.'] as const,
  mfaRequired: [
    50076,
    "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
  ] as const,
  pkceRequired: [
    9002325,
    'Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
  ] as const,
  spaNeedsOrigin: [
    9002327,
    "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
  ] as const,
  badCode: [70000, "The provided value for the 'code' parameter is not valid."] as const,
  codeRedeemed: [
    54005,
    'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  ] as const,
  codeExpired: [
    70008,
    'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  ] as const,
  pkceMismatch: [
    50148,
    'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
  ] as const,
  redirectDiffers: [
    50148,
    'The redirect_uri does not match the redirect URI used in the authorization request.',
  ] as const,
  badRefresh: [9002313, 'Invalid request. Request is malformed or invalid.'] as const,
  spaRefreshExpired: (issued: string) =>
    [
      700084,
      `The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on ${issued}.`,
    ] as const,
  revoked: (issued: string, validFrom: string) =>
    [
      50173,
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom}'.`,
    ] as const,
  consent: (clientId: string, appName = 'PIM Companion') =>
    [
      65001,
      `The user or administrator has not consented to use the application with ID '${clientId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
    ] as const,
  /**
   * A user redeeming a grant at a tenant where they have no account (neither member nor guest). The text is Entra's
   * sign-in page message as users report it verbatim (e.g. next-auth discussion 7448, MicrosoftDocs/azure-docs issue
   * 57031); that the token endpoint answers it as `invalid_grant` is unverified.
   */
  notInTenant: (upn: string, homeTenantId: string, tenantName: string, clientId: string, appName: string) =>
    [
      50020,
      `User account '${upn}' from identity provider 'https://sts.windows.net/${homeTenantId}/' does not exist in tenant '${tenantName}' and cannot access the application '${clientId}'(${appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
    ] as const,
  userCancel: [50140, 'The user canceled the authentication.'] as const,
  unsupportedGrant: [70003, 'The app requested an unsupported grant type.'] as const,
  badClient: (clientId: string, tenant?: string) =>
    [
      700016,
      tenant
        ? `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
        : `Application with identifier '${clientId}' was not found in the directory.`,
    ] as const,
};
