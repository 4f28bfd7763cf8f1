/**
 * The background's one Graph client, built on @microsoft/microsoft-graph-client's middleware chain:
 *
 *   ReauthenticateOnce → AuthenticationHandler → RetryHandler → FetchHandler (the injected fetch)
 *
 * - AuthenticationHandler adds the bearer token from `getToken`.
 * - RetryHandler retries 429/503/504 honouring Retry-After (fractional seconds too), at most `maxRetries` times. A
 *   Retry-After longer than `maxDelaySeconds` is not waited out: the 429 goes back to the caller with
 *   `retryAfterSeconds`, so a background refresh never blocks for minutes and never retries before the server allows.
 * - ReauthenticateOnce: a 401 `InvalidAuthenticationToken` (revoked or clock-skewed token that MSAL still thought
 *   valid) is retried once with a token fetched with `forceRefresh`. A 401 carrying a claims challenge is not retried:
 *   a plain refresh cannot satisfy it; the caller gets `GraphError.claims` and steps up.
 * - A failure of `getToken` itself (sign-in required, auth document unreachable) reaches the caller as the token
 *   provider threw it: the SDK would wrap it like a fetch failure, and "offline" is not what a sign-in problem is.
 *
 * Callers see a small interface (GraphClient) with parsed errors (GraphRequestError), never SDK types.
 *
 * Why not the SDK's BatchRequestContent / BatchResponseContent: BatchRequestContent takes `Request` objects, whose URL
 * normalisation percent-encodes the quotes and spaces of `filterByCurrentUser(on='principal')?$filter=…` and whose
 * host-stripping leaves the version segment in the item URL; BatchResponseContent rebuilds `Response` objects that we
 * would only read back as JSON (and it loses bodies whose item lacks an exact `Content-Type` key). We build the
 * `$batch` JSON ourselves (same 20-request limit, unique ids) and parse the answer with zod.
 *
 * Batch items are NOT retried here: like every Graph SDK, RetryHandler only sees the outer `$batch` response (200), not
 * a 429 inside it. lib/graph/reads.ts retries just the throttled items once, in a follow-up batch, after the longest
 * item Retry-After.
 */
import {
  AuthenticationHandler,
  AuthenticationHandlerOptions,
  Client,
  ResponseType,
  RetryHandler,
  RetryHandlerOptions,
  type AuthenticationProvider,
  type Context,
  type FetchOptions,
  type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { t } from '../i18n';
import { GraphRequestError, headerValue, networkError, parseGraphError, parseRetryAfter } from './errors';
import { BatchResponse, type BatchResponseItem } from './schemas';

export type GraphVersion = 'v1.0' | 'beta';

export interface GraphClientDeps {
  getToken: (opts: { forceRefresh: boolean }) => Promise<string>;
  /** e.g. https://graph.microsoft.com (from lib/clouds.ts), without version. */
  graphBase: string;
  fetch?: typeof fetch;
  /** Retries of 429/503/504 per request (default 3). */
  maxRetries?: number;
  /** Longest Retry-After worth waiting for inside one call (default 20 s). */
  maxDelaySeconds?: number;
  /** Abort a call (retries included) after this long (default 60 s): a hung fetch must not wedge the refresh. */
  timeoutMs?: number;
}

export interface RequestOptions {
  version?: GraphVersion;
}

export interface BatchRequestItem {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to the version: `/roleManagement/...`. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

/** One item of a `$batch` answer; header names are lower-case. */
export type BatchItemResponse = BatchResponseItem;

export interface GraphClient {
  /** Parsed JSON body (null for an empty 2xx). Throws GraphRequestError. */
  get(path: string, options?: RequestOptions): Promise<unknown>;
  post(path: string, body?: unknown, options?: RequestOptions): Promise<unknown>;
  patch(path: string, body: unknown, options?: RequestOptions): Promise<unknown>;
  /**
   * One `$batch` round trip (1–20 requests). Returns the items in request order; an item Graph left out is absent.
   * Throws GraphRequestError when the batch as a whole fails (network, non-2xx, unreadable answer).
   */
  batch(requests: readonly BatchRequestItem[], options?: RequestOptions): Promise<BatchItemResponse[]>;
}

export const MAX_BATCH_REQUESTS = 20;

export function createGraphClient(deps: GraphClientDeps): GraphClient {
  const doFetch: typeof fetch = deps.fetch ?? ((input, init) => fetch(input, init));
  const maxDelaySeconds = deps.maxDelaySeconds ?? 20;
  const timeoutMs = deps.timeoutMs ?? 60_000;
  const base = deps.graphBase.replace(/\/+$/, '');

  const provider: AuthenticationProvider = { getAccessToken: () => deps.getToken({ forceRefresh: false }) };

  const client = Client.initWithMiddleware({
    baseUrl: base,
    defaultVersion: 'v1.0',
    // AuthenticationHandler only attaches tokens to known Graph hosts; national clouds and stand-ins are named here.
    customHosts: new Set([new URL(base).hostname]),
    middleware: [
      new ReauthenticateOnce(deps.getToken),
      new AuthenticationHandler(provider),
      new RetryHandler(new CappedRetryOptions(deps.maxRetries ?? 3, maxDelaySeconds)),
      new FetchHandler(doFetch),
    ],
  });

  async function send(method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown, options?: RequestOptions) {
    const tokens = new TokenFailure();
    const request = client
      .api(path)
      .version(options?.version ?? 'v1.0')
      .responseType(ResponseType.RAW)
      .option('signal', AbortSignal.timeout(timeoutMs))
      .middlewareOptions([
        tokens,
        new AuthenticationHandlerOptions({
          getAccessToken: () => tokens.watch(deps.getToken({ forceRefresh: false })),
        }),
      ]);
    let response: Response;
    try {
      // The Graph client's request methods are typed `any`; with ResponseType.RAW they resolve to the fetch Response.
      response = (
        method === 'GET'
          ? await request.get()
          : method === 'POST'
            ? await request.post(body)
            : await request.patch(body)
      ) as Response;
    } catch (error) {
      if (tokens.failed) throw tokens.error;
      throw new GraphRequestError(networkError(error));
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new GraphRequestError(networkError(error));
    }
    const json = text.trim() ? tryJson(text) : null;
    if (!response.ok) throw new GraphRequestError(parseGraphError(response.status, json ?? text, response.headers));
    if (json === undefined) {
      throw new GraphRequestError({
        status: response.status,
        code: 'InvalidResponse',
        message: t('graphNotJson'),
      });
    }
    return json;
  }

  return {
    get: (path, options) => send('GET', path, undefined, options),
    post: (path, body, options) => send('POST', path, body, options),
    patch: (path, body, options) => send('PATCH', path, body, options),
    async batch(requests, options) {
      checkBatch(requests);
      const raw = await send('POST', '/$batch', { requests: requests.map(toBatchJson) }, options);
      const parsed = BatchResponse.safeParse(raw);
      if (!parsed.success) {
        throw new GraphRequestError({
          status: 200,
          code: 'InvalidBatchResponse',
          message: `Microsoft Graph's $batch answer could not be read (${parsed.error.issues[0]?.message}).`,
        });
      }
      const byId = new Map(parsed.data.responses.map((item) => [item.id.toLowerCase(), item]));
      return requests.flatMap((r) => {
        const item = byId.get(r.id.toLowerCase());
        return item ? [{ ...item, id: r.id }] : [];
      });
    },
  };
}

function checkBatch(requests: readonly BatchRequestItem[]): void {
  if (requests.length === 0 || requests.length > MAX_BATCH_REQUESTS) {
    throw new RangeError(`A $batch holds 1 to ${MAX_BATCH_REQUESTS} requests, not ${requests.length}.`);
  }
  // Graph compares ids case-insensitively.
  const ids = new Set(requests.map((r) => r.id.toLowerCase()));
  if (ids.size !== requests.length) throw new RangeError('$batch request ids must be unique (case-insensitively).');
}

function toBatchJson(r: BatchRequestItem): Record<string, unknown> {
  const json: Record<string, unknown> = { id: r.id, method: r.method, url: r.url };
  // Graph requires a Content-Type on items that carry a body.
  const headers = r.body !== undefined ? { 'Content-Type': 'application/json', ...r.headers } : r.headers;
  if (headers && Object.keys(headers).length > 0) json.headers = headers;
  if (r.body !== undefined) json.body = r.body;
  if (r.dependsOn?.length) json.dependsOn = r.dependsOn;
  return json;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The last link of the chain: the injected fetch instead of the SDK's global-fetch HTTPMessageHandler. */
class FetchHandler implements Middleware {
  constructor(private readonly doFetch: typeof fetch) {}

  async execute(context: Context): Promise<void> {
    context.response = await this.doFetch(context.request, context.options);
  }
}

/**
 * RetryHandlerOptions caps the wait at a fixed 180 s (getMaxDelay); ours is smaller, and a Retry-After beyond it means
 * "give up now" rather than "retry early".
 */
class CappedRetryOptions extends RetryHandlerOptions {
  constructor(
    maxRetries: number,
    private readonly maxDelaySeconds: number,
  ) {
    super(1, maxRetries, (_delay, _attempt, _request, options, response) => {
      // A 504 on a write means the gateway gave up waiting, not that PIM did not act: resending could activate twice.
      // The caller reconciles it from Graph instead (lib/background/reconcile.ts). 429 and 503 mean "not processed".
      if (response.status === 504 && (options?.method ?? 'GET').toUpperCase() !== 'GET') return false;
      const wait = parseRetryAfter(response.headers.get('retry-after') ?? undefined, new Date());
      return wait === undefined || wait <= maxDelaySeconds;
    });
  }

  override getMaxDelay(): number {
    return this.maxDelaySeconds;
  }
}

/** Per request: whether the token provider (not the network) failed, and with what. */
class TokenFailure implements MiddlewareOptions {
  failed = false;
  error: unknown;

  watch(token: Promise<string>): Promise<string> {
    return token.catch((e: unknown) => {
      this.failed = true;
      this.error = e;
      throw e;
    });
  }
}

class ReauthenticateOnce implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly getToken: GraphClientDeps['getToken']) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('ReauthenticateOnce must not be the last middleware.');
    // AuthenticationHandler *appends* Authorization; keep the headers as they were so the retry carries one token.
    const headersBefore = copyHeaders(context.options?.headers);
    await this.next.execute(context);
    if (!context.response || !(await needsFreshToken(context.response)) || !context.middlewareControl) return;
    context.options = { ...context.options, headers: headersBefore };
    const tokens = context.middlewareControl.getMiddlewareOptions(TokenFailure) as TokenFailure | undefined;
    const forced = () => this.getToken({ forceRefresh: true });
    context.middlewareControl.setMiddlewareOptions(
      AuthenticationHandlerOptions,
      new AuthenticationHandlerOptions({ getAccessToken: () => (tokens ? tokens.watch(forced()) : forced()) }),
    );
    await this.next.execute(context);
  }
}

async function needsFreshToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  if (parseGraphError(401, undefined, response.headers).claims) return false;
  if (/insufficient_claims/i.test(headerValue(response.headers, 'www-authenticate') ?? '')) return false;
  let body: unknown;
  try {
    body = tryJson(await response.clone().text());
  } catch {
    return false;
  }
  return parseGraphError(401, body).code.toLowerCase() === 'invalidauthenticationtoken';
}

function copyHeaders(headers: FetchOptions['headers']): FetchOptions['headers'] {
  if (headers === undefined) return undefined;
  if (headers instanceof Headers) return new Headers(headers);
  if (Array.isArray(headers)) return headers.map(([k, v]) => [k, v] as [string, string]);
  return { ...headers };
}
