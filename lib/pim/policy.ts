/**
 * PIM policies ("role settings") → what an activation needs: maximum length, justification, ticket, MFA or an
 * authentication context, approval. Only the EndUser/Assignment rules describe activation; the Admin_* rules describe
 * what admins may assign (Expiration_Admin_Eligibility's P365D is NOT an activation length).
 */
import { z } from 'zod';
import { DEFAULT_MAX_MINUTES, minutesToIso, safeParseDuration } from './duration';
import type { ActivationPolicy } from './form-rules';
import type { GroupAccess } from './model';

// ---------------------------------------------------------------------------------------------------------------
// Graph shapes (lenient: extra fields pass, unknown rule types are kept as "other" and ignored)

const RuleTarget = z.looseObject({
  caller: z.string().nullish(),
  level: z.string().nullish(),
  operations: z.array(z.string()).nullish(),
});

const RuleBase = z.looseObject({
  '@odata.type': z.string().nullish(),
  id: z.string(),
  target: RuleTarget.nullish(),
});

const ExpirationRule = RuleBase.extend({
  isExpirationRequired: z.boolean().nullish(),
  maximumDuration: z.string().nullish(),
}).transform((r) => ({ kind: 'expiration' as const, ...r }));

const EnablementRule = RuleBase.extend({
  enabledRules: z.array(z.string()).nullish(),
}).transform((r) => ({ kind: 'enablement' as const, ...r }));

const ApprovalRule = RuleBase.extend({
  setting: z
    .looseObject({
      isApprovalRequired: z.boolean().nullish(),
      isApprovalRequiredForExtension: z.boolean().nullish(),
      isRequestorJustificationRequired: z.boolean().nullish(),
      approvalMode: z.string().nullish(),
    })
    .nullish(),
}).transform((r) => ({ kind: 'approval' as const, ...r }));

const AuthenticationContextRule = RuleBase.extend({
  isEnabled: z.boolean().nullish(),
  claimValue: z.string().nullish(),
}).transform((r) => ({ kind: 'authenticationContext' as const, ...r }));

const RULE_SCHEMAS: Record<string, z.ZodType<KnownRule>> = {
  '#microsoft.graph.unifiedrolemanagementpolicyexpirationrule': ExpirationRule,
  '#microsoft.graph.unifiedrolemanagementpolicyenablementrule': EnablementRule,
  '#microsoft.graph.unifiedrolemanagementpolicyapprovalrule': ApprovalRule,
  '#microsoft.graph.unifiedrolemanagementpolicyauthenticationcontextrule': AuthenticationContextRule,
};
type KnownRule =
  | z.output<typeof ExpirationRule>
  | z.output<typeof EnablementRule>
  | z.output<typeof ApprovalRule>
  | z.output<typeof AuthenticationContextRule>;

/** A rule, dispatched on @odata.type (case-insensitively); types we do not read become { kind: 'other' }. */
export const PolicyRule = RuleBase.transform((raw, ctx): KnownRule | { kind: 'other'; id: string } => {
  const schema = RULE_SCHEMAS[(raw['@odata.type'] ?? '').toLowerCase()];
  if (!schema) return { kind: 'other', id: raw.id };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});
export type PolicyRule = z.output<typeof PolicyRule>;

export const PolicyAssignment = z.looseObject({
  id: z.string().nullish(),
  policyId: z.string().nullish(),
  scopeId: z.string().nullish(),
  scopeType: z.string().nullish(),
  roleDefinitionId: z.string().nullish(),
  policy: z.looseObject({
    id: z.string().nullish(),
    rules: z.array(PolicyRule).nullish(),
  }),
});
export type PolicyAssignment = z.output<typeof PolicyAssignment>;

/** GET /policies/roleManagementPolicyAssignments?$filter=…&$expand=policy($expand=rules) */
export const PolicyAssignmentList = z.looseObject({ value: z.array(PolicyAssignment) });
export type PolicyAssignmentList = z.output<typeof PolicyAssignmentList>;

// ---------------------------------------------------------------------------------------------------------------
// Request URLs (relative to the Graph version root, usable in $batch; one roleDefinitionId per request)

const odataString = (v: string) => `'${v.replaceAll("'", "''")}'`;
const EXPAND = '$expand=policy($expand=rules)';
const POLICY_ASSIGNMENTS = '/policies/roleManagementPolicyAssignments';

export function rolePolicyUrl(roleDefinitionId: string): string {
  return `${POLICY_ASSIGNMENTS}?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq ${odataString(roleDefinitionId)}&${EXPAND}`;
}

export function groupPolicyUrl(groupId: string, accessId: GroupAccess): string {
  return `${POLICY_ASSIGNMENTS}?$filter=scopeId eq ${odataString(groupId)} and scopeType eq 'Group' and roleDefinitionId eq ${odataString(accessId)}&${EXPAND}`;
}

/** The policy URL for an assignment of the domain model (roles by role definition, groups by group + access). */
export function policyUrlFor(a: { kind: 'role' | 'group'; targetId: string; accessId: GroupAccess | null }): string {
  return a.kind === 'role' ? rolePolicyUrl(a.targetId) : groupPolicyUrl(a.targetId, a.accessId ?? 'member');
}

// ---------------------------------------------------------------------------------------------------------------
// Extraction

const same = (a: string | null | undefined, b: string) => (a ?? '').toLowerCase() === b.toLowerCase();

function endUserRule<K extends KnownRule['kind']>(
  rules: readonly PolicyRule[],
  kind: K,
  id: string,
): Extract<KnownRule, { kind: K }> | undefined {
  // By id AND type: an id with an unexpected type (or an Admin_* rule) must not leak into activation.
  return rules.find((r): r is Extract<KnownRule, { kind: K }> => r.kind === kind && same(r.id, id));
}

/**
 * The activation requirements of one policy assignment. Missing or unreadable rules fall back to Graph's defaults
 * (PT8H, expiration required, nothing else required): PIM then tells us reactively, and errors.ts re-prompts.
 */
export function extractActivationPolicy(assignment: PolicyAssignment): ActivationPolicy {
  const rules = assignment.policy.rules ?? [];
  const expiration = endUserRule(rules, 'expiration', 'Expiration_EndUser_Assignment');
  const enablement = endUserRule(rules, 'enablement', 'Enablement_EndUser_Assignment');
  const approval = endUserRule(rules, 'approval', 'Approval_EndUser_Assignment');
  const authContext = endUserRule(rules, 'authenticationContext', 'AuthenticationContext_EndUser_Assignment');

  const parsedMax = safeParseDuration(expiration?.maximumDuration ?? '');
  const maxMinutes = parsedMax.ok && parsedMax.minutes >= 1 ? Math.floor(parsedMax.minutes) : DEFAULT_MAX_MINUTES;
  const enabled = new Set((enablement?.enabledRules ?? []).map((r) => r.toLowerCase()));
  const approvalRequired = approval?.setting?.isApprovalRequired === true;
  const claim = authContext?.isEnabled === true ? (authContext.claimValue ?? '').trim() : '';

  return {
    maxDuration: minutesToIso(maxMinutes),
    maxMinutes,
    expirationRequired: expiration?.isExpirationRequired ?? true,
    // Approvers see the requestor's justification; when the approval setting asks for one, PIM enforces it too.
    requireJustification:
      enabled.has('justification') ||
      (approvalRequired && approval?.setting?.isRequestorJustificationRequired === true),
    requireTicket: enabled.has('ticketing'),
    requireMfa: enabled.has('multifactorauthentication'),
    approvalRequired,
    authContext: claim || null,
  };
}

export type PolicyResult = { ok: true; policy: ActivationPolicy } | { ok: false; error: string };

/** A policy list response body → the activation policy of its (single) assignment. */
export function parsePolicyResponse(json: unknown): PolicyResult {
  const parsed = PolicyAssignmentList.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `Unexpected policy response at ${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'}.`,
    };
  }
  const first = parsed.data.value[0];
  if (!first) return { ok: false, error: 'No PIM policy is assigned to this role or group.' };
  return { ok: true, policy: extractActivationPolicy(first) };
}

// The activation form's rules live in a zod-free module (the popup loads them; these Graph schemas stay with the
// background). Re-exported so callers of this module keep one import.
export {
  DEFAULT_ACTIVATION_MINUTES,
  formRules,
  type ActivationPolicy,
  type Field,
  type FormRules,
  type Remembered,
  type StepUp,
} from './form-rules';
