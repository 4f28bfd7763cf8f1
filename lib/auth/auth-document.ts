/**
 * The auth document's answers to the background: silent tokens, renewal URLs and their redemption. Runs where MSAL
 * can (the offscreen document on Chromium; the background page itself on Firefox), one PCA per connection (several
 * accounts, issue 16, may each have their own tenant and app), dropped together on reset. It reads nothing from
 * extension storage (offscreen documents cannot): every request carries the connection and account in its `context`.
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
  const made = new Map<string, Promise<PublicClientApplication>>();

  function pca({ connection }: AuthContext): Promise<PublicClientApplication> {
    const key = JSON.stringify([connection.cloudId, connection.tenant, connection.clientId]);
    let client = made.get(key);
    if (!client) {
      const created = make(connection);
      client = created;
      made.set(key, created);
      // A failed initialisation must not stick: the next request tries again.
      created.catch(() => {
        if (made.get(key) === created) made.delete(key);
      });
    }
    return client;
  }
  const accountOf = (client: PublicClientApplication, context: AuthContext) =>
    findAccount(client, context.account?.homeAccountId, context.account?.tenantId);

  const handlers: AuthHandlers = {
    'auth.token': async ({ context, scopes, forceRefresh, claims }) => {
      const client = await pca(context);
      const account = accountOf(client, context);
      if (!account) throw new AuthError('interaction-required', MESSAGES.noAccount);
      const result = await acquireSilent(client, scopes, { forceRefresh, account, ...(claims ? { claims } : {}) });
      return { accessToken: result.accessToken, expiresOn: result.expiresOn ? result.expiresOn.getTime() : null };
    },
    'auth.renewalUrl': async ({ context, scopes }) => {
      const client = await pca(context);
      const account = accountOf(client, context);
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
        const account = accountOf(client, context);
        if (account) await signOut(client, account);
      }
      return { ok: true as const };
    },
  };

  return {
    handlers,
    reset: () => made.clear(),
  };
}
