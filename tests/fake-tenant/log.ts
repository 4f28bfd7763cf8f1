/** The request log: what the browser (or a test) asked of the stand-in, in order, stamped with the stand-in clock. */

export interface BatchLogItem {
  id: string;
  method: string;
  url: string;
  status: number;
}

export interface LogEntry {
  seq: number;
  at: string;
  host: string;
  method: string;
  path: string;
  /** The query string without "?", percent-decoded. */
  query: string;
  /** 0 when the connection was reset or left hanging by a fault. */
  status: number;
  origin?: string;
  /** From the bearer token: `tid` is the tenant it was issued in, `oid` the caller's object id in that tenant. */
  tokenClaims?: { acrs?: string[]; amr?: string[]; scp?: string; tid?: string; oid?: string };
  /**
   * The tenant that answered: for Graph / ARM the token's tenant (a token sees only its tenant's data), for
   * login.microsoftonline.com the authority's tenant. Absent when no tenant of the stand-in was named.
   */
  tenantId?: string;
  body?: unknown;
  batch?: BatchLogItem[];
}

/** Graph reads PIM Companion must never make: directory reads need admin-consent scopes it does not ask for. */
export const DIRECTORY_READ = /^\/(?:(?:v1\.0|beta)\/)?(?:groups|directoryObjects)\b/i;

export class RequestLog {
  private entries: LogEntry[] = [];
  private seq = 0;
  /**
   * Every Graph directory read (direct or inside $batch) since start; clear() keeps it, so a whole run can be checked.
   */
  private directory: string[] = [];

  add(entry: Omit<LogEntry, 'seq'>): LogEntry {
    const full = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    if (entry.host === 'graph.microsoft.com') {
      for (const url of [entry.path, ...(entry.batch ?? []).map((b) => b.url)])
        if (DIRECTORY_READ.test(url)) this.directory.push(url);
    }
    return full;
  }

  directoryReads(): string[] {
    return [...this.directory];
  }

  list(): LogEntry[] {
    return this.entries.map((e) => structuredClone(e));
  }

  clear(): void {
    this.entries = [];
  }
}
