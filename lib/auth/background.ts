/**
 * The background's token providers, wired to this browser: one per account (issue 16), all sharing one auth document.
 * Chromium: an offscreen document answers by message, and MSAL never enters the service worker bundle (the Firefox
 * branch is removed at build time: `import.meta.env.FIREFOX` is a constant). Firefox: the background page has a DOM
 * and runs the auth document's handlers in-process.
 */
import { browser } from 'wxt/browser';
import { protocol, sendMessage } from '../messaging';
import type { AuthState, Connection, ValidatedItem } from '../storage';
import { createAuthDocument } from './auth-document';
import { createInProcessHost, createOffscreenHost, type AuthHost } from './host';
import { createTokenProvider, type TokenProvider } from './token-provider';

function platformHost(): AuthHost {
  if (import.meta.env.FIREFOX) {
    return createInProcessHost(createAuthDocument(), protocol);
  }
  return createOffscreenHost({
    offscreen: browser.offscreen,
    getContexts: (filter) => browser.runtime.getContexts(filter),
    send: (name, payload) => sendMessage(name, payload),
  });
}

let host: AuthHost | null = null;

/** A token provider for one account: its connection and auth state, the background's one auth document. */
export function createBackgroundTokenProvider(account: {
  connection: Pick<ValidatedItem<Connection | null>, 'get'>;
  authState: Pick<ValidatedItem<AuthState>, 'get' | 'set'>;
}): TokenProvider {
  host ??= platformHost();
  return createTokenProvider({
    host,
    launchWebAuthFlow: (details) => browser.identity.launchWebAuthFlow(details),
    connection: account.connection,
    authState: account.authState,
  });
}
