import { describe, expect, it } from 'vitest';
import {
  ENCRYPTION_COOKIE,
  base64url,
  encryptionCookieString,
  ensureEncryptionCookie,
  presentAsCookie,
  readEncryptionCookie,
  SESSION_KEY_ITEM,
  sharedEncryptionKey,
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
    [
      'a key of the wrong length',
      `${ENCRYPTION_COOKIE}=${encodeURIComponent(JSON.stringify({ id: 'a', key: 'short' }))}`,
    ],
    [
      'a missing id',
      `${ENCRYPTION_COOKIE}=${encodeURIComponent(JSON.stringify({ key: base64url(new Uint8Array(32)) }))}`,
    ],
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

describe('the Firefox key in storage.session', () => {
  function area(initial: Record<string, unknown> = {}) {
    const data = { ...initial };
    return {
      data,
      get: async (k: string) => (k in data ? { [k]: data[k] } : {}),
      set: async (items: Record<string, unknown>) => void Object.assign(data, items),
    };
  }
  /** navigator.locks semantics: one holder at a time, in request order. */
  function locks() {
    let tail: Promise<unknown> = Promise.resolve();
    return {
      request<T>(_name: string, cb: () => Promise<T>): Promise<T> {
        const run = tail.then(cb);
        tail = run.catch(() => undefined);
        return run;
      },
    };
  }

  it('creates one key and every context gets the same one, also when they ask at once', async () => {
    const a = area();
    const l = locks();
    const keys = await Promise.all([
      sharedEncryptionKey(a, crypto, l),
      sharedEncryptionKey(a, crypto, l),
      sharedEncryptionKey(a, crypto, l),
    ]);
    expect(new Set(keys.map((k) => JSON.stringify(k))).size).toBe(1);
    expect(a.data[SESSION_KEY_ITEM]).toEqual(keys[0]);
    expect(decode(keys[0].key)).toHaveLength(32);
  });

  it('reuses a stored key and replaces one that is not in MSAL format', async () => {
    const kept = { id: 'k1', key: base64url(new Uint8Array(32).fill(7)) };
    expect(await sharedEncryptionKey(area({ [SESSION_KEY_ITEM]: kept }), crypto)).toEqual(kept);
    const bad = area({ [SESSION_KEY_ITEM]: { id: 'x', key: 'short' } });
    const fresh = await sharedEncryptionKey(bad, crypto);
    expect(fresh.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(bad.data[SESSION_KEY_ITEM]).toEqual(fresh);
  });

  it('shows the key to MSAL as its cookie and ignores cookie writes', () => {
    const doc = {} as { cookie: string };
    const key = { id: 'k2', key: base64url(new Uint8Array(32).fill(1)) };
    presentAsCookie(doc, key);
    doc.cookie = `${ENCRYPTION_COOKIE}=other;path=/;Secure`;
    expect(readEncryptionCookie(doc.cookie)).toEqual(key);
  });
});
