/**
 * startFakeTenant: one HTTPS server on 127.0.0.1 that answers for login.microsoftonline.com, graph.microsoft.com and
 * the admin portals (routing by Host header), plus the control API on 127.0.0.1/localhost.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Socket } from 'node:net';
import { certificateFor } from './cert.ts';
import type { TenantContext } from './context.ts';
import { StandIn } from './context.ts';
import type { ControlClient } from './control.ts';
import { createControl, handleControl } from './control.ts';
import { codeForStatus, errorBody, messageForStatus, newMeta } from './graph/errors.ts';
import { handleGraph } from './graph/index.ts';
import { ARM_HOST, GRAPH_HOST, LOGIN_HOST, allHosts, hostResolverRules, isControlHost } from './hosts.ts';
import { handleArm } from './arm/index.ts';
import type { Incoming, Reply } from './http.ts';
import { header, json } from './http.ts';
import { handleLogin } from './idp.ts';
import { peekClaims } from './jwt.ts';
import type { LogEntry } from './log.ts';
import { handlePortal } from './portals.ts';
import type { Scenario } from './scenario.ts';
import { loadDefaultScenario, parseScenario } from './scenario.ts';

export type { ControlClient, TenantState } from './control.ts';
export type { FaultSpec } from './faults.ts';
export type { LogEntry } from './log.ts';
export type { Scenario } from './scenario.ts';

export interface FakeTenant {
  port: number;
  origin: string;
  hostResolverRules: string;
  control: ControlClient;
  close(): Promise<void>;
}

const MAX_BODY = 5 * 1024 * 1024;
const ALLOW_HEADERS =
  'Authorization, Content-Type, client-request-id, return-client-request-id, x-client-SKU, x-client-VER, x-client-OS, x-client-CPU, x-client-current-telemetry, x-client-last-telemetry, x-ms-lib-capability, x-app-name, x-app-ver, SdkVersion, ConsistencyLevel, Prefer, x-anchormailbox, x-ms-client-request-id';
const EXPOSE_HEADERS =
  'Retry-After, request-id, client-request-id, x-ms-request-id, x-ms-ags-diagnostic, Location, x-ms-ratelimit-remaining-subscription-reads, x-ms-ratelimit-remaining-tenant-reads';

const open = new Set<FakeTenant>();

/** The stand-ins running in this process, so a test run can check every journey's log (tests/e2e/setup.ts). */
export function openTenants(): FakeTenant[] {
  return [...open];
}

export async function startFakeTenant(
  opts: { port?: number; scenario?: Scenario | string; now?: Date } = {},
): Promise<FakeTenant> {
  const scenario = opts.scenario === undefined ? loadDefaultScenario() : parseScenario(opts.scenario);
  const world = new StandIn(scenario, opts.now);
  const control = createControl(world);
  const { key, cert } = await certificateFor(allHosts(scenario.tenant.domain));
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  const server = createServer({ key, cert }, (req, res) => {
    handle(world, control, req, res, hanging).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`fake tenant error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const tenant: FakeTenant = {
    port,
    origin: `https://127.0.0.1:${port}`,
    hostResolverRules: hostResolverRules(port, scenario.tenant.domain),
    control,
    close: () =>
      new Promise<void>((resolve) => {
        open.delete(tenant);
        for (const r of hanging) r.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  open.add(tenant);
  return tenant;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toIncoming(req: IncomingMessage, body: string): Incoming {
  const host = (header(req.headers, 'host') ?? '').replace(/:\d+$/, '').toLowerCase();
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    /* leave undecodable paths raw; no route will match them */
  }
  return {
    host,
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    rawPath,
    rawQuery,
    query: new URLSearchParams(rawQuery),
    headers: req.headers,
    body,
  };
}

function corsHeaders(origin: string | undefined): Record<string, string> {
  const base: Record<string, string> = { Vary: 'Origin' };
  if (origin && /^(chrome-extension|moz-extension):\/\/[^/]+$/i.test(origin)) {
    base['Access-Control-Allow-Origin'] = origin;
    base['Access-Control-Expose-Headers'] = EXPOSE_HEADERS;
  }
  return base;
}

/**
 * Graph and ARM answer as the tenant the bearer token was issued in (its `tid`, when the signature is ours): a token
 * never sees another tenant's data. Without a valid token the home tenant answers (and rejects it).
 */
function tenantFor(world: StandIn, inc: Incoming): TenantContext {
  const m = /^Bearer\s+(.+)$/i.exec(header(inc.headers, 'authorization') ?? '');
  const claims = m ? world.signer.verify(m[1]!.trim()) : null;
  return (typeof claims?.tid === 'string' ? world.find(claims.tid) : undefined) ?? world.home;
}

async function handle(
  world: StandIn,
  control: ControlClient,
  req: IncomingMessage,
  res: ServerResponse,
  hanging: Set<ServerResponse>,
): Promise<void> {
  const body = await readBody(req);
  const inc = toIncoming(req, body);
  const origin = header(req.headers, 'origin');

  if (isControlHost(inc.host)) {
    const reply = inc.path.startsWith('/_control/')
      ? await handleControl(control, inc)
      : json(404, { error: 'The control API lives under /_control/.' });
    write(res, reply, {});
    return;
  }

  const cors = corsHeaders(origin);
  const at = world.clock.iso();
  const ctx = inc.host === GRAPH_HOST || inc.host === ARM_HOST ? tenantFor(world, inc) : world.home;
  let reply: Reply;
  if (inc.method === 'OPTIONS') {
    reply = {
      status: 204,
      headers: {
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': header(req.headers, 'access-control-request-headers') ?? ALLOW_HEADERS,
        'Access-Control-Max-Age': '3600',
      },
      body: '',
    };
  } else {
    const fault = world.faults.take({
      host: inc.host,
      method: inc.method,
      pathAndQuery: `${inc.rawPath}${inc.rawQuery ? `?${inc.rawQuery}` : ''}`,
      body: inc.body,
    });
    if (fault && 'kind' in fault && fault.kind.startsWith('processed-then-')) {
      reply = { ...route(world, ctx, inc), drop: fault.kind === 'processed-then-reset' ? 'reset' : 'timeout' };
    } else if (fault) reply = faultReply(ctx, inc, fault);
    else reply = route(world, ctx, inc);
  }
  logRequest(world, ctx, inc, origin, at, reply);
  if (reply.drop === 'reset') {
    // TLS sockets cannot send a TCP RST from Node; destroying the socket mid-request is what the client sees as a
    // reset.
    req.socket.destroy();
    return;
  }
  if (reply.drop === 'timeout') {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
    return;
  }
  // Like Microsoft's servers, the Date header tells the stand-in's time (its clock), which the product uses for skew.
  write(res, reply, { ...cors, Date: new Date(world.clock.nowMs()).toUTCString() });
}

function route(world: StandIn, ctx: TenantContext, inc: Incoming): Reply {
  if (inc.host === LOGIN_HOST) return handleLogin(world, inc);
  if (inc.host === GRAPH_HOST) return handleGraph(ctx, inc);
  if (inc.host === ARM_HOST) return handleArm(ctx, inc);
  return handlePortal(inc);
}

function write(res: ServerResponse, reply: Reply, cors: Record<string, string>): void {
  res.writeHead(reply.status, { ...cors, ...reply.headers });
  res.end(reply.body);
}

function faultReply(
  ctx: TenantContext,
  inc: Incoming,
  fault: NonNullable<ReturnType<TenantContext['faults']['take']>>,
): Reply {
  if ('kind' in fault) {
    if (fault.kind === 'malformed-json')
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: '{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection","value":[{"id":',
      };
    return { status: 0, headers: {}, body: '', drop: fault.kind.endsWith('reset') ? 'reset' : 'timeout' };
  }
  const meta = newMeta(header(inc.headers, 'client-request-id'), ctx.clock.iso());
  const body =
    fault.body !== undefined
      ? typeof fault.body === 'string'
        ? fault.body
        : JSON.stringify(fault.body)
      : JSON.stringify(errorBody(codeForStatus(fault.status), messageForStatus(fault.status), meta));
  return {
    status: fault.status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'request-id': meta.requestId,
      'client-request-id': meta.clientRequestId,
      ...(fault.headers ?? {}),
    },
    body,
  };
}

function logRequest(
  world: StandIn,
  ctx: TenantContext,
  inc: Incoming,
  origin: string | undefined,
  at: string,
  reply: Reply,
): void {
  const entry: Omit<LogEntry, 'seq'> = {
    at,
    host: inc.host,
    method: inc.method,
    path: inc.path,
    query: safeDecode(inc.rawQuery),
    status: reply.drop ? 0 : reply.status,
  };
  if (origin) entry.origin = origin;
  let claims = reply.logExtra?.tokenClaims;
  if (!claims) {
    const m = /^Bearer\s+(.+)$/i.exec(header(inc.headers, 'authorization') ?? '');
    const peek = m ? peekClaims(m[1]!) : null;
    if (peek)
      claims = {
        acrs: Array.isArray(peek.acrs) ? (peek.acrs as string[]) : [],
        amr: Array.isArray(peek.amr) ? (peek.amr as string[]) : [],
        scp: typeof peek.scp === 'string' ? peek.scp : '',
        ...(typeof peek.tid === 'string' ? { tid: peek.tid } : {}),
        ...(typeof peek.oid === 'string' ? { oid: peek.oid } : {}),
      };
  }
  if (claims) entry.tokenClaims = claims;
  const tenantId = answeringTenant(world, ctx, inc, claims);
  if (tenantId) entry.tenantId = tenantId;
  if (inc.body) entry.body = parseLogBody(inc.body, header(inc.headers, 'content-type'));
  if (reply.logExtra?.batch) entry.batch = reply.logExtra.batch;
  world.log.add(entry);
}

/**
 * The tenant that answered: for Graph/ARM the token's tenant (when it is one of the stand-in's), for the IdP the
 * authority's tenant (none for organizations/common before a user is known).
 */
function answeringTenant(
  world: StandIn,
  ctx: TenantContext,
  inc: Incoming,
  claims: LogEntry['tokenClaims'],
): string | undefined {
  if (inc.host === GRAPH_HOST || inc.host === ARM_HOST)
    return claims?.tid && world.find(claims.tid) === ctx ? ctx.scenario.tenant.id : undefined;
  if (inc.host === LOGIN_HOST) {
    const seg = inc.path.split('/').filter(Boolean)[0] ?? '';
    return world.find(seg)?.scenario.tenant.id;
  }
  return undefined;
}

/** Percent-decoded so tests can match "status eq 'PendingApproval'" however the client encoded it. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseLogBody(body: string, contentType: string | undefined): unknown {
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
