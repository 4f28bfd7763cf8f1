/** Transport-neutral request/reply shapes, so the same handlers serve direct calls and $batch items. */
import type { IncomingHttpHeaders } from 'node:http';

export interface Incoming {
  host: string;
  method: string;
  /** Path without the query string, percent-decoded. */
  path: string;
  /** Path without the query string, as sent. */
  rawPath: string;
  /** Raw query string without the leading "?". */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the request log: what the handler wants recorded beyond the basics. */
  logExtra?: {
    tokenClaims?: { acrs?: string[]; amr?: string[]; scp?: string; tid?: string; oid?: string };
    batch?: { id: string; method: string; url: string; status: number }[];
  };
  /** Set when the connection must be reset or left hanging instead of answered. */
  drop?: 'reset' | 'timeout';
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function html(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body };
}

export function redirect(location: string, headers: Record<string, string> = {}): Reply {
  return { status: 302, headers: { Location: location, ...headers }, body: '' };
}

export function empty(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: '' };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Cookie header → map (first occurrence wins). */
export function cookies(h: IncomingHttpHeaders): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header(h, 'cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!out.has(k)) out.set(k, part.slice(i + 1).trim());
  }
  return out;
}
