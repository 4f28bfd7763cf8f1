/**
 * base64url both ways, and a JWT's payload: one helper for the MSAL cache key (lib/auth/cache-cookie.ts), claims
 * challenges (lib/graph/errors.ts, lib/pim/errors.ts) and step-up tokens' expiry (lib/background/stepup.ts).
 * Decoding accepts base64 too (`+/`, padding or none) and reads the bytes as UTF-8.
 */

/** Bytes → base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url or base64 → text (UTF-8). Throws when the value is not base64. */
export function decodeBase64Url(value: string): string {
  const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '='));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** A JWT's payload as parsed JSON, or undefined when the token is opaque. Decoded, never verified. */
export function jwtPayload(token: string): unknown {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    return JSON.parse(decodeBase64Url(part)) as unknown;
  } catch {
    return undefined;
  }
}
