/**
 * A fake `fetch` that answers like Microsoft Graph, for driving the real client (and its SDK middleware) in unit tests.
 * Every call is recorded with its parsed JSON body; `$batch` items are answered one by one by a route function.
 */
export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BatchItemRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (req: Recorded, callIndex: number) => Reply | 'network-error' | Promise<Reply | 'network-error'>;

export const GRAPH = 'https://graph.microsoft.com';

function headersOf(init: RequestInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const h = init?.headers;
  if (!h) return out;
  if (h instanceof Headers) h.forEach((v, k) => (out[k.toLowerCase()] = v));
  else if (Array.isArray(h)) for (const [k, v] of h) out[k.toLowerCase()] = v!;
  else for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = String(v);
  return out;
}

export function fakeFetch(handler: Handler): { fetch: typeof fetch; calls: Recorded[] } {
  const calls: Recorded[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const text = typeof init?.body === 'string' ? init.body : undefined;
    const req: Recorded = {
      method: init?.method ?? 'GET',
      url,
      headers: headersOf(init),
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    calls.push(req);
    const reply = await handler(req, calls.length - 1);
    if (reply === 'network-error') throw new TypeError('Failed to fetch');
    const status = reply.status ?? 200;
    const raw =
      typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
    return new Response(status === 204 ? null : raw, {
      status,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  };
  return { fetch: fn, calls };
}

/** Answers `POST /v1.0/$batch` by asking `route` for each item; anything else is a 404. */
export function batchHandler(route: (item: BatchItemRequest, batchIndex: number) => Reply): Handler {
  let batchIndex = -1;
  return (req) => {
    if (req.method !== 'POST' || !req.url.endsWith('/$batch'))
      return { status: 404, body: { error: { code: 'NotFound', message: req.url } } };
    batchIndex++;
    const { requests } = req.body as { requests: BatchItemRequest[] };
    return {
      body: {
        responses: requests.map((item) => {
          const r = route(item, batchIndex);
          return {
            id: item.id,
            status: r.status ?? 200,
            headers: { 'Content-Type': 'application/json', ...r.headers },
            body: r.body,
          };
        }),
      },
    };
  };
}

/** The `requests` array of each `$batch` call, in order. */
export function batches(calls: Recorded[]): BatchItemRequest[][] {
  return calls
    .filter((c) => c.url.endsWith('/$batch'))
    .map((c) => (c.body as { requests: BatchItemRequest[] }).requests);
}
