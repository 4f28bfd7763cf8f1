/**
 * Graph error bodies → one structured GraphError. Facts only (status, code, the policy rules that failed, how long to
 * wait, the claims a step-up needs); turning them into a sentence for a person is lib/pim/errors.ts's job. Only the
 * fallback messages written here (no answer, no message from Graph) are ours, read from the messages files.
 */
import { decodeBase64Url } from '../base64url';
import { t } from '../i18n';
import { GraphErrorBody } from './schemas';

export interface GraphError {
  /** HTTP status; 0 when the request never got an answer (offline, DNS, aborted). */
  status: number;
  /** Graph's error.code; '' when Graph sent none (it sometimes does not, e.g. on some 403s). */
  code: string;
  message: string;
  /**
   * From 'The following policy rules failed: ["ExpirationRule", ...]' (RoleAssignmentRequestPolicyValidationFailed).
   */
  failedRules?: string[];
  /** Retry-After in seconds, fractional allowed (Graph sends e.g. 2.128). */
  retryAfterSeconds?: number;
  /**
   * The claims JSON a token must satisfy: URL-decoded from an ACRS message's `&claims=` fragment, or base64-decoded
   * from a WWW-Authenticate `claims="…"` challenge. Pass it to MSAL as `claims`.
   */
  claims?: string;
  /** innerError.request-id, for support tickets. */
  requestId?: string;
}

/**
 * Thrown by the Graph client for a failed request (non-2xx, network failure: status 0, unreadable answer). The
 * GraphError fields are also on the error itself (`e.status`, `e.code`, `e.message` is Graph's message), so error
 * mappers can read it like a plain `{status, code, message}`.
 */
export class GraphRequestError extends Error {
  override readonly name = 'GraphRequestError';
  readonly status: number;
  readonly code: string;
  constructor(readonly error: GraphError) {
    super(error.message);
    this.status = error.status;
    this.code = error.code;
  }
}

export type HeadersLike = Headers | Record<string, string | undefined> | undefined;

export function headerValue(headers: HeadersLike, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | undefined>)) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

export function parseGraphError(
  status: number,
  body: unknown,
  headers?: HeadersLike,
  now: Date = new Date(),
): GraphError {
  const parsed = GraphErrorBody.safeParse(typeof body === 'string' ? tryJson(body) : body);
  const inner = parsed.success ? parsed.data.error : undefined;
  const code = inner?.code ?? '';
  const message =
    inner?.message ||
    (typeof body === 'string' && body.trim() && !parsed.success ? body.trim().slice(0, 500) : '') ||
    defaultMessage(status);

  const error: GraphError = { status, code, message };
  const failedRules = parseFailedRules(message);
  if (failedRules) error.failedRules = failedRules;
  const retryAfter = parseRetryAfter(headerValue(headers, 'retry-after'), now);
  if (retryAfter !== undefined) error.retryAfterSeconds = retryAfter;
  const claims = claimsFromMessage(message) ?? claimsFromChallenge(headerValue(headers, 'www-authenticate'));
  if (claims) error.claims = claims;
  if (inner?.requestId) error.requestId = inner.requestId;
  return error;
}

/** A fetch that never got an HTTP answer. */
export function networkError(cause: unknown): GraphError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return { status: 0, code: 'NetworkError', message: t('graphUnreachable', detail) };
}

function defaultMessage(status: number): string {
  return status === 0 ? t('graphNoAnswer') : t('graphHttpStatus', status);
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function parseFailedRules(message: string): string[] | undefined {
  const match = /policy rules failed:\s*(\[[^\]]*\])/i.exec(message);
  if (!match?.[1]) return undefined;
  const list = tryJson(match[1]);
  if (Array.isArray(list)) return list.filter((r): r is string => typeof r === 'string');
  // Not JSON (e.g. single quotes): take the word-like entries.
  return [...match[1].matchAll(/[A-Za-z][A-Za-z0-9_]*/g)].map((m) => m[0]);
}

/** Seconds (fractional allowed) or an HTTP date. Negative results (a date in the past) become 0. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now.getTime()) / 1000);
}

/**
 * ACRS failures carry the claims in the message, URL-encoded: `...&claims=%7B%22access_token%22...%7D`.
 * Some variants put raw JSON there; accept both, and only return something that parses as JSON.
 */
export function claimsFromMessage(message: string): string | undefined {
  const raw = /[&?]claims=(\{.*\})/.exec(message)?.[1];
  if (raw && isJson(raw)) return raw;
  const encoded = /[&?]claims=([^&\s"']+)/.exec(message)?.[1];
  if (!encoded) return undefined;
  try {
    const decoded = decodeURIComponent(encoded);
    return isJson(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** `WWW-Authenticate: Bearer ..., error="insufficient_claims", claims="<base64 JSON>"`. */
export function claimsFromChallenge(header: string | undefined): string | undefined {
  const value = header ? /\bclaims="([^"]+)"/i.exec(header)?.[1] : undefined;
  if (!value) return undefined;
  try {
    const decoded = decodeBase64Url(value);
    return isJson(decoded) ? decoded : undefined;
  } catch {
    // Not base64: some challenges carry the JSON itself.
    return isJson(value) ? value : undefined;
  }
}

function isJson(text: string): boolean {
  return tryJson(text) !== undefined;
}
