import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AuthError, SignInRequiredError } from '../../../lib/auth/errors';
import type { AuthHost, AuthMessageName } from '../../../lib/auth/host';
import { createTokenProvider } from '../../../lib/auth/token-provider';
import { MessagingError, type RequestOf, type ResponseOf } from '../../../lib/messaging';
import type { Account } from '../../../lib/storage';
import { a1, a1Connection, setConnection } from '../account-fixture';
import { getMessageFrom, installEnglish, LOCALES } from '../i18n/install';

const account: Account = {
  homeAccountId: 'oid-1.tid-1',
  oid: 'oid-1',
  tenantId: 'tid-1',
  name: 'Adele Admin',
  username: 'adm-adele@contoso.onmicrosoft.com',
};
const interactionRequired = () => new MessagingError('interaction-required', 'refresh token expired');
const RENEWAL_URL =
  'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?prompt=none&state=s1';
const RESPONSE_URL = 'https://ext.chromiumapp.org/#code=abc&state=s1';

type Answers = { [N in AuthMessageName]: (payload: RequestOf<N>) => Promise<ResponseOf<N>> };

function setup(
  overrides: Partial<Answers> = {},
  launch?: (d: { url: string; interactive: boolean }) => Promise<string | undefined>,
) {
  const answers: Answers = {
    'auth.token': async () => ({ accessToken: 'at-1', expiresOn: null }),
    'auth.renewalUrl': async () => ({ url: RENEWAL_URL }),
    'auth.redeem': async () => ({ homeAccountId: account.homeAccountId }),
    'auth.clearCache': async () => ({ ok: true as const }),
    ...overrides,
  };
  const requests: Array<[string, unknown]> = [];
  const host: AuthHost = {
    ensure: vi.fn(async () => undefined),
    reset: vi.fn(async () => undefined),
    request: async (name, payload) => {
      requests.push([name, payload]);
      return (answers[name] as (p: unknown) => Promise<never>)(payload);
    },
  };
  const launchWebAuthFlow = vi.fn(launch ?? (async () => RESPONSE_URL));
  const provider = createTokenProvider({
    host,
    launchWebAuthFlow,
    connection: a1Connection,
    authState: a1.authState,
  });
  const names = () => requests.map(([n]) => n);
  return { provider, host, requests, names, launchWebAuthFlow };
}

/** auth.token fails until a renewal has been redeemed, as with an expired refresh token. */
function expiredUntilRedeemed() {
  let redeemed = false;
  return {
    'auth.token': async () => {
      if (!redeemed) throw interactionRequired();
      return { accessToken: 'at-renewed', expiresOn: 1_900_000_000_000 };
    },
    'auth.redeem': async ({ responseUrl }: RequestOf<'auth.redeem'>) => {
      if (responseUrl === null) return { homeAccountId: '' };
      redeemed = true;
      return { homeAccountId: account.homeAccountId };
    },
  } satisfies Partial<Answers>;
}

beforeEach(async () => {
  fakeBrowser.reset();
  await setConnection({
    cloudId: 'global',
    tenant: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-3333-4444-555555555555',
  });
  await a1.authState.set({ status: 'signed-in', account, detail: null });
});

describe('token provider', () => {
  it('returns the silent token and starts no web auth flow when the cache can serve it', async () => {
    const { provider, names, launchWebAuthFlow, host, requests } = setup();
    await expect(provider.getToken()).resolves.toBe('at-1');
    expect(names()).toEqual(['auth.token']);
    expect(launchWebAuthFlow).not.toHaveBeenCalled();
    expect(host.ensure).toHaveBeenCalled();
    const [, payload] = requests[0]!;
    expect(payload).toMatchObject({ forceRefresh: false });
    expect((payload as { scopes: string[] }).scopes).toContain(
      'https://graph.microsoft.com/RoleAssignmentSchedule.ReadWrite.Directory',
    );
  });

  it('passes forceRefresh through to the auth document', async () => {
    const { provider, requests } = setup();
    await provider.getToken({ forceRefresh: true });
    expect(requests[0]![1]).toMatchObject({ forceRefresh: true });
  });

  it('renews with a non-interactive web auth flow when the silent token needs interaction, and stays signed in', async () => {
    const { provider, names, launchWebAuthFlow, requests } = setup(expiredUntilRedeemed());
    await expect(provider.getToken()).resolves.toBe('at-renewed');
    expect(launchWebAuthFlow).toHaveBeenCalledExactlyOnceWith({ url: RENEWAL_URL, interactive: false });
    expect(names()).toEqual(['auth.token', 'auth.renewalUrl', 'auth.redeem', 'auth.token']);
    expect(requests[2]![1]).toMatchObject({ responseUrl: RESPONSE_URL });
    expect(await a1.authState.get()).toEqual({ status: 'signed-in', account, detail: null });
  });

  it('records renewal-required and throws SignInRequiredError when the web auth flow fails too', async () => {
    const { provider, requests } = setup(expiredUntilRedeemed(), async () => {
      throw new Error('User interaction required.');
    });
    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInRequiredError);
    expect(error).toMatchObject({ code: 'sign-in-required', reason: 'renewal-failed' });
    // The document is told to abandon the attempt, so MSAL does not stay "interaction in progress".
    expect(requests.find(([n]) => n === 'auth.redeem')![1]).toMatchObject({ responseUrl: null });
    const state = await a1.authState.get();
    expect(state.status).toBe('renewal-required');
    expect(state.account).toEqual(account);
    expect(state.detail).toBe('Silent renewal failed: User interaction required.');
  });

  it('records renewal-required when the identity provider answers prompt=none with an error the document cannot redeem', async () => {
    const { provider } = setup({
      'auth.token': async () => {
        throw interactionRequired();
      },
      'auth.redeem': async () => {
        throw new MessagingError('interaction-required', 'AADSTS50058: login_required');
      },
    });
    await expect(provider.getToken()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(await a1.authState.get()).toMatchObject({
      status: 'renewal-required',
      detail: expect.stringContaining('AADSTS50058'),
    });
  });

  // The offscreen auth document has no chrome.i18n: its sentences arrive as message keys and are worded here.
  it('words a failure the auth document could only name by its message key', async () => {
    const { provider } = setup({
      'auth.token': async () => {
        throw interactionRequired();
      },
      'auth.redeem': async () => {
        throw new MessagingError('failed', 'authMismatchedAnswer');
      },
    });
    await expect(provider.getToken()).rejects.toBeInstanceOf(SignInRequiredError);
    expect((await a1.authState.get()).detail).toBe(
      'Silent renewal failed: The sign-in answer did not match the request. Try again.',
    );
  });

  it('words an offline answer of the auth document, keeping its code', async () => {
    const { provider } = setup({
      'auth.token': async () => {
        throw new MessagingError('offline', 'authOffline');
      },
    });
    await expect(provider.getToken()).rejects.toMatchObject({
      code: 'offline',
      message: expect.stringMatching(/^The Microsoft sign-in service could not be reached\./),
    });
  });

  it('does not accept a renewal that signed in a different account', async () => {
    const { provider } = setup({
      ...expiredUntilRedeemed(),
      'auth.redeem': async () => ({ homeAccountId: 'someone-else' }),
    });
    await expect(provider.getToken()).rejects.toBeInstanceOf(SignInRequiredError);
    expect(await a1.authState.get()).toMatchObject({
      status: 'renewal-required',
      detail: 'Silent renewal failed: a different account answered.',
    });
  });

  it('words the renewal failure in the browser language', async () => {
    (fakeBrowser.i18n as unknown as { getMessage: unknown }).getMessage = getMessageFrom(LOCALES.nb!, 'nb');
    try {
      const { provider } = setup({
        ...expiredUntilRedeemed(),
        'auth.redeem': async () => ({ homeAccountId: 'someone-else' }),
      });
      await expect(provider.getToken()).rejects.toMatchObject({
        message: expect.stringMatching(/^Påloggingen din er utløpt/),
      });
      expect((await a1.authState.get()).detail).toBe('Stille fornyelse mislyktes: en annen konto svarte.');
    } finally {
      installEnglish();
    }
  });

  it('shares one renewal among concurrent callers', async () => {
    const { provider, launchWebAuthFlow, names } = setup(expiredUntilRedeemed());
    const tokens = await Promise.all([
      provider.getToken(),
      provider.getToken(),
      provider.getToken({ forceRefresh: true }),
    ]);
    expect(tokens).toEqual(['at-renewed', 'at-renewed', 'at-renewed']);
    expect(launchWebAuthFlow).toHaveBeenCalledTimes(1);
    expect(names().filter((n) => n === 'auth.renewalUrl')).toHaveLength(1);
  });

  it('fails every concurrent caller with one failed renewal', async () => {
    const { provider, launchWebAuthFlow } = setup(expiredUntilRedeemed(), async () => {
      throw new Error('User interaction required.');
    });
    const results = await Promise.allSettled([provider.getToken(), provider.getToken({ forceRefresh: true })]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(launchWebAuthFlow).toHaveBeenCalledTimes(1);
  });

  it('restores signed-in after a successful renewal from renewal-required', async () => {
    await a1.authState.set({ status: 'renewal-required', account, detail: 'expired' });
    const { provider } = setup(expiredUntilRedeemed());
    await expect(provider.getToken()).resolves.toBe('at-renewed');
    expect(await a1.authState.get()).toEqual({ status: 'signed-in', account, detail: null });
  });

  it('passes an offline failure through without a web auth flow or a state change', async () => {
    const { provider, launchWebAuthFlow } = setup({
      'auth.token': async () => {
        throw new MessagingError('offline', 'The Microsoft sign-in service could not be reached.');
      },
    });
    await expect(provider.getToken()).rejects.toMatchObject({ code: 'offline' });
    expect(launchWebAuthFlow).not.toHaveBeenCalled();
    expect((await a1.authState.get()).status).toBe('signed-in');
  });

  it('does not ask the user to sign in when the sign-in page could not be loaded (offline)', async () => {
    const { provider, requests } = setup(expiredUntilRedeemed(), async () => {
      throw new Error('Authorization page could not be loaded.');
    });
    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'offline' });
    expect(requests.find(([n]) => n === 'auth.redeem')![1]).toMatchObject({ responseUrl: null });
    expect((await a1.authState.get()).status).toBe('signed-in');
  });

  it('never renews for someone who has not signed in (it could pick up another account)', async () => {
    await a1.authState.set({ status: 'signed-out', account: null, detail: null });
    const { provider, names, launchWebAuthFlow } = setup();
    await expect(provider.getToken()).rejects.toMatchObject({ reason: 'signed-out' });
    expect(names()).toEqual([]);
    expect(launchWebAuthFlow).not.toHaveBeenCalled();
  });

  it('says what to do when the extension is not configured', async () => {
    await setConnection(null);
    const { provider } = setup();
    await expect(provider.getToken()).rejects.toMatchObject({
      reason: 'not-configured',
      message: expect.stringContaining('options page'),
    });
  });

  it('signs out: clears the account in the cache, records signed-out and drops the auth document', async () => {
    const { provider, requests, host } = setup();
    await provider.signOut();
    expect(requests).toEqual([
      [
        'auth.clearCache',
        {
          context: {
            connection: expect.objectContaining({ tenant: 'contoso.onmicrosoft.com' }),
            account: { homeAccountId: account.homeAccountId, tenantId: account.tenantId, username: account.username },
          },
        },
      ],
    ]);
    expect(await a1.authState.get()).toEqual({ status: 'signed-out', account: null, detail: null });
    expect(host.reset).toHaveBeenCalled();
  });

  it('still records signed-out when the cache cannot be reached', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { provider } = setup({
      'auth.clearCache': async () => {
        throw new MessagingError('unreachable', 'no document');
      },
    });
    await provider.signOut();
    expect((await a1.authState.get()).status).toBe('signed-out');
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('resetAuthDocument closes the auth document', async () => {
    const { provider, host } = setup();
    await provider.resetAuthDocument();
    expect(host.reset).toHaveBeenCalledOnce();
  });
});

describe('ARM token (Azure resource roles)', () => {
  it('asks for the ARM scope of the cloud, once for concurrent callers', async () => {
    const { provider, requests } = setup();
    await Promise.all([provider.getArmToken(), provider.getArmToken(), provider.getArmToken()]);
    const tokens = requests.filter(([n]) => n === 'auth.token').map(([, p]) => (p as RequestOf<'auth.token'>).scopes);
    expect(tokens).toEqual([['https://management.azure.com/user_impersonation']]);
  });

  it('not consented: lets the Graph token renew first, then reports AzureConsentRequired', async () => {
    const { provider, launchWebAuthFlow } = setup({
      'auth.token': async ({ scopes }) => {
        if (scopes[0]!.startsWith('https://management.azure.com/')) throw interactionRequired();
        return { accessToken: 'graph-at', expiresOn: null };
      },
    });
    await expect(provider.getArmToken()).rejects.toMatchObject({ code: 'AzureConsentRequired' });
    // The Graph token was fine: no renewal was started on ARM's account.
    expect(launchWebAuthFlow).not.toHaveBeenCalled();
  });

  it('with step-up claims, redeems the refresh token with them, re-reading the cache once if the first try fails', async () => {
    let calls = 0;
    const { provider, host, requests } = setup({
      'auth.token': async () => {
        calls++;
        if (calls === 1) throw interactionRequired();
        return { accessToken: 'arm-acrs', expiresOn: null };
      },
    });
    expect(await provider.getArmToken({ claims: '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}' })).toBe(
      'arm-acrs',
    );
    expect(host.reset).toHaveBeenCalledTimes(1);
    expect(requests.map(([, p]) => (p as RequestOf<'auth.token'>).claims)).toEqual([
      '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
      '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}',
    ]);
  });
});
