/** GET endpoints: my eligibilities, my active assignments, my requests (roles and groups), groups, role holders. */
import type { Reply } from '../http.ts';
import type { EligibilityRec, RequestRec, Target } from '../store.ts';
import { SCOPES, requireScope } from './auth.ts';
import type { Expanders, GraphCall } from './call.ts';
import { entityReply, listReply } from './call.ts';
import { isApproverOf } from './approvals.ts';
import { graphError, insufficientPrivileges } from './errors.ts';
import * as shape from './shapes.ts';

const RM = '/rolemanagement/directory';
const PAG = '/identitygovernance/privilegedaccess/group';
type Base = { target: Target; principalId: string };
const BY_USER = /^\/filterbycurrentuser\(on='([^']*)'\)$/i;

export function handleRead(call: GraphCall): Reply | null {
  const p = call.path.replace(/\/+$/, '');
  const lower = p.toLowerCase();
  const s = call.ctx.scenario;
  const store = call.ctx.store;
  const me = call.caller.oid;

  const roleExp: Expanders<Base> = {
    roleDefinition: (r) => (r.target.kind === 'role' ? shape.roleDefinition(s, r.target.roleDefinitionId) : null),
    directoryScope: (r) => (r.target.kind === 'role' ? shape.directoryScope(s, r.target.directoryScopeId) : null),
    principal: (r) => principal(call, r.principalId),
  };
  const groupExp: Expanders<Base> = {
    group: (r) => (r.target.kind === 'group' ? shape.group(s, r.target.groupId) : null),
    principal: (r) => principal(call, r.principalId),
  };

  const sub = (prefix: string) => (lower.startsWith(prefix) ? p.slice(prefix.length) : null);
  let rest: string | null;

  if ((rest = sub(`${RM}/roleeligibilityscheduleinstances`)) !== null) {
    const denied = requireScope(call.caller, SCOPES.roleEligibilityRead, call.meta);
    if (denied) return denied;
    const who = onWhom(call, rest);
    if (typeof who !== 'string') return who;
    const recs: EligibilityRec[] = who === 'principal' ? store.currentEligibilities(me, 'role') : [];
    return listReply(
      call,
      recs,
      shape.roleEligibilityInstance,
      'unifiedRoleEligibilityScheduleInstance',
      'Collection(unifiedRoleEligibilityScheduleInstance)',
      roleExp,
    );
  }
  if ((rest = sub(`${RM}/roleassignmentscheduleinstances`)) !== null) {
    const denied = requireScope(call.caller, SCOPES.roleAssignmentRead, call.meta);
    if (denied) return denied;
    if (rest === '') {
      if (s.leastPrivileged) return insufficientPrivileges(call.meta);
      // The unscoped list needs a principalId filter here (what a group holds); we do not model a tenant-wide list.
      const m = /principalId\s+eq\s+'([^']+)'/i.exec(call.query.get('$filter') ?? '');
      if (!m)
        return graphError(
          400,
          'BadRequest',
          "The stand-in supports this list only with $filter=principalId eq '{id}'.",
          call.meta,
        );
      const recs = store.currentAssignmentsOf(m[1]!).filter((a) => a.target.kind === 'role');
      return listReply(
        call,
        recs,
        shape.roleAssignmentInstance,
        'unifiedRoleAssignmentScheduleInstance',
        'roleManagement/directory/roleAssignmentScheduleInstances',
        roleExp,
      );
    }
    const who = onWhom(call, rest);
    if (typeof who !== 'string') return who;
    const recs = who === 'principal' ? store.currentAssignments(me, 'role') : [];
    return listReply(
      call,
      recs,
      shape.roleAssignmentInstance,
      'unifiedRoleAssignmentScheduleInstance',
      'Collection(unifiedRoleAssignmentScheduleInstance)',
      roleExp,
    );
  }
  if ((rest = sub(`${RM}/roleassignmentschedulerequests`)) !== null) {
    const denied = requireScope(call.caller, SCOPES.roleAssignmentRead, call.meta);
    if (denied) return denied;
    return requestsRead(
      call,
      rest,
      'roleAssignment',
      'unifiedRoleAssignmentScheduleRequest',
      'roleManagement/directory/roleAssignmentScheduleRequests',
      roleExp,
    );
  }
  if ((rest = sub(`${RM}/roleeligibilityschedulerequests`)) !== null) {
    const denied = requireScope(call.caller, SCOPES.roleEligibilityRead, call.meta);
    if (denied) return denied;
    return requestsRead(
      call,
      rest,
      'roleEligibility',
      'unifiedRoleEligibilityScheduleRequest',
      'roleManagement/directory/roleEligibilityScheduleRequests',
      roleExp,
    );
  }
  if ((rest = sub(`${PAG}/eligibilityscheduleinstances`)) !== null) {
    const denied = requireScope(call.caller, SCOPES.groupEligibilityRead, call.meta);
    if (denied) return denied;
    const who = onWhom(call, rest);
    if (typeof who !== 'string') return who;
    const recs = who === 'principal' ? store.currentEligibilities(me, 'group') : [];
    return listReply(
      call,
      recs,
      shape.groupEligibilityInstance,
      'privilegedAccessGroupEligibilityScheduleInstance',
      'Collection(privilegedAccessGroupEligibilityScheduleInstance)',
      groupExp,
    );
  }
  if ((rest = sub(`${PAG}/assignmentscheduleinstances`)) !== null) {
    const denied = requireScope(call.caller, SCOPES.groupAssignmentRead, call.meta);
    if (denied) return denied;
    const who = onWhom(call, rest);
    if (typeof who !== 'string') return who;
    const recs = who === 'principal' ? store.currentAssignments(me, 'group') : [];
    return listReply(
      call,
      recs,
      shape.groupAssignmentInstance,
      'privilegedAccessGroupAssignmentScheduleInstance',
      'Collection(privilegedAccessGroupAssignmentScheduleInstance)',
      groupExp,
    );
  }
  if ((rest = sub(`${PAG}/assignmentschedulerequests`)) !== null) {
    const denied = requireScope(call.caller, SCOPES.groupAssignmentRead, call.meta);
    if (denied) return denied;
    return requestsRead(
      call,
      rest,
      'groupAssignment',
      'privilegedAccessGroupAssignmentScheduleRequest',
      'identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
      groupExp,
    );
  }
  const g = /^\/groups\/([^/]+)$/i.exec(p);
  if (g) {
    const denied = requireScope(call.caller, SCOPES.groupRead, call.meta);
    if (denied) return denied;
    if (!s.groups.some((x) => x.id === g[1])) return notFound(call, g[1]!);
    const select = call.query.get('$select');
    return entityReply(call, shape.group(s, g[1]!), select ? `groups(${select})/$entity` : 'groups/$entity');
  }
  return null;
}

/**
 * filterByCurrentUser(on='principal'|'approver'|...) → who, or an error reply; '' (no function) is not allowed here.
 */
function onWhom(call: GraphCall, rest: string): string | Reply {
  const m = BY_USER.exec(rest);
  if (!m)
    return graphError(400, 'BadRequest', `Resource not found for the segment '${rest.replace(/^\//, '')}'.`, call.meta);
  const on = m[1]!.toLowerCase();
  if (on !== 'principal' && on !== 'approver' && on !== 'createdby')
    return graphError(400, 'BadRequest', `The parameter 'on' has an invalid value '${m[1]}'.`, call.meta);
  return on;
}

function requestsRead(
  call: GraphCall,
  rest: string,
  collection: RequestRec['collection'],
  typeName: string,
  context: string,
  expanders: Expanders<RequestRec>,
): Reply {
  const me = call.caller.oid;
  const mine = call.ctx.store.requests.filter((r) => r.collection === collection);
  const byId = /^\/([^/()]+)$/.exec(rest);
  if (byId) {
    const r = mine.find((x) => x.id === byId[1]);
    if (!r || (r.principalId !== me && r.createdById !== me)) return notFound(call, byId[1]!);
    return entityReply(call, shape.request(r), `${context}/$entity`);
  }
  const who = onWhom(call, rest);
  if (typeof who !== 'string') return who;
  const recs =
    who === 'principal'
      ? mine.filter((r) => r.principalId === me)
      : who === 'createdby'
        ? mine.filter((r) => r.createdById === me)
        : mine.filter((r) => isApproverOf(call, r, me));
  return listReply(call, recs, shape.request, typeName, `Collection(${typeName})`, expanders);
}

function principal(call: GraphCall, id: string) {
  const acc = call.ctx.scenario.accounts.find((a) => a.id === id);
  if (acc)
    return {
      '@odata.type': '#microsoft.graph.user',
      id,
      displayName: acc.displayName,
      userPrincipalName: acc.userPrincipalName,
    };
  const g = call.ctx.scenario.groups.find((x) => x.id === id);
  return g ? { '@odata.type': '#microsoft.graph.group', id, displayName: g.displayName } : null;
}

export function notFound(call: GraphCall, id: string): Reply {
  return graphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    call.meta,
  );
}
