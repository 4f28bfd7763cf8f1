/**
 * Bench worlds, derived from the stand-in's default scenario so they stay in step with it: the default admin with
 * `eligible` eligibilities in total (an MSP-scale 500 as well as an everyday 20). Generated role definitions and PIM
 * groups are deterministic, so every run sees the same tenant.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_SCENARIO_PATH, type Scenario } from '../../tests/fake-tenant/index';

export const ADMIN = 'adm-lidia@contoso.onmicrosoft.com';
export const SECURITY_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';
/** How many generated groups have a policy that asks for nothing: one-click activation (item 3 uses one per run). */
export const ONE_CLICK_GROUPS = 8;

type Mutable = Scenario & {
  roleDefinitions: { id: string; displayName: string; description?: string }[];
  groups: { id: string; displayName: string; description?: string; grantsRoles?: string[] }[];
  eligibilities: Record<string, unknown>[];
  assignments: Record<string, unknown>[];
  policies: Record<string, unknown>[];
};

/** A stable GUID-shaped id: `prefix` (hex) and a counter. */
function guid(prefix: string, n: number): string {
  const hex = (prefix + n.toString(16).padStart(12, '0')).padStart(32, '0').slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export function groupId(i: number): string {
  return guid('b0', i);
}

export function defaultScenario(): Mutable {
  return JSON.parse(readFileSync(DEFAULT_SCENARIO_PATH, 'utf8')) as Mutable;
}

/**
 * The default world grown to `eligible` eligibilities: first ONE_CLICK_GROUPS groups with an empty policy (no
 * justification, no approval), then alternately extra roles (some scoped to the administrative unit) and groups that
 * grant a role. `activeMinutes` changes the Security Reader activation's remaining time; null removes it.
 */
export function benchScenario(eligible: number, opts: { activeMinutes?: number | null } = {}): Scenario {
  const s = defaultScenario();
  s.name = `bench-${eligible}`;
  const au = s.administrativeUnits?.[0]?.id;
  let i = 0;
  while (s.eligibilities.length < eligible) {
    i += 1;
    if (i <= ONE_CLICK_GROUPS || i % 2 === 0) {
      const id = groupId(i);
      s.groups.push({
        id,
        displayName: `Bench group ${String(i).padStart(3, '0')}`,
        description: 'Generated for the benchmark.',
        grantsRoles: [],
      });
      s.eligibilities.push({
        id: `bench-g-${i}`,
        principal: ADMIN,
        groupId: id,
        accessId: 'member',
        start: '-30d',
        end: '+365d',
      });
      if (i <= ONE_CLICK_GROUPS)
        s.policies.push({ groupId: id, accessId: 'member', maximumDuration: 'PT2H', enabledRules: [] });
    } else {
      const id = guid('a0', i);
      s.roleDefinitions.push({
        id,
        displayName: `Bench role ${String(i).padStart(3, '0')}`,
        description: 'Generated for the benchmark.',
      });
      s.eligibilities.push({
        id: `bench-r-${i}`,
        principal: ADMIN,
        roleDefinitionId: id,
        ...(au && i % 3 === 0 ? { directoryScopeId: `/administrativeUnits/${au}` } : {}),
        start: '-30d',
        end: '+365d',
      });
    }
  }
  const reader = s.assignments.find((a) => a.roleDefinitionId === SECURITY_READER);
  if (opts.activeMinutes === null) s.assignments = s.assignments.filter((a) => a !== reader);
  else if (opts.activeMinutes !== undefined && reader) reader.end = `+${opts.activeMinutes}m`;
  return s;
}
