/**
 * The stand-in serving two tenants (issue 16): Contoso (home) and Fabrikam, where adm-lidia has a guest account with
 * its own object id. Tokens are per tenant; Graph/ARM answer as the token's tenant; refresh tokens are the person's.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeTenant, type FakeTenant } from '../fake-tenant/index.ts';
import { fromB64url } from '../fake-tenant/jwt.ts';
import { DEFAULT_SCENARIO_PATH, type Scenario, type TenantScenario } from '../fake-tenant/scenario.ts';
import {
  ALL_SCOPES,
  CLIENT_ID,
  EXT_ORIGIN,
  FABRIKAM,
  LIDIA_OID,
  LIDIA_UPN,
  TENANT_DOMAIN,
  TENANT_ID,
  authorize,
  call,
  enc,
  graph,
  redeem,
  signIn,
} from '../fake-tenant/testing.ts';

let tenant: FakeTenant;
const claimsOf = (jwt: string) => JSON.parse(fromB64url(jwt.split('.')[1]!)) as Record<string, unknown>;
const clientInfoOf = (ci: string) => JSON.parse(fromB64url(ci)) as { uid: string; utid: string };
const ROLES = {
  exo: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  secReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  ga: '62e90394-69f5-4237-9190-012177145e10',
};
const MY_ELIGIBLE = "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')";
const MY_ACTIVE = "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')";
const ROLE_REQ = '/roleManagement/directory/roleAssignmentScheduleRequests';
const fabrikam = { tenant: FABRIKAM.domain, clientId: FABRIKAM.clientId };
type Instance = { roleDefinitionId: string; principalId: string; endDateTime: string | null };
const list = async (token: string, path: string) =>
  (await graph(tenant, token, 'GET', enc(path))).json().value as Instance[];
const activation = (principalId: string, roleDefinitionId: string, extra: Record<string, unknown> = {}) => ({
  action: 'selfActivate',
  principalId,
  roleDefinitionId,
  directoryScopeId: '/',
  justification: 'Fabrikam mail flow incident',
  scheduleInfo: { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration: 'PT1H' } },
  ...extra,
});

beforeAll(async () => {
  tenant = await startFakeTenant();
});
afterAll(() => tenant.close());
beforeEach(async () => {
  await tenant.control.loadScenario('tests/fake-tenant/scenarios/default.json');
});

describe('sign-in per tenant', () => {
  it("Fabrikam's picker lists its member and the guest by her home UPN", async () => {
    const { result } = await authorize(tenant, fabrikam);
    expect(result.status).toBe(200);
    expect(result.text).toContain('Fabrikam');
    expect(result.text).toContain(`data-upn="${LIDIA_UPN}"`);
    expect(result.text).toContain(`data-guest-upn="${FABRIKAM.guestUpn}"`);
    expect(result.text).toContain(`data-upn="${FABRIKAM.memberUpn}"`);
    expect(result.text).not.toContain('data-upn="lidia@contoso.onmicrosoft.com"');
    // Contoso's picker is unchanged: no Fabrikam account there.
    const contoso = await authorize(tenant);
    expect(contoso.result.text).not.toContain(FABRIKAM.memberUpn);
  });

  it("the guest's tokens: Fabrikam's tid and iss, the guest oid, her home UPN, client_info of her home account", async () => {
    const t = await signIn(tenant, fabrikam);
    const id = claimsOf(t.id_token);
    expect(id).toMatchObject({
      tid: FABRIKAM.id,
      oid: FABRIKAM.guestOid,
      iss: `https://login.microsoftonline.com/${FABRIKAM.id}/v2.0`,
      aud: FABRIKAM.clientId,
      preferred_username: LIDIA_UPN,
      idp: `https://sts.windows.net/${TENANT_ID}/`,
    });
    const at = claimsOf(t.access_token);
    expect(at).toMatchObject({ tid: FABRIKAM.id, oid: FABRIKAM.guestOid, appid: FABRIKAM.clientId });
    expect(at.iss).toBe(`https://sts.windows.net/${FABRIKAM.id}/`);
    const tokenBody = t as unknown as { client_info: string };
    expect(clientInfoOf(tokenBody.client_info)).toEqual({ uid: LIDIA_OID, utid: TENANT_ID });
    // Her Contoso tokens: same home account (uid.utid), other tid/oid.
    const home = await signIn(tenant);
    expect(claimsOf(home.id_token)).toMatchObject({ tid: TENANT_ID, oid: LIDIA_OID, preferred_username: LIDIA_UPN });
    expect(claimsOf(home.id_token).idp).toBeUndefined();
    expect(clientInfoOf((home as unknown as { client_info: string }).client_info)).toEqual({
      uid: LIDIA_OID,
      utid: TENANT_ID,
    });
  });

  it('the SSO session is the person: prompt=none at Fabrikam after signing in at Contoso gives the guest', async () => {
    const first = await signIn(tenant);
    const silent = await authorize(tenant, { ...fabrikam, prompt: 'none', upn: LIDIA_UPN, cookie: first.cookie });
    expect(silent.result.status).toBe(302);
    const frag = new URLSearchParams(String(silent.result.headers.location).split('#')[1]);
    expect(frag.get('code')).toBeTruthy();
    expect(clientInfoOf(frag.get('client_info')!)).toEqual({ uid: LIDIA_OID, utid: TENANT_ID });
    // Redeemed at Fabrikam: the guest's tokens.
    const tok = await redeem(
      tenant,
      {
        client_id: FABRIKAM.clientId,
        grant_type: 'authorization_code',
        code: frag.get('code')!,
        redirect_uri: 'https://fimhpbjaiihihdfclklanipldnjbddib.chromiumapp.org/',
        code_verifier: silent.verifier,
        scope: ALL_SCOPES,
      },
      EXT_ORIGIN,
      FABRIKAM.domain,
    );
    expect(tok.status).toBe(200);
    expect(claimsOf(tok.json().access_token)).toMatchObject({ tid: FABRIKAM.id, oid: FABRIKAM.guestOid });
    // The Fabrikam member's session means nothing at Contoso, where he has no account.
    const member = await signIn(tenant, { ...fabrikam, upn: FABRIKAM.memberUpn });
    const none = await authorize(tenant, { prompt: 'none', upn: FABRIKAM.memberUpn, cookie: member.cookie });
    expect(String(none.result.headers.location)).toContain('error=login_required');
  });

  it('organizations signs in to the home tenant', async () => {
    const t = await signIn(tenant, { tenant: 'organizations' });
    expect(claimsOf(t.id_token)).toMatchObject({ tid: TENANT_ID, oid: LIDIA_OID });
    const m = await signIn(tenant, { tenant: 'organizations', upn: FABRIKAM.memberUpn, clientId: FABRIKAM.clientId });
    expect(claimsOf(m.id_token)).toMatchObject({ tid: FABRIKAM.id, oid: FABRIKAM.memberOid });
  });
});

describe('data per tenant', () => {
  it("a Fabrikam token reads Fabrikam's roles for the guest, a Contoso token Contoso's", async () => {
    const fab = (await signIn(tenant, fabrikam)).access_token;
    const eligible = await list(fab, MY_ELIGIBLE);
    expect(eligible.map((e) => e.roleDefinitionId).sort()).toEqual(
      [ROLES.exo, ROLES.globalReader, ROLES.secReader].sort(),
    );
    expect(eligible.every((e) => e.principalId === FABRIKAM.guestOid)).toBe(true);
    const active = await list(fab, MY_ACTIVE);
    expect(active.map((a) => a.roleDefinitionId)).toEqual([ROLES.globalReader]);
    const left = Date.parse(active[0]!.endDateTime!) - Date.parse(await tenant.control.now());
    expect(left).toBeGreaterThan(30 * 60_000);
    expect(left).toBeLessThan(60 * 60_000);

    const con = (await signIn(tenant)).access_token;
    const conEligible = await list(con, MY_ELIGIBLE);
    expect(conEligible.length).toBeGreaterThan(0);
    expect(conEligible.every((e) => e.principalId === LIDIA_OID)).toBe(true);
    expect((await list(con, MY_ACTIVE)).map((a) => a.roleDefinitionId)).not.toContain(ROLES.globalReader);
    // Fabrikam's policy (Exchange Administrator: 2 h) is not Contoso's.
    const policies = async (tok: string) =>
      (
        await graph(
          tenant,
          tok,
          'GET',
          enc(
            `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '${ROLES.exo}'&$expand=policy($expand=rules)`,
          ),
        )
      ).json().value as { policy: { rules: { id: string; maximumDuration?: string }[] } }[];
    const maxOf = (v: Awaited<ReturnType<typeof policies>>) =>
      v[0]!.policy.rules.find((r) => r.id === 'Expiration_EndUser_Assignment')!.maximumDuration;
    expect(maxOf(await policies(fab))).toBe('PT2H');
    expect(maxOf(await policies(con))).not.toBe('PT2H');
  });

  it("a Contoso token never sees Fabrikam's requests, and Fabrikam's state is separate", async () => {
    const fab = (await signIn(tenant, fabrikam)).access_token;
    expect((await graph(tenant, fab, 'POST', ROLE_REQ, activation(FABRIKAM.guestOid, ROLES.secReader))).status).toBe(
      201,
    );
    const con = (await signIn(tenant)).access_token;
    const mine = await graph(tenant, con, 'GET', enc(`${ROLE_REQ}/filterByCurrentUser(on='principal')`));
    expect(mine.status).toBe(200);
    expect(JSON.stringify(mine.json())).not.toContain(FABRIKAM.guestOid);
    expect((await list(con, MY_ACTIVE)).some((a) => a.principalId === FABRIKAM.guestOid)).toBe(false);
    const fabState = await tenant.control.tenant(FABRIKAM.domain).state();
    expect(fabState.tenant.id).toBe(FABRIKAM.id);
    expect(fabState.activeAssignments.some((a) => a.roleDefinitionId === ROLES.secReader)).toBe(true);
    const home = await tenant.control.state();
    expect(home.tenant.domain).toBe(TENANT_DOMAIN);
    expect(home.activeAssignments.some((a) => a.principalId === FABRIKAM.guestOid)).toBe(false);
  });
});

describe('Azure Resource Manager per tenant', () => {
  it("answers as the token's tenant: Fabrikam has no Azure roles, Contoso's are unchanged", async () => {
    const armList = async (t: string) =>
      call(tenant, {
        host: 'management.azure.com',
        path: `/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?api-version=2020-10-01&$filter=${encodeURIComponent('asTarget()')}`,
        headers: { Authorization: `Bearer ${t}` },
      });
    const scope = 'https://management.azure.com/user_impersonation offline_access openid profile';
    const fab = await signIn(tenant, { ...fabrikam, scope });
    const r = await armList(fab.access_token);
    expect(r.status).toBe(200);
    expect(r.json().value).toEqual([]);
    const con = await signIn(tenant, { scope });
    expect((await armList(con.access_token)).json().value.length).toBeGreaterThan(0);
    const logged = (await tenant.control.log()).filter((e) => e.host === 'management.azure.com');
    expect(logged.map((e) => e.tenantId)).toEqual([FABRIKAM.id, TENANT_ID]);
    expect(logged[0]!.tokenClaims).toMatchObject({ tid: FABRIKAM.id, oid: FABRIKAM.guestOid });
  });
});

describe('refresh tokens across tenants', () => {
  it("Lidia's refresh token yields Fabrikam's tokens at Fabrikam's authority (Contoso's multi-tenant app)", async () => {
    const home = await signIn(tenant);
    const r = await redeem(
      tenant,
      { grant_type: 'refresh_token', refresh_token: home.refresh_token, scope: ALL_SCOPES },
      EXT_ORIGIN,
      FABRIKAM.id,
    );
    expect(r.status).toBe(200);
    const at = claimsOf(r.json().access_token);
    expect(at).toMatchObject({ tid: FABRIKAM.id, oid: FABRIKAM.guestOid, appid: CLIENT_ID });
    expect(clientInfoOf(r.json().client_info)).toEqual({ uid: LIDIA_OID, utid: TENANT_ID });
    // …and back at Contoso (or organizations) the home tokens again.
    for (const authority of [TENANT_DOMAIN, 'organizations']) {
      const back = await redeem(
        tenant,
        { grant_type: 'refresh_token', refresh_token: r.json().refresh_token, scope: ALL_SCOPES },
        EXT_ORIGIN,
        authority,
      );
      expect(back.status).toBe(200);
      expect(claimsOf(back.json().access_token)).toMatchObject({ tid: TENANT_ID, oid: LIDIA_OID });
    }
  });

  it('refuses a tenant where the user has no account (AADSTS50020) and a client unknown there (AADSTS700016)', async () => {
    const member = await signIn(tenant, { ...fabrikam, upn: FABRIKAM.memberUpn, clientId: CLIENT_ID });
    const r = await redeem(
      tenant,
      { grant_type: 'refresh_token', refresh_token: member.refresh_token, scope: ALL_SCOPES },
      EXT_ORIGIN,
      TENANT_DOMAIN,
    );
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: 'invalid_grant', error_codes: [50020] });
    expect(r.json().error_description).toMatch(/^AADSTS50020: User account 'adm-fabrikam@fabrikam.onmicrosoft.com'/);

    const guest = await signIn(tenant, fabrikam);
    const wrongClient = await redeem(
      tenant,
      {
        client_id: FABRIKAM.clientId,
        grant_type: 'refresh_token',
        refresh_token: guest.refresh_token,
        scope: ALL_SCOPES,
      },
      EXT_ORIGIN,
      TENANT_DOMAIN,
    );
    expect(wrongClient.status).toBe(400);
    expect(wrongClient.json()).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    // Fabrikam's own app does not exist in Contoso either at /authorize.
    const page = await authorize(tenant, { clientId: FABRIKAM.clientId });
    expect(page.result.status).toBe(400);
    expect(page.result.text).toContain('AADSTS700016');
  });

  it("revoking the guest's sign-ins revokes the person's refresh tokens everywhere", async () => {
    const home = await signIn(tenant);
    await tenant.control.tenant(FABRIKAM.domain).revokeSignIns(FABRIKAM.guestUpn);
    const r = await redeem(tenant, {
      grant_type: 'refresh_token',
      refresh_token: home.refresh_token,
      scope: ALL_SCOPES,
    });
    expect(r.json().error_codes).toEqual([50173]);
  });
});

describe('activation in Fabrikam', () => {
  it("succeeds with the guest's oid; Contoso's oid is 403; the log records tenant and oid", async () => {
    const fab = (await signIn(tenant, fabrikam)).access_token;
    await tenant.control.clearLog();
    const wrong = await graph(tenant, fab, 'POST', ROLE_REQ, activation(LIDIA_OID, ROLES.exo, { ticketInfo: t() }));
    expect(wrong.status).toBe(403);
    const ok = await graph(
      tenant,
      fab,
      'POST',
      ROLE_REQ,
      activation(FABRIKAM.guestOid, ROLES.exo, { ticketInfo: t() }),
    );
    expect(ok.status).toBe(201);
    expect(ok.json()).toMatchObject({ principalId: FABRIKAM.guestOid, status: 'Provisioned' });
    // Fabrikam's policy: Security Reader at most 1 h there (Contoso's allows more).
    const long = await graph(
      tenant,
      fab,
      'POST',
      ROLE_REQ,
      activation(FABRIKAM.guestOid, ROLES.secReader, {
        scheduleInfo: {
          startDateTime: new Date().toISOString(),
          expiration: { type: 'afterDuration', duration: 'PT2H' },
        },
      }),
    );
    expect(long.status).toBe(400);
    expect(long.json().error.code).toBe('RoleAssignmentRequestPolicyValidationFailed');

    const posts = (await tenant.control.log()).filter((e) => e.method === 'POST' && e.path.endsWith(ROLE_REQ));
    expect(posts).toHaveLength(3);
    for (const p of posts) {
      expect(p.tenantId).toBe(FABRIKAM.id);
      expect(p.tokenClaims).toMatchObject({ tid: FABRIKAM.id, oid: FABRIKAM.guestOid });
    }
    expect((posts[1]!.body as { principalId: string }).principalId).toBe(FABRIKAM.guestOid);
    // A Contoso call is logged with Contoso's tenant; a sign-in with the authority's tenant.
    const con = (await signIn(tenant)).access_token;
    await list(con, MY_ACTIVE);
    const log = await tenant.control.log();
    const read = log.filter((e) => e.host === 'graph.microsoft.com').at(-1)!;
    expect(read).toMatchObject({ tenantId: TENANT_ID, tokenClaims: { tid: TENANT_ID, oid: LIDIA_OID } });
    expect(log.some((e) => e.host === 'login.microsoftonline.com' && e.tenantId === FABRIKAM.id)).toBe(false);
    expect(log.some((e) => e.host === 'login.microsoftonline.com' && e.tenantId === TENANT_ID)).toBe(true);
  });
});

describe('control API per tenant', () => {
  it('tenant(x) approves, loads and reports one tenant; the clock is shared; HTTP /_control/tenants/{x}/…', async () => {
    const fc = tenant.control.tenant(FABRIKAM.id);
    expect((await tenant.control.tenants()).map((t) => t.domain)).toEqual([TENANT_DOMAIN, FABRIKAM.domain]);
    expect(() => tenant.control.tenant('nope.onmicrosoft.com')).toThrow(/No tenant/);
    const before = await tenant.control.now();
    await fc.advance(60 * 60_000);
    expect(Date.parse(await tenant.control.now()) - Date.parse(before)).toBeGreaterThanOrEqual(60 * 60_000);
    // The 45 min Global Reader activation in Fabrikam has expired on the shared clock.
    expect((await fc.state()).activeAssignments).toHaveLength(0);

    // Approval-required policy in Fabrikam, decided by the control API.
    const scenario = JSON.parse(readFileSync(DEFAULT_SCENARIO_PATH, 'utf8')) as Scenario;
    const fabScenario: TenantScenario = structuredClone(scenario.otherTenants![0]!);
    fabScenario.policies = [
      { roleDefinitionId: ROLES.exo, maximumDuration: 'PT2H', approvalRequired: true, enabledRules: ['Justification'] },
    ];
    await fc.loadScenario(fabScenario);
    const fab = (await signIn(tenant, fabrikam)).access_token;
    const pending = await graph(tenant, fab, 'POST', ROLE_REQ, activation(FABRIKAM.guestOid, ROLES.exo));
    expect(pending.json().status).toBe('PendingApproval');
    await expect(tenant.control.approve(pending.json().id)).rejects.toThrow();
    expect(await fc.approve(pending.json().id)).toMatchObject({ status: 'Provisioned' });

    // HTTP face.
    const http = (method: string, path: string, body?: unknown) =>
      call(tenant, {
        host: '127.0.0.1',
        method,
        path,
        ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
      });
    const st = await http('GET', `/_control/tenants/${FABRIKAM.domain}/state`);
    expect(st.status).toBe(200);
    expect(st.json().tenant.id).toBe(FABRIKAM.id);
    expect((await http('GET', '/_control/tenants/unknown.example/state')).status).toBe(404);
    expect(
      (await http('POST', `/_control/tenants/${FABRIKAM.id}/accounts/${FABRIKAM.memberUpn}/revokeSignIns`)).status,
    ).toBe(204);
    expect((await http('GET', '/_control/tenants')).json()).toHaveLength(2);
    // A tenant's scenario may not carry further tenants.
    const nested = await http('POST', `/_control/tenants/${FABRIKAM.domain}/scenario`, {
      ...fabScenario,
      otherTenants: [fabScenario],
    });
    expect(nested.status).toBe(400);
  });
});

describe('scenario checks', () => {
  it("refuses a guest whose home account no tenant has, and keeps the tenant's previous data", async () => {
    const scenario = JSON.parse(readFileSync(DEFAULT_SCENARIO_PATH, 'utf8')) as Scenario;
    const fabScenario: TenantScenario = structuredClone(scenario.otherTenants![0]!);
    fabScenario.accounts = [{ id: 'x', userPrincipalName: 'ghost#EXT#@fabrikam', displayName: 'G', homeUpn: 'no@pe' }];
    const fc = tenant.control.tenant(FABRIKAM.domain);
    await expect(fc.loadScenario(fabScenario)).rejects.toThrow(/Guest ghost#EXT#@fabrikam/);
    expect((await fc.state()).accounts.map((a) => a.id)).toContain(FABRIKAM.guestOid);
    await expect(tenant.control.loadScenario({ ...scenario, otherTenants: [fabScenario] })).rejects.toThrow(/Guest/);
  });
});

function t() {
  return { ticketNumber: 'FAB-1', ticketSystem: 'ServiceNow' };
}
