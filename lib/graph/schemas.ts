/**
 * zod schemas for every Graph response the extension reads. Lenient on purpose (reference §0, §10 item 13): enum
 * strings compare case-insensitively (`Direct`/`direct`, `Activated`/`activated`), nulls and missing optional fields
 * are accepted, extra fields are ignored. Output is normalised to the domain model's forms (lib/pim/model.ts).
 * Lists are parsed item by item (parseList) so one odd item cannot blank a whole section.
 */
import { z } from 'zod';
import type { GroupAccess, MemberType } from '../pim/model';

/** An ISO timestamp, normalised to `Date#toISOString()` (Graph may send 7 fractional digits; ARM uses it too). */
export const IsoDate = z.string().transform((value, ctx) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${value}` });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});
/** Null or absent → null (for endDateTime that means permanent). */
export const OptionalDate = IsoDate.nullish().transform((v) => v ?? null);
const OptionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

function pickInsensitive<T extends string>(values: readonly T[], raw: string): T | undefined {
  const wanted = raw.trim().toLowerCase();
  return values.find((v) => v.toLowerCase() === wanted);
}

/** A case-insensitive enum that rejects unknown values (used where an unknown value makes the item unusable). */
function caseInsensitiveEnum<T extends string>(values: readonly T[]) {
  return z.string().transform((raw, ctx) => {
    const hit = pickInsensitive(values, raw);
    if (hit === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected one of ${values.join(', ')}, got ${raw}` });
      return z.NEVER;
    }
    return hit;
  });
}

const ACCESS_IDS: readonly GroupAccess[] = ['member', 'owner'];
const AccessId = caseInsensitiveEnum(ACCESS_IDS);

const MEMBER_TYPES: readonly MemberType[] = ['direct', 'group', 'inherited'];
/**
 * Absent → direct (lean payloads omit it for plain assignments). An unknown value → inherited: the UI only offers
 * self-deactivation for direct items, so an unrecognised kind must not look direct.
 */
const MemberTypeField = z
  .string()
  .nullish()
  .transform((raw): MemberType => (raw ? (pickInsensitive(MEMBER_TYPES, raw) ?? 'inherited') : 'direct'));

const AssignmentTypeField = z
  .string()
  .nullish()
  .transform((raw) => (raw ? (pickInsensitive(['Activated', 'Assigned'] as const, raw) ?? null) : null));

/** Documented request statuses (MGD resources/request.md); unknown values are kept as sent ("in progress"). */
export const REQUEST_STATUSES = [
  'Canceled',
  'Denied',
  'Failed',
  'Granted',
  'PendingAdminDecision',
  'PendingApproval',
  'PendingProvisioning',
  'PendingScheduleCreation',
  'Provisioned',
  'Revoked',
  'ScheduleCreated',
  'PendingEvaluation',
] as const;
const RequestStatus = z
  .string()
  .nullish()
  .transform((raw) => (raw ? (pickInsensitive(REQUEST_STATUSES, raw) ?? raw) : 'PendingApproval'));

/** An expanded navigation property (roleDefinition, directoryScope, group): only the name matters to us. */
const Expanded = z
  .object({ id: z.string().nullish(), displayName: z.string().nullish() })
  .nullish()
  .transform((v) => (v ? { id: v.id ?? null, displayName: v.displayName ?? null } : null));

/** '/' for tenant-wide; an empty or missing scope means the same. */
const DirectoryScopeId = z
  .string()
  .nullish()
  .transform((v) => (v && v.trim() ? v : '/'));

const ScheduleInfo = z
  .object({
    startDateTime: OptionalDate,
    expiration: z
      .object({ type: z.string().nullish(), duration: z.string().nullish(), endDateTime: OptionalDate })
      .nullish(),
  })
  .nullish();

export const RoleEligibilityInstance = z.object({
  id: z.string(),
  principalId: OptionalString,
  roleDefinitionId: z.string(),
  directoryScopeId: DirectoryScopeId,
  startDateTime: OptionalDate,
  endDateTime: OptionalDate,
  memberType: MemberTypeField,
  roleDefinition: Expanded,
  directoryScope: Expanded,
});
export type RoleEligibilityInstance = z.infer<typeof RoleEligibilityInstance>;

export const RoleAssignmentInstance = RoleEligibilityInstance.extend({ assignmentType: AssignmentTypeField });
export type RoleAssignmentInstance = z.infer<typeof RoleAssignmentInstance>;

export const RoleRequest = z.object({
  id: z.string(),
  principalId: OptionalString,
  roleDefinitionId: z.string(),
  directoryScopeId: DirectoryScopeId,
  status: RequestStatus,
  action: OptionalString,
  justification: OptionalString,
  createdDateTime: OptionalDate,
  scheduleInfo: ScheduleInfo,
  roleDefinition: Expanded,
  directoryScope: Expanded,
});
export type RoleRequest = z.infer<typeof RoleRequest>;

export const GroupEligibilityInstance = z.object({
  id: z.string(),
  principalId: OptionalString,
  groupId: z.string(),
  accessId: AccessId,
  startDateTime: OptionalDate,
  endDateTime: OptionalDate,
  memberType: MemberTypeField,
  group: Expanded,
});
export type GroupEligibilityInstance = z.infer<typeof GroupEligibilityInstance>;

export const GroupAssignmentInstance = GroupEligibilityInstance.extend({ assignmentType: AssignmentTypeField });
export type GroupAssignmentInstance = z.infer<typeof GroupAssignmentInstance>;

export const GroupRequest = z.object({
  id: z.string(),
  principalId: OptionalString,
  groupId: z.string(),
  accessId: AccessId,
  status: RequestStatus,
  action: OptionalString,
  justification: OptionalString,
  createdDateTime: OptionalDate,
  scheduleInfo: ScheduleInfo,
  group: Expanded,
});
export type GroupRequest = z.infer<typeof GroupRequest>;

/**
 * The roles a group holds: `roleAssignmentScheduleInstances?$filter=principalId eq '{groupId}'&$expand=roleDefinition`.
 * Same resource as the user's active instances; only the role name is used.
 */
export const GroupRoleInstance = RoleAssignmentInstance;

/** An OData collection: `{ value: [...], @odata.nextLink? }`. Items stay unknown here; parseList checks each. */
export const ODataList = z.object({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().nullish(),
});

export interface ParsedList<T> {
  items: T[];
  /** Items that did not parse (logged and skipped). */
  dropped: number;
  nextLink: string | null;
}

/** Parse a collection body item by item; null when the body is not a collection at all. */
export function parseList<S extends z.ZodType>(schema: S, body: unknown): ParsedList<z.infer<S>> | null {
  const list = ODataList.safeParse(body);
  if (!list.success) return null;
  const items: z.infer<S>[] = [];
  let dropped = 0;
  for (const raw of list.data.value) {
    const item = schema.safeParse(raw);
    if (item.success) items.push(item.data);
    else {
      dropped++;
      console.warn(`PIM Companion: skipped a Graph item that did not parse (${item.error.issues[0]?.message}).`);
    }
  }
  return { items, dropped, nextLink: list.data['@odata.nextLink'] ?? null };
}

const Status = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^\d{3}$/)
    .transform(Number),
]);

export const BatchResponseItem = z.object({
  id: z.string(),
  status: Status,
  /** Header names lower-cased (Graph sends e.g. `Retry-After`), values stringified. */
  headers: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((h) => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]))),
  body: z.unknown().optional(),
});
export type BatchResponseItem = z.infer<typeof BatchResponseItem>;

export const BatchResponse = z.object({
  responses: z.array(BatchResponseItem),
  '@odata.nextLink': z.string().nullish(),
});

/** `{"error":{"code","message","innerError"}}`; innerError's casing and shape vary, so it is read defensively. */
export const GraphErrorBody = z
  .object({
    error: z.object({
      code: z.string().nullish(),
      message: z.string().nullish(),
      innerError: z.unknown().optional(),
      innererror: z.unknown().optional(),
    }),
  })
  .transform(({ error }) => ({
    error: {
      code: error.code ?? undefined,
      message: error.message ?? '',
      requestId: requestIdOf(error.innerError) ?? requestIdOf(error.innererror),
    },
  }));

function requestIdOf(inner: unknown): string | undefined {
  if (!inner || typeof inner !== 'object') return undefined;
  const record = inner as Record<string, unknown>;
  const id = record['request-id'] ?? record['requestId'];
  return typeof id === 'string' ? id : undefined;
}
