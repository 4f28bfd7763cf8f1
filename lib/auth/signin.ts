/**
 * What the sign-in page does around MSAL: read its mode from the URL, and record a finished sign-in so the background
 * and every other page follow. No MSAL import: the page passes the MSAL steps in.
 */
import type { Account, AuthState, ValidatedItem } from '../storage';

/**
 * How the page was opened. `?auto=1` (from the popup or options "Sign in"): start at once and close the tab after
 * success. A `stepup` kind (claims for MFA / authentication context) is added here by the step-up work.
 */
export type SignInMode = { kind: 'signin'; auto: boolean };

export function parseSignInMode(search: string): SignInMode {
  const params = new URLSearchParams(search);
  return { kind: 'signin', auto: params.get('auto') === '1' };
}

export interface RecordSignInDeps {
  authState: Pick<ValidatedItem<AuthState>, 'get' | 'set'>;
  /** Remove another account's tokens from the cache when the user switched accounts. */
  forget(homeAccountId: string): Promise<void>;
  /** Tell the background (auth.signedIn) so it drops its auth document and refreshes. */
  notify(): Promise<unknown>;
}

export async function recordSignIn(account: Account, deps: RecordSignInDeps): Promise<void> {
  const previous = (await deps.authState.get()).account;
  await deps.authState.set({ status: 'signed-in', account, detail: null });
  if (previous && previous.homeAccountId !== account.homeAccountId) {
    await deps.forget(previous.homeAccountId).catch((e: unknown) => {
      console.warn(`PIM Companion: could not remove the previous account's tokens (${String(e)}).`);
    });
  }
  // A background that is restarting misses this; it still sees the new auth state in storage on its next refresh.
  await deps.notify().catch((e: unknown) => {
    console.warn(`PIM Companion: the background did not take the sign-in notice (${String(e)}).`);
  });
}
