/**
 * A small Azure Resource Manager client for the PIM calls (Microsoft.Authorization, api-version 2020-10-01). Plain
 * fetch, no SDK: the calls are five and the SDK (@azure/arm-authorization) would bring its own credential and
 * pipeline we could not feed from the auth document. What it does:
 *
 * - adds `api-version` (ARM answers 400 without it), the bearer token, and asks once more with a fresh token on 401;
 * - follows `nextLink` (absolute URLs; followed only on the same ARM origin, so a token never leaves for another host),
 *   at most 50 pages, and a page that fails fails the list (never silently shortened);
 * - retries a GET once on 429/503 after `Retry-After` when that is short (ARM throttles per principal, with
 *   `x-ms-ratelimit-remaining-*` headers); never resends a PUT or POST, whose outcome the write journal asks about;
 * - turns ARM's error body `{"error":{"code","message"}}` into the same GraphRequestError the Graph client throws
 *   (same codes for PIM: reference §4 and §8), so lib/pim/errors.ts words both alike.
 */
import { GraphRequestError, networkError, parseGraphError } from '../graph/errors';

export const ARM_API_VERSION = '2020-10-01';
const MAX_PAGES = 50;

export interface ArmClientDeps {
  getToken: (opts: { forceRefresh: boolean }) => Promise<string>;
  /** e.g. https://management.azure.com (lib/clouds.ts). */
  base: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Longest Retry-After a GET waits out before one retry (default 5 s); longer ones fail the read. */
  maxRetryAfterSeconds?: number;
  timeoutMs?: number;
  now?: () => Date;
}

export interface ArmClient {
  /** Parsed JSON body (null for an empty 2xx). Throws GraphRequestError. */
  get(path: string): Promise<unknown>;
  /** Every item of a list, all pages. */
  list(path: string): Promise<unknown[]>;
  put(path: string, body: unknown): Promise<unknown>;
  post(path: string, body?: unknown): Promise<unknown>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createArmClient(deps: ArmClientDeps): ArmClient {
  const doFetch: typeof fetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const origin = new URL(deps.base).origin;
  const now = deps.now ?? (() => new Date());

  function urlFor(pathOrUrl: string): string {
    const url = new URL(pathOrUrl, origin);
    if (url.origin !== origin) throw new GraphRequestError(networkError(`not an ARM address: ${url.origin}`));
    if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', ARM_API_VERSION);
    return url.toString();
  }

  async function once(method: string, url: string, body: unknown, forceRefresh: boolean): Promise<Response> {
    const token = await deps.getToken({ forceRefresh });
    try {
      return await doFetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 60_000),
      });
    } catch (e) {
      throw new GraphRequestError(networkError(e));
    }
  }

  async function send(method: 'GET' | 'PUT' | 'POST', pathOrUrl: string, body?: unknown): Promise<unknown> {
    const url = urlFor(pathOrUrl);
    let response = await once(method, url, body, false);
    if (response.status === 401) response = await once(method, url, body, true);
    if (method === 'GET' && (response.status === 429 || response.status === 503)) {
      const wait = parseGraphError(response.status, null, response.headers, now()).retryAfterSeconds ?? 1;
      if (wait <= (deps.maxRetryAfterSeconds ?? 5)) {
        await (deps.sleep ?? realSleep)(Math.ceil(wait * 1000));
        response = await once(method, url, body, false);
      }
    }
    const text = await response.text().catch(() => '');
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
    }
    if (!response.ok) throw new GraphRequestError(parseGraphError(response.status, json, response.headers, now()));
    return json;
  }

  return {
    get: (path) => send('GET', path),
    put: (path, body) => send('PUT', path, body),
    post: (path, body) => send('POST', path, body),
    async list(path) {
      const items: unknown[] = [];
      let next: string | null = path;
      for (let page = 0; next && page < MAX_PAGES; page++) {
        const body = await send('GET', next);
        const list = body as { value?: unknown; nextLink?: unknown } | null;
        if (!list || !Array.isArray(list.value))
          throw new GraphRequestError({ status: 200, code: 'InvalidResponse', message: 'ARM sent no list.' });
        items.push(...(list.value as unknown[]));
        next = typeof list.nextLink === 'string' && list.nextLink ? list.nextLink : null;
      }
      return items;
    },
  };
}
