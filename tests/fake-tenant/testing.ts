/**
 * Helpers for talking to a running stand-in from Node (integration tests, bench): real HTTPS to 127.0.0.1 with the
 * Microsoft hostname in SNI and Host, and a scripted PKCE sign-in that walks the account picker like a user would.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { FakeTenant } from './server.ts';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience: callers assert shapes
  json<T = any>(): T;
}

export interface HttpOptions {
  host: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export function call(tenant: Pick<FakeTenant, 'port'>, o: HttpOptions): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: tenant.port,
        method: o.method ?? 'GET',
        path: o.path,
        servername: /^\d/.test(o.host) ? undefined : o.host,
        rejectUnauthorized: false,
        agent: false,
        headers: {
          Host: o.host,
          ...(o.body !== undefined ? { 'Content-Length': Buffer.byteLength(o.body).toString() } : {}),
          ...o.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    if (o.timeoutMs) req.setTimeout(o.timeoutMs, () => req.destroy(new Error('timeout')));
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

export const EXT_ORIGIN = 'chrome-extension://fimhpbjaiihihdfclklanipldnjbddib';
export const REDIRECT_URI = 'https://fimhpbjaiihihdfclklanipldnjbddib.chromiumapp.org/';
export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const TENANT_DOMAIN = 'contoso.onmicrosoft.com';
export const TENANT_ID = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
/** adm-lidia's object id in Contoso, her home tenant. */
export const LIDIA_OID = '8a3f5b2c-1d4e-4f6a-9b7c-2e1d0c9b8a71';
export const LIDIA_UPN = 'adm-lidia@contoso.onmicrosoft.com';
/** The default scenario's second tenant (`otherTenants[0]`), where adm-lidia is a guest. */
export const FABRIKAM = {
  id: 'b4c5d6e7-f809-4a1b-8c2d-3e4f5a6b7c8d',
  domain: 'fabrikam.onmicrosoft.com',
  /** Fabrikam's own registration; Contoso's CLIENT_ID is consented there too (a multi-tenant app). */
  clientId: 'f4b1c2d3-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  /** adm-lidia's guest account: its own object id; she signs in with her home UPN. */
  guestOid: 'e7d6c5b4-a392-4817-b6f5-0a1b2c3d4e5f',
  guestUpn: 'adm-lidia_contoso.onmicrosoft.com#EXT#@fabrikam.onmicrosoft.com',
  /** A Fabrikam member (no account in Contoso). */
  memberOid: 'a1f2e3d4-5c6b-4a79-8e1f-2a3b4c5d6e7f',
  memberUpn: 'adm-fabrikam@fabrikam.onmicrosoft.com',
} as const;
export const ALL_SCOPES = [
  'RoleEligibilitySchedule.ReadWrite.Directory',
  'RoleAssignmentSchedule.ReadWrite.Directory',
  'RoleManagementPolicy.Read.Directory',
  'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'RoleManagementPolicy.Read.AzureADGroup',
]
  .map((s) => `https://graph.microsoft.com/${s}`)
  .concat(['openid', 'profile', 'offline_access'])
  .join(' ');

export interface SignInOptions {
  upn?: string;
  scope?: string;
  claims?: string;
  prompt?: string;
  cookie?: string;
  clientId?: string;
  redirectUri?: string;
  /** The authority's tenant segment: an id, a domain, 'organizations' or 'common' (default Contoso's domain). */
  tenant?: string;
}

export interface AuthorizeStart {
  result: HttpResult;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorize(tenant: Pick<FakeTenant, 'port'>, o: SignInOptions = {}): Promise<AuthorizeStart> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = `eyJpZCI6IjEyMyJ9|${randomBytes(4).toString('hex')}`;
  const nonce = randomBytes(8).toString('hex');
  const q = new URLSearchParams({
    client_id: o.clientId ?? CLIENT_ID,
    scope: o.scope ?? ALL_SCOPES,
    redirect_uri: o.redirectUri ?? REDIRECT_URI,
    'client-request-id': 'c0ffee',
    response_mode: 'fragment',
    response_type: 'code',
    'x-client-SKU': 'msal.js.browser',
    client_info: '1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    nonce,
    state,
  });
  if (o.claims) q.set('claims', o.claims);
  if (o.prompt) q.set('prompt', o.prompt);
  if (o.upn && o.prompt === 'none') q.set('login_hint', o.upn);
  const result = await call(tenant, {
    host: 'login.microsoftonline.com',
    path: `/${o.tenant ?? TENANT_DOMAIN}/oauth2/v2.0/authorize?${q}`,
    headers: o.cookie ? { Cookie: o.cookie } : {},
  });
  return { result, verifier, state, nonce };
}

/** Submits one of the sign-in page's forms (the account button, step-up approve, or cancel). */
export async function submitLogin(
  tenant: Pick<FakeTenant, 'port'>,
  page: string,
  fields: Record<string, string>,
  cookie?: string,
): Promise<HttpResult> {
  const ctx = /name="ctx" value="([^"]+)"/.exec(page)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  if (!ctx || !action) throw new Error(`not a sign-in page: ${page.slice(0, 200)}`);
  return call(tenant, {
    host: 'login.microsoftonline.com',
    method: 'POST',
    path: action.replace(/&amp;/g, '&'),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) },
    body: new URLSearchParams({ ctx, ...fields }).toString(),
  });
}

export function fragmentOf(location: string | string[] | undefined): URLSearchParams {
  const loc = Array.isArray(location) ? location[0]! : (location ?? '');
  return new URLSearchParams(loc.slice(loc.indexOf('#') + 1));
}

export function cookieFrom(res: HttpResult): string | undefined {
  const set = res.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  return first?.split(';')[0];
}

/** A token request at the authority `authority` (a tenant id or domain, 'organizations' or 'common'). */
export async function redeem(
  tenant: Pick<FakeTenant, 'port'>,
  fields: Record<string, string>,
  origin: string | null = EXT_ORIGIN,
  authority: string = TENANT_DOMAIN,
): Promise<HttpResult> {
  return call(tenant, {
    host: 'login.microsoftonline.com',
    method: 'POST',
    path: `/${authority}/oauth2/v2.0/token`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(origin ? { Origin: origin } : {}) },
    body: new URLSearchParams({ client_id: CLIENT_ID, ...fields }).toString(),
  });
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  id_token: string;
  cookie: string;
}

/**
 * Interactive sign-in (picker, and step-up when claims ask for it), then code redemption, at `o.tenant`'s authority
 * (default Contoso). A guest picks their home UPN: `signIn(t, { tenant: FABRIKAM.domain, clientId:
 * FABRIKAM.clientId })` is adm-lidia's guest account in Fabrikam.
 */
export async function signIn(tenant: Pick<FakeTenant, 'port'>, o: SignInOptions = {}): Promise<Tokens> {
  const upn = o.upn ?? 'adm-lidia@contoso.onmicrosoft.com';
  const start = await authorize(tenant, o);
  let res = start.result;
  if (res.status === 200 && res.text.includes('id="picker"'))
    res = await submitLogin(tenant, res.text, { step: 'pick', upn }, o.cookie);
  if (res.status === 200 && res.text.includes('id="stepup-approve"'))
    res = await submitLogin(tenant, res.text, { step: 'stepup', upn }, o.cookie);
  if (res.status !== 302) throw new Error(`sign-in did not redirect: ${res.status} ${res.text.slice(0, 300)}`);
  const frag = fragmentOf(res.headers.location);
  const code = frag.get('code');
  if (!code) throw new Error(`no code: ${String(res.headers.location)}`);
  const tok = await redeem(
    tenant,
    {
      client_id: o.clientId ?? CLIENT_ID,
      grant_type: 'authorization_code',
      code,
      redirect_uri: o.redirectUri ?? REDIRECT_URI,
      code_verifier: start.verifier,
      scope: o.scope ?? ALL_SCOPES,
      ...(o.claims ? { claims: o.claims } : {}),
    },
    EXT_ORIGIN,
    o.tenant ?? TENANT_DOMAIN,
  );
  if (tok.status !== 200) throw new Error(`token redemption failed: ${tok.text}`);
  return { ...tok.json<Omit<Tokens, 'cookie'>>(), cookie: cookieFrom(res) ?? o.cookie ?? '' };
}

export function graph(
  tenant: Pick<FakeTenant, 'port'>,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return call(tenant, {
    host: 'graph.microsoft.com',
    method,
    path: `/v1.0${path}`,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** Encodes a Graph path the way fetch would (spaces and quotes percent-encoded, $ and parentheses kept). */
export function enc(pathAndQuery: string): string {
  return encodeURI(pathAndQuery).replace(/'/g, '%27');
}

/**
 * Another user of the tenant asks for something (a self-activation): signs in as `upn` through the picker and POSTs
 * the request with their own principal id. Returns Graph's answer (201 with the request, or the error).
 */
export async function requestAs(
  tenant: Pick<FakeTenant, 'port'>,
  upn: string,
  principalId: string,
  target: { roleDefinitionId: string } | { groupId: string; accessId: 'member' | 'owner' },
  justification: string,
  duration = 'PT1H',
  signInOptions: SignInOptions = {},
): Promise<HttpResult> {
  const { access_token } = await signIn(tenant, { ...signInOptions, upn });
  const group = 'groupId' in target;
  return graph(
    tenant,
    access_token,
    'POST',
    group
      ? '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests'
      : '/roleManagement/directory/roleAssignmentScheduleRequests',
    {
      action: 'selfActivate',
      principalId,
      ...(group ? target : { ...target, directoryScopeId: '/' }),
      justification,
      scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration } },
    },
  );
}
