/** The README "Reliability" table is generated from the scenario test names (scripts/reliability-table.mjs). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error -- a plain ESM script without type declarations
import { collect, GROUPS, ROOT, updatedReadme } from '../../scripts/reliability-table.mjs';

type Scenario = { group: string; name: string; file: string };

describe('report: the Reliability table', () => {
  it("README's Reliability table matches the scenario tests (run node scripts/reliability-table.mjs --write)", () => {
    const readme = readFileSync(join(ROOT as string, 'README.md'), 'utf8');
    expect(updatedReadme(readme)).toBe(readme);
  });

  it('every scenario group has tests, names are unique, and there are at least 60', () => {
    const all = collect() as Scenario[];
    for (const [, group] of GROUPS as Array<[string, string]>)
      expect(
        all.some((s) => s.group === group),
        group,
      ).toBe(true);
    expect(new Set(all.map((s) => `${s.group}:${s.name}`)).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(60);
  });
});
