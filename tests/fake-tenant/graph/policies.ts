/**
 * Role management policies: the 17 rules per role or group, shaped as the v1.0 docs show them. The end-user
 * activation rules come from the scenario; admin-side rules are Entra's defaults.
 */
import type { ParsedTenantScenario, PolicyConfig } from '../scenario.ts';
import { Policy } from '../scenario.ts';
import type { Target } from '../store.ts';
import { stableGuid } from './shapes.ts';

export function policyFor(s: ParsedTenantScenario, target: Target): PolicyConfig {
  const found =
    target.kind === 'role'
      ? s.policies.find((p) => p.roleDefinitionId === target.roleDefinitionId)
      : s.policies.find((p) => p.groupId === target.groupId && p.accessId === target.accessId);
  return (
    found ??
    Policy.parse(
      target.kind === 'role'
        ? { roleDefinitionId: target.roleDefinitionId }
        : { groupId: target.groupId, accessId: target.accessId },
    )
  );
}

function t(caller: 'Admin' | 'EndUser', level: 'Eligibility' | 'Assignment') {
  return { caller, operations: ['All'], level, inheritableSettings: [], enforcedSettings: [] };
}

const NOTIFY = '#microsoft.graph.unifiedRoleManagementPolicyNotificationRule';

function notification(
  id: string,
  recipientType: 'Admin' | 'Requestor' | 'Approver',
  caller: 'Admin' | 'EndUser',
  level: 'Eligibility' | 'Assignment',
) {
  return {
    '@odata.type': NOTIFY,
    id,
    notificationType: 'Email',
    recipientType,
    notificationLevel: 'All',
    isDefaultRecipientsEnabled: true,
    notificationRecipients: [],
    target: t(caller, level),
  };
}

/** The policy's approvers as account ids (a scenario may name them by UPN). */
export function approverIds(s: ParsedTenantScenario, p: PolicyConfig): string[] {
  return p.approvers.map(
    (ref) => s.accounts.find((a) => a.id === ref || a.userPrincipalName.toLowerCase() === ref.toLowerCase())?.id ?? ref,
  );
}

export function rules(p: PolicyConfig, approvers: readonly string[] = []) {
  return [
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_Admin_Eligibility',
      isExpirationRequired: false,
      maximumDuration: 'P365D',
      target: t('Admin', 'Eligibility'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_Admin_Eligibility',
      enabledRules: [],
      target: t('Admin', 'Eligibility'),
    },
    notification('Notification_Admin_Admin_Eligibility', 'Admin', 'Admin', 'Eligibility'),
    notification('Notification_Requestor_Admin_Eligibility', 'Requestor', 'Admin', 'Eligibility'),
    notification('Notification_Approver_Admin_Eligibility', 'Approver', 'Admin', 'Eligibility'),
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_Admin_Assignment',
      isExpirationRequired: false,
      maximumDuration: 'P180D',
      target: t('Admin', 'Assignment'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_Admin_Assignment',
      enabledRules: ['Justification'],
      target: t('Admin', 'Assignment'),
    },
    notification('Notification_Admin_Admin_Assignment', 'Admin', 'Admin', 'Assignment'),
    notification('Notification_Requestor_Admin_Assignment', 'Requestor', 'Admin', 'Assignment'),
    notification('Notification_Approver_Admin_Assignment', 'Approver', 'Admin', 'Assignment'),
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyApprovalRule',
      id: 'Approval_EndUser_Assignment',
      target: t('EndUser', 'Assignment'),
      setting: {
        isApprovalRequired: p.approvalRequired,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: true,
        approvalMode: p.approvalRequired ? 'SingleStage' : 'NoApproval',
        approvalStages: [
          {
            approvalStageTimeOutInDays: 1,
            isApproverJustificationRequired: p.approverJustificationRequired,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            primaryApprovers: !p.approvalRequired
              ? []
              : (approvers.length ? approvers : [stableGuid('approver')]).map((userId) => ({
                  '@odata.type': '#microsoft.graph.singleUser',
                  userId,
                  description: 'Privileged Role Administrator',
                })),
            escalationApprovers: [],
          },
        ],
      },
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
      id: 'AuthenticationContext_EndUser_Assignment',
      isEnabled: p.authenticationContext !== null,
      claimValue: p.authenticationContext ?? '',
      target: t('EndUser', 'Assignment'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
      id: 'Enablement_EndUser_Assignment',
      enabledRules: [...p.enabledRules],
      target: t('EndUser', 'Assignment'),
    },
    {
      '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyExpirationRule',
      id: 'Expiration_EndUser_Assignment',
      isExpirationRequired: p.isExpirationRequired,
      maximumDuration: p.maximumDuration,
      target: t('EndUser', 'Assignment'),
    },
    notification('Notification_Admin_EndUser_Assignment', 'Admin', 'EndUser', 'Assignment'),
    notification('Notification_Requestor_EndUser_Assignment', 'Requestor', 'EndUser', 'Assignment'),
    notification('Notification_Approver_EndUser_Assignment', 'Approver', 'EndUser', 'Assignment'),
  ];
}

/** One unifiedRoleManagementPolicyAssignment, with the policy (and its rules) when expanded. */
export function policyAssignment(
  s: ParsedTenantScenario,
  target: Target,
  scopeType: string,
  expandPolicy: boolean,
  expandRules: boolean,
) {
  const tid = s.tenant.id;
  const roleDefinitionId = target.kind === 'role' ? target.roleDefinitionId : target.accessId;
  const scopeId = target.kind === 'role' ? '/' : target.groupId;
  const policyId =
    target.kind === 'role'
      ? `DirectoryRole_${tid}_${stableGuid(`policy:${target.roleDefinitionId}`)}`
      : `Group_${target.groupId}_${stableGuid(`policy:${target.groupId}:${target.accessId}`)}`;
  const base = { id: `${policyId}_${roleDefinitionId}`, policyId, scopeId, scopeType, roleDefinitionId };
  if (!expandPolicy) return base;
  const policy = {
    id: policyId,
    displayName: target.kind === 'role' ? 'DirectoryRole' : 'Group',
    description: target.kind === 'role' ? 'DirectoryRole' : 'Group',
    isOrganizationDefault: false,
    scopeId,
    scopeType: target.kind === 'role' ? 'DirectoryRole' : 'Group',
    lastModifiedDateTime: null,
    lastModifiedBy: { displayName: null, id: null },
    ...(expandRules ? { rules: rules(policyFor(s, target), approverIds(s, policyFor(s, target))) } : {}),
  };
  return { ...base, policy };
}
