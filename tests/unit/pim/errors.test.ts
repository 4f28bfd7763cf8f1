import { describe, expect, it } from 'vitest';
import {
  claimFromMessage,
  describeError,
  describeOutcome,
  parseFailedRules,
  type ErrorContext,
  type ErrorDescription,
  type ErrorInput,
} from '../../../lib/pim/errors';
import { english } from '../i18n/messages';

const ga: ErrorContext = { displayName: 'Global Administrator', action: 'activate' };
const policyFailed = (rules: string) => ({
  status: 400,
  code: 'RoleAssignmentRequestPolicyValidationFailed',
  message: `The following policy rules failed: [${rules}]`,
});
const acrsMessage =
  'The Role assignment request is not valid. Authentication context required. &claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20%22value%22%3A%22c1%22%7D%7D%7D';
const b64 = (s: string) => btoa(s);

type Row = [string, ErrorInput, Partial<ErrorContext>, Partial<ErrorDescription>, RegExp];

const rows: Row[] = [
  // Policy validation, one rule at a time
  [
    'ExpirationRule',
    policyFailed('"ExpirationRule"'),
    { maxMinutes: 105 },
    { kind: 'field', field: 'duration', fields: ['duration'] },
    /Global Administrator needs a shorter duration \(at most 1 h 45 min\)/,
  ],
  [
    'JustificationRule',
    policyFailed('"JustificationRule"'),
    {},
    { kind: 'field', field: 'justification', next: english('errFieldNext') },
    /needs a reason before it can be activated/,
  ],
  ['TicketingRule', policyFailed('"TicketingRule"'), {}, { kind: 'field', field: 'ticket' }, /needs a ticket number/],
  [
    'MfaRule',
    policyFailed('"MfaRule"'),
    {},
    { kind: 'stepUp', stepUp: 'mfa', next: english('errMfaNext') },
    /requires a multi-factor sign-in before you can activate it/,
  ],
  [
    'EligibilityRule',
    policyFailed('"EligibilityRule"'),
    {},
    { kind: 'fatal', state: 'changed' },
    /no longer eligible for Global Administrator/,
  ],
  // Several rules at once
  [
    'Justification + Ticketing',
    policyFailed('"JustificationRule","TicketingRule"'),
    {},
    { kind: 'field', field: 'justification', fields: ['justification', 'ticket'] },
    /needs a reason and a ticket number/,
  ],
  [
    'Ticketing + Justification + Expiration (ordered)',
    policyFailed('"ExpirationRule", "TicketingRule", "JustificationRule"'),
    {},
    { kind: 'field', field: 'justification', fields: ['justification', 'ticket', 'duration'] },
    /needs a reason, a ticket number,? and a shorter duration/,
  ],
  [
    'Justification + MfaRule',
    policyFailed('"JustificationRule","MfaRule"'),
    {},
    { kind: 'field', field: 'justification', stepUp: 'mfa', next: english('errFieldNextWithMfa') },
    /needs a reason/,
  ],
  [
    'EligibilityRule + ExpirationRule',
    policyFailed('"EligibilityRule","ExpirationRule"'),
    {},
    { kind: 'fatal' },
    /no longer eligible/,
  ],
  [
    'failedRules given explicitly',
    { status: 400, code: 'RoleAssignmentRequestPolicyValidationFailed', failedRules: ['TicketingRule'] },
    {},
    { kind: 'field', field: 'ticket' },
    /ticket number/,
  ],
  ['an unknown rule', policyFailed('"ApprovalRule"'), {}, { kind: 'fatal' }, /rule ApprovalRule was not met/],
  // States, not errors
  [
    'RoleAssignmentExists',
    { status: 400, code: 'RoleAssignmentExists', message: 'The Role assignment already exists.' },
    {},
    { kind: 'state', state: 'active' },
    /^Global Administrator is already active\.$/,
  ],
  [
    'RoleAssignmentExists while extending',
    { status: 400, code: 'RoleAssignmentExists' },
    { action: 'extend' },
    { kind: 'state', state: 'active', next: english('errExtendWhileActiveNext') },
    /still active/,
  ],
  [
    'PendingRoleAssignmentRequest',
    { status: 400, code: 'PendingRoleAssignmentRequest' },
    {},
    { kind: 'state', state: 'pending' },
    /A request for Global Administrator is already waiting for approval/,
  ],
  [
    'ActiveDurationTooShort',
    {
      status: 400,
      code: 'ActiveDurationTooShort',
      message: 'The Active duration is too short. Miniumum Required is 5 minutes.',
    },
    { action: 'deactivate' },
    { kind: 'state', state: 'too-soon', next: english('errTooSoonNext') },
    /5 minutes after it started/,
  ],
  [
    'RoleAssignmentDoesNotExist',
    { status: 400, code: 'RoleAssignmentDoesNotExist' },
    { action: 'deactivate' },
    { kind: 'state', state: 'not-active' },
    /not active any more/,
  ],
  // Step-up
  [
    'ACRS with &claims= in the message',
    { status: 400, code: 'RoleAssignmentRequestAcrsValidationFailed', message: acrsMessage },
    {},
    { kind: 'stepUp', stepUp: { acrs: 'c1' } },
    /authentication context c1/,
  ],
  [
    'ACRS without claims, policy known',
    { status: 400, code: 'RoleAssignmentRequestAcrsValidationFailed', message: 'Authentication context required.' },
    { authContext: 'c7' },
    { kind: 'stepUp', stepUp: { acrs: 'c7' } },
    /c7/,
  ],
  [
    'ACRS without claims, policy unknown',
    { status: 400, code: 'RoleAssignmentRequestAcrsValidationFailed' },
    {},
    { kind: 'fatal', next: english('errAcrsUnknownNext') },
    /did not say which one/,
  ],
  [
    'a bare 400 that asks for MFA',
    { status: 400, code: 'BadRequest', message: 'The user must complete multi-factor authentication.' },
    {},
    { kind: 'stepUp', stepUp: 'mfa' },
    /multi-factor/,
  ],
  [
    '401 claims challenge (base64 acrs)',
    { status: 401, claims: b64('{"access_token":{"acrs":{"essential":true,"value":"c3"}}}') },
    {},
    { kind: 'stepUp', stepUp: { acrs: 'c3' } },
    /sign in again before you can activate/,
  ],
  [
    '401 claims challenge (JSON amr mfa)',
    { status: 401, claims: '{"access_token":{"amr":{"values":["mfa"]}}}' },
    {},
    { kind: 'stepUp', stepUp: 'mfa' },
    /sign in again/,
  ],
  [
    '401 claims challenge (CAE, other claims)',
    { status: 401, claims: b64('{"access_token":{"nbf":{"essential":true,"value":"1702682181"}}}') },
    {},
    { kind: 'stepUp', stepUp: { claims: '{"access_token":{"nbf":{"essential":true,"value":"1702682181"}}}' } },
    /sign in again/,
  ],
  [
    '401 without a challenge',
    { status: 401, code: 'InvalidAuthenticationToken' },
    {},
    { kind: 'auth', next: english('errSignInNext') },
    /sign-in has expired/,
  ],
  // Permission / consent
  [
    '403 Authorization_RequestDenied on a role write',
    { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
    { kind: 'role' },
    { kind: 'auth', next: expect.stringContaining('RoleAssignmentSchedule.ReadWrite.Directory') },
    /not allowed to activate Global Administrator.*RoleAssignmentSchedule\.ReadWrite\.Directory/,
  ],
  [
    '403 with an empty code on a group write',
    { status: 403, code: '' },
    { kind: 'group', displayName: 'Exchange Admins' },
    { kind: 'auth' },
    /Exchange Admins.*PrivilegedAssignmentSchedule\.ReadWrite\.AzureADGroup/,
  ],
  [
    '403 on refresh, kind unknown, names both read scopes',
    { status: 403 },
    { action: 'refresh', displayName: 'your roles' },
    {
      kind: 'auth',
      next: expect.stringMatching(
        /RoleEligibilitySchedule\.Read\.Directory.*PrivilegedEligibilitySchedule\.Read\.AzureADGroup/,
      ),
    },
    /not allowed to refresh your roles/,
  ],
  // Conflicts, throttling, servers, network
  ['409', { status: 409 }, { action: 'cancel' }, { kind: 'state', state: 'changed' }, /changed by someone else/],
  [
    '429 with a fractional Retry-After',
    { status: 429, code: 'TooManyRequests', retryAfterSeconds: 2.128 },
    {},
    { kind: 'retry', retryAfterSeconds: 3, next: 'Trying again in 3 s.' },
    /busy/,
  ],
  ['429 without Retry-After', { status: 429 }, {}, { kind: 'retry', next: english('errThrottledNext') }, /busy/],
  [
    '500 on a write',
    { status: 500, code: 'InternalServerError' },
    {},
    { kind: 'retry', next: english('errServerNextWrite') },
    /HTTP 500\) while we tried to activate Global Administrator/,
  ],
  [
    '503 on refresh',
    { status: 503, retryAfterSeconds: 10 },
    { action: 'refresh', displayName: 'your roles' },
    { kind: 'retry', next: english('errServerNext'), retryAfterSeconds: 10 },
    /HTTP 503/,
  ],
  ['offline', { code: 'offline' }, {}, { kind: 'retry', next: english('errOfflineNext') }, /offline/],
  [
    'network failure',
    { status: 0, code: 'network', message: 'TypeError: Failed to fetch' },
    {},
    { kind: 'retry' },
    /network problem/,
  ],
  ['a bare fetch TypeError', { message: 'Failed to fetch' }, {}, { kind: 'retry' }, /network problem/],
  // Cancel specifics
  [
    'cancel of a completed request (400)',
    { status: 400, message: 'The request is in a state that cannot be cancelled.' },
    { action: 'cancel' },
    { kind: 'state', state: 'changed' },
    /nothing to cancel/,
  ],
  // Unknown
  [
    'an unknown code',
    { status: 400, code: 'SomethingNew', message: 'Odd.' },
    {},
    { kind: 'fatal', next: english('errUnknownNext') },
    /while we tried to activate Global Administrator: HTTP 400 SomethingNew Odd\./,
  ],
  ['nothing at all', {}, {}, { kind: 'fatal' }, /no details/],
];

describe('describeError', () => {
  it.each(rows)('%s', (_, err, ctx, expected, text) => {
    const d = describeError(err, { ...ga, ...ctx }, english);
    expect(d).toMatchObject(expected);
    expect(d.text).toMatch(text);
    // Every description says what to do next, in a full sentence.
    expect(d.next).toMatch(/\.$/);
    expect(d.text).not.toMatch(/\{\w+\}/);
  });

  it('compares codes case-insensitively', () => {
    expect(describeError({ status: 400, code: 'roleassignmentexists' }, ga, english).state).toBe('active');
  });

  it('says "cancel the request for" when cancelling', () => {
    expect(describeError({ status: 500 }, { ...ga, action: 'cancel' }, english).text).toContain(
      'cancel the request for Global Administrator',
    );
  });
});

describe('helpers', () => {
  it.each([
    ['The following policy rules failed: ["ExpirationRule"]', ['ExpirationRule']],
    ['The following policy rules failed: ["EligibilityRule","ExpirationRule"]', ['EligibilityRule', 'ExpirationRule']],
    ['The following policy rules failed: [JustificationRule, TicketingRule]', ['JustificationRule', 'TicketingRule']],
    ['nothing here', []],
    [undefined, []],
  ])('parseFailedRules(%j)', (message, rules) => {
    expect(parseFailedRules(message)).toEqual(rules);
  });

  it.each([
    [acrsMessage, 'c1'],
    [
      'x &claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%22value%22%3A%22c25%22%7D%7D%7D&foo=1',
      'c25',
    ],
    ['&claims=%7Bbroken', null],
    ['no claims', null],
  ])('claimFromMessage reads the acrs value', (message, value) => {
    expect(claimFromMessage(message)).toBe(value);
  });
});

describe('describeOutcome', () => {
  it.each([
    [
      'pending-approval',
      "Global Administrator needs approval: request sent to the approvers; we'll tell you when it is active.",
    ],
    ['done', 'Global Administrator is active. Admin portals can take a few minutes to notice.'],
    ['scheduled', 'Global Administrator is scheduled and will become active at its start time.'],
    ['revoked', 'Global Administrator is deactivated.'],
  ] as const)('%s', (outcome, text) => {
    expect(describeOutcome(outcome, ga, english)).toBe(text);
  });
});
