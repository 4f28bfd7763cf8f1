/**
 * Just enough of Entra for MSAL in happy-dom: an /authorize answer built from the authorize URL (code, client_info,
 * state echoed) and a /token endpoint (authorization_code with PKCE, refresh_token) served through a fetch stub.
 */
export interface FakeUser {
  oid: string;
  tid: string;
  name: string;
  username: string;
}

const b64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return b64url(String.fromCharCode(...digest));
}

/** echo: how the token answer's `scope` names Graph permissions ('short', as Entra does for Graph, or as requested). */
export function createFakeIdp(user: FakeUser, clientId: string, echo: 'short' | 'requested' = 'requested') {
  const codes = new Map<string, { challenge: string; nonce: string; scope: string }>();
  let counter = 0;
  const grants: string[] = [];
  const clientInfo = b64url(JSON.stringify({ uid: user.oid, utid: user.tid }));

  function idToken(nonce: string) {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      aud: clientId,
      iss: `https://login.microsoftonline.com/${user.tid}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + 3600,
      nonce,
      tid: user.tid,
      oid: user.oid,
      sub: `sub-${user.oid}`,
      preferred_username: user.username,
      name: user.name,
      ver: '2.0',
    };
    return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.sig`;
  }

  /** What launchWebAuthFlow would return after the user signed in (or the session cookie did). */
  function answer(authorizeUrl: string): string {
    const q = new URL(authorizeUrl).searchParams;
    const code = `code-${++counter}`;
    codes.set(code, { challenge: q.get('code_challenge')!, nonce: q.get('nonce') ?? '', scope: q.get('scope') ?? '' });
    const state = encodeURIComponent(q.get('state')!);
    return `${q.get('redirect_uri')}#code=${code}&client_info=${clientInfo}&state=${state}&session_state=s-1`;
  }

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (!url.pathname.endsWith('/oauth2/v2.0/token')) return new Response('not found', { status: 404 });
    const body = new URLSearchParams(typeof init?.body === 'string' ? init.body : '');
    const grant = body.get('grant_type')!;
    grants.push(grant);
    let nonce = '';
    let scope = body.get('scope') ?? '';
    if (grant === 'authorization_code') {
      const issued = codes.get(body.get('code') ?? '');
      if (!issued || issued.challenge !== (await s256(body.get('code_verifier') ?? ''))) {
        return Response.json({ error: 'invalid_grant', error_description: 'AADSTS70008: bad code' }, { status: 400 });
      }
      codes.delete(body.get('code')!);
      nonce = issued.nonce;
      scope = issued.scope;
    } else if (grant !== 'refresh_token' || !body.get('refresh_token')?.startsWith('rt-')) {
      return Response.json({ error: 'invalid_grant', error_description: 'AADSTS700082: expired' }, { status: 400 });
    }
    const n = ++counter;
    return Response.json({
      token_type: 'Bearer',
      scope: scope
        .split(' ')
        .filter((s) => !['openid', 'profile', 'offline_access'].includes(s))
        .map((s) => (echo === 'short' ? s.replace(/^https:\/\/graph\.microsoft\.com\//, '') : s))
        .join(' '),
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: `at-${n}`,
      refresh_token: `rt-${n}`,
      id_token: idToken(nonce),
      client_info: clientInfo,
    });
  };

  return { answer, fetch, grants };
}
