/**
 * Injected faults: "the next N requests matching X get Y". Y is a canned response (429 with Retry-After, 503 ...),
 * a connection reset, a request that never answers, or a 200 whose JSON is cut short.
 * A fault with `batchItemUrl` applies to matching items inside $batch only (the batch itself still returns 200).
 */
import { z } from 'zod';

export const FaultRespond = z.union([
  z.object({
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
  }),
  /**
   * processed-then-*: the request is handled as usual (a write lands) and only then is the answer lost, the connection
   * reset or left hanging: what a client sees when the network drops, or its worker dies, after the request left.
   */
  z.object({ kind: z.enum(['reset', 'timeout', 'malformed-json', 'processed-then-reset', 'processed-then-timeout']) }),
]);
export type FaultRespond = z.infer<typeof FaultRespond>;

export const FaultSpec = z.object({
  match: z
    .object({
      host: z.string().optional(),
      method: z.string().optional(),
      /** Substring of the path plus query (either raw or percent-decoded). */
      path: z.string().optional(),
      /** Substring of the request body, e.g. '"action":"selfActivate"' to fail an activation but not a deactivation. */
      body: z.string().optional(),
      batchItemUrl: z.string().optional(),
    })
    .default({}),
  times: z.number().int().min(1).default(1),
  respond: FaultRespond,
});
export type FaultSpec = z.input<typeof FaultSpec>;
type ParsedFault = z.output<typeof FaultSpec> & { left: number };

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function contains(haystack: string, needle: string): boolean {
  return haystack.includes(needle) || safeDecode(haystack).includes(needle);
}

export class FaultBook {
  private faults: ParsedFault[] = [];

  add(spec: FaultSpec): void {
    const parsed = FaultSpec.parse(spec);
    this.faults.push({ ...parsed, left: parsed.times });
  }

  clear(): void {
    this.faults = [];
  }

  pending(): number {
    return this.faults.reduce((n, f) => n + f.left, 0);
  }

  /** A fault for a top-level request (faults aimed at batch items are skipped). */
  take(req: { host: string; method: string; pathAndQuery: string; body?: string }): FaultRespond | null {
    return this.consume((f) => {
      const m = f.match;
      if (m.batchItemUrl !== undefined) return false;
      if (m.host && m.host.toLowerCase() !== req.host.toLowerCase()) return false;
      if (m.method && m.method.toUpperCase() !== req.method.toUpperCase()) return false;
      if (m.path && !contains(req.pathAndQuery, m.path)) return false;
      if (m.body && !(req.body ?? '').includes(m.body)) return false;
      return true;
    });
  }

  /** A fault for one item of a $batch. */
  takeBatchItem(item: { method: string; url: string }): FaultRespond | null {
    return this.consume((f) => {
      const m = f.match;
      if (m.batchItemUrl === undefined) return false;
      if (m.method && m.method.toUpperCase() !== item.method.toUpperCase()) return false;
      return contains(item.url, m.batchItemUrl);
    });
  }

  private consume(pred: (f: ParsedFault) => boolean): FaultRespond | null {
    const f = this.faults.find((x) => x.left > 0 && pred(x));
    if (!f) return null;
    f.left -= 1;
    this.faults = this.faults.filter((x) => x.left > 0);
    return f.respond;
  }
}
