/**
 * The auth document's answers to the background: silent tokens, renewal URLs and their redemption. Runs where MSAL
 * can (the offscreen document on Chromium; the background page itself on Firefox), one PCA per document, rebuilt
 * when the connection changes. It reads nothing from extension storage (offscreen documents cannot): every request
 * carries the connection and account in its `context`.
 */
import type { PublicClientApplication } from '@azure/msal-browser';
import type { AuthContext } from '../messaging';
import type { Connection } from '../storage';
import { AuthError, MESSAGES } from './errors';
import type { AuthHandlers } from './host';
import { acquireSilent, buildRenewalUrl, createPca, findAccount, redeem, signOut } from './msal';

export interface AuthDocumentDeps {
  createPca?: (connection: Connection) => Promise<PublicClientApplication>;
}

export interface AuthDocument {
  handlers: AuthHandlers;
  /** Drop the PCA so the next request re-reads the shared cache (after a sign-in or sign-out elsewhere). */
  reset(): void;
}

export function createAuthDocument(deps: AuthDocumentDeps = {}): AuthDocument {
  const make = deps.createPca ?? createPca;
  let current: { key: string; pca: Promise<PublicClientApplication> } | null = null;

  function pca({ connection }: AuthContext): Promise<PublicClientApplication> {
    const key = JSON.stringify([connection.cloudId, connection.tenant, connection.clientId]);
    if (!current || current.key !== key) {
      const made = make(connection);
      current = { key, pca: made };
      // A failed initialisation must not stick: the next request tries again.
      made.catch(() => {
        if (current?.pca === made) current = null;
      });
    }
    return current.pca;
  }

  const handlers: AuthHandlers = {
    'auth.token': async ({ context, scopes, forceRefresh, claims }) => {
      const client = await pca(context);
      const account = findAccount(client, context.account?.homeAccountId);
      if (!account) throw new AuthError('interaction-required', MESSAGES.noAccount);
      const result = await acquireSilent(client, scopes, { forceRefresh, account, ...(claims ? { claims } : {}) });
      return { accessToken: result.accessToken, expiresOn: result.expiresOn ? result.expiresOn.getTime() : null };
    },
    'auth.renewalUrl': async ({ context, scopes }) => {
      const client = await pca(context);
      const account = findAccount(client, context.account?.homeAccountId);
      // The cache (and its account) is gone after a browser restart; the stored user name still hints Entra.
      return { url: await buildRenewalUrl(client, scopes, { account, loginHint: context.account?.username || null }) };
    },
    'auth.redeem': async ({ context, responseUrl }) => {
      const result = await redeem(await pca(context), responseUrl);
      // Abandoning has no account to report; the background ignores the answer then.
      return { homeAccountId: result?.account?.homeAccountId ?? '' };
    },
    'auth.clearCache': async ({ context }) => {
      const client = await pca(context);
      if (!context.account) await signOut(client, null);
      else {
        const account = client.getAccount({ homeAccountId: context.account.homeAccountId });
        if (account) await signOut(client, account);
      }
      return { ok: true as const };
    },
  };

  return {
    handlers,
    reset: () => {
      current = null;
    },
  };
}
