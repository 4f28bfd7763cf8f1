/**
 * The background's token provider, wired to this browser. Chromium: an offscreen document answers by message, and
 * MSAL never enters the service worker bundle (the Firefox branch is removed at build time: `import.meta.env.FIREFOX`
 * is a constant). Firefox: the background page has a DOM and runs the auth document's handlers in-process.
 */
import { browser } from 'wxt/browser';
import { protocol, sendMessage } from '../messaging';
import { effectiveConnectionItem } from '../managed';
import { authStateItem } from '../storage';
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

export function createBackgroundTokenProvider(): TokenProvider {
  return createTokenProvider({
    host: platformHost(),
    launchWebAuthFlow: (details) => browser.identity.launchWebAuthFlow(details),
    connection: effectiveConnectionItem,
    authState: authStateItem,
  });
}
