/**
 * Graph pages long collections: an answer with `@odata.nextLink` holds only its first page, and the link (absolute,
 * with an opaque `$skiptoken`) is followed as it is (MGD concepts/paging.md). Inside `$batch` each item pages on its
 * own and the next request must be relative to the version, so the link's `https://graph.microsoft.com/v1.0` is cut
 * off.
 *
 * Every list is followed to its end, one `$batch` round trip per page for all lists still paging, capped at MAX_PAGES
 * pages per list (a user's PIM lists are far shorter; the cap only stops a service that keeps answering with links).
 * A page that fails makes its whole list fail with that page's answer: half a list would hide assignments without
 * saying so, a failed section keeps its last good data and says why.
 */
import type { BatchItemResponse, GraphClient } from './client';
import { MAX_BATCH_REQUESTS } from './client';
import { GraphRequestError } from './errors';
import { ODataList } from './schemas';

export const MAX_PAGES = 50;

/**
 * `https://graph.microsoft.com/v1.0/x?y` → `/x?y` (a batch item URL); null for a link to another version. Only the path
 * is used, sent to the client's own Graph host: a link can never send the token anywhere else.
 */
export function relativeToVersion(nextLink: string, version = 'v1.0'): string | null {
  const m = /^https:\/\/[^/?#]+\/([^/?#]+)(\/.*)$/i.exec(nextLink);
  return m && m[1]!.toLowerCase() === version.toLowerCase() ? m[2]! : null;
}

const is2xx = (s: number) => s >= 200 && s < 300;

interface Paging {
  first: BatchItemResponse;
  value: unknown[];
  next: string;
  pages: number;
}

/**
 * Follows `@odata.nextLink` for the answers in `answers` (all, or only `ids`), replacing each paged answer with one
 * whose `value` holds every page. Returns the round trips made. Never throws: a failure lands on the item it hit.
 */
export async function followBatchPages(args: {
  graph: GraphClient;
  answers: Map<string, BatchItemResponse>;
  ids?: readonly string[];
  maxPages?: number;
}): Promise<number> {
  const { graph, answers } = args;
  const maxPages = args.maxPages ?? MAX_PAGES;
  const paging = new Map<string, Paging>();
  for (const [id, item] of answers) {
    if (args.ids && !args.ids.includes(id)) continue;
    if (!is2xx(item.status)) continue;
    const list = ODataList.safeParse(item.body);
    const next = list.success ? list.data['@odata.nextLink'] : null;
    if (list.success && next) paging.set(id, { first: item, value: [...list.data.value], next, pages: 1 });
  }

  const finish = (id: string, p: Paging) => {
    const { '@odata.nextLink': _done, ...rest } = p.first.body as Record<string, unknown>;
    answers.set(id, { ...p.first, body: { ...rest, value: p.value } });
    paging.delete(id);
  };
  const fail = (id: string, answer: BatchItemResponse) => {
    answers.set(id, { ...answer, id });
    paging.delete(id);
  };

  let trips = 0;
  while (paging.size > 0) {
    const round = [...paging].slice(0, MAX_BATCH_REQUESTS);
    const requests = [];
    for (const [id, p] of round) {
      const url = relativeToVersion(p.next);
      if (url === null) {
        fail(id, {
          id,
          status: 502,
          headers: {},
          body: { error: { code: 'UnexpectedNextLink', message: `Graph sent a next-page link elsewhere: ${p.next}` } },
        });
      } else requests.push({ id, method: 'GET' as const, url });
    }
    if (requests.length === 0) continue;
    trips++;
    let pages: BatchItemResponse[];
    try {
      pages = await graph.batch(requests);
    } catch (error) {
      const e =
        error instanceof GraphRequestError ? error.error : { status: 0, code: 'NetworkError', message: String(error) };
      for (const r of requests)
        fail(r.id, { id: r.id, status: e.status, headers: {}, body: { error: { code: e.code, message: e.message } } });
      continue;
    }
    const byId = new Map(pages.map((a) => [a.id, a]));
    for (const r of requests) {
      const p = paging.get(r.id)!;
      const page = byId.get(r.id);
      if (!page) {
        answers.delete(r.id);
        paging.delete(r.id);
        continue;
      }
      const list = is2xx(page.status) ? ODataList.safeParse(page.body) : null;
      if (!list?.success) {
        fail(r.id, page);
        continue;
      }
      p.value.push(...list.data.value);
      p.pages++;
      const next = list.data['@odata.nextLink'];
      if (next && p.pages < maxPages) p.next = next;
      else {
        if (next) console.warn(`PIM Companion: stopped reading a Graph list after ${p.pages} pages.`);
        finish(r.id, p);
      }
    }
  }
  return trips;
}
