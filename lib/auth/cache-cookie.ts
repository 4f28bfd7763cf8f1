/**
 * Trap 1 (toolchain "MSAL facts"): MSAL 4/5 keep the key that encrypts the localStorage token cache in a cookie set
 * `Secure; SameSite=None`. Extension pages silently drop Secure cookies, so every page would make its own key and wipe
 * the others' cache entries. We set the cookie ourselves, in the format MSAL reads (JSON {id, key}, key = base64url of
 * 32 random bytes), without Secure, before MSAL initialises, and reuse an existing one so the sign-in page and the
 * auth document share one cache. It stays a session cookie, as MSAL intends: a browser restart drops the cache and the
 * background renews without UI first.
 *
 * Firefox stores no cookies for moz-extension:// pages at all (set one, read back ''), so there the key lives in
 * `storage.session` instead (sharedEncryptionKey) and is shown to MSAL as the one cookie it reads (presentAsCookie).
 * storage.session is extension-only (Firefox does not expose it to content scripts), never synced and held in memory
 * until the browser closes: the same reach and lifetime as Chromium's session cookie, but shared by the sign-in page
 * and the event page across its suspensions. Chromium keeps the cookie: its offscreen document, where MSAL renews
 * tokens, cannot reach extension storage.
 */
import { z } from 'zod/mini';
import { base64url } from '../base64url';

export const ENCRYPTION_COOKIE = 'msal.cache.encryption';

const KEY_BYTES = 32;
/** base64url without padding of 32 bytes is 43 characters. */
const EncryptionKey = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(100)),
  key: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
});
export type EncryptionKey = z.infer<typeof EncryptionKey>;

/** Where a cookie lives: `document` in a page; a plain object in tests. */
export interface CookieJar {
  cookie: string;
}

export interface KeySource {
  getRandomValues(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
  randomUUID(): string;
}

export { base64url };

/** The key in a `document.cookie` string, or null when it is missing or not in MSAL's format. */
export function readEncryptionCookie(cookies: string): EncryptionKey | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== ENCRYPTION_COOKIE) continue;
    try {
      const parsed = EncryptionKey.safeParse(JSON.parse(decodeURIComponent(part.slice(eq + 1).trim())));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
  return null;
}

export function newEncryptionKey(source: KeySource): EncryptionKey {
  return { id: source.randomUUID(), key: base64url(source.getRandomValues(new Uint8Array(KEY_BYTES))) };
}

/**
 * The `document.cookie` assignment: session cookie, whole extension origin, SameSite=Lax and deliberately no Secure.
 */
export function encryptionCookieString(value: EncryptionKey): string {
  return `${ENCRYPTION_COOKIE}=${encodeURIComponent(JSON.stringify(value))};path=/;SameSite=Lax`;
}

/** Reuse the shared key or create it; call before `PublicClientApplication.initialize()`. */
export function ensureEncryptionCookie(jar: CookieJar, source: KeySource): EncryptionKey {
  const existing = readEncryptionCookie(jar.cookie);
  if (existing) return existing;
  const created = newEncryptionKey(source);
  jar.cookie = encryptionCookieString(created);
  return created;
}

/** Where the Firefox key is kept: `browser.storage.session` (or a stand-in in tests). */
export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

/** `navigator.locks`: one origin-wide lock so the sign-in page and the background never create two keys. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export const SESSION_KEY_ITEM = 'msalCacheKey';

/** The key shared by every extension context of this browser session, created once. */
export async function sharedEncryptionKey(
  area: SessionArea,
  source: KeySource,
  locks?: LockManagerLike | null,
): Promise<EncryptionKey> {
  const getOrCreate = async () => {
    const stored = EncryptionKey.safeParse((await area.get(SESSION_KEY_ITEM))[SESSION_KEY_ITEM]);
    if (stored.success) return stored.data;
    const created = newEncryptionKey(source);
    await area.set({ [SESSION_KEY_ITEM]: created });
    return created;
  };
  return locks ? locks.request('pim-companion.msal-cache-key', getOrCreate) : getOrCreate();
}

/**
 * Shows `key` to MSAL as the `msal.cache.encryption` cookie it reads in `initialize()`, and ignores cookie writes
 * (MSAL would write a fresh key when it finds none). Only where the browser keeps no cookies anyway (Firefox).
 */
export function presentAsCookie(doc: object, key: EncryptionKey): void {
  const cookie = `${ENCRYPTION_COOKIE}=${encodeURIComponent(JSON.stringify(key))}`;
  Object.defineProperty(doc, 'cookie', { configurable: true, get: () => cookie, set: () => undefined });
}
