/**
 * Issue 18: the size budgets, held on the release build the e2e suite runs (tests/e2e/global-setup.ts builds it into
 * WXT_OUT_DIR or .output/). The budgets and the measure are the bench's own (scripts/bench/budgets.ts, sizes.ts):
 * the popup's JS before the cached list is on screen (its module script, modulepreload links and their static imports,
 * gzip -9; chunks reached only through `import()` load after the first paint and do not count), the content script.
 */
import { describe, expect, it } from 'vitest';
import { SIZE_BUDGETS } from '../../scripts/bench/budgets';
import { bundleSizes, describeFiles, type BundleSize } from '../../scripts/bench/sizes';
import { FIREFOX_DIR } from './firefox-harness';
import { EXTENSION_DIR } from './harness';

const kB = (b: number) => `${(b / 1000).toFixed(1)} kB`;

/** The failure message: what was counted, file by file, and what was left for after the first paint. */
function explain(browser: string, s: BundleSize, budget: number): string {
  const after = s.afterFirstPaint?.files ?? [];
  return [
    `${browser} ${s.context}: ${kB(s.jsGzipBytes)} gz (the files below concatenated, gzip -9), budget ${kB(budget)}.`,
    `Counted (loaded before the first paint):`,
    describeFiles(s.fileSizes ?? []),
    after.length
      ? `Not counted (only reached through import(), ${kB(s.afterFirstPaint!.jsGzipBytes)} gz):\n${describeFiles(after)}`
      : 'Nothing is loaded through import().',
    '',
  ].join('\n');
}

describe.each([
  ['Chromium', EXTENSION_DIR],
  ['Firefox', FIREFOX_DIR],
])('bundle sizes of the %s release build', (browser, dir) => {
  const sizes = bundleSizes(dir);

  it.each(Object.entries(SIZE_BUDGETS))('%s: JS loaded before the first paint ≤ %i bytes gz', (context, budget) => {
    const s = sizes.find((x) => x.context === context);
    expect(s, `${context} in ${dir}`).toBeDefined();
    expect(s!.files.length, `${context}: the files it loads`).toBeGreaterThan(0);
    expect(s!.jsGzipBytes, explain(browser, s!, budget)).toBeLessThanOrEqual(budget);
  });
});
