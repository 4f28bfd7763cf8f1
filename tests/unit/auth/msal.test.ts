/**
 * The MSAL wrapper against the real @azure/msal-browser in happy-dom, with the network cut: URL building, the shared
 * cache key cookie and the interaction-in-progress trap. Code redemption against a token endpoint is covered by the
 * end-to-end suite (fake tenant).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ENCRYPTION_COOKIE, readEncryptionCookie } from '../../../lib/auth/cache-cookie';
import { AuthError } from '../../../lib/auth/errors';
import { buildRenewalUrl, createPca, redeem, signInInteractive } from '../../../lib/auth/msal';
import type { Connection } from '../../../lib/storage';

const connection: Connection = {
  cloudId: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
};
const scopes = ['https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory'];
const fetchSpy = vi.fn(async () => Promise.reject(new TypeError('network is cut in unit tests')));

beforeEach(() => {
  fakeBrowser.reset();
  localStorage.clear();
  sessionStorage.clear();
  document.cookie = `${ENCRYPTION_COOKIE}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  vi.stubGlobal('fetch', fetchSpy);
});
afterEach(() => {
  vi.unstubAllGlobals();
  fetchSpy.mockClear();
});

describe('MSAL wrapper', () => {
  it('builds a prompt=none renewal URL for the tenant, with the chromiumapp redirect, PKCE and CP1', async () => {
    const pca = await createPca(connection);
    const url = new URL(await buildRenewalUrl(pca, scopes, { loginHint: 'adm@contoso.onmicrosoft.com' }));
    expect(url.origin + url.pathname).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize',
    );
    const q = url.searchParams;
    expect(q.get('prompt')).toBe('none');
    expect(q.get('login_hint')).toBe('adm@contoso.onmicrosoft.com');
    expect(q.get('client_id')).toBe(connection.clientId);
    expect(q.get('redirect_uri')).toBe(`https://${fakeBrowser.runtime.id}.chromiumapp.org/`);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('scope')).toContain(scopes[0]);
    expect(JSON.parse(q.get('claims') ?? '{}')).toMatchObject({ access_token: { xms_cc: { values: ['CP1'] } } });
    expect(q.get('state')).toBeTruthy();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('sets the shared cache key cookie before initialising, and reuses it in the next page', async () => {
    await createPca(connection);
    const first = readEncryptionCookie(document.cookie);
    expect(first).not.toBeNull();
    await createPca(connection);
    expect(readEncryptionCookie(document.cookie)).toEqual(first);
  });

  it('abandoning an attempt clears MSAL interaction_in_progress, so the next sign-in can start', async () => {
    const pca = await createPca(connection);
    await buildRenewalUrl(pca, scopes);
    // The trap: with the attempt outstanding, MSAL refuses another redirect request.
    await expect(pca.acquireTokenRedirect({ scopes })).rejects.toMatchObject({ errorCode: 'interaction_in_progress' });
    await expect(redeem(pca, null)).resolves.toBeNull();
    await expect(buildRenewalUrl(pca, scopes)).resolves.toMatch(/^https:\/\/login\.microsoftonline\.com\//);
  });

  it('turns a prompt=none error answer into interaction-required and leaves MSAL ready for the next attempt', async () => {
    const pca = await createPca(connection);
    const state = new URL(await buildRenewalUrl(pca, scopes)).searchParams.get('state')!;
    const answer = `https://${fakeBrowser.runtime.id}.chromiumapp.org/#error=login_required&error_description=AADSTS50058&state=${encodeURIComponent(state)}`;
    const error = await redeem(pca, answer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'interaction-required' });
    await expect(buildRenewalUrl(pca, scopes)).resolves.toContain('prompt=none');
  });

  it('a cancelled interactive sign-in reports "cancelled" and the next one can start', async () => {
    const pca = await createPca(connection);
    const launch = vi.fn(async (_: { url: string; interactive: boolean }): Promise<string | undefined> => {
      throw new Error('The user did not approve access.');
    });
    await expect(signInInteractive(pca, { launch })).rejects.toMatchObject({ code: 'cancelled' });
    const { url, interactive } = launch.mock.calls[0]![0];
    expect(interactive).toBe(true);
    const q = new URL(url).searchParams;
    expect(q.get('prompt')).toBe('select_account');
    expect(q.get('scope')).toContain('offline_access');
    expect(q.get('scope')).toContain('https://graph.microsoft.com/PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup');

    const closed = vi.fn(async () => undefined);
    await expect(signInInteractive(pca, { launch: closed })).rejects.toMatchObject({ code: 'cancelled' });
    expect(closed).toHaveBeenCalledOnce();
  });

  it('puts step-up claims on the interactive request, merged with CP1', async () => {
    const pca = await createPca(connection);
    const launch = vi.fn(async (_: { url: string; interactive: boolean }): Promise<string | undefined> => {
      throw new Error('The user did not approve access.');
    });
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    await signInInteractive(pca, { launch, claims, loginHint: 'adm@contoso.onmicrosoft.com' }).catch(() => undefined);
    const q = new URL(launch.mock.calls[0]![0].url).searchParams;
    expect(JSON.parse(q.get('claims')!).access_token).toEqual({
      acrs: { essential: true, value: 'c1' },
      xms_cc: { values: ['CP1'] },
    });
    // Step-up targets the signed-in account: the hint is sent and no account picker is forced.
    expect(q.get('login_hint')).toBe('adm@contoso.onmicrosoft.com');
    expect(q.get('prompt')).toBeNull();
  });
});
