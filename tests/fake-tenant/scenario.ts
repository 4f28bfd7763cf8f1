/**
 * The scenario: everything the stand-in tenant knows at start, as one JSON file validated with zod.
 * Times may be absolute ISO strings or relative to the clock start ("+40m", "-20m", "+10d") so a scenario
 * stays valid on any date. `null` for an end means permanent.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const Time = z.string().min(1);
const Duration = z.string().regex(/^P/i, 'an ISO-8601 duration such as PT8H');

export const Account = z.object({
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string(),
  /**
   * A guest (B2B) account: the UPN of the same person's account in their home tenant, another tenant of this stand-in.
   * The guest has its own object id here; it signs in with the home UPN and the home tenant's credentials.
   */
  homeUpn: z.string().optional(),
});

export const RoleDefinition = z.object({
  id: z.string(),
  displayName: z.string(),
  description: z.string().default(''),
});

export const Group = z.object({
  id: z.string(),
  displayName: z.string(),
  description: z.string().default(''),
  /** Role definition ids the group holds as standing (Assigned) role assignments. */
  grantsRoles: z.array(z.string()).default([]),
});

export const AdministrativeUnit = z.object({
  id: z.string(),
  displayName: z.string(),
  description: z.string().default(''),
});

/**
 * `principal` is an account id or UPN. A role target has roleDefinitionId (+ directoryScopeId); a group target groupId
 * + accessId.
 */
const Target = z.object({
  principal: z.string(),
  roleDefinitionId: z.string().optional(),
  directoryScopeId: z.string().default('/'),
  groupId: z.string().optional(),
  accessId: z.enum(['member', 'owner']).optional(),
  memberType: z.enum(['Direct', 'Group', 'Inherited']).default('Direct'),
});

export const Eligibility = Target.extend({
  id: z.string().optional(),
  start: Time.default('-30d'),
  end: Time.nullable().default(null),
});

export const ActiveAssignment = Target.extend({
  id: z.string().optional(),
  assignmentType: z.enum(['Activated', 'Assigned']).default('Activated'),
  start: Time.default('-20m'),
  end: Time.nullable().default(null),
  justification: z.string().optional(),
});

export const PendingRequest = Target.extend({
  id: z.string().optional(),
  justification: z.string().nullable().default(null),
  created: Time.default('-5m'),
  start: Time.default('-5m'),
  duration: Duration.default('PT1H'),
});

export const Policy = z.object({
  /** Role definition id for a directory role policy; groupId + accessId for a group policy. */
  roleDefinitionId: z.string().optional(),
  groupId: z.string().optional(),
  accessId: z.enum(['member', 'owner']).default('member'),
  maximumDuration: Duration.default('PT8H'),
  isExpirationRequired: z.boolean().default(true),
  enabledRules: z.array(z.enum(['MultiFactorAuthentication', 'Justification', 'Ticketing'])).default(['Justification']),
  approvalRequired: z.boolean().default(false),
  /** Conditional Access authentication context required on activation (e.g. "c1"); null when off. */
  authenticationContext: z.string().nullable().default(null),
  /**
   * Who approves activation requests (account ids or UPNs; the rule's primaryApprovers). Empty: a made-up user nobody
   * signs in as, so requests wait until the control API decides.
   */
  approvers: z.array(z.string()).default([]),
  /** The approval stage's isApproverJustificationRequired (Entra's default is on). */
  approverJustificationRequired: z.boolean().default(true),
});

/**
 * Azure resource roles (management.azure.com, tests/fake-tenant/arm/). Scopes form the hierarchy ARM knows: a
 * management group's subscriptions name it as `parent`. Role definitions are by GUID (ARM's ids repeat the scope they
 * are read at).
 */
const AzureScope = z.object({
  id: z.string().regex(/^\//),
  displayName: z.string(),
  /** A subscription's management group (its resource groups and resources are under it by their ids). */
  parent: z.string().optional(),
});
const AzureTarget = z.object({
  principal: z.string(),
  roleDefinitionId: z.string(),
  scope: z.string().regex(/^\//),
  memberType: z.enum(['Direct', 'Group', 'Inherited']).default('Direct'),
});
export const Azure = z
  .object({
    scopes: z.array(AzureScope).default([]),
    roleDefinitions: z.array(z.object({ id: z.string(), displayName: z.string() })).default([]),
    eligibilities: z
      .array(
        AzureTarget.extend({
          id: z.string().optional(),
          start: Time.default('-30d'),
          end: Time.nullable().default(null),
        }),
      )
      .default([]),
    assignments: z
      .array(
        AzureTarget.extend({
          assignmentType: z.enum(['Activated', 'Assigned']).default('Activated'),
          start: Time.default('-20m'),
          end: Time.nullable().default(null),
        }),
      )
      .default([]),
    /** Activation rules per role definition (GUID), at a scope and below (default: everywhere). */
    policies: z
      .array(
        z.object({
          roleDefinitionId: z.string(),
          scope: z.string().optional(),
          maximumDuration: Duration.default('PT8H'),
          enabledRules: z
            .array(z.enum(['MultiFactorAuthentication', 'Justification', 'Ticketing']))
            .default(['Justification']),
          approvalRequired: z.boolean().default(false),
          authenticationContext: z.string().nullable().default(null),
        }),
      )
      .default([]),
    /** Finished requests (ARM lists a requestor's history with asRequestor(), not only what is open). */
    history: z
      .array(
        AzureTarget.extend({
          requestType: z.enum(['SelfActivate', 'SelfDeactivate']).default('SelfActivate'),
          status: z.string().default('Provisioned'),
          created: Time.default('-7d'),
          duration: Duration.default('PT1H'),
          justification: z.string().nullable().default(null),
        }),
      )
      .default([]),
    /** The signed-in users may not read roleManagementPolicyAssignments (403 AuthorizationFailed). */
    policyReadForbidden: z.boolean().default(false),
    /** Items per page before ARM answers a nextLink. */
    pageSize: z.number().int().min(1).default(100),
  })
  .default({
    scopes: [],
    roleDefinitions: [],
    eligibilities: [],
    assignments: [],
    policies: [],
    history: [],
    policyReadForbidden: false,
    pageSize: 100,
  });

export const PinnedResponse = z.object({
  method: z.string().default('GET'),
  /** Path after /v1.0 plus the raw query string, e.g. "/groups/abc?$select=displayName" (exact match). */
  path: z.string(),
  status: z.number().int().default(200),
  body: z.unknown(),
});

const App = z.object({
  clientId: z.string(),
  redirectUris: z.array(z.string()).min(1),
  grantedScopes: z.array(z.string()),
  /**
   * How the token response's `scope` names Graph permissions. 'short' (default):
   * `RoleEligibilitySchedule.ReadWrite.Directory`, the form Entra's v2 endpoint returns for Microsoft Graph whatever
   * form was requested (ENTRA docs/identity-platform/v2-oauth2-device-code.md, "Successful authentication response":
   * `"scope": "User.Read profile openid email"`; issue 12 saw the same on a real tenant). 'requested': echoed as
   * sent, e.g. `https://graph.microsoft.com/…` (the form of the example in v2-oauth2-auth-code-flow.md).
   */
  scopeEcho: z.enum(['short', 'requested']).default('short'),
  /** app_displayname in access tokens and the consent error's application name. */
  displayName: z.string().default('PIM Companion'),
});

/** One tenant: its directory, app registration, PIM and Azure data. */
export const TenantScenario = z.object({
  name: z.string().default('scenario'),
  tenant: z.object({ id: z.string(), domain: z.string(), displayName: z.string() }),
  /** The tenant's own app registration. */
  app: App,
  /**
   * Multi-tenant apps registered in another tenant and consented in this one (their service principals here): the
   * same client id, redirect URIs and granted scopes work at this tenant's authority.
   */
  consentedApps: z.array(App).default([]),
  accounts: z.array(Account).min(1),
  clock: z.object({ start: z.string().optional() }).default({}),
  roleDefinitions: z.array(RoleDefinition).default([]),
  groups: z.array(Group).default([]),
  administrativeUnits: z.array(AdministrativeUnit).default([]),
  eligibilities: z.array(Eligibility).default([]),
  assignments: z.array(ActiveAssignment).default([]),
  pendingRequests: z.array(PendingRequest).default([]),
  policies: z.array(Policy).default([]),
  pinned: z.array(PinnedResponse).default([]),
  /**
   * The signed-in admins hold no directory role that may read role management (Global Reader, Security Reader,
   * Privileged Role Administrator…; MGD includes/rbac-for-apis/rbac-pim-entra-roles-apis.md): policy reads and the
   * role-assignment list beyond filterByCurrentUser answer 403, while activation requests still enforce every rule.
   */
  leastPrivileged: z.boolean().default(false),
  azure: Azure,
});

export const Scenario = TenantScenario.extend({
  /**
   * Further tenants the same stand-in serves beside this one (the home tenant, which `control.*` addresses). Their
   * `clock` is ignored: all tenants share one clock.
   */
  otherTenants: z.array(TenantScenario).default([]),
});
export type Scenario = z.input<typeof Scenario>;
export type TenantScenario = z.input<typeof TenantScenario>;
export type ParsedScenario = z.output<typeof Scenario>;
export type ParsedTenantScenario = z.output<typeof TenantScenario>;
export type AppConfig = z.output<typeof App>;
export type PolicyConfig = z.output<typeof Policy>;
export type AzureConfig = z.output<typeof Azure>;

export const DEFAULT_SCENARIO_PATH = fileURLToPath(new URL('./scenarios/default.json', import.meta.url));

/** A Scenario object, or a path to a JSON file; throws with zod's explanation when it does not validate. */
export function parseScenario(input: unknown): ParsedScenario {
  const raw: unknown = typeof input === 'string' ? JSON.parse(readFileSync(input, 'utf8')) : input;
  const result = Scenario.safeParse(raw);
  if (!result.success) throw new Error(`Invalid fake-tenant scenario: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** One tenant's scenario (for `control.tenant(x).loadScenario`): `otherTenants` is not allowed there. */
export function parseTenantScenario(input: unknown): ParsedTenantScenario {
  const raw: unknown = typeof input === 'string' ? JSON.parse(readFileSync(input, 'utf8')) : input;
  if (
    raw &&
    typeof raw === 'object' &&
    'otherTenants' in raw &&
    Array.isArray(raw.otherTenants) &&
    raw.otherTenants.length
  )
    throw new Error('Invalid fake-tenant scenario: otherTenants is only allowed in the home scenario.');
  const result = TenantScenario.safeParse(raw);
  if (!result.success) throw new Error(`Invalid fake-tenant scenario: ${z.prettifyError(result.error)}`);
  return result.data;
}

export function loadDefaultScenario(): ParsedScenario {
  return parseScenario(DEFAULT_SCENARIO_PATH);
}
