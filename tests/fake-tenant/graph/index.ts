/** graph.microsoft.com: authenticate, then route to pinned responses, reads, policies, writes or $batch. */
import type { TenantContext } from '../context.ts';
import type { Incoming, Reply } from '../http.ts';
import { header } from '../http.ts';
import { handleBetaApprovals, handleV1Approvals } from './approvals.ts';
import { authenticate } from './auth.ts';
import { handleBatch } from './batch.ts';
import type { GraphCall } from './call.ts';
import { graphError, graphJson, newMeta } from './errors.ts';
import { handlePolicyRead } from './policy-read.ts';
import { handleRead } from './reads.ts';
import { handleWrite } from './requests.ts';

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function handleGraph(ctx: TenantContext, req: Incoming): Reply {
  const meta = newMeta(header(req.headers, 'client-request-id'), ctx.clock.iso());
  const m = /^\/(v1\.0|beta)(\/.*)?$/i.exec(req.path);
  if (!m) return graphError(400, 'BadRequest', 'Invalid version.', meta);
  const beta = m[1]!.toLowerCase() === 'beta';
  // Beta serves only what the product documents there: the directory-role approval steps (graph/approvals.ts).
  if (beta && !/^\/roleManagement\/directory\/roleAssignmentApprovals(\/|$)/i.test(m[2] ?? ''))
    return graphError(400, 'BadRequest', 'The stand-in serves only /v1.0 (and the beta role approvals).', meta);
  const caller = authenticate(ctx, header(req.headers, 'authorization'), meta);
  if ('status' in caller) return caller;
  ctx.store.settle();
  const rawPathAfterVersion = req.rawPath.replace(/^\/(v1\.0|beta)/i, '');
  const call: GraphCall = {
    ctx,
    method: req.method,
    path: m[2] ?? '/',
    query: req.query,
    body: req.body,
    contentType: header(req.headers, 'content-type'),
    meta,
    caller,
    pinnedKey: `${rawPathAfterVersion}${req.rawQuery ? `?${req.rawQuery}` : ''}`,
  };
  const reply = beta
    ? (handleBetaApprovals(call) ?? graphError(400, 'BadRequest', 'Resource not found.', meta))
    : /^\/\$batch\/?$/i.test(call.path) && call.method === 'POST'
      ? handleBatch(call, route)
      : route(call);
  reply.logExtra = {
    ...reply.logExtra,
    tokenClaims: { acrs: caller.acrs, amr: caller.amr, scp: caller.scp, tid: ctx.scenario.tenant.id, oid: caller.oid },
  };
  return reply;
}

function route(call: GraphCall): Reply {
  const pinned = call.ctx.scenario.pinned.find(
    (p) =>
      p.method.toUpperCase() === call.method &&
      (p.path === call.pinnedKey || safeDecode(p.path) === safeDecode(call.pinnedKey)),
  );
  if (pinned) return graphJson(pinned.status, pinned.body, call.meta);
  const approval = handleV1Approvals(call);
  if (approval) return approval;
  if (call.method === 'GET') {
    const r = handleRead(call) ?? handlePolicyRead(call);
    if (r) return r;
  }
  const w = handleWrite(call);
  if (w) return w;
  const segment = call.path.split('/').filter(Boolean)[0] ?? '';
  return graphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`, call.meta);
}
