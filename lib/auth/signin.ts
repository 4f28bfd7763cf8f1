/**
 * What the sign-in page does around MSAL: read its mode from the URL, and record a finished sign-in so the background
 * and every other page follow. No MSAL import: the page passes the MSAL steps in.
 */
import type { CommandResult } from '../messaging';
import type { Account, AuthState, ValidatedItem } from '../storage';
import { errorCodeOf } from './errors';

/**
 * How the page was opened. Plain: a sign-in that starts on a click on the page (never by itself: any extension can
 * open our pages, docs/SECURITY.md). `?stepup=<id>&claims=<JSON>` (opened by the background, lib/background/stepup.ts):
 * a step-up sign-in (MFA or an authentication context) for activations that wait for it; the page acts only when that
 * id is waiting in session storage, and uses the claims stored there, not the URL's.
 */
export type SignInMode = { kind: 'signin' } | StepUpMode;
export interface StepUpMode {
  kind: 'stepup';
  stepUpId: string;
  /** The claims JSON for MSAL, e.g. {"access_token":{"acrs":{"essential":true,"value":"c1"}}}. */
  claims: string;
}

/** Only a JSON object is passed to MSAL as claims; anything else in the URL falls back to a plain sign-in page. */
function isClaimsObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

export function parseSignInMode(search: string): SignInMode {
  const params = new URLSearchParams(search);
  const stepUpId = params.get('stepup');
  const claims = params.get('claims');
  if (stepUpId && stepUpId.length <= 64 && claims && claims.length <= 2000 && isClaimsObject(claims))
    return { kind: 'stepup', stepUpId, claims };
  return { kind: 'signin' };
}

export type StepUpOutcome =
  | { status: 'done'; results: CommandResult[] }
  | { status: 'cancelled'; results: CommandResult[] }
  | { status: 'failed'; results: CommandResult[]; message: string };

export interface StepUpDeps {
  /** The interactive token request with the claims (msal.ts signInInteractive); resolves with the access token. */
  acquire(claims: string): Promise<string>;
  /** auth.stepUpDone to the background, which retries the waiting activations with the token. */
  report(payload: {
    stepUpId: string;
    accessToken: string | null;
    error: string | null;
  }): Promise<{ results: CommandResult[] }>;
}

/**
 * Acquire the step-up token and hand it to the background. Every ending is reported, a cancel included, so nothing
 * stays waiting in the background; the token itself only travels in the message, never into storage.
 */
export async function runStepUp(mode: StepUpMode, deps: StepUpDeps): Promise<StepUpOutcome> {
  let token: string;
  try {
    token = await deps.acquire(mode.claims);
  } catch (e) {
    const cancelled = errorCodeOf(e) === 'cancelled';
    const message = e instanceof Error ? e.message : String(e);
    const reported = await deps
      .report({ stepUpId: mode.stepUpId, accessToken: null, error: cancelled ? 'cancelled' : message.slice(0, 500) })
      .catch(() => ({ results: [] }));
    return cancelled
      ? { status: 'cancelled', results: reported.results }
      : { status: 'failed', results: reported.results, message };
  }
  try {
    return {
      status: 'done',
      results: (await deps.report({ stepUpId: mode.stepUpId, accessToken: token, error: null })).results,
    };
  } catch (e) {
    return { status: 'failed', results: [], message: e instanceof Error ? e.message : String(e) };
  }
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
