/**
 * JSON batching: at most 20 requests, ids unique (case-insensitive), relative URLs, dependsOn with 424 when a
 * dependency failed. Each item runs through the same router as a direct call, with the batch's token, and may be
 * hit by an injected per-item fault.
 */
import type { Reply } from '../http.ts';
import type { GraphCall } from './call.ts';
import { codeForStatus, errorBody, graphError, graphJson, messageForStatus, newMeta } from './errors.ts';

export interface BatchItemResult {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

type Route = (call: GraphCall) => Reply;

interface Item {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

function parseItems(raw: unknown): Item[] | string {
  if (!raw || typeof raw !== 'object' || !Array.isArray((raw as { requests?: unknown }).requests))
    return "Invalid batch payload format: the body must be a JSON object with a 'requests' array.";
  const reqs = (raw as { requests: unknown[] }).requests;
  if (reqs.length === 0) return 'Invalid batch payload format: the requests array is empty.';
  if (reqs.length > 20) return 'Number of batch request steps exceeds the maximum of 20.';
  const items: Item[] = [];
  for (const r of reqs) {
    if (!r || typeof r !== 'object') return 'Invalid batch payload format: each request must be an object.';
    const o = r as Record<string, unknown>;
    if (typeof o.id !== 'string' && typeof o.id !== 'number')
      return "Invalid batch payload format: a request is missing its 'id'.";
    if (typeof o.method !== 'string')
      return `Invalid batch payload format: request '${String(o.id)}' is missing its 'method'.`;
    if (typeof o.url !== 'string')
      return `Invalid batch payload format: request '${String(o.id)}' is missing its 'url'.`;
    const headers = o.headers && typeof o.headers === 'object' ? (o.headers as Record<string, string>) : {};
    const dependsOn = Array.isArray(o.dependsOn) ? o.dependsOn.map(String) : [];
    items.push({ id: String(o.id), method: o.method.toUpperCase(), url: o.url, headers, body: o.body, dependsOn });
  }
  const seen = new Set<string>();
  for (const i of items) {
    const k = i.id.toLowerCase();
    if (seen.has(k)) return `Batch request contains duplicate request id '${i.id}'.`;
    seen.add(k);
  }
  for (const i of items)
    for (const d of i.dependsOn)
      if (!seen.has(d.toLowerCase())) return `Request '${i.id}' depends on an unknown request id '${d}'.`;
  return items;
}

export function handleBatch(call: GraphCall, route: Route): Reply {
  let raw: unknown;
  try {
    raw = JSON.parse(call.body);
  } catch {
    return graphError(400, 'BadRequest', 'Invalid batch payload format.', call.meta);
  }
  const items = parseItems(raw);
  if (typeof items === 'string') return graphError(400, 'BadRequest', items, call.meta);

  const results = new Map<string, BatchItemResult>();
  const log: { id: string; method: string; url: string; status: number }[] = [];
  let drop: Reply['drop'];
  const run = (item: Item, stack: Set<string>): BatchItemResult => {
    const done = results.get(item.id.toLowerCase());
    if (done) return done;
    const meta = newMeta(item.headers['client-request-id'], call.ctx.clock.iso());
    let result: BatchItemResult;
    const deps = item.dependsOn.map((d) => items.find((x) => x.id.toLowerCase() === d.toLowerCase())!);
    if (deps.some((d) => stack.has(d.id.toLowerCase()))) {
      result = {
        id: item.id,
        status: 400,
        headers: { 'Content-Type': 'application/json' },
        body: errorBody('BadRequest', 'Circular dependsOn.', meta),
      };
    } else if (deps.map((d) => run(d, new Set([...stack, item.id.toLowerCase()]))).some((r) => r.status >= 400)) {
      result = {
        id: item.id,
        status: 424,
        headers: { 'Content-Type': 'application/json' },
        body: errorBody('FailedDependency', 'The request depends on a request that failed.', meta),
      };
    } else {
      result = runItem(call, item, route, meta, (d) => (drop = d));
    }
    results.set(item.id.toLowerCase(), result);
    log.push({ id: item.id, method: item.method, url: item.url, status: result.status });
    return result;
  };
  for (const item of items) run(item, new Set());
  const reply = graphJson(200, { responses: items.map((i) => results.get(i.id.toLowerCase())!) }, call.meta);
  reply.logExtra = { batch: items.map((i) => log.find((l) => l.id === i.id)!) };
  if (drop) reply.drop = drop;
  return reply;
}

function runItem(
  batch: GraphCall,
  item: Item,
  route: Route,
  meta: ReturnType<typeof newMeta>,
  setDrop: (d: 'reset' | 'timeout') => void,
): BatchItemResult {
  if (/^https?:/i.test(item.url)) {
    return {
      id: item.id,
      status: 400,
      headers: { 'Content-Type': 'application/json' },
      body: errorBody('BadRequest', 'Invalid request URL: batch request URLs must be relative.', meta),
    };
  }
  const fault = batch.ctx.faults.takeBatchItem({ method: item.method, url: item.url });
  if (fault) {
    if ('kind' in fault) {
      if (fault.kind === 'malformed-json')
        return { id: item.id, status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"value":[{"id":' };
      // A connection-level fault cannot hit one item: the whole batch response is lost.
      setDrop(fault.kind.endsWith('reset') ? 'reset' : 'timeout');
      return { id: item.id, status: 0, headers: {} };
    }
    const status = fault.status;
    const body =
      fault.body !== undefined ? fault.body : errorBody(codeForStatus(status), messageForStatus(status), meta);
    return { id: item.id, status, headers: { 'Content-Type': 'application/json', ...(fault.headers ?? {}) }, body };
  }
  if (item.body !== undefined && !Object.keys(item.headers).some((h) => h.toLowerCase() === 'content-type')) {
    return {
      id: item.id,
      status: 400,
      headers: { 'Content-Type': 'application/json' },
      body: errorBody(
        'BadRequest',
        'Write request id : ' + item.id + ' does not contain Content-Type header or body.',
        meta,
      ),
    };
  }
  const url = item.url.startsWith('/') ? item.url : `/${item.url}`;
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    /* keep the raw path: Graph would 400 on it, and the router will not match it */
  }
  const reply = route({
    ...batch,
    method: item.method,
    path,
    query: new URLSearchParams(rawQuery),
    body: item.body === undefined ? '' : typeof item.body === 'string' ? item.body : JSON.stringify(item.body),
    contentType: item.headers['Content-Type'] ?? item.headers['content-type'],
    meta,
    pinnedKey: `${rawPath}${rawQuery ? `?${rawQuery}` : ''}`,
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.headers))
    if (/^(content-type|retry-after|location|cache-control|odata-version)$/i.test(k)) headers[k] = v;
  let body: unknown;
  if (reply.body) {
    try {
      body = JSON.parse(reply.body);
    } catch {
      body = Buffer.from(reply.body).toString('base64');
    }
  }
  return { id: item.id, status: reply.status, headers, ...(body !== undefined ? { body } : {}) };
}
