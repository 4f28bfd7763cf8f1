/**
 * Background side of authentication: Graph access tokens for the one Graph client. No MSAL here (the Chromium
 * background is a service worker); the auth document does the MSAL work, this decides what to do when it cannot:
 *
 *   silent token (cache / refresh token) → on "interaction required": one non-interactive launchWebAuthFlow
 *   (prompt=none, succeeds while the Entra session cookie lives) → redeem → token again.
 *   If that fails too: authState = renewal-required and SignInRequiredError; the user signs in on the sign-in page.
 */
import { cloudById } from '../clouds';
import type { AuthContext, RequestOf, ResponseOf } from '../messaging';
import type { Account, AuthState, Connection, ValidatedItem } from '../storage';
import { t } from '../i18n';
import {
  AuthError,
  MESSAGES,
  SignInRequiredError,
  classifyWebAuthFlowError,
  errorCodeOf,
  wordAuthError,
} from './errors';
import type { AuthHost, AuthMessageName } from './host';
import { armScopes, graphScopes } from './scopes';

// The background checks `instanceof SignInRequiredError` to show "Sign in" rather than an error.
export { SignInRequiredError } from './errors';

export interface TokenProviderDeps {
  host: AuthHost;
  launchWebAuthFlow(details: { url: string; interactive: boolean }): Promise<string | undefined>;
  connection: Pick<ValidatedItem<Connection | null>, 'get'>;
  authState: Pick<ValidatedItem<AuthState>, 'get' | 'set'>;
}

export interface TokenProvider {
  /** A Graph access token. forceRefresh skips the cached access token (after Graph answered 401). */
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
  /**
   * An Azure Resource Manager token for the same account, silently from the refresh token MSAL holds (one account, no
   * second pick). Never starts a renewal of its own: it first lets the Graph token renew the session if that is due,
   * then asks once more. Still refused: ArmConsentRequiredError (the ARM permission was not consented).
   */
  getArmToken(options?: { forceRefresh?: boolean; claims?: string }): Promise<string>;
  /** Close the auth document, so the next token request reads the cache a sign-in or sign-out just changed. */
  resetAuthDocument(): Promise<void>;
  /**
   * Forget the account's tokens and record signed-out. The cache is cleared best-effort: its key dies with the browser.
   */
  signOut(): Promise<void>;
}

/** What the auth document needs with each request (it cannot read storage itself). */
export function authContext(connection: Connection, account: Account | null): AuthContext {
  return {
    connection,
    account: account
      ? {
          homeAccountId: account.homeAccountId,
          username: account.username,
          ...(account.tenantId ? { tenantId: account.tenantId } : {}),
        }
      : null,
  };
}

export function createTokenProvider(deps: TokenProviderDeps): TokenProvider {
  // Concurrent callers share one acquisition (per forceRefresh) and, across both, one renewal.
  const inFlight = new Map<boolean, Promise<string>>();
  let renewal: Promise<string> | null = null;

  /** A request to the auth document; its errors are worded here (the offscreen document has no chrome.i18n). */
  function ask<N extends AuthMessageName>(name: N, payload: RequestOf<N>): Promise<ResponseOf<N>> {
    return deps.host.request(name, payload).catch((e: unknown) => {
      throw wordAuthError(e);
    });
  }

  async function silent(
    context: AuthContext,
    scopes: string[],
    forceRefresh: boolean,
    claims?: string,
  ): Promise<string> {
    await deps.host.ensure();
    return (await ask('auth.token', { context, scopes, forceRefresh, ...(claims ? { claims } : {}) })).accessToken;
  }

  /** `reason` is short: the popup shows it in brackets after its own "sign in again" sentence. */
  async function markRenewalRequired(reason: string): Promise<never> {
    const state = await deps.authState.get();
    const detail = t('authRenewalDetail', reason.replace(/\.$/, ''));
    await deps.authState.set({ status: 'renewal-required', account: state.account, detail });
    throw new SignInRequiredError('renewal-failed', `${MESSAGES.renewalFailed} ${detail}`);
  }

  async function renew(context: AuthContext, scopes: string[]): Promise<string> {
    const { url } = await ask('auth.renewalUrl', { context, scopes });
    let responseUrl: string | null = null;
    let failure: string | null = null;
    try {
      responseUrl = (await deps.launchWebAuthFlow({ url, interactive: false })) ?? null;
      if (!responseUrl) failure = t('authRenewalNoAnswer');
    } catch (e) {
      if (classifyWebAuthFlowError(e) === 'offline') {
        await ask('auth.redeem', { context, responseUrl: null }).catch(() => undefined);
        // Being offline says nothing about the session: keep the state, let the caller retry later.
        throw new AuthError('offline', MESSAGES.offline);
      }
      failure = e instanceof Error ? e.message : String(e);
    }
    try {
      const { homeAccountId } = await ask('auth.redeem', { context, responseUrl });
      const expected = context.account?.homeAccountId;
      if (responseUrl !== null && expected && homeAccountId !== expected) failure = t('authRenewalOtherAccount');
    } catch (e) {
      failure ??= e instanceof Error ? e.message : String(e);
    }
    if (failure !== null) return markRenewalRequired(failure);
    const token = await silent(context, scopes, false);
    const state = await deps.authState.get();
    if (state.status !== 'signed-in')
      await deps.authState.set({ status: 'signed-in', account: state.account, detail: null });
    return token;
  }

  async function acquire(forceRefresh: boolean): Promise<string> {
    const state = await deps.authState.get();
    // Never signed in: renewing without a login hint could silently pick up some other account.
    if (state.status === 'signed-out' || !state.account)
      throw new SignInRequiredError('signed-out', MESSAGES.signedOut);
    const connection = await deps.connection.get();
    if (!connection) throw new SignInRequiredError('not-configured', MESSAGES.notConfigured);
    const scopes = graphScopes(cloudById(connection.cloudId));
    const context = authContext(connection, state.account);
    try {
      return await silent(context, scopes, forceRefresh);
    } catch (e) {
      if (errorCodeOf(e) === 'not-configured') throw new SignInRequiredError('not-configured', MESSAGES.notConfigured);
      if (errorCodeOf(e) !== 'interaction-required') throw e;
    }
    renewal ??= renew(context, scopes).finally(() => {
      renewal = null;
    });
    return renewal;
  }

  const armInFlight = new Map<string, Promise<string>>();
  async function armToken(forceRefresh: boolean, claims?: string): Promise<string> {
    const state = await deps.authState.get();
    if (state.status === 'signed-out' || !state.account)
      throw new SignInRequiredError('signed-out', MESSAGES.signedOut);
    const connection = await deps.connection.get();
    if (!connection) throw new SignInRequiredError('not-configured', MESSAGES.notConfigured);
    const scopes = armScopes(cloudById(connection.cloudId));
    const context = authContext(connection, state.account);
    if (claims) {
      // After a step-up on the sign-in page: the refresh token that page stored carries the proof. The auth document's
      // MSAL may still hold the older one; read the cache afresh once.
      try {
        return await silent(context, scopes, true, claims);
      } catch (e) {
        if (errorCodeOf(e) !== 'interaction-required') throw e;
      }
      await deps.host.reset();
      return silent(context, scopes, true, claims);
    }
    try {
      return await silent(context, scopes, forceRefresh);
    } catch (e) {
      if (errorCodeOf(e) !== 'interaction-required') throw e;
    }
    // The refresh token may simply have ended: the Graph token renews the session (prompt=none) when it must.
    await provider.getToken();
    try {
      return await silent(context, scopes, forceRefresh);
    } catch (e) {
      if (errorCodeOf(e) === 'interaction-required') throw new ArmConsentRequiredError();
      throw e;
    }
  }

  const provider: TokenProvider = {
    getArmToken(options = {}) {
      // A refresh asks for three lists at once: they share one acquisition (one token request when none is cached).
      const id = `${options.forceRefresh ?? false}|${options.claims ?? ''}`;
      let pending = armInFlight.get(id);
      if (!pending) {
        pending = armToken(options.forceRefresh ?? false, options.claims).finally(() => armInFlight.delete(id));
        armInFlight.set(id, pending);
      }
      return pending;
    },
    getToken(options = {}) {
      const force = options.forceRefresh ?? false;
      let pending = inFlight.get(force);
      if (!pending) {
        pending = acquire(force).finally(() => inFlight.delete(force));
        inFlight.set(force, pending);
      }
      return pending;
    },
    resetAuthDocument: () => deps.host.reset(),
    async signOut() {
      const [state, connection] = await Promise.all([deps.authState.get(), deps.connection.get()]);
      try {
        // Without a recorded account there is nothing of ours to clear: a clear without one would empty the whole
        // cache, every other account's tokens with it.
        if (connection && state.account) {
          await deps.host.ensure();
          await deps.host.request('auth.clearCache', { context: authContext(connection, state.account) });
        }
      } catch (e) {
        console.warn(`PIM Companion: could not clear the token cache at sign-out (${String(e)}).`);
      }
      await deps.authState.set({ status: 'signed-out', account: null, detail: null });
      await deps.host.reset();
    },
  };
  return provider;
}

/** No ARM token for the signed-in account: the app's Azure Service Management permission is not consented. */
export class ArmConsentRequiredError extends Error {
  override readonly name = 'ArmConsentRequiredError';
  readonly code = 'AzureConsentRequired';
  constructor() {
    super('Azure roles: not consented (Azure Service Management user_impersonation).');
  }
}
