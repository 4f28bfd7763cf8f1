/**
 * zod shapes of the ARM PIM answers we read (Microsoft.Authorization 2020-10-01; the examples in
 * Azure/azure-rest-api-specs …/stable/2020-10-01/examples: GetRoleEligibilityScheduleInstancesByScope,
 * GetRoleAssignmentScheduleInstancesByScope, PutRoleAssignmentScheduleRequest,
 * GetRoleManagementPolicyAssignmentByScope). Lenient: extra fields pass, each list item is parsed on its own so one odd
 * item cannot blank the section.
 */
import { z } from 'zod';
import { OptionalDate } from '../graph/schemas';

const Named = z.looseObject({
  id: z.string().nullish(),
  displayName: z.string().nullish(),
  type: z.string().nullish(),
});

export const ExpandedProperties = z.looseObject({
  scope: Named.nullish(),
  roleDefinition: Named.nullish(),
});

const Common = {
  scope: z.string(),
  roleDefinitionId: z.string(),
  principalId: z.string(),
  memberType: z.string().nullish(),
  status: z.string().nullish(),
  startDateTime: OptionalDate,
  endDateTime: OptionalDate,
  expandedProperties: ExpandedProperties.nullish(),
};

export const EligibilityInstance = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  properties: z.looseObject({ ...Common, roleEligibilityScheduleId: z.string().nullish() }),
});
export type EligibilityInstance = z.output<typeof EligibilityInstance>;

export const AssignmentInstance = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  properties: z.looseObject({
    ...Common,
    assignmentType: z.string().nullish(),
    linkedRoleEligibilityScheduleId: z.string().nullish(),
  }),
});
export type AssignmentInstance = z.output<typeof AssignmentInstance>;

export const ScheduleRequest = z.looseObject({
  id: z.string(),
  name: z.string(),
  properties: z.looseObject({
    scope: z.string(),
    roleDefinitionId: z.string(),
    principalId: z.string(),
    requestType: z.string().nullish(),
    status: z.string().nullish(),
    justification: z.string().nullish(),
    createdOn: OptionalDate,
    scheduleInfo: z
      .looseObject({
        startDateTime: OptionalDate,
        expiration: z
          .looseObject({ type: z.string().nullish(), duration: z.string().nullish(), endDateTime: OptionalDate })
          .nullish(),
      })
      .nullish(),
    expandedProperties: ExpandedProperties.nullish(),
  }),
});
export type ScheduleRequest = z.output<typeof ScheduleRequest>;

/** Parses each item on its own; what does not parse is dropped (and counted). */
export function parseItems<S extends z.ZodType>(schema: S, items: readonly unknown[]): z.output<S>[] {
  const out: z.output<S>[] = [];
  let dropped = 0;
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else dropped++;
  }
  if (dropped > 0) console.warn(`PIM Companion: ${dropped} Azure item(s) could not be read and are not shown.`);
  return out;
}
