/** Scenario variants for e2e tests, derived from the default stand-in scenario so they stay in step with it. */
import { readFileSync } from 'node:fs';
import { DEFAULT_SCENARIO_PATH, type Scenario } from '../fake-tenant/index';

export const ADMIN = 'adm-lidia@contoso.onmicrosoft.com';
export const GROUP_INT_EXCHANGE = '0b1e7c3a-5d2f-4e8b-9a6c-4d3e2f1a0b91';
export const ROLE = {
  globalAdmin: '62e90394-69f5-4237-9190-012177145e10',
  exchangeAdmin: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  userAdmin: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  securityReader: '5d6b6bb7-de71-4623-b4af-96380a352509',
  appAdmin: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
} as const;

export function defaultScenario(): Scenario {
  return JSON.parse(readFileSync(DEFAULT_SCENARIO_PATH, 'utf8')) as Scenario;
}

/**
 * The default world plus the "PIM – INT – Exchange administrator" membership activated `startedMinutesAgo` ago for an
 * hour.
 */
export function withExchangeGroupActive(startedMinutesAgo = 1, scenario = defaultScenario()): Scenario {
  const s = scenario as Scenario & { assignments: unknown[] };
  s.assignments.push({
    id: 'LidiaGrpIntExchange-member-active',
    principal: ADMIN,
    groupId: GROUP_INT_EXCHANGE,
    accessId: 'member',
    assignmentType: 'Activated',
    start: `-${startedMinutesAgo}m`,
    end: `+${60 - startedMinutesAgo}m`,
    justification: 'Mailbox migration',
  });
  return s;
}

/** Renames a group everywhere it is shown (hostile display names). */
export function renameGroup(scenario: Scenario, groupId: string, displayName: string): Scenario {
  const s = scenario as Scenario & { groups: { id: string; displayName: string }[] };
  for (const g of s.groups) if (g.id === groupId) g.displayName = displayName;
  return s;
}

/** The requester whose requests the signed-in admin approves (issue 15). */
export const REQUESTER = {
  id: '5b8c1e2d-7a3f-4c6b-9d0e-1f2a3b4c5d63',
  userPrincipalName: 'megan@contoso.onmicrosoft.com',
  displayName: 'Megan Bowen',
} as const;

/**
 * The default world plus Megan, eligible for Global Administrator and the "PIM – INT – Exchange administrator" group,
 * whose activations Lidia (the signed-in admin) approves: Global Administrator with the approver's justification
 * required (Entra's default), the group without.
 */
export function withApprovals(scenario = defaultScenario()): Scenario {
  const s = scenario as Scenario & {
    accounts: unknown[];
    eligibilities: unknown[];
    policies: { roleDefinitionId?: string; groupId?: string; [k: string]: unknown }[];
  };
  s.accounts.push({ ...REQUESTER });
  s.eligibilities.push(
    { principal: REQUESTER.userPrincipalName, roleDefinitionId: ROLE.globalAdmin },
    { principal: REQUESTER.userPrincipalName, groupId: GROUP_INT_EXCHANGE, accessId: 'member' },
  );
  const ga = s.policies.find((p) => p.roleDefinitionId === ROLE.globalAdmin)!;
  Object.assign(ga, { approvalRequired: true, approvers: [ADMIN] });
  const group = s.policies.find((p) => p.groupId === GROUP_INT_EXCHANGE)!;
  Object.assign(group, { approvalRequired: true, approvers: [ADMIN], approverJustificationRequired: false });
  return s;
}
