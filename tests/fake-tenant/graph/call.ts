/** One Graph call after authentication, whether it arrived directly or as a $batch item. */
import type { TenantContext } from '../context.ts';
import type { Reply } from '../http.ts';
import type { Caller } from './auth.ts';
import type { CallMeta } from './errors.ts';
import { collection, graphError, graphJson } from './errors.ts';
import { applySelect, matchesAll, parseEqFilterAnyOf, parseExpand, propOf } from './odata.ts';

export interface GraphCall {
  ctx: TenantContext;
  method: string;
  /** After /v1.0, percent-decoded, no query. */
  path: string;
  query: URLSearchParams;
  body: string;
  contentType: string | undefined;
  meta: CallMeta;
  caller: Caller;
  /** Path + raw query exactly as sent, for pinned responses. */
  pinnedKey: string;
}

export type Expanders<T> = Record<string, (item: T) => unknown>;

/**
 * Graph pages long collections: a page holds at most this many items and ends with `@odata.nextLink`, an absolute URL
 * with the original query plus an opaque `$skiptoken` (MGD concepts/paging.md: "the page size is determined by the
 * service", follow the link as it is). 100 here; the real size varies by API and is not documented for PIM.
 */
export const PAGE_SIZE = 100;

function skipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, k: 'stand-in' })).toString('base64url');
}

function offsetOf(token: string): number | null {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o > 0 ? parsed.o : null;
  } catch {
    return null;
  }
}

function nextLink(call: GraphCall, offset: number): string {
  const params = [...call.query].filter(([k]) => k.toLowerCase() !== '$skiptoken');
  params.push(['$skiptoken', skipToken(offset)]);
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  const path = call.path
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%3D/gi, '='))
    .join('/');
  return `https://graph.microsoft.com/v1.0${path}?${query}`;
}

/**
 * The OData list pipeline: $filter (eq/and on the entity's own properties), $expand (only the navigation properties
 * the resource documents), $select, then one page (PAGE_SIZE, `@odata.nextLink` / `$skiptoken`). Unknown properties
 * answer 400 as Graph does.
 */
export function listReply<T>(
  call: GraphCall,
  recs: T[],
  toJson: (r: T) => Record<string, unknown>,
  typeName: string,
  context: string,
  expanders: Expanders<T>,
): Reply {
  const filterText = call.query.get('$filter');
  let pairs = recs.map((r) => ({ r, j: toJson(r) }));
  if (filterText) {
    const anyOf = parseEqFilterAnyOf(filterText);
    if (!anyOf) return graphError(400, 'BadRequest', `Invalid filter clause: ${filterText}`, call.meta);
    const sample = pairs[0]?.j ?? (recs.length === 0 ? null : {});
    for (const c of anyOf.flat()) {
      if (sample && propOf(sample, c.prop) === undefined)
        return graphError(
          400,
          'BadRequest',
          `Could not find a property named '${c.prop}' on type 'microsoft.graph.${typeName}'.`,
          call.meta,
        );
    }
    pairs = pairs.filter((p) => anyOf.some((clauses) => matchesAll(p.j, clauses)));
  }
  const expand = parseExpand(call.query.get('$expand'));
  for (const e of expand) {
    if (!Object.keys(expanders).some((k) => k.toLowerCase() === e.name.toLowerCase()))
      return graphError(
        400,
        'BadRequest',
        `Parsing OData Select and Expand failed: Could not find a property named '${e.name}' on type 'microsoft.graph.${typeName}'.`,
        call.meta,
      );
  }
  const token = call.query.get('$skiptoken');
  const offset = token === null ? 0 : offsetOf(token);
  if (offset === null) return graphError(400, 'BadRequest', `Invalid $skiptoken value '${token}'.`, call.meta);
  const more = pairs.length > offset + PAGE_SIZE;
  pairs = pairs.slice(offset, offset + PAGE_SIZE);
  const select = call.query.get('$select');
  const value = pairs.map(({ r, j }) => {
    const out: Record<string, unknown> = applySelect(j, select);
    for (const e of expand) {
      const key = Object.keys(expanders).find((k) => k.toLowerCase() === e.name.toLowerCase())!;
      out[key] = expanders[key]!(r);
    }
    return out;
  });
  const body: Record<string, unknown> = collection(context, value);
  if (more) body['@odata.nextLink'] = nextLink(call, offset + PAGE_SIZE);
  return graphJson(200, body, call.meta);
}

export function entityReply(call: GraphCall, value: Record<string, unknown>, context: string): Reply {
  return graphJson(
    200,
    {
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${context}`,
      ...applySelect(value, call.query.get('$select')),
    },
    call.meta,
  );
}
