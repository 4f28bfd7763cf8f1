/** The identity provider's memory: browser sessions, pending sign-ins, authorization codes, refresh tokens. */
import { randomBytes, randomUUID } from 'node:crypto';

/** What a sign-in proved: which authentication contexts were satisfied and whether MFA was done. */
export interface Strength {
  acrs: string[];
  mfa: boolean;
}

/**
 * A browser session and a refresh token belong to a person: their HOME tenant and home object id. At another tenant's
 * authority the same person is their guest account there (identity.ts).
 */
export interface Session extends Strength {
  id: string;
  sessionState: string;
  /** Home tenant id and home object id of the signed-in user. */
  tenantId: string;
  accountId: string;
  authTimeMs: number;
}

export interface AuthorizeParams {
  tenant: string;
  clientId: string;
  redirectUri: string;
  responseMode: string;
  state: string | null;
  nonce: string | null;
  scope: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  loginHint: string | null;
  prompt: string | null;
  /** What the requested claims demand. */
  need: Strength;
  xmsCc: boolean;
}

export interface CodeGrant extends Strength {
  params: AuthorizeParams;
  /** The tenant that issued the code and the user's object id there (a guest's own id in a resource tenant). */
  tenantId: string;
  accountId: string;
  sessionId: string;
  authTimeMs: number;
  expiresMs: number;
  used: boolean;
}

export interface RefreshGrant extends Strength {
  /** The user's home tenant id and home object id: the token works at every tenant where the user has an account. */
  tenantId: string;
  accountId: string;
  clientId: string;
  sessionId: string;
  /** Fixed 24 h window for SPA refresh tokens is counted from the original sign-in, not from the last refresh. */
  originalAuthMs: number;
  xmsCc: boolean;
  /** Set by control.revokeSignIns: redeeming it then answers AADSTS50173. */
  revokedAtMs?: number;
}

export class IdpState {
  sessions = new Map<string, Session>();
  /** Sign-ins waiting on the account picker or step-up page. */
  pending = new Map<string, AuthorizeParams & { tenantId?: string; accountId?: string }>();
  codes = new Map<string, CodeGrant>();
  refreshTokens = new Map<string, RefreshGrant>();

  newSession(tenantId: string, accountId: string, nowMs: number, strength: Strength): Session {
    const s: Session = {
      id: randomBytes(18).toString('base64url'),
      sessionState: randomUUID(),
      tenantId,
      accountId,
      authTimeMs: nowMs,
      ...strength,
    };
    this.sessions.set(s.id, s);
    return s;
  }

  newCode(grant: CodeGrant): string {
    const code = `1.AQ${randomBytes(48).toString('base64url')}`;
    this.codes.set(code, grant);
    return code;
  }

  newRefreshToken(grant: RefreshGrant): string {
    const rt = `1.AR${randomBytes(64).toString('base64url')}`;
    this.refreshTokens.set(rt, grant);
    return rt;
  }
}

export function satisfies(have: Strength, need: Strength): boolean {
  return (!need.mfa || have.mfa) && need.acrs.every((a) => have.acrs.includes(a));
}

/**
 * The requirements inside an OIDC `claims` parameter: access_token.acrs (value/values) and amr containing mfa.
 * Also whether the client declared capability CP1 (xms_cc), which Entra mirrors into the access token.
 */
export function parseClaimsParam(raw: string | null): { need: Strength; xmsCc: boolean } {
  const none = { need: { acrs: [], mfa: false }, xmsCc: false };
  if (!raw) return none;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return none;
  }
  const at = (parsed as { access_token?: Record<string, unknown> } | null)?.access_token;
  if (!at || typeof at !== 'object') return none;
  const valuesOf = (x: unknown): string[] => {
    if (!x || typeof x !== 'object') return [];
    const o = x as { value?: unknown; values?: unknown };
    const vals = Array.isArray(o.values) ? o.values : o.value !== undefined ? [o.value] : [];
    return vals.filter((v): v is string => typeof v === 'string');
  };
  return {
    need: {
      acrs: valuesOf(at.acrs),
      mfa: valuesOf(at.amr)
        .map((v) => v.toLowerCase())
        .includes('mfa'),
    },
    xmsCc: valuesOf(at.xms_cc).some((v) => v.toLowerCase() === 'cp1'),
  };
}
