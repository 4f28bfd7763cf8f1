/**
 * The auth document's handlers with the real MSAL in happy-dom and a fake Entra behind a fetch stub: a sign-in in one
 * "page" is read by another through the shared localStorage cache and key cookie; renewal URLs are redeemed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createAuthDocument } from '../../../lib/auth/auth-document';
import { ENCRYPTION_COOKIE } from '../../../lib/auth/cache-cookie';
import { accountInfo, createPca, signInInteractive } from '../../../lib/auth/msal';
import { graphScopes } from '../../../lib/auth/scopes';
import { cloudById } from '../../../lib/clouds';
import type { AuthContext } from '../../../lib/messaging';
import type { Connection } from '../../../lib/storage';
import { a1, setConnection } from '../account-fixture';
import { createFakeIdp } from './fake-idp';

const connection: Connection = {
  cloudId: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
};
const user = {
  oid: 'aaaaaaaa-0000-0000-0000-000000000001',
  tid: 'bbbbbbbb-0000-0000-0000-000000000002',
  name: 'Adele Admin',
  username: 'adm-adele@contoso.onmicrosoft.com',
};
const scopes = graphScopes(cloudById('global'));
const signedIn: AuthContext = {
  connection,
  account: { homeAccountId: `${user.oid}.${user.tid}`, username: user.username },
};
let idp: ReturnType<typeof createFakeIdp>;

beforeEach(async () => {
  fakeBrowser.reset();
  localStorage.clear();
  sessionStorage.clear();
  document.cookie = `${ENCRYPTION_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  idp = createFakeIdp(user, connection.clientId);
  vi.stubGlobal('fetch', vi.fn(idp.fetch));
  await setConnection(connection);
});
afterEach(() => vi.unstubAllGlobals());

async function signInOnThePage() {
  const page = await createPca(connection);
  const result = await signInInteractive(page, { launch: async ({ url }) => idp.answer(url) });
  const account = accountInfo(result);
  await a1.authState.set({ status: 'signed-in', account, detail: null });
  return account;
}

describe('auth document', () => {
  it('maps the signed-in account: oid from the ID token, tenant, name, user name', async () => {
    expect(await signInOnThePage()).toEqual({
      homeAccountId: `${user.oid}.${user.tid}`,
      oid: user.oid,
      tenantId: user.tid,
      name: user.name,
      username: user.username,
    });
  });

  it('serves the token the sign-in page cached, without a network call', async () => {
    await signInOnThePage();
    const grantsAfterSignIn = idp.grants.length;
    const doc = createAuthDocument();
    const token = await doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: false });
    expect(token.accessToken).toMatch(/^at-/);
    expect(token.expiresOn).toBeGreaterThan(Date.now());
    expect(idp.grants.length).toBe(grantsAfterSignIn);
  });

  it.each(['short', 'requested'] as const)(
    'scope echo %s: after sign-in, repeated token requests redeem nothing until the access token expires',
    async (echo) => {
      idp = createFakeIdp(user, connection.clientId, echo);
      vi.stubGlobal('fetch', vi.fn(idp.fetch));
      await signInOnThePage();
      const afterSignIn = idp.grants.length;
      const doc = createAuthDocument();
      const tokens = [];
      for (let i = 0; i < 4; i++)
        tokens.push((await doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: false })).accessToken);
      expect(idp.grants.length).toBe(afterSignIn);
      expect(new Set(tokens).size).toBe(1);
      // A forced refresh is cached under the echoed form too, and found again without another redemption.
      const forced = await doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: true });
      const after = await doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: false });
      expect(after.accessToken).toBe(forced.accessToken);
      expect(idp.grants.length).toBe(afterSignIn + 1);
    },
  );

  it('uses the refresh token when asked to force a refresh', async () => {
    await signInOnThePage();
    const doc = createAuthDocument();
    const first = await doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: false });
    const second = await doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: true });
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(idp.grants.at(-1)).toBe('refresh_token');
  });

  it('answers interaction-required when the cache key cookie is gone (browser restart)', async () => {
    await signInOnThePage();
    document.cookie = `${ENCRYPTION_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
    const doc = createAuthDocument();
    await expect(doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: false })).rejects.toMatchObject({
      code: 'interaction-required',
    });
  });

  it('renews after a restart: renewal URL with the stored login hint, redeemed in the same document, then tokens', async () => {
    const account = await signInOnThePage();
    document.cookie = `${ENCRYPTION_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
    const doc = createAuthDocument();
    const { url } = await doc.handlers['auth.renewalUrl']({ context: signedIn, scopes });
    expect(new URL(url).searchParams.get('prompt')).toBe('none');
    expect(new URL(url).searchParams.get('login_hint')).toBe(user.username);
    await expect(doc.handlers['auth.redeem']({ context: signedIn, responseUrl: idp.answer(url) })).resolves.toEqual({
      homeAccountId: account.homeAccountId,
    });
    await expect(doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: false })).resolves.toMatchObject(
      { accessToken: expect.stringMatching(/^at-/) },
    );
  });

  it('abandons a failed renewal and can start the next one', async () => {
    await signInOnThePage();
    const doc = createAuthDocument();
    await doc.handlers['auth.renewalUrl']({ context: signedIn, scopes });
    await expect(doc.handlers['auth.redeem']({ context: signedIn, responseUrl: null })).resolves.toEqual({
      homeAccountId: '',
    });
    await expect(doc.handlers['auth.renewalUrl']({ context: signedIn, scopes })).resolves.toMatchObject({
      url: expect.stringContaining('prompt=none'),
    });
  });

  it('clears the account on sign-out, so no token is served afterwards', async () => {
    await signInOnThePage();
    const doc = createAuthDocument();
    await doc.handlers['auth.clearCache']({ context: signedIn });
    await expect(doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: false })).rejects.toMatchObject({
      code: 'interaction-required',
    });
  });

  it('builds a new PCA when the connection changes (another app registration answers for itself)', async () => {
    await signInOnThePage();
    const make = vi.fn(createPca);
    const doc = createAuthDocument({ createPca: make });
    const other: AuthContext = {
      ...signedIn,
      connection: { ...connection, clientId: '99999999-2222-3333-4444-555555555555' },
    };
    await expect(doc.handlers['auth.token']({ context: other, scopes, forceRefresh: false })).rejects.toMatchObject({
      code: 'interaction-required',
    });
    await expect(doc.handlers['auth.token']({ context: signedIn, scopes, forceRefresh: false })).resolves.toMatchObject(
      { accessToken: expect.any(String) },
    );
    // Several accounts (issue 16): one PCA per connection, kept while another account's is in use.
    expect(make).toHaveBeenCalledTimes(2);
  });
});
