/**
 * Bundles: named sets of roles/groups activated together ("Exchange work" = Exchange Administrator + the Exchange
 * PIM group). A bundle stores assignment keys, not Graph ids: keys survive re-activation and refreshes.
 */
// zod/mini: the popup loads this; classic zod does not tree-shake (docs/PERFORMANCE.md).
import { z } from 'zod/mini';
import type { Assignment } from './model';

import { validationKey } from '../validation-keys';

export { VALIDATION_KEYS, validationKey } from '../validation-keys';

/** role:{roleDefinitionId}:{directoryScopeId} or group:{groupId}:{member|owner}, as built by model.ts. */
const AssignmentKeyString = z
  .string()
  .check(z.regex(/^(role:[^:]+:.+|group:[^:]+:(member|owner))$/, { error: validationKey('valNotAssignmentKey') }));

/** An activation length in whole minutes, 5 min to a day (pim.activate's bounds); shared with Template. */
export const ActivationMinutes = z
  .number()
  .check(
    z.int({ error: validationKey('valWholeMinutes') }),
    z.gte(5, { error: validationKey('valAtLeastMinutes') }),
    z.lte(1440, { error: validationKey('valAtMostMinutes') }),
  );

/** A template's or bundle's id: trimmed, 1–64 characters. */
export const LibraryId = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, { error: validationKey('valEmpty') }),
    z.maxLength(64, { error: validationKey('valTooLong') }),
  );

/** A template's or bundle's name as the user sees it: trimmed, 1–80 characters. */
export const LibraryName = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, { error: validationKey('valEmpty') }),
    z.maxLength(80, { error: validationKey('valTooLong') }),
  );

/**
 * The account a template or bundle belongs to (issue 16); absent: every account. A bundle names assignment keys of one
 * account's lists, so a new one is made for the account being edited; a template is usually shared.
 */
export const LibraryAccount = z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/)));

/** The entries that apply to `accountId`: its own and the shared ones. */
export function forAccount<T extends { accountId?: string | undefined }>(list: readonly T[], accountId: string): T[] {
  return list.filter((x) => x.accountId === undefined || x.accountId === accountId);
}

export const Bundle = z.object({
  id: LibraryId,
  name: LibraryName,
  items: z.array(AssignmentKeyString).check(
    z.minLength(1, { error: validationKey('valNoItems') }),
    z.maxLength(20, { error: validationKey('valTooManyItems') }),
    z.refine((keys) => new Set(keys).size === keys.length, { error: validationKey('valDuplicateItems') }),
  ),
  /** The reason template used for every item; absent: the UI asks, or uses the last reason. */
  templateId: z.optional(z.string().check(z.minLength(1))),
  durationMinutes: z.optional(ActivationMinutes),
  accountId: LibraryAccount,
});
export type Bundle = z.infer<typeof Bundle>;

export type BundleStep =
  | { key: string; action: 'activate'; assignment: Assignment }
  | { key: string; action: 'skip'; reason: 'active' | 'pending'; assignment: Assignment }
  | { key: string; action: 'missing' };

export interface BundlePlan {
  steps: BundleStep[];
  /** Shortcuts for the confirmation line ("2 to activate, 1 already active, 1 no longer eligible"). */
  toActivate: number;
  skipped: number;
  missing: number;
}

/** An item whose end has passed is stale snapshot data: it is no longer active/pending/eligible. */
function current(a: Assignment, now: Date | undefined): boolean {
  return !now || a.endDateTime === null || Date.parse(a.endDateTime) > now.getTime();
}

/**
 * What activating `bundle` would do with the snapshot's `assignments`: per item, activate it (eligible), skip it
 * (already active, or a request is pending), or report it missing (no longer eligible). Pass `now` to treat items
 * whose end has passed as gone even if the snapshot is older.
 */
export function planBundle(bundle: Bundle, assignments: readonly Assignment[], now?: Date): BundlePlan {
  const steps = [...new Set(bundle.items)].map((key): BundleStep => {
    const matches = assignments.filter((a) => a.key === key && current(a, now));
    const active = matches.find((a) => a.state === 'active');
    if (active) return { key, action: 'skip', reason: 'active', assignment: active };
    const pending = matches.find((a) => a.state === 'pending');
    if (pending) return { key, action: 'skip', reason: 'pending', assignment: pending };
    const eligible = matches.find((a) => a.state === 'eligible');
    if (eligible) return { key, action: 'activate', assignment: eligible };
    return { key, action: 'missing' };
  });
  return {
    steps,
    toActivate: steps.filter((s) => s.action === 'activate').length,
    skipped: steps.filter((s) => s.action === 'skip').length,
    missing: steps.filter((s) => s.action === 'missing').length,
  };
}
