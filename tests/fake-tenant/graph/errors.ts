/** Graph's error envelope and the headers every Graph response carries. */
import { randomUUID } from 'node:crypto';
import type { Reply } from '../http.ts';
import { json } from '../http.ts';

export interface CallMeta {
  requestId: string;
  clientRequestId: string;
  nowIso: string;
}

export function newMeta(clientRequestId: string | undefined, nowIso: string): CallMeta {
  return { requestId: randomUUID(), clientRequestId: clientRequestId ?? randomUUID(), nowIso };
}

export function graphHeaders(meta: CallMeta): Record<string, string> {
  return {
    'request-id': meta.requestId,
    'client-request-id': meta.clientRequestId,
    'x-ms-ags-diagnostic':
      '{"ServerInfo":{"DataCenter":"Stand-in","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"FAKE"}}',
  };
}

export function errorBody(code: string, message: string, meta: CallMeta) {
  return {
    error: {
      code,
      message,
      innerError: {
        date: meta.nowIso.replace(/\.\d+Z$/, ''),
        'request-id': meta.requestId,
        'client-request-id': meta.clientRequestId,
      },
    },
  };
}

export function graphError(
  status: number,
  code: string,
  message: string,
  meta: CallMeta,
  headers: Record<string, string> = {},
): Reply {
  return json(status, errorBody(code, message, meta), { ...graphHeaders(meta), ...headers });
}

/** Graph's answer to a caller without the permission or directory role an operation needs (reference §4, 403 row). */
export function insufficientPrivileges(meta: CallMeta): Reply {
  return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', meta);
}

export function graphJson(status: number, value: unknown, meta: CallMeta, headers: Record<string, string> = {}): Reply {
  return json(status, value, {
    ...graphHeaders(meta),
    'Cache-Control': 'no-cache',
    'OData-Version': '4.0',
    ...headers,
  });
}

export const CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#';

export function collection(context: string, value: unknown[]) {
  return { '@odata.context': `${CONTEXT}${context}`, value };
}

/** Status text Graph uses for generic codes, so an injected fault without a body still looks like Graph. */
export function codeForStatus(status: number): string {
  const map: Record<number, string> = {
    400: 'BadRequest',
    401: 'InvalidAuthenticationToken',
    403: 'Authorization_RequestDenied',
    404: 'ResourceNotFound',
    409: 'Conflict',
    429: 'TooManyRequests',
    500: 'InternalServerError',
    502: 'BadGateway',
    503: 'ServiceUnavailable',
    504: 'GatewayTimeout',
  };
  return map[status] ?? 'UnknownError';
}

export function messageForStatus(status: number): string {
  const map: Record<number, string> = {
    429: 'Too many requests',
    503: 'The service is currently unavailable. Please retry later.',
    500: 'An internal server error occurred.',
    504: 'The operation timed out.',
  };
  return map[status] ?? 'The request failed.';
}
