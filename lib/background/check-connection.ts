/**
 * Check connection: one call to each Graph endpoint PIM Companion reads (the six self-service lists, then one policy
 * read for roles and one for groups, and the two approver views), and per delegated permission what the answers say.
 * Meant for the admin setting the extension up: "not consented" comes with the admin-consent link to send to a Global
 * Administrator.
 *
 * Classification: Graph's PIM endpoints answer a token without the permission with 403 `PermissionScopeNotGranted`
 * ("Authorization failed due to missing permission scope …"), other workloads with "Missing scope permissions"; any
 * other 403 (or 401) means the permission is there but this account may not use it here (a directory role, group
 * ownership, Conditional Access). Reads only: nothing is activated or changed.
 */
import { cloudById } from '../clouds';
import type { BatchItemResponse, BatchRequestItem, GraphClient } from '../graph/client';
import { GraphRequestError } from '../graph/errors';
import { READ_BATCH } from '../graph/reads';
import { APPROVER_READS } from '../graph/approvals';
import { GRAPH_PERMISSIONS } from '../auth/scopes';
import { SignInRequiredError } from '../auth/errors';
import { t, type MessageKey } from '../i18n';
import { groupRolesUrl } from '../graph/group-info';
import type { ConnectionCheck, ScopeCheck } from '../messaging';
import { groupPolicyUrl, rolePolicyUrl } from '../pim/policy';
import type { Connection } from '../storage';
import type { ArmClient } from '../arm/client';
import { AZURE_READS } from '../arm/reads';

/** Which permission each probe exercises (batch ids of lib/graph/reads.ts READ_BATCH, plus the two policy reads). */
export const PROBE_SCOPES: Record<string, string> = {
  rElig: 'RoleEligibilitySchedule.ReadWrite.Directory',
  rAct: 'RoleAssignmentSchedule.ReadWrite.Directory',
  rReq: 'RoleAssignmentSchedule.ReadWrite.Directory',
  rPolicy: 'RoleManagementPolicy.Read.Directory',
  gElig: 'PrivilegedEligibilitySchedule.Read.AzureADGroup',
  gAct: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  gReq: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  gPolicy: 'RoleManagementPolicy.Read.AzureADGroup',
  gRoles: 'RoleAssignmentSchedule.ReadWrite.Directory',
  // The approver views (issue 15, lib/graph/approvals.ts): the same permissions as the user's own requests.
  apRole: 'RoleAssignmentSchedule.ReadWrite.Directory',
  apGroup: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
};

/** What a refused read costs the user, said next to the refusal (admins without a directory reader role get these). */
const COST: Record<string, MessageKey> = {
  rPolicy: 'checkCostPolicy',
  gPolicy: 'checkCostPolicy',
  gRoles: 'checkCostGroupRoles',
  apRole: 'checkCostApprovals',
  apGroup: 'checkCostApprovals',
};

export interface CheckConnectionDeps {
  connection: () => Promise<Connection | null>;
  graphFor: (connection: Connection) => GraphClient;
  /** A Graph token before any call, so "you need to sign in" (SignInRequiredError) is found out before any read. */
  token: () => Promise<unknown>;
  now: () => Date;
  /** Azure resource roles: the ARM client, or null when they are switched off (then nothing is asked of ARM). */
  arm?: (connection: Connection) => Promise<ArmClient | null>;
}

/** The line Check connection shows for Azure resource roles. */
export const AZURE_SCOPE = 'Azure Service Management user_impersonation';

/**
 * One ARM read (my eligibilities at the root): "not consented" when no ARM token could be had, "no Azure access" when
 * ARM answers but lists nothing for this account, "forbidden" on ARM's 403.
 */
async function checkAzure(arm: ArmClient): Promise<ScopeCheck> {
  try {
    const items = await arm.list(AZURE_READS.azureEligible);
    return items.length > 0
      ? { scope: AZURE_SCOPE, status: 'ok', detail: null }
      : { scope: AZURE_SCOPE, status: 'skipped', detail: t('noteAzureNoAccess') };
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'AzureConsentRequired')
      return { scope: AZURE_SCOPE, status: 'not-consented', detail: t('noteAzureConsent') };
    if (e instanceof GraphRequestError) {
      const detail = `${e.code ? `${e.code}: ` : ''}${e.message}`;
      return { scope: AZURE_SCOPE, status: e.status === 403 || e.status === 401 ? 'forbidden' : 'error', detail };
    }
    return { scope: AZURE_SCOPE, status: 'error', detail: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The documented admin-consent endpoint: the administrator signs in and grants, for the whole tenant, every
 * permission configured on the app registration (the scripts in scripts/register-app.* configure exactly ours).
 */
export function adminConsentUrl(connection: Connection): string {
  const authority = cloudById(connection.cloudId).authority;
  return `${authority}/${encodeURIComponent(connection.tenant)}/adminconsent?client_id=${encodeURIComponent(connection.clientId)}`;
}

type Outcome = { status: ScopeCheck['status']; detail: string | null };

const MISSING_SCOPE = /PermissionScopeNotGranted|missing permission scope|Missing scope permissions|consent/i;

function errorText(body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const parts = [error?.code, error?.message].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length ? parts.join(': ') : typeof body === 'string' ? body.slice(0, 300) : '';
}

export function classify(item: BatchItemResponse | undefined): Outcome {
  if (!item) return { status: 'error', detail: t('checkMissingItem') };
  if (item.status >= 200 && item.status < 300) return { status: 'ok', detail: null };
  const text = errorText(item.body);
  if ((item.status === 403 || item.status === 401) && MISSING_SCOPE.test(text))
    return { status: 'not-consented', detail: text || null };
  if (item.status === 403 || item.status === 401) return { status: 'forbidden', detail: text || null };
  return { status: 'error', detail: `HTTP ${item.status}${text ? `: ${text}` : ''}` };
}

const RANK: Record<ScopeCheck['status'], number> = { 'not-consented': 4, forbidden: 3, error: 2, ok: 1, skipped: 0 };

/** The first id found in a list answer (`value[].roleDefinitionId` / `groupId`), to aim the policy read at. */
function firstId(item: BatchItemResponse | undefined, field: 'roleDefinitionId' | 'groupId'): string | null {
  const value = (item?.body as { value?: unknown } | null)?.value;
  if (!Array.isArray(value)) return null;
  for (const entry of value) {
    const id = (entry as Record<string, unknown> | null)?.[field];
    if (typeof id === 'string' && id) return id;
  }
  return null;
}

function policyProbes(reads: Map<string, BatchItemResponse>): { requests: BatchRequestItem[]; skipped: string[] } {
  const roleId = firstId(reads.get('rElig'), 'roleDefinitionId') ?? firstId(reads.get('rAct'), 'roleDefinitionId');
  const groupId = firstId(reads.get('gElig'), 'groupId') ?? firstId(reads.get('gAct'), 'groupId');
  const requests: BatchRequestItem[] = [
    // Without an eligible role, the tenant-wide list of directory role policies exercises the same permission.
    {
      id: 'rPolicy',
      method: 'GET',
      url: roleId
        ? rolePolicyUrl(roleId)
        : "/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'",
    },
  ];
  const skipped: string[] = [];
  // A group policy read needs a group: with no PIM group in sight there is nothing honest to ask.
  if (groupId) {
    requests.push({ id: 'gPolicy', method: 'GET', url: groupPolicyUrl(groupId, 'member') });
    requests.push({ id: 'gRoles', method: 'GET', url: groupRolesUrl(groupId) });
  } else skipped.push('gPolicy', 'gRoles');
  return { requests, skipped };
}

function report(outcomes: Map<string, Outcome>): ScopeCheck[] {
  return GRAPH_PERMISSIONS.map(({ name }) => {
    const mine = Object.entries(PROBE_SCOPES)
      .filter(([, scope]) => scope === name)
      .map(([id]) => outcomes.get(id) ?? { status: 'skipped' as const, detail: t('checkNothingToTest') });
    const worst = mine.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
    return { scope: name, status: worst.status, detail: worst.detail };
  });
}

export async function checkConnection(deps: CheckConnectionDeps): Promise<ConnectionCheck> {
  const connection = await deps.connection();
  if (!connection) return { kind: 'not-configured' };
  const consentUrl = adminConsentUrl(connection);
  const graph = deps.graphFor(connection);
  try {
    await deps.token();
    // Azure beside Graph, as in a refresh.
    const azure = deps.arm ? deps.arm(connection).then((arm) => (arm ? checkAzure(arm) : null)) : Promise.resolve(null);
    const first = await graph.batch(READ_BATCH);
    const reads = new Map(first.map((item) => [item.id, item]));
    const outcomes = new Map<string, Outcome>(READ_BATCH.map((r) => [r.id, classify(reads.get(r.id))]));
    const { requests, skipped } = policyProbes(reads);
    // The approver views (issue 15) ride with the policy probes: nothing in them depends on the first answers.
    const probes = [...requests, ...APPROVER_READS];
    const second = await graph.batch(probes);
    for (const r of probes) {
      const outcome = classify(second.find((item) => item.id === r.id));
      const cost = COST[r.id];
      outcomes.set(
        r.id,
        outcome.status === 'forbidden' && cost
          ? { status: 'forbidden', detail: `${t(cost)}${outcome.detail ? ` (${outcome.detail})` : ''}` }
          : outcome,
      );
    }
    for (const id of skipped) outcomes.delete(id);
    return {
      kind: 'checked',
      checkedAt: deps.now().toISOString(),
      adminConsentUrl: consentUrl,
      scopes: [...report(outcomes), ...[await azure].filter((s): s is ScopeCheck => s !== null)],
    };
  } catch (e) {
    if (e instanceof SignInRequiredError) return { kind: 'sign-in-required', detail: e.message };
    const detail =
      e instanceof GraphRequestError
        ? `${e.code ? `${e.code}: ` : ''}${e.message}`
        : e instanceof Error
          ? e.message
          : String(e);
    return { kind: 'failed', detail, adminConsentUrl: consentUrl };
  }
}
