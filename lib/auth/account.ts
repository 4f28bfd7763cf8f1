/**
 * MSAL account → the stored `Account`. Type-only MSAL import, so the background and tests can use it without MSAL.
 */
import type { AccountInfo } from '@azure/msal-browser';
import { Account } from '../connection';
import { AuthError, MESSAGES } from './errors';

/**
 * The account behind a sign-in result. `oid` (the principalId of every PIM self request) is the ID token's `oid`
 * claim; MSAL's `localAccountId` holds the same value when the claim is absent from the cached token.
 */
export function accountInfo(result: { account: AccountInfo | null }): Account {
  const a = result.account;
  if (!a) throw new AuthError('failed', MESSAGES.answerWithoutAccount);
  const claims = a.idTokenClaims ?? {};
  const oid = typeof claims.oid === 'string' && claims.oid ? claims.oid : a.localAccountId;
  const tenantId = a.tenantId || (typeof claims.tid === 'string' ? claims.tid : '');
  return Account.parse({
    homeAccountId: a.homeAccountId,
    oid,
    tenantId,
    name: a.name || a.username,
    username: a.username,
  });
}
