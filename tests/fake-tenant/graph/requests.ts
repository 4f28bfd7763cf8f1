/**
 * POST endpoints: self activate / deactivate / extend / renew for roles and groups, eligibility extend/renew, cancel.
 * Validation order and error codes follow the reference (section 4): state conflicts first (RoleAssignmentExists,
 * PendingRoleAssignmentRequest), then every failed policy rule in one message, then authentication context.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseDuration } from '../clock.ts';
import type { Reply } from '../http.ts';
import { empty } from '../http.ts';
import type { RequestCollection, RequestRec, Target } from '../store.ts';
import { isCurrent, newStep, sameTarget } from '../store.ts';
import { SCOPES, requireScope } from './auth.ts';
import type { GraphCall } from './call.ts';
import { graphError, graphHeaders, graphJson } from './errors.ts';
import { policyFor } from './policies.ts';
import { notFound } from './reads.ts';
import * as shape from './shapes.ts';

const Body = z.looseObject({
  action: z.string(),
  principalId: z.string(),
  roleDefinitionId: z.string().optional(),
  directoryScopeId: z.string().nullish(),
  appScopeId: z.string().nullish(),
  groupId: z.string().optional(),
  accessId: z.string().optional(),
  justification: z.string().nullish(),
  isValidationOnly: z.boolean().nullish(),
  ticketInfo: z.looseObject({ ticketNumber: z.string().nullish(), ticketSystem: z.string().nullish() }).nullish(),
  scheduleInfo: z
    .looseObject({
      startDateTime: z.string().nullish(),
      expiration: z
        .looseObject({ type: z.string().nullish(), duration: z.string().nullish(), endDateTime: z.string().nullish() })
        .nullish(),
    })
    .nullish(),
});
type Body = z.infer<typeof Body>;

const PENDING = new Set([
  'pendingapproval',
  'pendingadmindecision',
  'granted',
  'pendingscheduleCreation'.toLowerCase(),
  'pendingprovisioning',
]);
const FIVE_MIN = 5 * 60_000;
/** Clients stamp "now" from their own clock; a start this close to the stand-in's now counts as immediate. */
const IMMEDIATE_TOLERANCE = 5 * 60_000;

const ROUTES: { re: RegExp; collection: RequestCollection; scopes: readonly string[] }[] = [
  {
    re: /^\/roleManagement\/directory\/roleAssignmentScheduleRequests/i,
    collection: 'roleAssignment',
    scopes: SCOPES.roleAssignmentWrite,
  },
  {
    re: /^\/roleManagement\/directory\/roleEligibilityScheduleRequests/i,
    collection: 'roleEligibility',
    scopes: SCOPES.roleEligibilityWrite,
  },
  {
    re: /^\/identityGovernance\/privilegedAccess\/group\/assignmentScheduleRequests/i,
    collection: 'groupAssignment',
    scopes: SCOPES.groupAssignmentWrite,
  },
];

export function handleWrite(call: GraphCall): Reply | null {
  if (call.method !== 'POST') return null;
  const route = ROUTES.find((r) => r.re.test(call.path));
  if (!route) return null;
  const rest = call.path.replace(route.re, '').replace(/\/+$/, '');
  const denied = requireScope(call.caller, route.scopes, call.meta);
  if (denied) return denied;
  const cancel = /^\/([^/]+)\/cancel$/i.exec(rest);
  if (cancel) return cancelRequest(call, route.collection, cancel[1]!);
  if (rest !== '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(call.body || 'null');
  } catch {
    return graphError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      call.meta,
    );
  }
  const parsed = Body.safeParse(raw);
  if (!parsed.success)
    return graphError(
      400,
      'BadRequest',
      `Invalid request body: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`,
      call.meta,
    );
  return createRequest(call, route.collection, parsed.data);
}

function fail(call: GraphCall, code: string, message: string): Reply {
  return graphError(400, code, message, call.meta);
}

function targetOf(collection: RequestCollection, b: Body): Target | string {
  if (collection === 'groupAssignment') {
    if (!b.groupId) return "The request is missing the required property 'groupId'.";
    const access = (b.accessId ?? '').toLowerCase();
    if (access !== 'member' && access !== 'owner') return "The property 'accessId' must be 'member' or 'owner'.";
    return { kind: 'group', groupId: b.groupId, accessId: access };
  }
  if (!b.roleDefinitionId) return "The request is missing the required property 'roleDefinitionId'.";
  if (!b.directoryScopeId && !b.appScopeId) return "Either 'directoryScopeId' or 'appScopeId' must be provided.";
  return { kind: 'role', roleDefinitionId: b.roleDefinitionId, directoryScopeId: b.directoryScopeId ?? '/' };
}

function createRequest(call: GraphCall, collection: RequestCollection, b: Body): Reply {
  const { ctx, caller } = call;
  const store = ctx.store;
  const now = store.now();
  const action = b.action.toLowerCase();
  const allowed =
    collection === 'groupAssignment'
      ? ['selfactivate', 'selfdeactivate']
      : collection === 'roleEligibility'
        ? ['selfextend', 'selfrenew']
        : ['selfactivate', 'selfdeactivate', 'selfextend', 'selfrenew'];
  if (action.startsWith('admin'))
    return graphError(
      403,
      'Authorization_RequestDenied',
      'The caller does not have permission to perform this action.',
      call.meta,
    );
  if (!allowed.includes(action))
    return fail(call, 'BadRequest', `The action '${b.action}' is not valid for this request type.`);
  if (b.principalId !== caller.oid)
    return graphError(
      403,
      'Authorization_RequestDenied',
      'Self-service requests must name the signed-in user as principalId.',
      call.meta,
    );
  const target = targetOf(collection, b);
  if (typeof target === 'string') return fail(call, 'BadRequest', target);

  const id = randomUUID();
  const policy = policyFor(ctx.scenario, target);
  const maxMs = parseDuration(policy.maximumDuration) ?? 8 * 3_600_000;
  const requestedStart = b.scheduleInfo?.startDateTime ? Date.parse(b.scheduleInfo.startDateTime) : now;
  const startMs = Number.isNaN(requestedStart) || requestedStart <= now + IMMEDIATE_TOLERANCE ? now : requestedStart;
  const exp = b.scheduleInfo?.expiration;
  const expType = (exp?.type ?? (b.scheduleInfo ? 'notSpecified' : 'afterDuration')).toLowerCase();
  let durationMs: number | null = null;
  let endMs: number | null = null;
  if (expType === 'afterduration')
    durationMs = exp?.duration ? parseDuration(exp.duration) : b.scheduleInfo ? null : maxMs;
  else if (expType === 'afterdatetime' && exp?.endDateTime) {
    endMs = Date.parse(exp.endDateTime);
    durationMs = endMs - startMs;
  }
  if (durationMs !== null && endMs === null) endMs = startMs + durationMs;

  const rec: RequestRec = {
    id,
    collection,
    action: b.action.charAt(0).toLowerCase() + b.action.slice(1),
    status: 'Provisioned',
    principalId: b.principalId,
    createdById: caller.oid,
    target,
    justification: b.justification ?? null,
    ticketInfo: { ticketNumber: b.ticketInfo?.ticketNumber ?? null, ticketSystem: b.ticketInfo?.ticketSystem ?? null },
    scheduleInfo: {
      startDateTime: new Date(startMs).toISOString().replace(/\.\d+Z$/, 'Z'),
      recurrence: null,
      expiration: {
        type: exp?.type ? exp.type.charAt(0).toLowerCase() + exp.type.slice(1) : 'afterDuration',
        endDateTime: exp?.endDateTime ?? null,
        duration: exp?.duration ?? null,
      },
    },
    createdMs: now,
    completedMs: null,
    startMs,
    endMs,
    durationMs,
    isValidationOnly: b.isValidationOnly === true,
    approvalId: null,
    targetScheduleId: target.kind === 'group' ? `${target.groupId}_${target.accessId}_${id}` : id,
    step: null,
  };

  const mine = (r: { principalId: string; target: Target }) =>
    r.principalId === caller.oid && sameTarget(r.target, target);
  const pending = store.requests.find(
    (r) =>
      r.collection === collection &&
      mine(r) &&
      PENDING.has(r.status.toLowerCase()) &&
      (r.status !== 'Granted' || r.startMs > now),
  );
  const activeAll = store.assignments.filter((a) => mine(a) && isCurrent(a, now));
  const activated = activeAll.find((a) => a.assignmentType === 'Activated' && a.memberType === 'Direct');

  if (action === 'selfdeactivate') {
    if (!activated) return fail(call, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
    if (now - activated.startMs < FIVE_MIN)
      return fail(call, 'ActiveDurationTooShort', 'The Active duration is too short. Miniumum Required is 5 minutes.');
    if (rec.isValidationOnly) return created(call, rec);
    store.assignments = store.assignments.filter((a) => a !== activated);
    rec.status = 'Revoked';
    rec.completedMs = now;
    rec.scheduleInfo = {
      startDateTime: null,
      recurrence: null,
      expiration: { type: 'afterDuration', endDateTime: null, duration: null },
    };
    rec.targetScheduleId = activated.scheduleId;
    store.requests.push(rec);
    return created(call, rec);
  }

  if (pending)
    return fail(call, 'PendingRoleAssignmentRequest', 'There is already an existing pending Role assignment request.');

  if (action === 'selfextend' || action === 'selfrenew') {
    // Extend/renew: the eligibility (or assignment) must exist (extend) or have ended within 30 days (renew); admins
    // decide.
    const pool = collection === 'roleEligibility' ? store.eligibilities : store.assignments;
    const existing = pool.filter(mine);
    const ok =
      action === 'selfextend'
        ? existing.some((e) => isCurrent(e, now))
        : existing.some((e) => e.endMs !== null && e.endMs <= now && now - e.endMs <= 30 * 86_400_000) ||
          existing.some((e) => isCurrent(e, now));
    if (!ok) return fail(call, 'RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
    if (!rec.justification?.trim())
      return fail(
        call,
        'RoleAssignmentRequestPolicyValidationFailed',
        'The following policy rules failed: ["JustificationRule"]',
      );
    if (rec.isValidationOnly) return created(call, { ...rec, status: 'PendingAdminDecision' });
    rec.status = 'PendingAdminDecision';
    rec.approvalId = id;
    store.requests.push(rec);
    return created(call, rec);
  }

  // selfActivate
  if (activeAll.length) return fail(call, 'RoleAssignmentExists', 'The Role assignment already exists.');
  const failed: string[] = [];
  const eligible = store.eligibilities.some((e) => mine(e) && isCurrent(e, now));
  if (!eligible) failed.push('EligibilityRule');
  if (
    durationMs === null ||
    durationMs <= 0 ||
    durationMs > maxMs ||
    (expType === 'noexpiration' && policy.isExpirationRequired)
  )
    failed.push('ExpirationRule');
  const rules = policy.enabledRules;
  if (rules.includes('Justification') && !rec.justification?.trim()) failed.push('JustificationRule');
  if (rules.includes('Ticketing') && (!rec.ticketInfo.ticketNumber?.trim() || !rec.ticketInfo.ticketSystem?.trim()))
    failed.push('TicketingRule');
  if (rules.includes('MultiFactorAuthentication') && !caller.amr.map((a) => a.toLowerCase()).includes('mfa'))
    failed.push('MfaRule');
  if (failed.length)
    return fail(
      call,
      'RoleAssignmentRequestPolicyValidationFailed',
      `The following policy rules failed: ${JSON.stringify(failed)}`,
    );
  const acr = policy.authenticationContext;
  if (acr && !caller.acrs.includes(acr)) {
    const claims = encodeURIComponent(JSON.stringify({ access_token: { acrs: { essential: true, value: acr } } }));
    return fail(
      call,
      'RoleAssignmentRequestAcrsValidationFailed',
      `The Role assignment request requires the authentication context '${acr}'. Sign in again with the claims in this message. &claims=${claims}`,
    );
  }
  if (rec.isValidationOnly)
    return created(call, { ...rec, status: policy.approvalRequired ? 'PendingEvaluation' : 'Granted' });
  store.requests.push(rec);
  if (policy.approvalRequired) {
    rec.status = 'PendingApproval';
    rec.approvalId = id;
    rec.step = newStep();
    return created(call, rec);
  }
  store.provision(rec);
  return created(call, rec);
}

function created(call: GraphCall, rec: RequestRec): Reply {
  const context =
    rec.collection === 'groupAssignment'
      ? 'identityGovernance/privilegedAccess/group/assignmentScheduleRequests/$entity'
      : rec.collection === 'roleEligibility'
        ? 'roleManagement/directory/roleEligibilityScheduleRequests/$entity'
        : 'roleManagement/directory/roleAssignmentScheduleRequests/$entity';
  return graphJson(
    201,
    { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${context}`, ...shape.request(rec) },
    call.meta,
  );
}

function cancelRequest(call: GraphCall, collection: RequestCollection, id: string): Reply {
  const store = call.ctx.store;
  const r = store.requests.find((x) => x.collection === collection && x.id === id);
  if (!r || (r.principalId !== call.caller.oid && r.createdById !== call.caller.oid)) return notFound(call, id);
  const status = r.status.toLowerCase();
  if (!PENDING.has(status) || (status === 'granted' && r.startMs <= store.now()))
    return fail(call, 'BadRequest', `The request cannot be canceled because its status is '${r.status}'.`);
  if (status === 'granted') store.assignments = store.assignments.filter((a) => a.scheduleId !== r.targetScheduleId);
  r.status = 'Canceled';
  r.completedMs = store.now();
  return empty(204, graphHeaders(call.meta));
}
