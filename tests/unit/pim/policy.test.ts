import { describe, expect, it } from 'vitest';
import {
  PolicyAssignmentList,
  extractActivationPolicy,
  formRules,
  groupPolicyUrl,
  parsePolicyResponse,
  policyUrlFor,
  rolePolicyUrl,
  type ActivationPolicy,
  type Remembered,
} from '../../../lib/pim/policy';

const T = '#microsoft.graph.unifiedRoleManagementPolicy';
const target = (caller: string, level: string) => ({
  '@odata.type': 'microsoft.graph.unifiedRoleManagementPolicyRuleTarget',
  caller,
  operations: ['all'],
  level,
  inheritableSettings: [],
  enforcedSettings: [],
});
const notification = (id: string, caller: string, level: string) => ({
  '@odata.type': `${T}NotificationRule`,
  id,
  notificationType: 'Email',
  recipientType: 'Admin',
  notificationLevel: 'All',
  isDefaultRecipientsEnabled: true,
  notificationRecipients: [],
  target: target(caller, level),
});

interface Settings {
  maxDuration?: string;
  enabled?: string[];
  approval?: boolean;
  requestorJustification?: boolean;
  acrs?: { isEnabled: boolean; claimValue: string | null };
}

/**
 * A policy as Graph returns it with $expand=policy($expand=rules): all 17 rules, with Admin rules set to tempting
 * values (P365D, MFA + justification on Enablement_Admin_Eligibility) that must NOT be read as activation rules.
 */
function policyResponse(s: Settings = {}) {
  return {
    '@odata.context':
      'https://graph.microsoft.com/v1.0/$metadata#policies/roleManagementPolicyAssignments(policy(rules()))',
    value: [
      {
        id: 'Directory_cab01047-8ad9-4792-8e42-569340767f1b_70c808b5-0d35-4863-a0ba-07888e99d448_62e90394-69f5-4237-9190-012177145e10',
        policyId: 'DirectoryRole_cab01047-8ad9-4792-8e42-569340767f1b_70c808b5-0d35-4863-a0ba-07888e99d448',
        scopeId: '/',
        scopeType: 'DirectoryRole',
        roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
        policy: {
          id: 'DirectoryRole_cab01047-8ad9-4792-8e42-569340767f1b_70c808b5-0d35-4863-a0ba-07888e99d448',
          displayName: 'DirectoryRole',
          description: 'DirectoryRole',
          isOrganizationDefault: false,
          scopeId: '/',
          scopeType: 'DirectoryRole',
          lastModifiedDateTime: null,
          lastModifiedBy: { displayName: null, id: null },
          'rules@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#…/rules',
          rules: [
            {
              '@odata.type': `${T}ExpirationRule`,
              id: 'Expiration_Admin_Eligibility',
              isExpirationRequired: false,
              maximumDuration: 'P365D',
              target: target('Admin', 'Eligibility'),
            },
            {
              '@odata.type': `${T}EnablementRule`,
              id: 'Enablement_Admin_Eligibility',
              enabledRules: ['MultiFactorAuthentication', 'Justification', 'Ticketing'],
              target: target('Admin', 'Eligibility'),
            },
            notification('Notification_Admin_Admin_Eligibility', 'Admin', 'Eligibility'),
            notification('Notification_Requestor_Admin_Eligibility', 'Admin', 'Eligibility'),
            notification('Notification_Approver_Admin_Eligibility', 'Admin', 'Eligibility'),
            {
              '@odata.type': `${T}ExpirationRule`,
              id: 'Expiration_Admin_Assignment',
              isExpirationRequired: false,
              maximumDuration: 'P180D',
              target: target('Admin', 'Assignment'),
            },
            {
              '@odata.type': `${T}EnablementRule`,
              id: 'Enablement_Admin_Assignment',
              enabledRules: ['Justification', 'MultiFactorAuthentication'],
              target: target('Admin', 'Assignment'),
            },
            notification('Notification_Admin_Admin_Assignment', 'Admin', 'Assignment'),
            notification('Notification_Requestor_Admin_Assignment', 'Admin', 'Assignment'),
            notification('Notification_Approver_Admin_Assignment', 'Admin', 'Assignment'),
            {
              '@odata.type': `${T}ApprovalRule`,
              id: 'Approval_EndUser_Assignment',
              target: target('EndUser', 'Assignment'),
              setting: {
                isApprovalRequired: s.approval ?? false,
                isApprovalRequiredForExtension: false,
                isRequestorJustificationRequired: s.requestorJustification ?? false,
                approvalMode: 'SingleStage',
                approvalStages: [
                  {
                    approvalStageTimeOutInDays: 1,
                    isApproverJustificationRequired: true,
                    escalationTimeInMinutes: 0,
                    isEscalationEnabled: false,
                    primaryApprovers: [{ '@odata.type': '#microsoft.graph.singleUser', userId: 'u1' }],
                    escalationApprovers: [],
                  },
                ],
              },
            },
            {
              '@odata.type': `${T}AuthenticationContextRule`,
              id: 'AuthenticationContext_EndUser_Assignment',
              isEnabled: s.acrs?.isEnabled ?? false,
              claimValue: s.acrs?.claimValue ?? '',
              target: target('EndUser', 'Assignment'),
            },
            {
              '@odata.type': `${T}EnablementRule`,
              id: 'Enablement_EndUser_Assignment',
              enabledRules: s.enabled ?? [],
              target: target('EndUser', 'Assignment'),
            },
            {
              '@odata.type': `${T}ExpirationRule`,
              id: 'Expiration_EndUser_Assignment',
              isExpirationRequired: true,
              maximumDuration: s.maxDuration ?? 'PT8H',
              target: target('EndUser', 'Assignment'),
            },
            notification('Notification_Admin_EndUser_Assignment', 'EndUser', 'Assignment'),
            notification('Notification_Requestor_EndUser_Assignment', 'EndUser', 'Assignment'),
            notification('Notification_Approver_EndUser_Assignment', 'EndUser', 'Assignment'),
          ],
        },
      },
    ],
  };
}

function policyOf(s: Settings = {}): ActivationPolicy {
  const r = parsePolicyResponse(policyResponse(s));
  if (!r.ok) throw new Error(r.error);
  return r.policy;
}

describe('reading a policy', () => {
  it('reads only the EndUser/Assignment rules of a full 17-rule policy', () => {
    expect(policyOf()).toEqual({
      maxDuration: 'PT8H',
      maxMinutes: 480,
      expirationRequired: true,
      requireJustification: false,
      requireTicket: false,
      requireMfa: false,
      approvalRequired: false,
      authContext: null,
    });
  });

  it('reads every activation requirement when set', () => {
    expect(
      policyOf({
        maxDuration: 'PT1H45M',
        enabled: ['MultiFactorAuthentication', 'Justification', 'Ticketing'],
        approval: true,
        acrs: { isEnabled: true, claimValue: 'c1' },
      }),
    ).toEqual({
      maxDuration: 'PT1H45M',
      maxMinutes: 105,
      expirationRequired: true,
      requireJustification: true,
      requireTicket: true,
      requireMfa: true,
      approvalRequired: true,
      authContext: 'c1',
    });
  });

  it.each([
    [
      ['justification', 'TICKETING', 'multiFactorAuthentication'],
      { requireJustification: true, requireTicket: true, requireMfa: true },
    ],
    [['Justification'], { requireJustification: true, requireTicket: false, requireMfa: false }],
    [[], { requireJustification: false, requireTicket: false, requireMfa: false }],
  ])('compares enabledRules %j case-insensitively', (enabled, expected) => {
    expect(policyOf({ enabled })).toMatchObject(expected);
  });

  it.each([
    [{ isEnabled: false, claimValue: 'c1' }, null],
    [{ isEnabled: true, claimValue: 'c2' }, 'c2'],
    [{ isEnabled: true, claimValue: null }, null],
    [{ isEnabled: true, claimValue: '  ' }, null],
  ])('authentication context %j → %j', (acrs, expected) => {
    expect(policyOf({ acrs }).authContext).toBe(expected);
  });

  it('treats an approval that asks for the requestor justification as requiring one', () => {
    expect(policyOf({ approval: true, requestorJustification: true }).requireJustification).toBe(true);
    expect(policyOf({ approval: false, requestorJustification: true }).requireJustification).toBe(false);
  });

  it('accepts a group policy, unknown rule types, extra fields and differently cased @odata.type', () => {
    const body = policyResponse({ enabled: ['Justification'] });
    const rules = body.value[0]!.policy.rules as Record<string, unknown>[];
    rules.push({
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyFutureRule',
      id: 'Future_EndUser_Assignment',
      anything: { nested: true },
    });
    rules.push({ id: 'NoType_Rule' });
    const expiration = rules.find((r) => r.id === 'Expiration_EndUser_Assignment')!;
    expiration['@odata.type'] = '#MICROSOFT.GRAPH.UNIFIEDROLEMANAGEMENTPOLICYEXPIRATIONRULE';
    expiration.maximumDuration = 'PT4H';
    Object.assign(body.value[0]!, {
      scopeId: 'group-1',
      scopeType: 'Group',
      roleDefinitionId: 'member',
      unexpected: 1,
    });
    expect(parsePolicyResponse(body)).toEqual({
      ok: true,
      policy: expect.objectContaining({ maxMinutes: 240, requireJustification: true }),
    });
  });

  it('ignores a rule whose id matches but whose type does not', () => {
    const body = policyResponse();
    const rules = body.value[0]!.policy.rules as Record<string, unknown>[];
    rules.push({
      '@odata.type': `${T}NotificationRule`,
      id: 'Enablement_EndUser_Assignment',
      enabledRules: ['Justification'],
    });
    rules.splice(
      rules.findIndex((r) => r.id === 'Enablement_EndUser_Assignment' && r['@odata.type'] === `${T}EnablementRule`),
      1,
    );
    expect(parsePolicyResponse(body)).toMatchObject({ ok: true, policy: { requireJustification: false } });
  });

  it.each([
    [
      'a missing expiration rule',
      (rules: Record<string, unknown>[]) =>
        rules.splice(
          rules.findIndex((r) => r.id === 'Expiration_EndUser_Assignment'),
          1,
        ),
    ],
    [
      'a garbage maximum',
      (rules: Record<string, unknown>[]) =>
        Object.assign(
          rules.find((r) => r.id === 'Expiration_EndUser_Assignment')!,
          { maximumDuration: 'eight hours' },
        ),
    ],
    ['no rules at all', (rules: Record<string, unknown>[]) => rules.splice(0)],
  ])('falls back to Graph defaults (PT8H, expiration required) on %s', (_, mutate) => {
    const body = policyResponse();
    mutate(body.value[0]!.policy.rules);
    expect(parsePolicyResponse(body)).toMatchObject({
      ok: true,
      policy: { maxDuration: 'PT8H', maxMinutes: 480, expirationRequired: true },
    });
  });

  it.each([
    ['no policy assignment', { value: [] }, 'No PIM policy'],
    ['not a list', { error: { code: 'x' } }, 'value'],
    [
      'a known rule with the wrong shape',
      {
        value: [
          {
            policy: {
              rules: [
                {
                  '@odata.type': `${T}EnablementRule`,
                  id: 'Enablement_EndUser_Assignment',
                  enabledRules: 'Justification',
                },
              ],
            },
          },
        ],
      },
      'value.0.policy.rules.0.enabledRules',
    ],
  ])('reports %s', (_, body, message) => {
    expect(parsePolicyResponse(body)).toEqual({ ok: false, error: expect.stringContaining(message) });
  });

  it('exposes the schema for the Graph layer and extraction per assignment', () => {
    const list = PolicyAssignmentList.parse(policyResponse({ maxDuration: 'PT2H' }));
    expect(extractActivationPolicy(list.value[0]!).maxDuration).toBe('PT2H');
  });
});

describe('policy request URLs', () => {
  it('filters one directory role by scope, scope type and role definition, with rules expanded', () => {
    expect(rolePolicyUrl('62e90394-69f5-4237-9190-012177145e10')).toBe(
      "/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '62e90394-69f5-4237-9190-012177145e10'&$expand=policy($expand=rules)",
    );
  });

  it.each(['member', 'owner'] as const)('filters a group by group id and %s', (access) => {
    expect(groupPolicyUrl('2bd4a7e9-0000-0000-0000-000000000001', access)).toBe(
      `/policies/roleManagementPolicyAssignments?$filter=scopeId eq '2bd4a7e9-0000-0000-0000-000000000001' and scopeType eq 'Group' and roleDefinitionId eq '${access}'&$expand=policy($expand=rules)`,
    );
  });

  it('escapes quotes in ids and picks the URL for a model assignment', () => {
    expect(rolePolicyUrl("a'b")).toContain("roleDefinitionId eq 'a''b'");
    expect(policyUrlFor({ kind: 'group', targetId: 'g1', accessId: 'owner' })).toBe(groupPolicyUrl('g1', 'owner'));
    expect(policyUrlFor({ kind: 'role', targetId: 'r1', accessId: null })).toBe(rolePolicyUrl('r1'));
  });
});

describe('policy → activation form', () => {
  const goodTemplate = {
    justification: 'Update the Exchange transport rule for change CHG0042',
    ticketNumber: 'CHG0042',
    ticketSystem: 'ServiceNow',
  };
  const bools = [false, true];
  const combos = bools.flatMap((j) =>
    bools.flatMap((t) => bools.flatMap((m) => bools.flatMap((a) => bools.map((c) => ({ j, t, m, a, c }))))),
  );

  it.each(combos)('justification=$j ticket=$t mfa=$m approval=$a authContext=$c', ({ j, t, m, a, c }) => {
    const enabled = [
      ...(j ? ['Justification'] : []),
      ...(t ? ['Ticketing'] : []),
      ...(m ? ['MultiFactorAuthentication'] : []),
    ];
    const policy = policyOf({ enabled, approval: a, acrs: { isEnabled: c, claimValue: 'c1' } });
    const expectedStepUp = c ? { acrs: 'c1' } : m ? 'mfa' : null;

    const bare = formRules(policy, {});
    expect(bare.fields.justification).toBe(j ? 'required' : 'optional');
    expect(bare.fields.ticket).toBe(t ? 'required' : 'hidden');
    expect(bare.fields.duration).toEqual({ max: 480, default: 60 });
    expect(bare.stepUp).toEqual(expectedStepUp);
    expect(bare.approvalRequired).toBe(a);
    expect(bare.missing).toEqual([...(j ? ['justification'] : []), ...(t ? ['ticket'] : [])]);
    expect(bare.oneClickReady).toBe(!j && !t);

    const remembered = formRules(policy, { template: goodTemplate });
    expect(remembered.missing).toEqual([]);
    expect(remembered.oneClickReady).toBe(true);
    expect(remembered.stepUp).toEqual(expectedStepUp);
  });

  it.each<[string, Remembered, string[], boolean]>([
    ['no template', {}, ['justification'], false],
    ['a template with a reason', { template: goodTemplate }, [], true],
    ['a template with an empty reason', { template: { justification: '   ' } }, ['justification'], false],
    [
      'a template with control characters',
      { template: { justification: 'fix\u0007 mail flow' } },
      ['justification'],
      false,
    ],
  ])('a 403 on the policy (null) with %s asks for a justification', (_, remembered, missing, ready) => {
    const rules = formRules(null, remembered);
    expect(rules.fields.justification).toBe('required');
    expect(rules.fields.ticket).toBe('hidden');
    expect(rules.fields.duration.max).toBe(480);
    expect(rules.stepUp).toBeNull();
    expect(rules.missing).toEqual(missing);
    expect(rules.oneClickReady).toBe(ready);
  });

  it('asks for the ticket when the template has a reason but no ticket number', () => {
    const rules = formRules(policyOf({ enabled: ['Justification', 'Ticketing'] }), {
      template: { justification: 'Rotate the SMTP certificate' },
    });
    expect(rules.missing).toEqual(['ticket']);
    expect(rules.oneClickReady).toBe(false);
  });

  it.each<[string, Remembered, number]>([
    ['nothing remembered: 1 h', {}, 60],
    ['a remembered 2 h is clamped to 1 h 45 min', { durationMinutes: 120 }, 105],
    ['a template 8 h is clamped', { template: { justification: 'x y', durationMinutes: 480 } }, 105],
    [
      'a remembered 30 min wins over the template',
      { durationMinutes: 30, template: { justification: 'x y', durationMinutes: 90 } },
      30,
    ],
    ['a template 90 min fits', { template: { justification: 'x y', durationMinutes: 90 } }, 90],
  ])('non-whole-hour maximum PT1H45M, %s', (_, remembered, expected) => {
    const rules = formRules(policyOf({ maxDuration: 'PT1H45M' }), remembered);
    expect(rules.fields.duration).toEqual({ max: 105, default: expected });
  });

  it('a maximum under an hour makes the default the maximum', () => {
    expect(formRules(policyOf({ maxDuration: 'PT30M' }), {}).fields.duration).toEqual({ max: 30, default: 30 });
  });
});
