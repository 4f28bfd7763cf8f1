/**
 * Where the auth document runs, seen from the background. No MSAL here: on Chromium the background is a service worker
 * and talks to an offscreen document by message; on Firefox the background page runs the handlers in-process.
 */
import type { z } from 'zod';
import type { Protocol, RequestOf, ResponseOf } from '../messaging';

export type AuthMessageName = 'auth.token' | 'auth.renewalUrl' | 'auth.redeem' | 'auth.clearCache';

/** The auth document's handlers, without the sender (the in-process host has none to give). */
export type AuthHandlers = {
  [N in AuthMessageName]: (payload: z.infer<Protocol[N]['request']>) => Promise<ResponseOf<N>>;
};

export interface AuthHost {
  /** Make sure the document that answers exists (creates the offscreen document once). */
  ensure(): Promise<void>;
  /** Drop the document so the next one reads the cache afresh (after a sign-in or sign-out elsewhere). */
  reset(): Promise<void>;
  request<N extends AuthMessageName>(name: N, payload: RequestOf<N>): Promise<ResponseOf<N>>;
}

export const AUTH_DOCUMENT_PATH = 'auth.html';
const JUSTIFICATION =
  'Keeps the Microsoft sign-in token cache (MSAL, in localStorage) so the background can get Graph tokens without opening a window.';

export interface OffscreenHostDeps {
  offscreen: {
    createDocument(parameters: { url: string; reasons: ['LOCAL_STORAGE']; justification: string }): Promise<void>;
    closeDocument(): Promise<void>;
    hasDocument?: () => Promise<boolean>;
  };
  /** Fallback existence check where offscreen.hasDocument is missing. */
  getContexts?: (filter: { contextTypes: ['OFFSCREEN_DOCUMENT'] }) => Promise<unknown[]>;
  send<N extends AuthMessageName>(name: N, payload: RequestOf<N>): Promise<ResponseOf<N>>;
}

/** Chromium: the offscreen document `auth.html`, created on demand; concurrent callers share one creation. */
export function createOffscreenHost(deps: OffscreenHostDeps): AuthHost {
  let creating: Promise<void> | null = null;

  async function exists(): Promise<boolean> {
    if (deps.offscreen.hasDocument) return deps.offscreen.hasDocument();
    if (deps.getContexts) return (await deps.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length > 0;
    return false;
  }

  async function ensure(): Promise<void> {
    if (creating) return creating;
    if (await exists()) return;
    creating ??= deps.offscreen
      .createDocument({ url: AUTH_DOCUMENT_PATH, reasons: ['LOCAL_STORAGE'], justification: JUSTIFICATION })
      .catch((e: unknown) => {
        // A worker restarted mid-creation can lose this race to its previous life; the document is there then.
        if (/single offscreen document|already/i.test(String(e))) return;
        throw e;
      })
      .finally(() => {
        creating = null;
      });
    return creating;
  }

  return {
    ensure,
    async reset() {
      await creating?.catch(() => undefined);
      if (!(await exists())) return;
      await deps.offscreen.closeDocument().catch((e: unknown) => {
        if (!/no current offscreen document/i.test(String(e))) throw e;
      });
    },
    request: (name, payload) => deps.send(name, payload),
  };
}

/** Firefox: the background page has a DOM, so it runs the auth document's handlers itself. */
export function createInProcessHost(document: { handlers: AuthHandlers; reset(): void }, protocol: Protocol): AuthHost {
  return {
    ensure: async () => undefined,
    reset: async () => document.reset(),
    request: async (name, payload) => {
      // Parse as the message boundary would, so both hosts apply the same defaults and checks.
      const handler = document.handlers[name] as (p: unknown) => Promise<ResponseOf<typeof name>>;
      return handler(protocol[name].request.parse(payload));
    },
  };
}
