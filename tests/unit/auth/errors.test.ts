import { describe, expect, it } from 'vitest';
import {
  AuthError,
  classifyMsalError,
  classifyWebAuthFlowError,
  conciseMessage,
  errorCodeOf,
  toAuthError,
} from '../../../lib/auth/errors';

const msal = (name: string, errorCode: string) => Object.assign(new Error(errorCode), { name, errorCode });

describe('auth error classification', () => {
  it.each([
    [msal('InteractionRequiredAuthError', 'interaction_required'), 'interaction-required'],
    [msal('InteractionRequiredAuthError', 'no_tokens_found'), 'interaction-required'],
    [msal('ServerError', 'invalid_grant'), 'interaction-required'],
    [msal('ClientAuthError', 'token_refresh_required'), 'interaction-required'],
    [msal('BrowserAuthError', 'no_account_error'), 'interaction-required'],
    [msal('BrowserAuthError', 'no_network_connectivity'), 'offline'],
    [msal('ClientAuthError', 'network_error'), 'offline'],
    [msal('BrowserAuthError', 'post_request_failed'), 'offline'],
    [msal('ServerError', 'user_cancelled'), 'cancelled'],
    [msal('ServerError', 'access_denied'), 'cancelled'],
    [msal('BrowserAuthError', 'interaction_in_progress'), 'failed'],
    [new Error('boom'), 'failed'],
    ['text', 'failed'],
    [new AuthError('not-configured', 'x'), 'not-configured'],
  ])('%s → %s', (error, code) => {
    expect(classifyMsalError(error)).toBe(code);
    expect(toAuthError(error).code).toBe(code);
  });

  it.each([
    ['The user did not approve access.', 'cancelled'],
    ['User cancelled or denied access.', 'cancelled'],
    ['User interaction required.', 'interaction-required'],
    ['Authorization page could not be loaded.', 'offline'],
    ['Something else', 'failed'],
  ])('launchWebAuthFlow "%s" → %s', (message, code) => {
    expect(classifyWebAuthFlowError(new Error(message))).toBe(code);
  });

  it('reads the code of errors that crossed the message boundary', () => {
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'offline' }))).toBe('offline');
    expect(errorCodeOf(new Error('x'))).toBeUndefined();
    expect(errorCodeOf(null)).toBeUndefined();
  });

  it('keeps the reason in messages that the user sees', () => {
    expect(toAuthError(msal('ServerError', 'invalid_client')).message).toContain('invalid_client');
  });
});

describe('conciseMessage', () => {
  it("drops Entra's trace tail but keeps the code and sentence", () => {
    const raw =
      'login_required: AADSTS50058: A silent sign-in request was sent but no user is signed in. Trace ID: aa9d Correlation ID: ccad Timestamp: 2026-11-22 02:25:15Z';
    expect(conciseMessage(raw)).toBe(
      'login_required: AADSTS50058: A silent sign-in request was sent but no user is signed in.',
    );
    expect(
      toAuthError(Object.assign(new Error(raw), { name: 'InteractionRequiredAuthError', errorCode: 'login_required' }))
        .message,
    ).toBe('login_required: AADSTS50058: A silent sign-in request was sent but no user is signed in.');
  });
});
