/**
 * The MSAL wrapper. DOM contexts only (the sign-in page, the auth document; on Firefox the background page): MSAL
 * throws `non_browser_environment` in a service worker, and it weighs ~80 kB gzipped, so nothing else imports this.
 *
 * The pattern (toolchain "MSAL facts", graph-pim §9): MSAL builds the authorize URL (PKCE, state, nonce kept in this
 * document's sessionStorage), `onRedirectNavigate` captures it instead of navigating, `identity.launchWebAuthFlow`
 * shows it, and `handleRedirectPromise` in the SAME document redeems the code.
 */
import {
  CacheLookupPolicy,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
} from '@azure/msal-browser';
import { browser } from 'wxt/browser';
import { cloudById, type Cloud } from '../clouds';
import type { Connection } from '../storage';
import { ensureEncryptionCookie, presentAsCookie, sharedEncryptionKey } from './cache-cookie';
import { AuthError, MESSAGES, classifyWebAuthFlowError, toAuthError } from './errors';
import { signInScopes } from './scopes';

export { accountInfo } from './account';
export { stepUpClaims, type StepUp } from './claims';

/** Per-PCA state of the one authorize request this document may have outstanding. */
interface Pending {
  cloud: Cloud;
  /** Set while MSAL is building an authorize URL; receives it instead of a navigation. */
  capture: ((url: string) => void) | null;
  /** The `state` of the authorize URL handed out and not yet redeemed or abandoned. */
  state: string | null;
}
const pendingOf = new WeakMap<PublicClientApplication, Pending>();

function slot(pca: PublicClientApplication): Pending {
  const p = pendingOf.get(pca);
  if (!p) throw new Error('This PublicClientApplication was not made by createPca().');
  return p;
}

export type LaunchWebAuthFlow = (details: { url: string; interactive: boolean }) => Promise<string | undefined>;
const launchWebAuthFlow: LaunchWebAuthFlow = (details) => browser.identity.launchWebAuthFlow(details);

/**
 * The redirect URI registered as a Single-page application redirect in the app registration. The offscreen document
 * cannot use `identity`, so on Chromium it is built from the extension id (fixed by the manifest key).
 */
export function redirectUri(): string {
  return import.meta.env.FIREFOX ? browser.identity.getRedirectURL() : `https://${browser.runtime.id}.chromiumapp.org/`;
}

export async function createPca(connection: Connection): Promise<PublicClientApplication> {
  // Firefox keeps no cookies for extension pages: the shared key comes from storage.session (see cache-cookie.ts).
  if (import.meta.env.FIREFOX)
    presentAsCookie(document, await sharedEncryptionKey(browser.storage.session, crypto, navigator.locks));
  else ensureEncryptionCookie(document, crypto);
  const cloud = cloudById(connection.cloudId);
  const pending: Pending = { cloud, capture: null, state: null };
  const pca = new PublicClientApplication({
    auth: {
      clientId: connection.clientId,
      authority: `${cloud.authority}/${connection.tenant}`,
      redirectUri: redirectUri(),
      // CP1: Graph only sends claims challenges (and honours acrs step-up) for clients that declare it.
      clientCapabilities: ['CP1'],
      // MSAL 5 takes this only in the config; returning false stops the navigation so launchWebAuthFlow shows it.
      onRedirectNavigate: (url) => {
        pending.capture?.(url);
        return false;
      },
    },
    // Shared by every extension page of the origin, so the auth document reads what the sign-in page wrote.
    cache: { cacheLocation: 'localStorage' },
  });
  await pca.initialize();
  pendingOf.set(pca, pending);
  return pca;
}

/** Run an acquireTokenRedirect and return the authorize URL MSAL would have navigated to. */
async function captureAuthorizeUrl(pca: PublicClientApplication, start: () => Promise<void>): Promise<string> {
  const p = slot(pca);
  // A leftover attempt would make MSAL refuse with interaction_in_progress.
  if (p.state) await abandon(pca);
  const captured: { url: string | null } = { url: null };
  p.capture = (url) => {
    captured.url = url;
  };
  try {
    await start();
  } catch (e) {
    throw toAuthError(e);
  } finally {
    p.capture = null;
  }
  if (!captured.url) throw new AuthError('failed', MESSAGES.noAuthorizeUrl);
  p.state = new URL(captured.url).searchParams.get('state');
  return captured.url;
}

/**
 * Trap 2: a cancelled or failed launchWebAuthFlow leaves MSAL's interaction-in-progress flag set, and the next attempt
 * fails with interaction_in_progress. Answering with an error that carries the same state makes MSAL clear it.
 */
async function abandon(pca: PublicClientApplication): Promise<void> {
  const p = slot(pca);
  const state = p.state;
  p.state = null;
  if (!state) return;
  const hash = `#error=user_cancelled&error_description=${encodeURIComponent('The sign-in window was closed.')}&state=${encodeURIComponent(state)}`;
  // The rejection is the expected outcome: MSAL reports the error it was handed after resetting its request state.
  await pca.handleRedirectPromise({ hash, navigateToLoginRequestUrl: false }).catch(() => undefined);
}

export interface InteractiveOptions {
  /** Step-up claims (stepUpClaims()). Claims requests bypass MSAL's cache: use the returned token directly. */
  claims?: string;
  /** The account to step up; without one the user picks the account. */
  loginHint?: string;
  /**
   * Default without a loginHint: select_account, so the dedicated admin account can be picked whatever the browser's
   * everyday account is. With a loginHint: none sent, because MSAL drops the hint when prompt is select_account.
   */
  prompt?: 'select_account' | 'login' | 'consent' | 'none';
  scopes?: string[];
  launch?: LaunchWebAuthFlow;
}

/** Interactive sign-in or step-up. Run it in an extension tab: a popup dies when the auth window takes focus. */
export async function signInInteractive(
  pca: PublicClientApplication,
  options: InteractiveOptions = {},
): Promise<AuthenticationResult> {
  const scopes = options.scopes ?? signInScopes(slot(pca).cloud);
  const url = await captureAuthorizeUrl(pca, () =>
    pca.acquireTokenRedirect({
      scopes,
      ...(options.prompt || !options.loginHint ? { prompt: options.prompt ?? 'select_account' } : {}),
      ...(options.claims ? { claims: options.claims } : {}),
      ...(options.loginHint ? { loginHint: options.loginHint } : {}),
    }),
  );
  let back: string | undefined;
  try {
    back = await (options.launch ?? launchWebAuthFlow)({ url, interactive: true });
  } catch (e) {
    await abandon(pca);
    const code = classifyWebAuthFlowError(e);
    if (code === 'offline') throw new AuthError(code, MESSAGES.offline);
    if (code === 'cancelled') throw new AuthError(code, MESSAGES.cancelled);
    throw new AuthError(code, e instanceof Error ? e.message : String(e));
  }
  if (!back) {
    await abandon(pca);
    throw new AuthError('cancelled', MESSAGES.cancelled);
  }
  const result = await redeem(pca, back);
  if (!result) throw new AuthError('failed', MESSAGES.noResult);
  return result;
}

/**
 * The account to use: the one the extension signed in (by homeAccountId, and tenant: a guest's accounts in two tenants
 * share one homeAccountId as MSAL tenant profiles) or, with no record, the only one cached.
 */
export function findAccount(
  pca: PublicClientApplication,
  homeAccountId?: string | null,
  tenantId?: string | null,
): AccountInfo | null {
  if (homeAccountId) return pca.getAccount({ homeAccountId, ...(tenantId ? { tenantId } : {}) }) ?? null;
  const all = pca.getAllAccounts();
  return pca.getActiveAccount() ?? (all.length === 1 ? all[0]! : null);
}

/**
 * A token from the cache or the refresh token, never UI and never MSAL's hidden iframe (it cannot work from an
 * extension page and would only time out). forceRefresh skips the cached access token (e.g. after a 401). The cache
 * is looked up in both scope forms (scopeForms): one token-endpoint request per access-token lifetime, whichever form
 * Entra echoes.
 */
export async function acquireSilent(
  pca: PublicClientApplication,
  scopes: string[],
  options: { forceRefresh?: boolean; account?: AccountInfo | null; claims?: string } = {},
): Promise<AuthenticationResult> {
  const account = options.account ?? findAccount(pca);
  if (!account) throw new AuthError('interaction-required', MESSAGES.noAccount);
  // Claims tokens are never cached by MSAL: straight to the refresh token (which a step-up just made strong enough).
  if (!options.forceRefresh && !options.claims) {
    for (const form of scopeForms(scopes)) {
      try {
        return await pca.acquireTokenSilent({
          scopes: form,
          account,
          cacheLookupPolicy: CacheLookupPolicy.AccessToken,
        });
      } catch {
        // Not cached under this form (or expired): try the other, then the refresh token.
      }
    }
  }
  try {
    return await pca.acquireTokenSilent({
      scopes,
      account,
      cacheLookupPolicy: CacheLookupPolicy.RefreshToken,
      ...(options.claims ? { claims: options.claims } : {}),
    });
  } catch (e) {
    throw toAuthError(e);
  }
}

/**
 * The forms a cached Graph token may be filed under. MSAL files an access token under the `scope` the token endpoint
 * echoed and finds it only when every requested scope is in that list, compared literally (case aside): msal-common
 * ResponseHandler caches `ScopeSet.fromString(serverTokenResponse.scope)`, CacheManager.matchTarget checks
 * `ScopeSet.containsScopeSet`. We ask for `https://graph.microsoft.com/X`; Entra echoes Graph permissions as `X`. Asked
 * in one form only, the cache would miss on every call and each Graph request would cost a refresh-token redemption.
 */
export function scopeForms(scopes: readonly string[]): string[][] {
  const short = scopes.map((s) => s.replace(/^https:\/\/[^/]+\//i, ''));
  return short.every((s, i) => s === scopes[i]) ? [[...scopes]] : [[...scopes], short];
}

/**
 * The authorize URL for a renewal without UI (prompt=none), for the background's non-interactive launchWebAuthFlow.
 * The login hint comes from the stored account when the MSAL cache is gone (its key cookie dies with the browser).
 */
export function buildRenewalUrl(
  pca: PublicClientApplication,
  scopes: string[],
  hint: { account?: AccountInfo | null; loginHint?: string | null } = {},
): Promise<string> {
  return captureAuthorizeUrl(pca, () =>
    pca.acquireTokenRedirect({
      scopes,
      prompt: 'none',
      ...(hint.account ? { account: hint.account } : {}),
      ...(hint.loginHint ? { loginHint: hint.loginHint } : {}),
    }),
  );
}

/**
 * Redeem what launchWebAuthFlow returned for the URL this document built, or abandon that attempt (null) so MSAL
 * forgets it. Resolves null only when abandoning.
 */
export async function redeem(
  pca: PublicClientApplication,
  responseUrl: string | null,
): Promise<AuthenticationResult | null> {
  if (responseUrl === null) {
    await abandon(pca);
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(responseUrl);
  } catch {
    await abandon(pca);
    throw new AuthError('failed', MESSAGES.unreadableAnswer);
  }
  const hash = parsed.hash.length > 1 ? parsed.hash : parsed.search.length > 1 ? `#${parsed.search.slice(1)}` : '';
  if (!hash) {
    await abandon(pca);
    throw new AuthError('failed', MESSAGES.emptyAnswer);
  }
  slot(pca).state = null;
  let result: AuthenticationResult | null;
  try {
    result = await pca.handleRedirectPromise({ hash, navigateToLoginRequestUrl: false });
  } catch (e) {
    throw toAuthError(e);
  }
  if (!result) throw new AuthError('failed', MESSAGES.mismatchedAnswer);
  if (result.account) pca.setActiveAccount(result.account);
  return result;
}

/**
 * Forget the account's tokens in this origin's cache, or every account's when none is given. No navigation: the
 * Entra session itself is left alone (the next sign-in still offers the account picker).
 */
export async function signOut(pca: PublicClientApplication, account?: AccountInfo | null): Promise<void> {
  await pca.clearCache(account ? { account } : {});
  pca.setActiveAccount(null);
}
