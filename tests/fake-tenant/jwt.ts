/**
 * Minimal HS256 JWTs. MSAL never verifies signatures; the stand-in's Graph does, with a secret that lives only in
 * this process, so a token minted elsewhere (or tampered with) is rejected like a forged one.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function b64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

export function fromB64url(input: string): string {
  return Buffer.from(input, 'base64url').toString('utf8');
}

export type Claims = Record<string, unknown>;

export class Signer {
  private readonly secret = randomBytes(32);
  readonly kid = randomBytes(8).toString('hex');

  sign(claims: Claims): string {
    const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', kid: this.kid }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac('sha256', this.secret).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  /** The claims when the signature is ours; null otherwise (malformed, other key, other algorithm). */
  verify(token: string): Claims | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [head, body, sig] = parts as [string, string, string];
    try {
      const header = JSON.parse(fromB64url(head)) as { alg?: unknown };
      if (header.alg !== 'HS256') return null;
      const want = createHmac('sha256', this.secret).update(`${head}.${body}`).digest();
      const got = Buffer.from(sig, 'base64url');
      if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
      const claims: unknown = JSON.parse(fromB64url(body));
      return claims && typeof claims === 'object' ? (claims as Claims) : null;
    } catch {
      return null;
    }
  }
}

/** Reads claims without verifying (for the request log, which records what a client sent). */
export function peekClaims(token: string): Claims | null {
  const body = token.split('.')[1];
  if (!body) return null;
  try {
    const claims: unknown = JSON.parse(fromB64url(body));
    return claims && typeof claims === 'object' ? (claims as Claims) : null;
  } catch {
    return null;
  }
}
