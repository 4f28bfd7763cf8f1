/**
 * Claims requests for step-up (graph-pim reference §4, §9): PIM answers a missing MFA or authentication context with a
 * 400, not a 401 challenge, so the client builds the claims itself and acquires a new token interactively with them.
 */

/** What the role's policy demands: an authentication context (`claimValue` such as "c1") or plain MFA. */
export type StepUp = { acrs: string } | 'mfa';

/** Authentication context ids are short tokens such as c1..c99; anything else is a caller bug, not a claim to send. */
const CONTEXT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The `claims` JSON string to put on the interactive token request. */
export function stepUpClaims(kind: StepUp): string {
  if (kind === 'mfa') return JSON.stringify({ access_token: { amr: { values: ['mfa'] } } });
  const value = kind.acrs.trim();
  if (!CONTEXT_ID.test(value)) throw new RangeError(`Not an authentication context id: ${JSON.stringify(kind.acrs)}.`);
  return JSON.stringify({ access_token: { acrs: { essential: true, value } } });
}
