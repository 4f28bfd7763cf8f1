/**
 * Activation policies of Azure resource roles: `GET {scope}/providers/Microsoft.Authorization/
 * roleManagementPolicyAssignments?$filter=roleDefinitionId eq '{id}'` at the eligibility's scope. ARM answers the
 * policy that applies there (inherited from above included) with its `effectiveRules`, rules typed by `ruleType`
 * (RoleManagementPolicyExpirationRule …) where Graph uses `@odata.type`; ids and fields are Graph's, so the same
 * extraction (lib/pim/policy.ts) gives the same ActivationPolicy. The `$filter` on roleDefinitionId is what PIM tools
 * send [unverified in the 2020-10-01 reference, which documents the list without it]: when ARM ignores it, the
 * matching assignment is picked from the list. Cached with the Entra ones (same TTLs); a 403 becomes `policy: null`.
 */
import { z } from 'zod';
import { GraphRequestError } from '../graph/errors';
import { isPolicyFresh } from '../graph/policies';
import type { Assignment } from '../pim/model';
import { extractActivationPolicy, PolicyAssignment } from '../pim/policy';
import type { PolicyEntry } from '../storage';
import type { ArmClient } from './client';

const RULE_TYPES: Record<string, string> = {
  roleManagementPolicyExpirationRule: '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
  roleManagementPolicyEnablementRule: '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
  roleManagementPolicyApprovalRule: '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
  roleManagementPolicyAuthenticationContextRule:
    '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
};

const ArmPolicyAssignment = z.looseObject({
  id: z.string().nullish(),
  properties: z.looseObject({
    scope: z.string().nullish(),
    roleDefinitionId: z.string().nullish(),
    policyId: z.string().nullish(),
    effectiveRules: z.array(z.looseObject({ id: z.string(), ruleType: z.string().nullish() })).nullish(),
  }),
});

const guidOf = (id: string | null | undefined) => (id ?? '').split('/').filter(Boolean).pop()?.toLowerCase() ?? '';

export function azurePolicyUrl(a: Pick<Assignment, 'directoryScopeId' | 'targetId'>): string {
  const filter = `roleDefinitionId eq '${a.targetId.replaceAll("'", "''")}'`;
  return `${a.directoryScopeId}/providers/Microsoft.Authorization/roleManagementPolicyAssignments?$filter=${encodeURIComponent(filter)}`;
}

/** The list answer → the activation policy for `roleDefinitionId`, or an error sentence. */
export function parseAzurePolicy(
  items: readonly unknown[],
  roleDefinitionId: string,
): { ok: true; policy: NonNullable<PolicyEntry['policy']> } | { ok: false; error: string } {
  const wanted = guidOf(roleDefinitionId);
  for (const item of items) {
    const parsed = ArmPolicyAssignment.safeParse(item);
    if (!parsed.success || guidOf(parsed.data.properties.roleDefinitionId) !== wanted) continue;
    const rules = (parsed.data.properties.effectiveRules ?? []).map((r) => ({
      ...r,
      '@odata.type': RULE_TYPES[(r.ruleType ?? '').replace(/^./, (c) => c.toLowerCase())] ?? r.ruleType ?? '',
    }));
    const assignment = PolicyAssignment.safeParse({ policy: { rules } });
    if (!assignment.success) return { ok: false, error: 'Unexpected Azure policy rules.' };
    return { ok: true, policy: extractActivationPolicy(assignment.data) };
  }
  return { ok: false, error: 'No PIM policy is assigned to this Azure role at this scope.' };
}

export async function readAzurePolicies(deps: {
  arm: ArmClient;
  assignments: readonly Assignment[];
  cache: Readonly<Record<string, PolicyEntry>>;
  now: Date;
}): Promise<{ updates: Record<string, PolicyEntry>; requests: number }> {
  const wanted = deps.assignments.filter(
    (a) => a.kind === 'azure' && a.state === 'eligible' && !isPolicyFresh(deps.cache[a.key], deps.now),
  );
  const fetchedAt = deps.now.toISOString();
  const updates: Record<string, PolicyEntry> = {};
  await Promise.all(
    wanted.map(async (a) => {
      try {
        const items = await deps.arm.list(azurePolicyUrl(a));
        const parsed = parseAzurePolicy(items, a.targetId);
        updates[a.key] = parsed.ok
          ? { policy: parsed.policy, fetchedAt, error: null }
          : { policy: null, fetchedAt, error: parsed.error };
      } catch (e) {
        // 403: the user may not read policies here; PIM's own answer will say what is missing. Transient: no entry.
        if (e instanceof GraphRequestError && (e.status === 403 || e.status === 404))
          updates[a.key] = { policy: null, fetchedAt, error: e.message };
      }
    }),
  );
  return { updates, requests: wanted.length };
}
