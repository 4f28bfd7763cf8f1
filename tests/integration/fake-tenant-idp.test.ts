import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { peekClaims } from '../fake-tenant/jwt.ts';
import {
  ALL_SCOPES,
  CLIENT_ID,
  EXT_ORIGIN,
  REDIRECT_URI,
  authorize,
  call,
  cookieFrom,
  fragmentOf,
  graph,
  redeem,
  signIn,
  submitLogin,
} from '../fake-tenant/testing.ts';

let tenant: FakeTenant;
const ADMIN = 'adm-lidia@contoso.onmicrosoft.com';
const HOUR = 3_600_000;

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(() => tenant.close());
beforeEach(() => tenant.control.loadScenario('tests/fake-tenant/scenarios/default.json'));

describe('authorize + token (PKCE, SPA)', () => {
  it('shows an account picker, redirects with code/client_info/state/session_state, and redeems the code once', async () => {
    const start = await authorize(tenant);
    expect(start.result.status).toBe(200);
    expect(start.result.text).toContain(`data-upn="${ADMIN}"`);
    expect(start.result.text).toContain('Lidia Holloway');
    const picked = await submitLogin(tenant, start.result.text, { step: 'pick', upn: ADMIN });
    expect(picked.status).toBe(302);
    expect(String(picked.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=None|Secure; HttpOnly/);
    const loc = String(picked.headers.location);
    expect(loc.startsWith(`${REDIRECT_URI}#`)).toBe(true);
    const frag = fragmentOf(loc);
    expect(frag.get('state')).toBe(start.state);
    expect(frag.get('session_state')).toBeTruthy();
    expect(JSON.parse(Buffer.from(frag.get('client_info')!, 'base64url').toString())).toEqual({
      uid: '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71',
      utid: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
    });

    const fields = {
      grant_type: 'authorization_code',
      code: frag.get('code')!,
      redirect_uri: REDIRECT_URI,
      code_verifier: start.verifier,
      scope: ALL_SCOPES,
    };
    const tok = await redeem(tenant, fields);
    expect(tok.status).toBe(200);
    expect(tok.headers['access-control-allow-origin']).toBe(EXT_ORIGIN);
    const body = tok.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    // Entra's v2 endpoint names Graph permissions in the short form, whatever form was requested (scopeEcho 'short').
    expect(body.scope.split(' ')).toContain('RoleAssignmentSchedule.ReadWrite.Directory');
    expect(body.scope).not.toContain('https://graph.microsoft.com/');
    const id = peekClaims(body.id_token)!;
    expect(id).toMatchObject({
      aud: CLIENT_ID,
      nonce: start.nonce,
      tid: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
      preferred_username: ADMIN,
      name: 'Lidia Holloway',
    });
    expect(id.iss).toBe('https://login.microsoftonline.com/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/v2.0');
    const at = peekClaims(body.access_token)!;
    expect(at.aud).toBe('https://graph.microsoft.com');
    expect(String(at.scp).split(' ')).toContain('PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup');
    expect(at.amr).toEqual(['pwd']);

    const again = await redeem(tenant, fields);
    expect(again.status).toBe(400);
    expect(again.json()).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('rejects a wrong code_verifier, a missing Origin (AADSTS9002327) and a different redirect_uri', async () => {
    const mk = async () => {
      const s = await authorize(tenant);
      const p = await submitLogin(tenant, s.result.text, { step: 'pick', upn: ADMIN });
      return { code: fragmentOf(p.headers.location).get('code')!, verifier: s.verifier };
    };
    const a = await mk();
    const bad = await redeem(tenant, {
      grant_type: 'authorization_code',
      code: a.code,
      redirect_uri: REDIRECT_URI,
      code_verifier: 'x'.repeat(43),
    });
    expect(bad.json()).toMatchObject({ error: 'invalid_grant', error_codes: [50148] });
    const b = await mk();
    const noOrigin = await redeem(
      tenant,
      { grant_type: 'authorization_code', code: b.code, redirect_uri: REDIRECT_URI, code_verifier: b.verifier },
      null,
    );
    expect(noOrigin.status).toBe(400);
    const err = noOrigin.json();
    expect(err).toMatchObject({ error: 'invalid_request', error_codes: [9002327] });
    expect(err.error_description).toMatch(/^AADSTS9002327: /);
    expect(Object.keys(err)).toEqual(
      expect.arrayContaining(['error', 'error_description', 'error_codes', 'timestamp', 'trace_id', 'correlation_id']),
    );
    const c = await mk();
    const otherRedirect = await redeem(tenant, {
      grant_type: 'authorization_code',
      code: c.code,
      redirect_uri: 'https://evil.example/',
      code_verifier: c.verifier,
    });
    expect(otherRedirect.json().error).toBe('invalid_grant');
  });

  it('shows Entra error pages for an unknown client id and an unregistered redirect URI', async () => {
    const unknown = await authorize(tenant, { clientId: '99999999-2222-4333-8444-555555555555' });
    expect(unknown.result.status).toBe(400);
    expect(unknown.result.text).toContain('AADSTS700016');
    const wrongRedirect = await authorize(tenant, { redirectUri: 'https://otherextension.chromiumapp.org/' });
    expect(wrongRedirect.result.text).toContain('AADSTS50011');
  });

  it('accepts the tenant GUID, organizations and common as authority, and 404s an unknown tenant', async () => {
    for (const t of ['6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', 'organizations', 'common'])
      expect((await authorize(tenant, { tenant: t })).result.status).toBe(200);
    // fabrikam.onmicrosoft.com is the default scenario's second tenant (fake-tenant-tenants.test.ts); this one is not.
    const other = await authorize(tenant, { tenant: 'northwind.onmicrosoft.com' });
    expect(other.result.text).toContain('AADSTS90002');
  });

  it('cancel on the picker redirects with access_denied / cancel and the same state', async () => {
    const s = await authorize(tenant);
    const res = await submitLogin(tenant, s.result.text, { step: 'cancel' });
    const frag = fragmentOf(res.headers.location);
    expect(frag.get('error')).toBe('access_denied');
    expect(frag.get('error_subcode')).toBe('cancel');
    expect(frag.get('state')).toBe(s.state);
  });
});

describe('refresh tokens', () => {
  it('rotates, and expires 24 h (stand-in clock) after the original sign-in with AADSTS700084', async () => {
    const tok = await signIn(tenant);
    await tenant.control.advance(23 * HOUR);
    const r1 = await redeem(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tok.refresh_token,
      scope: ALL_SCOPES,
    });
    expect(r1.status).toBe(200);
    const rotated = r1.json().refresh_token as string;
    expect(rotated).not.toBe(tok.refresh_token);
    expect(peekClaims(r1.json().access_token)!.exp).toBe(
      Math.floor(Date.parse(await tenant.control.now()) / 1000) + 3600,
    );
    await tenant.control.advance(HOUR + 60_000);
    const r2 = await redeem(tenant, { grant_type: 'refresh_token', refresh_token: rotated, scope: ALL_SCOPES });
    expect(r2.status).toBe(400);
    expect(r2.json()).toMatchObject({ error: 'invalid_grant', error_codes: [700084] });
  });

  it.each([
    ['short', 'RoleEligibilitySchedule.ReadWrite.Directory'],
    ['requested', 'https://graph.microsoft.com/RoleEligibilitySchedule.ReadWrite.Directory'],
  ] as const)('scope echo %s: the refresh answer names the Graph permission as %s', async (scopeEcho, expected) => {
    const scenario = JSON.parse(readFileSync('tests/fake-tenant/scenarios/default.json', 'utf8'));
    scenario.app.scopeEcho = scopeEcho;
    await tenant.control.loadScenario(scenario);
    const tok = await signIn(tenant);
    const r = await redeem(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tok.refresh_token,
      scope: ALL_SCOPES,
    });
    const graphScopes = (r.json().scope as string).split(' ').filter((x) => /Schedule|Policy/.test(x));
    expect(graphScopes).toContain(expected);
    expect(graphScopes).toHaveLength(6);
  });

  it('revokeSignIns: the refresh token answers AADSTS50173 and prompt=none finds no session', async () => {
    const tok = await signIn(tenant);
    await tenant.control.revokeSignIns('adm-lidia@contoso.onmicrosoft.com');
    const r = await redeem(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tok.refresh_token,
      scope: ALL_SCOPES,
    });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
    expect((await tenant.control.state()).sessions).toBe(0);
  });

  it('answers interaction_required with the claims when the grant lacks the requested authentication context', async () => {
    const tok = await signIn(tenant);
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const r = await redeem(tenant, {
      grant_type: 'refresh_token',
      refresh_token: tok.refresh_token,
      scope: ALL_SCOPES,
      claims,
    });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: 'interaction_required', claims });
  });
});

describe('prompt=none, sessions and step-up', () => {
  it('fails without a session and succeeds silently with one; endSessions makes it fail again', async () => {
    const none = await authorize(tenant, { prompt: 'none' });
    expect(none.result.status).toBe(302);
    const f = fragmentOf(none.result.headers.location);
    expect(f.get('error')).toBe('login_required');
    expect(f.get('error_description')).toMatch(/^AADSTS50058/);
    expect(f.get('state')).toBe(none.state);

    const tok = await signIn(tenant);
    const silent = await authorize(tenant, { prompt: 'none', cookie: tok.cookie, upn: ADMIN });
    expect(fragmentOf(silent.result.headers.location).get('code')).toBeTruthy();

    await tenant.control.endSessions();
    const after = await authorize(tenant, { prompt: 'none', cookie: tok.cookie });
    expect(fragmentOf(after.result.headers.location).get('error')).toBe('login_required');
  });

  it('step-up: claims acrs c1 → "Verify your identity" → token with acrs and amr mfa; prompt=none then satisfied', async () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"},"xms_cc":{"values":["CP1"]}}}';
    const plain = await signIn(tenant);
    const noneUnsatisfied = await authorize(tenant, { prompt: 'none', cookie: plain.cookie, claims });
    expect(fragmentOf(noneUnsatisfied.result.headers.location).get('error')).toBe('interaction_required');

    const start = await authorize(tenant, { claims, cookie: plain.cookie, upn: ADMIN });
    expect(start.result.text).toContain('id="stepup-approve"');
    expect(start.result.text).toContain('Verify your identity');
    const approved = await submitLogin(tenant, start.result.text, { step: 'stepup' }, plain.cookie);
    expect(approved.status).toBe(302);
    const code = fragmentOf(approved.headers.location).get('code')!;
    const tok = (
      await redeem(tenant, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: start.verifier,
        scope: ALL_SCOPES,
        claims,
      })
    ).json();
    const at = peekClaims(tok.access_token)!;
    expect(at.acrs).toEqual(['c1']);
    expect(at.amr).toEqual(['pwd', 'mfa']);
    expect(at.xms_cc).toEqual(['CP1']);

    const cookie = cookieFrom(approved)!;
    const silent = await authorize(tenant, { prompt: 'none', cookie, claims });
    expect(fragmentOf(silent.result.headers.location).get('code')).toBeTruthy();
  });

  it('a fresh interactive sign-in with mfa claims goes picker → step-up', async () => {
    const tok = await signIn(tenant, { claims: '{"access_token":{"amr":{"values":["mfa"]}}}' });
    expect(peekClaims(tok.access_token)!.amr).toEqual(['pwd', 'mfa']);
  });

  it('logout clears the session and returns to post_logout_redirect_uri', async () => {
    const tok = await signIn(tenant);
    const out = await call(tenant, {
      host: 'login.microsoftonline.com',
      path: `/contoso.onmicrosoft.com/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      headers: { Cookie: tok.cookie },
    });
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe(REDIRECT_URI);
    const none = await authorize(tenant, { prompt: 'none', cookie: tok.cookie });
    expect(fragmentOf(none.result.headers.location).get('error')).toBe('login_required');
  });
});

describe('metadata, CORS', () => {
  it('serves openid-configuration and instance discovery', async () => {
    const oc = await call(tenant, {
      host: 'login.microsoftonline.com',
      path: '/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration',
    });
    expect(oc.json().token_endpoint).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
    );
    const di = await call(tenant, {
      host: 'login.microsoftonline.com',
      path: '/common/discovery/instance?api-version=1.1&authorization_endpoint=x',
    });
    expect(di.json().metadata[0].aliases).toContain('login.microsoftonline.com');
  });

  it('answers preflights for extension origins on Graph and login, logged as OPTIONS', async () => {
    for (const host of ['graph.microsoft.com', 'login.microsoftonline.com']) {
      const r = await call(tenant, {
        host,
        method: 'OPTIONS',
        path: host.startsWith('graph') ? '/v1.0/$batch' : '/contoso.onmicrosoft.com/oauth2/v2.0/token',
        headers: {
          Origin: EXT_ORIGIN,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,client-request-id',
        },
      });
      expect(r.status).toBe(204);
      expect(r.headers['access-control-allow-origin']).toBe(EXT_ORIGIN);
      expect(String(r.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
      expect(r.headers.vary).toBe('Origin');
    }
    const tok = await signIn(tenant);
    const g = await graph(
      tenant,
      tok.access_token,
      'GET',
      "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/filterByCurrentUser(on='principal')",
      undefined,
      { Origin: 'moz-extension://abc-123' },
    );
    expect(g.headers['access-control-allow-origin']).toBe('moz-extension://abc-123');
    expect(String(g.headers['access-control-expose-headers'])).toContain('Retry-After');
    const other = await graph(
      tenant,
      tok.access_token,
      'GET',
      "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/filterByCurrentUser(on='principal')",
      undefined,
      { Origin: 'https://evil.example' },
    );
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const log = await tenant.control.log();
    expect(log.filter((e) => e.method === 'OPTIONS')).toHaveLength(2);
  });
});
