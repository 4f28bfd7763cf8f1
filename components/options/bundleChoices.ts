/** What a bundle can hold: the snapshot's eligible roles and groups, once per key (pure, for the bundle editor). */
import type { Assignment } from '../../lib/pim/model';

/** One assignment per key among eligible ones: roles before groups, then by name (as the popup lists them). */
export function eligibleChoices(assignments: readonly Assignment[]): Assignment[] {
  const byKey = new Map<string, Assignment>();
  for (const a of assignments) if (a.state === 'eligible' && !byKey.has(a.key)) byKey.set(a.key, a);
  return [...byKey.values()].sort(
    (a, b) =>
      (a.kind === b.kind ? 0 : a.kind === 'role' ? -1 : 1) ||
      a.displayName.localeCompare(b.displayName) ||
      a.key.localeCompare(b.key),
  );
}

/** Display names by key from every state, so a bundle item that is active right now still shows its name. */
export function namesByKey(assignments: readonly Assignment[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const a of assignments) if (a.displayName && !names.has(a.key)) names.set(a.key, a.displayName);
  return names;
}

/** A real role name for the template preview, when the snapshot has one. */
export function sampleRoleName(assignments: readonly Assignment[]): string | null {
  return eligibleChoices(assignments).find((a) => a.kind === 'role')?.displayName ?? null;
}
