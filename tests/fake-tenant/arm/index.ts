/**
 * management.azure.com for the PIM calls (Microsoft.Authorization, api-version 2020-10-01), with ARM's URL shapes,
 * error bodies `{"error":{"code","message"}}` and status codes:
 *
 *   GET  {scope?}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances?$filter=asTarget()
 *   GET  {scope?}/providers/Microsoft.Authorization/roleAssignmentScheduleInstances?$filter=asTarget()
 *   GET  {scope?}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests?$filter=asRequestor()|asTarget()
 *   GET  {scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments[?$filter=roleDefinitionId eq '…']
 *   PUT  {scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/{guid}   SelfActivate /
 * SelfDeactivate GET  {scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/{guid}
 *   POST {scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/{guid}/cancel
 *
 * Strict like ARM: no api-version → 400 MissingApiVersionParameter, another version → 400 NoRegisteredProviderFound;
 * a token for another audience → 401. A list at a subscription scope returns what is defined at or below it, so a
 * management-group eligibility is only seen at the root (the trap of reference §8). Lists page by `nextLink`.
 * Unverified details (no Microsoft text found): the 404 code for an unknown request name, the 400 for cancelling a
 * request that is no longer pending, and the 400 for re-using a request name.
 */
import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../context.ts';
import { parseDuration } from '../clock.ts';
import type { Incoming, Reply } from '../http.ts';
import { header, json } from '../http.ts';
import { ARM_HOST } from '../hosts.ts';
import {
  guidOf,
  norm,
  type ArmState,
  type AzureAssignment,
  type AzureEligibility,
  type AzureRequest,
} from './state.ts';

export const ARM_API_VERSION = '2020-10-01';
const AUTH = '/providers/microsoft.authorization/';
const FLOOR_MS = 5 * 60_000;
/** A start this close to now counts as now (clients stamp their own clock), as the Graph side does. */
const NOW_SLACK_MS = 5 * 60_000;

function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
  return json(status, { error: { code, message } }, { 'x-ms-request-id': randomUUID(), ...headers });
}

interface Caller {
  oid: string;
  amr: string[];
  acrs: string[];
}

function authenticate(ctx: TenantContext, inc: Incoming): Caller | Reply {
  const challenge = {
    'WWW-Authenticate':
      'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The access token is invalid."',
  };
  const m = /^Bearer\s+(.+)$/i.exec(header(inc.headers, 'authorization') ?? '');
  if (!m) return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  const claims = ctx.signer.verify(m[1]!.trim());
  if (!claims) return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', challenge);
  const aud = typeof claims.aud === 'string' ? claims.aud.replace(/\/+$/, '') : '';
  if (aud !== `https://${ARM_HOST}`)
    return armError(
      401,
      'InvalidAuthenticationToken',
      "The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.",
      challenge,
    );
  const now = ctx.clock.nowMs() / 1000;
  if (typeof claims.exp !== 'number' || now >= claims.exp)
    return armError(
      401,
      'ExpiredAuthenticationToken',
      'The access token expiry UTC time is earlier than current UTC time.',
    );
  if (claims.tid !== ctx.scenario.tenant.id)
    return armError(401, 'InvalidAuthenticationTokenTenant', 'The access token is from the wrong issuer.');
  const scp = typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
  if (!scp.includes('user_impersonation'))
    return armError(403, 'AuthorizationFailed', 'The access token does not carry the user_impersonation scope.');
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    oid: typeof claims.oid === 'string' ? claims.oid : '',
    amr: strings(claims.amr),
    acrs: strings(claims.acrs),
  };
}

export function handleArm(ctx: TenantContext, inc: Incoming): Reply {
  const at = inc.path.toLowerCase().lastIndexOf(AUTH);
  if (at < 0) return armError(404, 'InvalidResourceType', `The resource type could not be found in the namespace.`);
  const version = inc.query.get('api-version');
  if (!version)
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  const rest = inc.path.slice(at + AUTH.length).split('/');
  const type = rest[0] ?? '';
  if (version !== ARM_API_VERSION)
    return armError(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for location 'global' and API version '${version}' for type '${type}'. The supported api-versions are '${ARM_API_VERSION}'. The supported locations are ''.`,
    );
  const caller = authenticate(ctx, inc);
  if ('status' in caller) return caller;
  const scope = inc.path.slice(0, at) || '/';
  const arm = ctx.arm;
  const kind = type.toLowerCase();
  const name = rest[1];
  if (inc.method === 'GET' && rest.length === 1) {
    if (kind === 'roleeligibilityscheduleinstances')
      return list(ctx, inc, scope, caller, eligibilityItems(arm, caller));
    if (kind === 'roleassignmentscheduleinstances') return list(ctx, inc, scope, caller, assignmentItems(arm, caller));
    if (kind === 'roleassignmentschedulerequests') return list(ctx, inc, scope, caller, requestItems(arm, caller));
    if (kind === 'rolemanagementpolicyassignments') return policies(ctx, inc, scope);
  }
  if (kind === 'roleassignmentschedulerequests' && name) {
    if (inc.method === 'PUT' && rest.length === 2) return put(ctx, inc, scope, name, caller);
    if (inc.method === 'GET' && rest.length === 2) {
      const r = arm.requests.find((x) => x.name === name.toLowerCase() && norm(x.scope) === norm(scope));
      if (!r)
        return armError(
          404,
          'RoleAssignmentScheduleRequestNotFound',
          `The role assignment schedule request '${name}' is not found.`,
        );
      return json(200, requestJson(arm, r));
    }
    if (inc.method === 'POST' && rest.length === 3 && rest[2]!.toLowerCase() === 'cancel')
      return cancel(ctx, scope, name);
  }
  return armError(405, 'MethodNotAllowed', `The requested method ${inc.method} is not allowed here.`);
}

type Item = { scope: string; body: Record<string, unknown> };

function expanded(arm: ArmState, scope: string, guid: string, principalId: string) {
  const account = arm.scenario.accounts.find((a) => a.id === principalId);
  return {
    scope: { id: scope, ...arm.scopeInfo(scope) },
    roleDefinition: { id: arm.roleDefinitionId(guid, scope), displayName: arm.roleName(guid), type: 'BuiltInRole' },
    principal: {
      id: principalId,
      displayName: account?.displayName ?? principalId,
      email: account?.userPrincipalName ?? null,
      type: 'User',
    },
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const current = (r: { startMs: number; endMs: number | null }, now: number) =>
  r.startMs <= now && (r.endMs === null || now < r.endMs);

function eligibilityJson(arm: ArmState, e: AzureEligibility): Record<string, unknown> {
  const base = `${e.scope}/providers/Microsoft.Authorization`;
  return {
    properties: {
      scope: e.scope,
      roleDefinitionId: arm.roleDefinitionId(e.roleGuid, e.scope),
      principalId: e.principalId,
      principalType: 'User',
      status: 'Provisioned',
      roleEligibilityScheduleId: `${base}/roleEligibilitySchedules/${e.scheduleName}`,
      startDateTime: iso(e.startMs),
      endDateTime: iso(e.endMs),
      memberType: e.memberType,
      createdOn: iso(e.startMs),
      expandedProperties: expanded(arm, e.scope, e.roleGuid, e.principalId),
    },
    name: e.name,
    id: `${base}/roleEligibilityScheduleInstances/${e.name}`,
    type: 'Microsoft.Authorization/roleEligibilityScheduleInstances',
  };
}

function eligibilityItems(arm: ArmState, caller: Caller): Item[] {
  const now = arm.now();
  return arm.eligibilities
    .filter((e) => e.principalId === caller.oid && current(e, now))
    .map((e) => ({ scope: e.scope, body: eligibilityJson(arm, e) }));
}

function assignmentItems(arm: ArmState, caller: Caller): Item[] {
  const now = arm.now();
  return arm.assignments
    .filter((a) => a.principalId === caller.oid && current(a, now))
    .map((a) => {
      const base = `${a.scope}/providers/Microsoft.Authorization`;
      return {
        scope: a.scope,
        body: {
          properties: {
            scope: a.scope,
            roleDefinitionId: arm.roleDefinitionId(a.roleGuid, a.scope),
            principalId: a.principalId,
            principalType: 'User',
            status: 'Provisioned',
            assignmentType: a.assignmentType,
            roleAssignmentScheduleId: `${base}/roleAssignmentSchedules/${a.scheduleName}`,
            linkedRoleEligibilityScheduleId: a.linkedEligibility,
            startDateTime: iso(a.startMs),
            endDateTime: iso(a.endMs),
            memberType: a.memberType,
            createdOn: iso(a.startMs),
            expandedProperties: expanded(arm, a.scope, a.roleGuid, a.principalId),
          },
          name: a.name,
          id: `${base}/roleAssignmentScheduleInstances/${a.name}`,
          type: 'Microsoft.Authorization/roleAssignmentScheduleInstances',
        },
      };
    });
}

function requestJson(arm: ArmState, r: AzureRequest): Record<string, unknown> {
  return {
    properties: {
      targetRoleAssignmentScheduleId: r.targetScheduleName,
      targetRoleAssignmentScheduleInstanceId: null,
      scope: r.scope,
      roleDefinitionId: arm.roleDefinitionId(r.roleGuid, r.scope),
      principalId: r.principalId,
      principalType: 'User',
      requestType: r.requestType,
      status: r.status,
      approvalId: r.status === 'PendingApproval' ? r.name : null,
      linkedRoleEligibilityScheduleId: r.linkedRoleEligibilityScheduleId,
      scheduleInfo: {
        startDateTime: iso(r.startMs),
        expiration: {
          type: r.durationIso ? 'AfterDuration' : 'NoExpiration',
          endDateTime: null,
          duration: r.durationIso,
        },
      },
      ticketInfo: r.ticketInfo,
      justification: r.justification,
      requestorId: r.principalId,
      createdOn: iso(r.createdMs),
      expandedProperties: expanded(arm, r.scope, r.roleGuid, r.principalId),
    },
    name: r.name,
    id: `${r.scope}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${r.name}`,
    type: 'Microsoft.Authorization/roleAssignmentScheduleRequests',
  };
}

function requestItems(arm: ArmState, caller: Caller): Item[] {
  return arm.requests
    .filter((r) => r.principalId === caller.oid)
    .map((r) => ({ scope: r.scope, body: requestJson(arm, r) }));
}

function list(ctx: TenantContext, inc: Incoming, scope: string, caller: Caller, items: Item[]): Reply {
  const filter = (inc.query.get('$filter') ?? '').replace(/\s+/g, '').toLowerCase();
  if (filter !== 'astarget()' && filter !== 'asrequestor()' && norm(scope) === '/')
    return armError(
      403,
      'AuthorizationFailed',
      `The client '${caller.oid}' with object id '${caller.oid}' does not have authorization to perform action 'Microsoft.Authorization/read' over scope '/' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  // At a scope: what is defined there or below, never what is inherited from above (reference §8).
  const inScope = norm(scope) === '/' ? items : items.filter((i) => ctx.arm.contains(scope, i.scope));
  const size = ctx.scenario.azure.pageSize;
  const skip = Number(inc.query.get('$skiptoken') ?? '0');
  if (!Number.isInteger(skip) || skip < 0) return armError(400, 'InvalidSkipToken', 'The skip token is invalid.');
  const page = inScope.slice(skip, skip + size).map((i) => i.body);
  const more = skip + size < inScope.length;
  const next = new URLSearchParams(inc.rawQuery);
  next.set('$skiptoken', String(skip + size));
  return json(200, {
    value: page,
    ...(more ? { nextLink: `https://${ARM_HOST}${inc.rawPath}?${next.toString()}` } : {}),
  });
}

function policies(ctx: TenantContext, inc: Incoming, scope: string): Reply {
  const arm = ctx.arm;
  if (ctx.scenario.azure.policyReadForbidden)
    return armError(
      403,
      'AuthorizationFailed',
      `The client does not have authorization to perform action 'Microsoft.Authorization/roleManagementPolicyAssignments/read' over scope '${scope}' or the scope is invalid.`,
    );
  const filter = /roleDefinitionId\s+eq\s+'([^']+)'/i.exec(inc.query.get('$filter') ?? '')?.[1];
  const guids = filter
    ? [guidOf(filter)]
    : [...new Set(arm.eligibilities.filter((e) => arm.contains(e.scope, scope)).map((e) => e.roleGuid))];
  const rule = (id: string, ruleType: string, caller: string, level: string, extra: Record<string, unknown>) => ({
    ...extra,
    id,
    ruleType,
    target: {
      caller,
      operations: ['All'],
      level,
      targetObjects: null,
      inheritableSettings: null,
      enforcedSettings: null,
    },
  });
  const value = guids.map((guid) => {
    const p = arm.policyFor(guid, scope);
    const policyName = randomUUID();
    const policyId = `${scope}/providers/Microsoft.Authorization/roleManagementPolicies/${policyName}`;
    return {
      properties: {
        scope,
        roleDefinitionId: arm.roleDefinitionId(guid, scope),
        policyId,
        effectiveRules: [
          rule('Expiration_Admin_Eligibility', 'RoleManagementPolicyExpirationRule', 'Admin', 'Eligibility', {
            isExpirationRequired: true,
            maximumDuration: 'P365D',
          }),
          rule('Enablement_EndUser_Assignment', 'RoleManagementPolicyEnablementRule', 'EndUser', 'Assignment', {
            enabledRules: p.enabledRules,
          }),
          rule('Expiration_EndUser_Assignment', 'RoleManagementPolicyExpirationRule', 'EndUser', 'Assignment', {
            isExpirationRequired: true,
            maximumDuration: p.maximumDuration,
          }),
          rule('Approval_EndUser_Assignment', 'RoleManagementPolicyApprovalRule', 'EndUser', 'Assignment', {
            setting: {
              isApprovalRequired: p.approvalRequired,
              isApprovalRequiredForExtension: false,
              isRequestorJustificationRequired: true,
              approvalMode: p.approvalRequired ? 'SingleStage' : 'NoApproval',
              approvalStages: [],
            },
          }),
          rule(
            'AuthenticationContext_EndUser_Assignment',
            'RoleManagementPolicyAuthenticationContextRule',
            'EndUser',
            'Assignment',
            { isEnabled: !!p.authenticationContext, claimValue: p.authenticationContext ?? '' },
          ),
        ],
        policyAssignmentProperties: {
          scope: { id: scope, ...arm.scopeInfo(scope) },
          roleDefinition: {
            id: arm.roleDefinitionId(guid, scope),
            displayName: arm.roleName(guid),
            type: 'BuiltInRole',
          },
          policy: { id: policyId, lastModifiedBy: null, lastModifiedDateTime: null },
        },
      },
      name: `${policyName}_${guid}`,
      id: `${scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignment/${policyName}_${guid}`,
      type: 'Microsoft.Authorization/RoleManagementPolicyAssignment',
    };
  });
  return json(200, { value });
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface PutBody {
  properties?: {
    principalId?: unknown;
    roleDefinitionId?: unknown;
    requestType?: unknown;
    linkedRoleEligibilityScheduleId?: unknown;
    justification?: unknown;
    ticketInfo?: { ticketNumber?: unknown; ticketSystem?: unknown } | null;
    scheduleInfo?: {
      startDateTime?: unknown;
      expiration?: { type?: unknown; duration?: unknown; endDateTime?: unknown } | null;
    } | null;
  };
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

function put(ctx: TenantContext, inc: Incoming, scope: string, name: string, caller: Caller): Reply {
  const arm = ctx.arm;
  const now = arm.now();
  if (!GUID.test(name))
    return armError(400, 'InvalidRoleAssignmentScheduleRequestName', `The request name '${name}' is not a valid GUID.`);
  if (arm.requests.some((r) => r.name === name.toLowerCase()))
    return armError(
      400,
      'RoleAssignmentScheduleRequestExists',
      `The role assignment schedule request '${name}' already exists.`,
    );
  let body: PutBody;
  try {
    body = JSON.parse(inc.body) as PutBody;
  } catch {
    return armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  }
  const p = body.properties;
  const principalId = str(p?.principalId);
  const roleDefinitionId = str(p?.roleDefinitionId);
  const requestType = (str(p?.requestType) ?? '').toLowerCase();
  if (!p || !principalId || !roleDefinitionId || !requestType)
    return armError(
      400,
      'InvalidRequestContent',
      "The request content is missing 'principalId', 'roleDefinitionId' or 'requestType'.",
    );
  if (principalId !== caller.oid)
    return armError(
      403,
      'AuthorizationFailed',
      `The client '${caller.oid}' may not make requests for '${principalId}'.`,
    );
  const guid = guidOf(roleDefinitionId);
  const matches = (x: { principalId: string; roleGuid: string; scope: string }) =>
    x.principalId === caller.oid && x.roleGuid === guid && norm(x.scope) === norm(scope);
  const startRaw = str(p.scheduleInfo?.startDateTime);
  const startParsed = startRaw ? Date.parse(startRaw) : now;
  const startMs = Number.isNaN(startParsed) || startParsed < now + NOW_SLACK_MS ? now : startParsed;
  const durationIso = str(p.scheduleInfo?.expiration?.duration);
  const rec: AzureRequest = {
    name: name.toLowerCase(),
    scope,
    principalId,
    roleGuid: guid,
    requestType:
      requestType === 'selfactivate'
        ? 'SelfActivate'
        : requestType === 'selfdeactivate'
          ? 'SelfDeactivate'
          : String(p.requestType),
    status: 'Accepted',
    justification: str(p.justification),
    ticketInfo: { ticketNumber: str(p.ticketInfo?.ticketNumber), ticketSystem: str(p.ticketInfo?.ticketSystem) },
    startMs,
    durationIso,
    createdMs: now,
    linkedRoleEligibilityScheduleId: str(p.linkedRoleEligibilityScheduleId),
    targetScheduleName: null,
  };
  const fail = (code: string, message: string) => armError(400, code, message);

  if (requestType === 'selfdeactivate') {
    const active = arm.assignments.find((a) => matches(a) && a.assignmentType === 'Activated' && current(a, now));
    if (!active) return fail('RoleAssignmentDoesNotExist', 'The Role assignment does not exist.');
    if (now - active.startMs < FLOOR_MS)
      return fail('ActiveDurationTooShort', 'The Active duration is too short. Miniumum Required is 5 minutes.');
    active.endMs = now;
    rec.status = 'Revoked';
    arm.requests.push(rec);
    return json(201, requestJson(arm, rec));
  }
  if (requestType !== 'selfactivate')
    return fail('InvalidRequestType', `The request type '${String(p.requestType)}' is not valid for this caller.`);
  if (arm.requests.some((r) => matches(r) && /^(pendingapproval|granted)$/i.test(r.status)))
    return fail('PendingRoleAssignmentRequest', 'There is already an existing pending Role assignment request.');
  if (arm.assignments.some((a) => matches(a) && current(a, now)))
    return fail('RoleAssignmentExists', 'The Role assignment already exists.');
  // The eligibility: at this scope or above it (an activation may be narrower than its eligibility).
  const linked = rec.linkedRoleEligibilityScheduleId ? guidOf(rec.linkedRoleEligibilityScheduleId) : null;
  const eligibility = arm.eligibilities.find(
    (e) =>
      e.principalId === caller.oid &&
      e.roleGuid === guid &&
      current(e, now) &&
      arm.contains(e.scope, scope) &&
      (!linked || e.scheduleName === linked),
  );
  const policy = arm.policyFor(guid, scope);
  const failed: string[] = [];
  if (!eligibility) failed.push('EligibilityRule');
  const durationMs = durationIso ? parseDuration(durationIso) : null;
  const maxMs = parseDuration(policy.maximumDuration) ?? 8 * 3_600_000;
  if (durationMs === null || durationMs <= 0 || durationMs > maxMs) failed.push('ExpirationRule');
  if (policy.enabledRules.includes('Justification') && !rec.justification?.trim()) failed.push('JustificationRule');
  if (policy.enabledRules.includes('Ticketing') && !rec.ticketInfo.ticketNumber?.trim()) failed.push('TicketingRule');
  if (
    policy.enabledRules.includes('MultiFactorAuthentication') &&
    !caller.amr.map((a) => a.toLowerCase()).includes('mfa')
  )
    failed.push('MfaRule');
  if (failed.length)
    return fail(
      'RoleAssignmentRequestPolicyValidationFailed',
      `The following policy rules failed: ${JSON.stringify(failed)}`,
    );
  const acr = policy.authenticationContext;
  if (acr && !caller.acrs.includes(acr)) {
    const claims = encodeURIComponent(JSON.stringify({ access_token: { acrs: { essential: true, value: acr } } }));
    return fail(
      'RoleAssignmentRequestAcrsValidationFailed',
      `The Role assignment request requires the authentication context '${acr}'. &claims=${claims}`,
    );
  }
  arm.requests.push(rec);
  if (policy.approvalRequired) {
    rec.status = 'PendingApproval';
    return json(201, requestJson(arm, rec));
  }
  const scheduleName = randomUUID();
  rec.targetScheduleName = scheduleName;
  rec.status = startMs > now ? 'Granted' : 'Provisioned';
  arm.assignments.push({
    name: randomUUID(),
    scheduleName,
    principalId: caller.oid,
    roleGuid: guid,
    scope,
    memberType: 'Direct',
    assignmentType: 'Activated',
    startMs,
    endMs: startMs + durationMs!,
    linkedEligibility: eligibility
      ? `${eligibility.scope}/providers/Microsoft.Authorization/roleEligibilitySchedules/${eligibility.scheduleName}`
      : null,
  } satisfies AzureAssignment);
  return json(201, requestJson(arm, rec));
}

function cancel(ctx: TenantContext, scope: string, name: string): Reply {
  const arm = ctx.arm;
  const r = arm.requests.find((x) => x.name === name.toLowerCase() && norm(x.scope) === norm(scope));
  if (!r)
    return armError(
      404,
      'RoleAssignmentScheduleRequestNotFound',
      `The role assignment schedule request '${name}' is not found.`,
    );
  if (!/^(pendingapproval|granted)$/i.test(r.status))
    return armError(
      400,
      'RoleAssignmentScheduleRequestNotCancelable',
      `The request '${name}' is ${r.status} and cannot be canceled.`,
    );
  if (r.status === 'Granted' && r.targetScheduleName)
    arm.assignments = arm.assignments.filter((a) => a.scheduleName !== r.targetScheduleName);
  r.status = 'Canceled';
  return { status: 200, headers: {}, body: '' };
}
