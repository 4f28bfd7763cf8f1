/**
 * Auth failures as typed errors with a `code` (which survives the message boundary) and a sentence a person can act
 * on. No MSAL import: the background and the UI classify errors by shape only.
 */
import { t, type MessageKey } from '../i18n';

/** Codes the auth document answers with (MessagingError.code on the background side). */
export type AuthErrorCode = 'interaction-required' | 'offline' | 'not-configured' | 'cancelled' | 'failed';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export type SignInReason = 'signed-out' | 'not-configured' | 'renewal-failed';

/** Nothing works until the user signs in (again) on the sign-in page. */
export class SignInRequiredError extends Error {
  readonly code = 'sign-in-required';
  constructor(
    readonly reason: SignInReason,
    message: string,
  ) {
    super(message);
    this.name = 'SignInRequiredError';
  }
}

/** The message key of each auth sentence. */
const MESSAGE_KEYS = {
  notConfigured: 'authNotConfigured',
  signedOut: 'authSignedOut',
  renewalFailed: 'authRenewalFailed',
  offline: 'authOffline',
  cancelled: 'authCancelled',
  noAccount: 'authNoAccount',
  noAuthorizeUrl: 'authNoAuthorizeUrl',
  noResult: 'authNoResult',
  unreadableAnswer: 'authUnreadableAnswer',
  emptyAnswer: 'authEmptyAnswer',
  mismatchedAnswer: 'authMismatchedAnswer',
  answerWithoutAccount: 'authAnswerWithoutAccount',
} as const satisfies Record<string, MessageKey>;
type AuthMessage = keyof typeof MESSAGE_KEYS;
const AUTH_KEYS = new Set<string>(Object.values(MESSAGE_KEYS));

/**
 * The sentences of auth errors, read from the messages files when the error is made (getters, so the language is the
 * browser's at that moment and every `MESSAGES.x` call site stays as it is). In the offscreen auth document, which has
 * no chrome.i18n, t() answers with the key itself ("authNoResult"): the background words it (wordAuthError below, in
 * lib/auth/token-provider.ts).
 */
export const MESSAGES = Object.defineProperties(
  {} as { readonly [K in AuthMessage]: string },
  Object.fromEntries(
    Object.entries(MESSAGE_KEYS).map(([name, key]) => [name, { get: () => t(key), enumerable: true }]),
  ),
);

/**
 * An error that crossed from the auth document, with its message worded here (the same error, so `code` and class
 * stay what callers check). Anything that is not an Error passes through.
 */
export function wordAuthError<E>(e: E): E {
  if (e instanceof Error && AUTH_KEYS.has(e.message)) e.message = t(e.message as MessageKey);
  return e;
}

/** MSAL codes meaning "the cache cannot get a token without the user": expired/missing refresh token, no account. */
const INTERACTION_CODES = new Set([
  'interaction_required',
  'login_required',
  'consent_required',
  'invalid_grant',
  'bad_token',
  'ui_not_allowed',
  'interrupted_user',
  'no_tokens_found',
  'refresh_token_expired',
  'token_refresh_required',
  'no_account_error',
  'no_account_found',
  'no_account_in_silent_request',
]);
const OFFLINE_CODES = new Set([
  'no_network_connectivity',
  'network_error',
  'post_request_failed',
  'get_request_failed',
]);
const CANCEL_CODES = new Set(['user_cancelled', 'user_canceled', 'access_denied']);

/** Sort an MSAL error (by its `errorCode`/`name`) into what the caller should do next. */
export function classifyMsalError(e: unknown): AuthErrorCode {
  if (e instanceof AuthError) return e.code;
  const shape = (typeof e === 'object' && e !== null ? e : {}) as {
    errorCode?: unknown;
    name?: unknown;
    subError?: unknown;
  };
  const code = typeof shape.errorCode === 'string' ? shape.errorCode : '';
  if (OFFLINE_CODES.has(code)) return 'offline';
  if (CANCEL_CODES.has(code)) return 'cancelled';
  if (shape.name === 'InteractionRequiredAuthError' || INTERACTION_CODES.has(code)) return 'interaction-required';
  return 'failed';
}

/** Entra's error text without the Trace ID / Correlation ID / Timestamp tail, which only support staff can use. */
export function conciseMessage(raw: string): string {
  return raw.split(/\s+Trace ID:/)[0]!.trim();
}

/** Turn anything thrown by MSAL into an AuthError whose message says what happened (and, for failures, what to do). */
export function toAuthError(e: unknown): AuthError {
  if (e instanceof AuthError) return e;
  const code = classifyMsalError(e);
  const raw = conciseMessage(e instanceof Error ? e.message : String(e));
  switch (code) {
    case 'offline':
      return new AuthError(code, MESSAGES.offline);
    case 'cancelled':
      return new AuthError(code, MESSAGES.cancelled);
    case 'interaction-required':
      // Short: the background puts it in the auth state's detail, shown in brackets after "sign in again".
      return new AuthError(code, raw);
    default:
      // The sign-in page prefixes "Sign-in failed:"; Entra's text (AADSTS code and sentence) is the useful part.
      return new AuthError(code, raw);
  }
}

/**
 * What a rejected `identity.launchWebAuthFlow` means. Chromium says "The user did not approve access." when the window
 * is closed, "User interaction required." when a non-interactive flow would need UI, and "Authorization page could
 * not be loaded." when the network is down; Firefox words the first as "User cancelled or denied access.".
 */
export function classifyWebAuthFlowError(e: unknown): AuthErrorCode {
  const text = e instanceof Error ? e.message : String(e);
  if (/could not be loaded|network|offline/i.test(text)) return 'offline';
  if (/did not approve|cancel|denied|closed/i.test(text)) return 'cancelled';
  if (/interaction required/i.test(text)) return 'interaction-required';
  return 'failed';
}

export function errorCodeOf(e: unknown): string | undefined {
  const code = (typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined) ?? undefined;
  return typeof code === 'string' ? code : undefined;
}
