/** Minting id tokens, access tokens and the token-endpoint response, all on the stand-in clock. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { StandIn, TenantContext } from './context.ts';
import { homeOf } from './identity.ts';
import type { AppConfig } from './scenario.ts';
import type { Strength } from './idp-state.ts';
import { b64url } from './jwt.ts';

export const GRAPH = 'https://graph.microsoft.com';
/** Azure Resource Manager: its one delegated permission is `user_impersonation`; granted as the full URI. */
export const ARM = 'https://management.azure.com';
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export interface ScopeCheck {
  ok: boolean;
  /**
   * Scopes as the response `scope` field echoes them (scenario.app.scopeEcho: Graph's short names, or as requested).
   */
  echo: string[];
  /** Short Graph permission names for the access token's scp. */
  scp: string[];
  offlineAccess: boolean;
  /** The resource the token is for: Graph, ARM, or several (fine at /authorize, refused at /token: AADSTS28000). */
  resource: 'graph' | 'arm' | 'mixed';
}

/** Splits a requested scope string into OIDC and Graph scopes and checks the Graph ones were consented. */
export function checkScopes(app: AppConfig, scope: string): ScopeCheck {
  const granted = app.grantedScopes;
  const echoShort = app.scopeEcho === 'short';
  const requested = scope.split(/\s+/).filter(Boolean);
  const echo: string[] = [];
  const scp = new Set<string>();
  let ok = true;
  const resources = new Set<'graph' | 'arm'>();
  for (const s of requested) {
    if (OIDC_SCOPES.has(s.toLowerCase())) continue;
    if (s.toLowerCase().startsWith(`${ARM}/`)) {
      resources.add('arm');
      const name = s.slice(ARM.length + 1);
      const granted = app.grantedScopes.some((g) => g.toLowerCase() === `${ARM}/user_impersonation`);
      if (!granted || !['user_impersonation', '.default'].includes(name.toLowerCase())) ok = false;
      else echo.push(`${ARM}/user_impersonation`);
      continue;
    }
    resources.add('graph');
    const short = s.toLowerCase().startsWith(`${GRAPH}/`) ? s.slice(GRAPH.length + 1) : s;
    if (short.toLowerCase() === '.default') {
      for (const g of granted) {
        scp.add(g);
        echo.push(echoShort ? g : `${GRAPH}/${g}`);
      }
      continue;
    }
    const match = granted.find((g) => g.toLowerCase() === short.toLowerCase());
    if (!match) ok = false;
    else {
      scp.add(match);
      echo.push(echoShort ? match : s);
    }
  }
  const offlineAccess = requested.some((s) => s.toLowerCase() === 'offline_access');
  for (const s of requested) if (OIDC_SCOPES.has(s.toLowerCase())) echo.push(s.toLowerCase());
  const resource = resources.size > 1 ? 'mixed' : resources.has('arm') ? 'arm' : 'graph';
  return { ok, echo, scp: resource === 'arm' ? ['user_impersonation'] : [...scp], offlineAccess, resource };
}

/**
 * client_info names the user's HOME object id and tenant (uid, utid), also for a guest in a resource tenant: MSAL's
 * homeAccountId (`uid.utid`) is then the same for all of a person's accounts, which it keeps as tenant profiles.
 */
export function clientInfo(homeTenantId: string, homeAccountId: string): string {
  return b64url(JSON.stringify({ uid: homeAccountId, utid: homeTenantId }));
}

/** Tokens of tenant `ctx` for its account `accountId` (a member, or a guest whose home is another tenant). */
export function mintTokenResponse(
  world: StandIn,
  ctx: TenantContext,
  opts: {
    app: AppConfig;
    accountId: string;
    nonce: string | null;
    scopes: ScopeCheck;
    strength: Strength;
    xmsCc: boolean;
    refreshToken: string | null;
  },
) {
  const account = ctx.scenario.accounts.find((a) => a.id === opts.accountId);
  if (!account) throw new Error(`unknown account ${opts.accountId}`);
  const tid = ctx.scenario.tenant.id;
  const clientId = opts.app.clientId;
  const home = homeOf(world, ctx, account);
  const homeTid = home.ctx.scenario.tenant.id;
  // A guest: `idp` names the home tenant's issuer (ENTRA id-token-claims-reference.md, `idp`); the name a user knows
  // is their home UPN (preferred_username). Unverified: that v1 access tokens of guests carry unique_name = home UPN
  // and no upn claim.
  const guest = home.ctx !== ctx;
  const guestClaims = guest ? { idp: `https://sts.windows.net/${homeTid}/` } : {};
  const iat = Math.floor(ctx.clock.nowMs() / 1000);
  const amr = opts.strength.mfa ? ['pwd', 'mfa'] : ['pwd'];
  const accessClaims: Record<string, unknown> = {
    aud: opts.scopes.resource === 'arm' ? ARM : GRAPH,
    iss: `https://sts.windows.net/${tid}/`,
    iat,
    nbf: iat,
    exp: iat + 3600,
    ...(opts.strength.acrs.length ? { acrs: [...opts.strength.acrs] } : {}),
    amr,
    app_displayname: opts.app.displayName,
    appid: clientId,
    appidacr: '0',
    family_name: account.displayName.split(' ').slice(-1)[0],
    given_name: account.displayName.split(' ')[0],
    idtyp: 'user',
    ...guestClaims,
    name: account.displayName,
    oid: account.id,
    scp: opts.scopes.scp.join(' '),
    sub: b64url(randomBytes(24)),
    tid,
    unique_name: home.account.userPrincipalName,
    ...(guest ? {} : { upn: account.userPrincipalName }),
    uti: b64url(randomBytes(16)),
    ver: '1.0',
    ...(opts.xmsCc ? { xms_cc: ['CP1'] } : {}),
  };
  const idClaims: Record<string, unknown> = {
    aud: clientId,
    iss: `https://login.microsoftonline.com/${tid}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + 3600,
    ...(opts.nonce ? { nonce: opts.nonce } : {}),
    ...guestClaims,
    name: account.displayName,
    oid: account.id,
    preferred_username: home.account.userPrincipalName,
    rh: '0.AAAA',
    sub: b64url(`${account.id}:${clientId}`).slice(0, 43),
    tid,
    uti: b64url(randomBytes(16)),
    ver: '2.0',
    aio: b64url(randomBytes(24)),
  };
  return {
    token_type: 'Bearer',
    scope: opts.scopes.echo.join(' '),
    expires_in: 3600,
    ext_expires_in: 3600,
    access_token: ctx.signer.sign(accessClaims),
    ...(opts.refreshToken ? { refresh_token: opts.refreshToken } : {}),
    id_token: ctx.signer.sign(idClaims),
    client_info: clientInfo(homeTid, home.account.id),
  };
}

export function newTraceId(): string {
  return randomUUID();
}
