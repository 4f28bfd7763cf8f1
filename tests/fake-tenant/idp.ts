/**
 * login.microsoftonline.com: /authorize (account picker, step-up, prompt=none), /token (PKCE code and refresh
 * grants), logout, and the metadata documents. Behaves as Entra does for a SPA registration.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { StandIn, TenantContext } from './context.ts';
import type { Incoming, Reply } from './http.ts';
import { cookies, header, html, json, redirect } from './http.ts';
import { AADSTS, tokenError } from './idp-errors.ts';
import { errorPage, formPostPage, pickerPage, stepUpPage } from './idp-pages.ts';
import type { AuthorizeParams, Session, Strength } from './idp-state.ts';
import { parseClaimsParam, satisfies } from './idp-state.ts';
import { instanceDiscovery, openidConfiguration } from './idp-metadata.ts';
import { checkScopes, clientInfo, mintTokenResponse } from './tokens.ts';
import type { AccountT, Person } from './identity.ts';
import { accountByUpn, accountIn, allMembers, appAnywhere, appIn, homeOf, person, signInName } from './identity.ts';

/**
 * Entra's persistent session cookie (set after "Stay signed in?"), which outlives a browser restart: that is what lets
 * a non-interactive sign-in succeed after the browser comes back. The server side can still forget it (control API).
 */
const COOKIE = 'ESTSAUTHPERSISTENT';
const COOKIE_MAX_AGE_S = 90 * 24 * 3600;
const CODE_LIFETIME_MS = 10 * 60_000;
const SPA_REFRESH_LIFETIME_MS = 24 * 3_600_000;

/**
 * The tenant an authority names. `organizations` / `common` name none: the user's home tenant decides (null here).
 * Undefined: no such tenant.
 */
type Authority = TenantContext | null;

function authorityOf(world: StandIn, seg: string): Authority | undefined {
  if (['organizations', 'common'].includes(seg.toLowerCase())) return null;
  return world.find(seg);
}

/** The tenant whose metadata an authority serves: the named one, or (organizations/common) the home tenant. */
function metadataCtx(world: StandIn, a: Authority): TenantContext {
  return a ?? world.home;
}

export function handleLogin(world: StandIn, req: Incoming): Reply {
  const parts = req.path.split('/').filter(Boolean);
  if (req.method === 'GET' && req.path === '/common/discovery/instance') return instanceDiscovery();
  const tenantSeg = parts[0] ?? '';
  const rest = parts.slice(1).join('/');
  const authority = authorityOf(world, tenantSeg);
  if (authority === undefined) {
    const [code, text] = AADSTS.tenantNotFound(tenantSeg);
    return rest === 'oauth2/v2.0/token'
      ? tokenError(400, 'invalid_request', code, text, world.clock.iso())
      : html(400, errorPage(`AADSTS${code}`, text, randomUUID(), randomUUID()));
  }
  if (req.method === 'GET' && rest === 'oauth2/v2.0/authorize') return authorize(world, authority, req, tenantSeg);
  if (req.method === 'POST' && rest === 'login') return loginForm(world, authority, req, tenantSeg);
  if (req.method === 'POST' && rest === 'oauth2/v2.0/token') return token(world, authority, req, tenantSeg);
  if (req.method === 'GET' && rest === 'oauth2/v2.0/logout') return logout(world, req);
  if (req.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration')
    return openidConfiguration(metadataCtx(world, authority), tenantSeg);
  if (req.method === 'GET' && rest === 'discovery/v2.0/keys') return json(200, { keys: [] });
  return html(404, errorPage('AADSTS90027', 'The requested page was not found.', randomUUID(), randomUUID()));
}

function sessionOf(world: StandIn, req: Incoming): Session | undefined {
  const id = cookies(req.headers).get(COOKIE);
  return id ? world.idp.sessions.get(id) : undefined;
}

/** The session's user as seen at this authority: their account in the tenant (home or guest), if they have one. */
function sessionAccount(world: StandIn, authority: Authority, session: Session | undefined): Person | undefined {
  if (!session) return undefined;
  const home = person(world, session.tenantId, session.accountId);
  if (!home) return undefined;
  if (!authority) return home;
  const account = accountIn(authority, home);
  return account ? { ctx: authority, account } : undefined;
}

/** The account a UPN (login_hint, picker button) names at this authority. */
function accountAt(world: StandIn, authority: Authority, upn: string | null | undefined): Person | undefined {
  if (!upn) return undefined;
  if (authority) {
    const account = accountByUpn(authority, upn);
    return account ? { ctx: authority, account } : undefined;
  }
  return allMembers(world).find((p) => p.account.userPrincipalName.toLowerCase() === upn.toLowerCase());
}

const samePerson = (world: StandIn, a: Person, b: Person) => {
  const x = homeOf(world, a.ctx, a.account);
  const y = homeOf(world, b.ctx, b.account);
  return x.ctx === y.ctx && x.account.id === y.account.id;
};

/** Error responses go back to the redirect URI, in the response mode the client asked for. */
function redirectWith(
  p: Pick<AuthorizeParams, 'redirectUri' | 'responseMode' | 'state'>,
  fields: Record<string, string>,
): Reply {
  const all = { ...fields, ...(p.state !== null ? { state: p.state } : {}) };
  if (p.responseMode === 'form_post') return html(200, formPostPage(p.redirectUri, all));
  const qs = Object.entries(all)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return redirect(
    `${p.redirectUri}${p.responseMode === 'query' ? (p.redirectUri.includes('?') ? '&' : '?') : '#'}${qs}`,
  );
}

function redirectError(
  ctx: { clock: StandIn['clock'] },
  p: Pick<AuthorizeParams, 'redirectUri' | 'responseMode' | 'state'>,
  error: string,
  aadsts: number,
  text: string,
  extra: Record<string, string> = {},
): Reply {
  const trace = randomUUID();
  const corr = randomUUID();
  const stamp = ctx.clock
    .iso()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return redirectWith(p, {
    error,
    error_description: `AADSTS${aadsts}: ${text} Trace ID: ${trace} Correlation ID: ${corr} Timestamp: ${stamp}`,
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    ...extra,
  });
}

function authorize(world: StandIn, authority: Authority, req: Incoming, tenantSeg: string): Reply {
  const q = req.query;
  const ctx = world;
  const clientId = q.get('client_id') ?? '';
  const app = authority ? appIn(authority, clientId) : appAnywhere(world, clientId);
  if (!app) {
    const [code, text] = AADSTS.appNotFound(clientId, tenantSeg);
    return html(400, errorPage(`AADSTS${code}`, text, randomUUID(), randomUUID()));
  }
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!app.redirectUris.includes(redirectUri)) {
    const [code, text] = AADSTS.redirectMismatch(redirectUri, clientId);
    return html(400, errorPage(`AADSTS${code}`, text, randomUUID(), randomUUID()));
  }
  const { need, xmsCc } = parseClaimsParam(q.get('claims'));
  const p: AuthorizeParams = {
    tenant: tenantSeg,
    clientId,
    redirectUri,
    responseMode: q.get('response_mode') ?? 'fragment',
    state: q.get('state'),
    nonce: q.get('nonce'),
    scope: q.get('scope') ?? '',
    codeChallenge: q.get('code_challenge') ?? '',
    codeChallengeMethod: q.get('code_challenge_method') ?? 'plain',
    loginHint: q.get('login_hint'),
    prompt: q.get('prompt'),
    need,
    xmsCc,
  };
  if (!(q.get('response_type') ?? '').split(' ').includes('code'))
    return redirectError(
      ctx,
      p,
      'unsupported_response_type',
      900144,
      "The request body must contain the following parameter: 'response_type'.",
    );
  if (!p.codeChallenge) return redirectError(ctx, p, 'invalid_request', AADSTS.pkceRequired[0], AADSTS.pkceRequired[1]);
  if (!checkScopes(app, p.scope).ok) {
    const [code, text] = AADSTS.consent(clientId, app.displayName);
    return redirectError(ctx, p, p.prompt === 'none' ? 'consent_required' : 'invalid_client', code, text);
  }
  // The browser's session is the person's; at this authority it counts only where they have an account.
  const session = sessionOf(world, req);
  const here = sessionAccount(world, authority, session);
  const hinted = accountAt(world, authority, p.loginHint);
  const hintOk = (s: Person) => !p.loginHint || (!!hinted && samePerson(world, hinted, s));

  if (p.prompt === 'none') {
    if (!session || !here || !hintOk(here))
      return redirectError(ctx, p, 'login_required', AADSTS.noSession[0], AADSTS.noSession[1]);
    if (!satisfies(session, need))
      return redirectError(ctx, p, 'interaction_required', AADSTS.mfaRequired[0], AADSTS.mfaRequired[1]);
    return issueCode(world, here, p, session, {});
  }
  const forcePicker = p.prompt === 'select_account' || p.prompt === 'login';
  if (!forcePicker && session && here && hintOk(here) && satisfies(session, need))
    return issueCode(world, here, p, session, {});

  const ctxId = randomUUID();
  const action = `/${encodeURIComponent(tenantSeg)}/login`;
  // A known user who only needs to prove more (MFA / authentication context) goes straight to the step-up page.
  const known = !forcePicker ? (hinted ?? here) : undefined;
  if (known && needsStepUp(need)) {
    world.idp.pending.set(ctxId, { ...p, tenantId: known.ctx.scenario.tenant.id, accountId: known.account.id });
    return html(200, stepUpPage({ ctx: ctxId, action, account: shown(known.account), what: describeNeed(need) }));
  }
  world.idp.pending.set(ctxId, p);
  return html(
    200,
    pickerPage({
      tenantName: authority ? authority.scenario.tenant.displayName : 'Microsoft',
      ctx: ctxId,
      action,
      accounts: authority ? authority.scenario.accounts : allMembers(world).map((x) => x.account),
      stepUpNote: needsStepUp(need) ? describeNeed(need) : null,
    }),
  );
}

/** How the sign-in pages show an account: a guest as who they are at home. */
function shown(a: AccountT): AccountT {
  return { ...a, userPrincipalName: signInName(a) };
}

function needsStepUp(need: Strength): boolean {
  return need.mfa || need.acrs.length > 0;
}

function describeNeed(need: Strength): string {
  const what = need.acrs.length ? `authentication context ${need.acrs.join(', ')}` : 'multifactor authentication';
  return `Your organization requires additional verification (${what}).`;
}

function sessionCookie(id: string): Record<string, string> {
  return { 'Set-Cookie': `${COOKIE}=${id}; Path=/; Max-Age=${COOKIE_MAX_AGE_S}; Secure; HttpOnly; SameSite=None` };
}

function loginForm(world: StandIn, authority: Authority, req: Incoming, tenantSeg: string): Reply {
  const ctx = world;
  const form = new URLSearchParams(req.body);
  const pending = ctx.idp.pending.get(form.get('ctx') ?? '');
  if (!pending)
    return html(
      400,
      errorPage(
        'AADSTS90015',
        'The sign-in request has expired or was already used. Start the sign-in again.',
        randomUUID(),
        randomUUID(),
      ),
    );
  const ctxId = form.get('ctx')!;
  const step = form.get('step');
  if (step === 'cancel') {
    ctx.idp.pending.delete(ctxId);
    return redirectError(ctx, pending, 'access_denied', AADSTS.userCancel[0], AADSTS.userCancel[1], {
      error_subcode: 'cancel',
    });
  }
  const pendingCtx = pending.tenantId ? world.find(pending.tenantId) : undefined;
  const pendingAccount = pendingCtx?.scenario.accounts.find((a) => a.id === pending.accountId);
  const chosen: Person | undefined =
    pendingCtx && pendingAccount
      ? { ctx: pendingCtx, account: pendingAccount }
      : accountAt(world, authority, form.get('upn'));
  if (!chosen)
    return html(
      400,
      errorPage('AADSTS50034', 'The user account does not exist in this directory.', randomUUID(), randomUUID()),
    );
  const home = homeOf(world, chosen.ctx, chosen.account);
  const existing = sessionOf(ctx, req);
  const base: Strength =
    existing && existing.tenantId === home.ctx.scenario.tenant.id && existing.accountId === home.account.id
      ? { acrs: [...existing.acrs], mfa: existing.mfa }
      : { acrs: [], mfa: false };
  if (step === 'pick' && needsStepUp(pending.need) && !satisfies(base, pending.need)) {
    ctx.idp.pending.set(ctxId, { ...pending, tenantId: chosen.ctx.scenario.tenant.id, accountId: chosen.account.id });
    return html(
      200,
      stepUpPage({
        ctx: ctxId,
        action: `/${encodeURIComponent(tenantSeg)}/login`,
        account: shown(chosen.account),
        what: describeNeed(pending.need),
      }),
    );
  }
  const strength: Strength =
    step === 'stepup' ? { acrs: [...new Set([...base.acrs, ...pending.need.acrs])], mfa: true } : base;
  ctx.idp.pending.delete(ctxId);
  if (existing) ctx.idp.sessions.delete(existing.id);
  const session = ctx.idp.newSession(home.ctx.scenario.tenant.id, home.account.id, ctx.clock.nowMs(), strength);
  return issueCode(world, chosen, pending, session, sessionCookie(session.id));
}

/** A code for `who` (an account of the tenant that issues it: the authority's, or the home one at organizations). */
function issueCode(
  world: StandIn,
  who: Person,
  p: AuthorizeParams,
  session: Session,
  headers: Record<string, string>,
): Reply {
  const ctx = world;
  if (!appIn(who.ctx, p.clientId)) {
    const [code, text] = AADSTS.appNotFound(p.clientId, who.ctx.scenario.tenant.displayName);
    return redirectError(ctx, p, 'unauthorized_client', code, text);
  }
  const now = ctx.clock.nowMs();
  const code = ctx.idp.newCode({
    params: p,
    tenantId: who.ctx.scenario.tenant.id,
    accountId: who.account.id,
    sessionId: session.id,
    authTimeMs: now,
    expiresMs: now + CODE_LIFETIME_MS,
    used: false,
    acrs: [...session.acrs],
    mfa: session.mfa,
  });
  const reply = redirectWith(p, {
    code,
    client_info: clientInfo(session.tenantId, session.accountId),
    session_state: session.sessionState,
  });
  reply.headers = { ...reply.headers, ...headers };
  return reply;
}

function token(world: StandIn, authority: Authority, req: Incoming, tenantSeg: string): Reply {
  const ctx = world;
  const f = new URLSearchParams(req.body);
  const now = ctx.clock.iso();
  const clientId = f.get('client_id') ?? '';
  if (!(authority ? appIn(authority, clientId) : appAnywhere(world, clientId))) {
    const [code, text] = AADSTS.badClient(clientId, tenantSeg);
    return tokenError(400, 'unauthorized_client', code, text, now);
  }
  const grantType = f.get('grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token')
    return tokenError(400, 'unsupported_grant_type', AADSTS.unsupportedGrant[0], AADSTS.unsupportedGrant[1], now);
  // SPA codes and refresh tokens may only be redeemed cross-origin (the browser's Origin header proves it).
  if (!header(req.headers, 'origin'))
    return tokenError(400, 'invalid_request', AADSTS.spaNeedsOrigin[0], AADSTS.spaNeedsOrigin[1], now);
  const { need, xmsCc } = parseClaimsParam(f.get('claims'));
  const interaction = () =>
    tokenError(400, 'interaction_required', AADSTS.mfaRequired[0], AADSTS.mfaRequired[1], now, {
      suberror: 'basic_action',
      claims: f.get('claims') ?? '',
    });
  // Entra issues a token for one resource: Graph and ARM scopes together are refused (AADSTS28000).
  const multipleResources = () =>
    tokenError(
      400,
      'invalid_request',
      28000,
      'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope https://management.azure.com/user_impersonation https://graph.microsoft.com/… is not valid.',
      now,
    );
  const consent = (appName: string) => {
    const [code, text] = AADSTS.consent(clientId, appName);
    return tokenError(400, 'invalid_grant', code, text, now, { suberror: 'consent_required' });
  };

  if (grantType === 'authorization_code') {
    const grant = ctx.idp.codes.get(f.get('code') ?? '');
    if (!grant) return tokenError(400, 'invalid_grant', AADSTS.badCode[0], AADSTS.badCode[1], now);
    if (grant.used) return tokenError(400, 'invalid_grant', AADSTS.codeRedeemed[0], AADSTS.codeRedeemed[1], now);
    if (ctx.clock.nowMs() > grant.expiresMs)
      return tokenError(400, 'invalid_grant', AADSTS.codeExpired[0], AADSTS.codeExpired[1], now);
    const issuer = world.find(grant.tenantId);
    // A code is redeemed where it was issued (organizations/common redeem at the user's home tenant).
    if (grant.params.clientId !== clientId || !issuer || (authority && authority !== issuer))
      return tokenError(400, 'invalid_grant', AADSTS.badCode[0], AADSTS.badCode[1], now);
    const app = appIn(issuer, clientId);
    const account = issuer.scenario.accounts.find((a) => a.id === grant.accountId);
    if (!app || !account) return tokenError(400, 'invalid_grant', AADSTS.badCode[0], AADSTS.badCode[1], now);
    if ((f.get('redirect_uri') ?? '') !== grant.params.redirectUri)
      return tokenError(400, 'invalid_grant', AADSTS.redirectDiffers[0], AADSTS.redirectDiffers[1], now);
    const verifier = f.get('code_verifier') ?? '';
    const expected =
      grant.params.codeChallengeMethod.toUpperCase() === 'S256'
        ? createHash('sha256').update(verifier).digest('base64url')
        : verifier;
    if (!verifier || expected !== grant.params.codeChallenge)
      return tokenError(400, 'invalid_grant', AADSTS.pkceMismatch[0], AADSTS.pkceMismatch[1], now);
    grant.used = true;
    const scopes = checkScopes(app, f.get('scope') ?? grant.params.scope);
    if (!scopes.ok) return consent(app.displayName);
    if (scopes.resource === 'mixed') return multipleResources();
    const strength: Strength = { acrs: grant.acrs, mfa: grant.mfa };
    if (!satisfies(strength, need)) return interaction();
    const cc = xmsCc || grant.params.xmsCc;
    const home = homeOf(world, issuer, account);
    const rt = scopes.offlineAccess
      ? ctx.idp.newRefreshToken({
          tenantId: home.ctx.scenario.tenant.id,
          accountId: home.account.id,
          clientId,
          sessionId: grant.sessionId,
          originalAuthMs: ctx.clock.nowMs(),
          xmsCc: cc,
          ...strength,
        })
      : null;
    return json(
      200,
      mintTokenResponse(world, issuer, {
        app,
        accountId: grant.accountId,
        nonce: grant.params.nonce,
        scopes,
        strength,
        xmsCc: cc,
        refreshToken: rt,
      }),
      { 'Cache-Control': 'no-store, no-cache' },
    );
  }

  const grant = ctx.idp.refreshTokens.get(f.get('refresh_token') ?? '');
  if (!grant || grant.clientId !== clientId)
    return tokenError(400, 'invalid_grant', AADSTS.badRefresh[0], AADSTS.badRefresh[1], now);
  if (grant.revokedAtMs !== undefined) {
    const [code, text] = AADSTS.revoked(
      new Date(grant.originalAuthMs).toISOString(),
      new Date(grant.revokedAtMs).toISOString(),
    );
    return tokenError(400, 'invalid_grant', code, text, now);
  }
  if (ctx.clock.nowMs() - grant.originalAuthMs >= SPA_REFRESH_LIFETIME_MS) {
    const [code, text] = AADSTS.spaRefreshExpired(new Date(grant.originalAuthMs).toISOString());
    return tokenError(400, 'invalid_grant', code, text, now);
  }
  // The refresh token is the person's: it yields tokens of whichever tenant the authority names where they have an
  // account (home or guest); organizations/common mean the home tenant.
  const home = person(world, grant.tenantId, grant.accountId);
  if (!home) return tokenError(400, 'invalid_grant', AADSTS.badRefresh[0], AADSTS.badRefresh[1], now);
  const target = authority ?? home.ctx;
  const app = appIn(target, clientId);
  if (!app) {
    const [code, text] = AADSTS.badClient(clientId, tenantSeg);
    return tokenError(400, 'unauthorized_client', code, text, now);
  }
  const account = accountIn(target, home);
  if (!account) {
    const [code, text] = AADSTS.notInTenant(
      home.account.userPrincipalName,
      home.ctx.scenario.tenant.id,
      target.scenario.tenant.displayName,
      clientId,
      app.displayName,
    );
    return tokenError(400, 'invalid_grant', code, text, now);
  }
  const scopes = checkScopes(app, f.get('scope') ?? '');
  if (!scopes.ok) return consent(app.displayName);
  if (scopes.resource === 'mixed') return multipleResources();
  const strength: Strength = { acrs: grant.acrs, mfa: grant.mfa };
  if (!satisfies(strength, need)) return interaction();
  const cc = xmsCc || grant.xmsCc;
  // Rotation: a new refresh token with the same fixed 24 h window. The old one stays valid, as with Entra.
  const rt = ctx.idp.newRefreshToken({ ...grant, xmsCc: cc });
  return json(
    200,
    mintTokenResponse(world, target, {
      app,
      accountId: account.id,
      nonce: null,
      scopes,
      strength,
      xmsCc: cc,
      refreshToken: rt,
    }),
    { 'Cache-Control': 'no-store, no-cache' },
  );
}

function logout(world: StandIn, req: Incoming): Reply {
  const session = sessionOf(world, req);
  if (session) world.idp.sessions.delete(session.id);
  const clear = { 'Set-Cookie': `${COOKIE}=; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=0` };
  const target = req.query.get('post_logout_redirect_uri');
  const known = world.tenants.some((t) =>
    [t.scenario.app, ...t.scenario.consentedApps].some((a) => a.redirectUris.includes(target ?? '')),
  );
  if (target && known) {
    const state = req.query.get('state');
    return redirect(
      state ? `${target}${target.includes('?') ? '&' : '?'}state=${encodeURIComponent(state)}` : target,
      clear,
    );
  }
  return html(
    200,
    '<!doctype html><title>Signed out</title><p id="signed-out">You signed out of your account.</p>',
    clear,
  );
}
