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
  tokenClaims?: { acrs?: string[]; amr?: string[]; scp?: string };
  body?: unknown;
  batch?: BatchLogItem[];
}

export class RequestLog {
  private entries: LogEntry[] = [];
  private seq = 0;

  add(entry: Omit<LogEntry, 'seq'>): LogEntry {
    const full = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    return full;
  }

  list(): LogEntry[] {
    return this.entries.map((e) => structuredClone(e));
  }

  clear(): void {
    this.entries = [];
  }
}
