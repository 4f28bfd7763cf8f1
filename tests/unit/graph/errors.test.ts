import { describe, expect, it } from 'vitest';
import { claimsFromChallenge, GraphRequestError, parseGraphError, parseRetryAfter } from '../../../lib/graph/errors';

const body = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
  error: {
    code,
    message,
    innerError: { date: '2024-05-01T10:00:00', 'request-id': 'req-42', 'client-request-id': 'c' },
    ...extra,
  },
});

const ACRS_CLAIMS = '{"access_token":{"acrs":{"essential":true, "value":"c1"}}}';
const acrsMessage =
  'The Role assignment request failed the policy validation for authentication context. ' +
  '&claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20%22value%22%3A%22c1%22%7D%7D%7D';

describe('parseGraphError: every error of reference §4', () => {
  it.each([
    [
      'ExpirationRule',
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["ExpirationRule"]',
      ['ExpirationRule'],
    ],
    [
      'JustificationRule',
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["JustificationRule"]',
      ['JustificationRule'],
    ],
    [
      'TicketingRule',
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["TicketingRule"]',
      ['TicketingRule'],
    ],
    [
      'MfaRule',
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["MfaRule"]',
      ['MfaRule'],
    ],
    [
      'several rules',
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["EligibilityRule","ExpirationRule"].',
      ['EligibilityRule', 'ExpirationRule'],
    ],
    [
      'single-quoted rules',
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      "The following policy rules failed: ['EligibilityRule', 'ExpirationRule']",
      ['EligibilityRule', 'ExpirationRule'],
    ],
    ['already active', 400, 'RoleAssignmentExists', 'The Role assignment already exists.', undefined],
    ['pending', 400, 'PendingRoleAssignmentRequest', 'There is already a pending request.', undefined],
    [
      'too short',
      400,
      'ActiveDurationTooShort',
      'The Active duration is too short. Miniumum Required is 5 minutes.',
      undefined,
    ],
    ['not active', 400, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.', undefined],
    ['denied', 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', undefined],
    ['approval decided', 409, 'Conflict', 'The approval has already been completed.', undefined],
  ])('%s', (_name, status, code, message, failedRules) => {
    const error = parseGraphError(status, body(code, message));
    expect(error).toMatchObject({ status, code, message, requestId: 'req-42' });
    expect(error.failedRules).toEqual(failedRules);
    expect(error.claims).toBeUndefined();
  });

  it('decodes the claims of an ACRS failure from the message', () => {
    const error = parseGraphError(400, body('RoleAssignmentRequestAcrsValidationFailed', acrsMessage));
    expect(error.code).toBe('RoleAssignmentRequestAcrsValidationFailed');
    expect(JSON.parse(error.claims!)).toEqual(JSON.parse(ACRS_CLAIMS));
  });

  it('accepts raw JSON claims in the message too', () => {
    const error = parseGraphError(
      400,
      body('RoleAssignmentRequestAcrsValidationFailed', `Failed. &claims=${ACRS_CLAIMS}`),
    );
    expect(error.claims).toBe(ACRS_CLAIMS);
  });

  it('has no claims for an ACRS failure whose message carries none (the Graph groups variant)', () => {
    const error = parseGraphError(
      400,
      body('RoleAssignmentRequestAcrsValidationFailed', 'Authentication context required.'),
    );
    expect(error.claims).toBeUndefined();
  });

  it('decodes a 401 WWW-Authenticate claims challenge (base64)', () => {
    const claims = '{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}';
    const header = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="${btoa(claims)}"`;
    const error = parseGraphError(
      401,
      body('InvalidAuthenticationToken', 'Continuous access evaluation resulted in claims challenge'),
      {
        'WWW-Authenticate': header,
      },
    );
    expect(error.status).toBe(401);
    expect(error.claims).toBe(claims);
  });

  it('decodes base64url claims without padding', () => {
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c2"}}}';
    const b64url = btoa(claims).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(claimsFromChallenge(`Bearer error="insufficient_claims", claims="${b64url}"`)).toBe(claims);
  });

  it.each([
    ['2.128', 2.128],
    ['10', 10],
    ['0', 0],
    ['Wed, 01 May 2024 10:00:30 GMT', 30],
    ['Wed, 01 May 2024 09:00:00 GMT', 0],
    ['soon', undefined],
  ])('reads Retry-After %s as %s seconds', (header, seconds) => {
    const now = new Date('2024-05-01T10:00:00Z');
    const error = parseGraphError(
      429,
      body('TooManyRequests', 'Too many requests'),
      new Headers({ 'Retry-After': header }),
      now,
    );
    expect(error.retryAfterSeconds).toBe(seconds);
  });

  it.each([
    ['empty code (some 403s)', 403, { error: { code: '', message: 'Forbidden' } }, '', 'Forbidden'],
    ['no body', 400, undefined, '', 'Microsoft Graph answered HTTP 400.'],
    ['JSON text', 400, JSON.stringify(body('RoleAssignmentExists', 'exists')), 'RoleAssignmentExists', 'exists'],
    ['HTML text', 502, '<html>Bad gateway</html>', '', '<html>Bad gateway</html>'],
    [
      'lower-case innererror',
      500,
      { error: { code: 'UnknownError', message: '', innererror: { 'request-id': 'r1' } } },
      'UnknownError',
      'Microsoft Graph answered HTTP 500.',
    ],
    ['null fields', 404, { error: { code: null, message: null } }, '', 'Microsoft Graph answered HTTP 404.'],
  ])('is lenient: %s', (_name, status, raw, code, message) => {
    expect(parseGraphError(status, raw)).toMatchObject({ status, code, message });
  });

  it('reads headers given as a plain object, whatever their case', () => {
    expect(parseGraphError(429, undefined, { 'retry-after': '3' }).retryAfterSeconds).toBe(3);
  });

  it('GraphRequestError exposes the fields directly', () => {
    const e = new GraphRequestError(parseGraphError(400, body('RoleAssignmentExists', 'exists')));
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({
      status: 400,
      code: 'RoleAssignmentExists',
      message: 'exists',
      name: 'GraphRequestError',
    });
  });

  it('parseRetryAfter ignores empty values', () => {
    expect(parseRetryAfter('', new Date())).toBeUndefined();
    expect(parseRetryAfter(undefined, new Date())).toBeUndefined();
  });
});
