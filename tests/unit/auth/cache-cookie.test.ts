import { describe, expect, it } from 'vitest';
import {
  ENCRYPTION_COOKIE,
  base64url,
  encryptionCookieString,
  ensureEncryptionCookie,
  readEncryptionCookie,
  type KeySource,
} from '../../../lib/auth/cache-cookie';

/** Decodes base64url the way MSAL's base64DecToArr does. */
function decode(key: string): Uint8Array {
  const b64 = key.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** A cookie jar that keeps the last assignment per name, like document.cookie. */
function jar(initial = '') {
  const store = new Map<string, string>();
  const assignments: string[] = [];
  for (const part of initial.split(';').filter(Boolean)) {
    const [k, ...v] = part.trim().split('=');
    store.set(k!, v.join('='));
  }
  return {
    assignments,
    get cookie() {
      return [...store].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    set cookie(value: string) {
      assignments.push(value);
      const [pair] = value.split(';');
      const eq = pair!.indexOf('=');
      store.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    },
  };
}

const source: KeySource = {
  getRandomValues: (bytes) => bytes.map((_, i) => (i * 37 + 251) % 256),
  randomUUID: () => '0b7e2f4c-1111-4222-8333-944445555666',
};

describe('MSAL cache encryption cookie', () => {
  it('creates a key in the format MSAL reads: JSON {id, key}, key = base64url of 32 bytes', () => {
    const cookies = jar('other=1');
    const key = ensureEncryptionCookie(cookies, source);
    expect(key.id).toBe('0b7e2f4c-1111-4222-8333-944445555666');
    expect(key.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(decode(key.key)).toEqual(source.getRandomValues(new Uint8Array(32)));
    expect(readEncryptionCookie(cookies.cookie)).toEqual(key);
  });

  it('sets it as a session cookie with SameSite=Lax and without Secure, which extension pages would drop', () => {
    const cookies = jar();
    ensureEncryptionCookie(cookies, source);
    const [assignment] = cookies.assignments;
    expect(assignment).toMatch(new RegExp(`^${ENCRYPTION_COOKIE.replace(/\./g, '\\.')}=`));
    expect(assignment).toContain(';path=/');
    expect(assignment).toContain('SameSite=Lax');
    expect(assignment).not.toMatch(/secure|expires|max-age|samesite=none/i);
  });

  it('reuses an existing key so every extension page shares one cache', () => {
    const existing = { id: 'abc', key: base64url(new Uint8Array(32).fill(7)) };
    const cookies = jar(encryptionCookieString(existing).split(';')[0]);
    expect(ensureEncryptionCookie(cookies, source)).toEqual(existing);
    expect(cookies.assignments).toEqual([]);
  });

  it.each([
    ['garbage', `${ENCRYPTION_COOKIE}=not-json`],
    ['a key of the wrong length', `${ENCRYPTION_COOKIE}=${encodeURIComponent(JSON.stringify({ id: 'a', key: 'short' }))}`],
    ['a missing id', `${ENCRYPTION_COOKIE}=${encodeURIComponent(JSON.stringify({ key: base64url(new Uint8Array(32)) }))}`],
  ])('replaces %s', (_, initial) => {
    const cookies = jar(initial);
    const key = ensureEncryptionCookie(cookies, source);
    expect(key.id).toBe(source.randomUUID());
    expect(cookies.assignments).toHaveLength(1);
  });

  it('encodes base64url without padding or URL-unsafe characters', () => {
    expect(base64url(new Uint8Array([251, 255, 191]))).toBe('-_-_');
    expect(base64url(new Uint8Array([1]))).toBe('AQ');
  });
});
