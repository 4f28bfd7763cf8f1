/** GET /policies/roleManagementPolicyAssignments with its mandatory scopeId + scopeType filter. */
import type { Reply } from '../http.ts';
import type { Target } from '../store.ts';
import { SCOPES, requireScope } from './auth.ts';
import type { GraphCall } from './call.ts';
import { collection, graphError, graphJson, insufficientPrivileges } from './errors.ts';
import { parseEqFilter, parseExpand } from './odata.ts';
import { policyAssignment } from './policies.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function handlePolicyRead(call: GraphCall): Reply | null {
  if (!/^\/policies\/roleManagementPolicyAssignments\/?$/i.test(call.path)) return null;
  if (call.ctx.scenario.leastPrivileged) return insufficientPrivileges(call.meta);
  const filter = call.query.get('$filter');
  const clauses = filter ? parseEqFilter(filter) : [];
  if (clauses === null) return graphError(400, 'BadRequest', `Invalid filter clause: ${filter}`, call.meta);
  const get = (prop: string) => clauses.find((c) => c.prop.toLowerCase() === prop.toLowerCase())?.value ?? null;
  const scopeId = get('scopeId');
  const scopeType = get('scopeType');
  if (scopeId === null || scopeType === null)
    return graphError(
      400,
      'BadRequest',
      "The filter must contain both 'scopeId' and 'scopeType' (for example: scopeId eq '/' and scopeType eq 'DirectoryRole').",
      call.meta,
    );
  const roleDefinitionId = get('roleDefinitionId');
  const s = call.ctx.scenario;
  const type = scopeType.toLowerCase();
  let targets: Target[];
  if (type === 'directory' || type === 'directoryrole') {
    const denied = requireScope(call.caller, SCOPES.rolePolicyRead, call.meta);
    if (denied) return denied;
    if (scopeId !== '/') return graphJson(200, collection('policies/roleManagementPolicyAssignments', []), call.meta);
    const ids =
      roleDefinitionId !== null
        ? GUID.test(roleDefinitionId)
          ? [roleDefinitionId]
          : []
        : s.roleDefinitions.map((r) => r.id);
    targets = ids.map((id) => ({ kind: 'role', roleDefinitionId: id, directoryScopeId: '/' }));
  } else if (type === 'group') {
    const denied = requireScope(call.caller, SCOPES.groupPolicyRead, call.meta);
    if (denied) return denied;
    if (!s.groups.some((g) => g.id === scopeId))
      return graphJson(200, collection('policies/roleManagementPolicyAssignments', []), call.meta);
    const access =
      roleDefinitionId !== null
        ? [roleDefinitionId.toLowerCase()].filter((a) => a === 'member' || a === 'owner')
        : ['member', 'owner'];
    targets = access.map((a) => ({ kind: 'group', groupId: scopeId, accessId: a as 'member' | 'owner' }));
  } else {
    return graphError(400, 'BadRequest', `The scopeType '${scopeType}' is not supported.`, call.meta);
  }
  const expand = parseExpand(call.query.get('$expand'));
  const policyExp = expand.find((e) => e.name.toLowerCase() === 'policy');
  const other = expand.find((e) => e.name.toLowerCase() !== 'policy');
  if (other)
    return graphError(
      400,
      'BadRequest',
      `Parsing OData Select and Expand failed: Could not find a property named '${other.name}' on type 'microsoft.graph.unifiedRoleManagementPolicyAssignment'.`,
      call.meta,
    );
  const withRules = !!policyExp?.nested && /\$expand\s*=\s*rules/i.test(policyExp.nested);
  const context = policyExp
    ? withRules
      ? 'policies/roleManagementPolicyAssignments(policy(rules()))'
      : 'policies/roleManagementPolicyAssignments(policy())'
    : 'policies/roleManagementPolicyAssignments';
  return graphJson(
    200,
    collection(
      context,
      targets.map((t) => policyAssignment(s, t, scopeType, !!policyExp, withRules)),
    ),
    call.meta,
  );
}
