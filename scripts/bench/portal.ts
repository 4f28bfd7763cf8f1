/**
 * Item 4: what the portal badge costs a heavy admin-portal page (the stand-in's Entra admin center: an SPA with
 * thousands of nodes, strict CSP), against the same page in a browser without the extension. Chromium's own
 * counters (CDP Performance.getMetrics) for the renderer's main thread, where content scripts run too.
 *
 * A third browser runs a copy of the extension whose portal.js only sets a mark (browser.ts emptyPortalExtension):
 * the floor, what any content script's isolated world costs the page before the badge does anything.
 */
import { rmSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { EMPTY_PORTAL_MARK, emptyPortalExtension, launchBench, type BenchBrowser } from './browser';
import { sleep, stat, type Stat } from './stats';

export const PORTAL_URL = 'https://entra.microsoft.com/';

export interface PortalSample {
  scriptMs: number;
  mainThreadPerMinuteMs: number;
  heapBytes: number;
  badgeStartToPaintMs: number | null;
}

type PageStats = { scriptMs: Stat; mainThreadPerMinuteMs: Stat; heapBytes: Stat };

export interface PortalResult {
  withExtension: PageStats & { badgeStartToPaintMs: Stat };
  withoutExtension: PageStats;
  /** The floor: the extension with a portal.js that only sets a mark (absent in results from before it existed). */
  emptyContentScript?: PageStats;
  /** heapFloor: the empty content script's heap over the page's without the extension. */
  ratios: { script: number; mainThreadPerMinute: number; heap: number; heapFloor?: number };
  windowMs: number;
}

async function metrics(page: Page): Promise<Record<string, number>> {
  const m = await page.metrics();
  return m as Record<string, number>;
}

/** What the page waits for before measuring: the badge's paint, the empty content script's mark, or nothing. */
type Wait = 'badge' | 'empty' | null;

async function sample(b: BenchBrowser, wait: Wait, windowMs: number): Promise<PortalSample> {
  const page: Page = await b.browser.newPage();
  const cdp = await page.createCDPSession();
  await page.goto(PORTAL_URL, { waitUntil: 'load' });
  // The SPA has rendered its grid (the loading line is replaced) and, with the extension, the badge has painted.
  await page.waitForFunction(() => !document.getElementById('portal-loading'));
  let badge: number | null = null;
  if (wait === 'empty') {
    await page.waitForFunction(
      (m) => performance.getEntriesByName(m).length > 0,
      { timeout: 20_000 },
      EMPTY_PORTAL_MARK,
    );
  }
  if (wait === 'badge') {
    await page.waitForFunction(() => performance.getEntriesByName('pim:badge-paint').length > 0, { timeout: 20_000 });
    badge = await page.evaluate(
      () =>
        performance.getEntriesByName('pim:badge-paint')[0]!.startTime -
        performance.getEntriesByName('pim:badge-start')[0]!.startTime,
    );
  }
  const m0 = await metrics(page);
  await sleep(windowMs);
  const m1 = await metrics(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const m2 = await metrics(page);
  await page.close();
  return {
    scriptMs: (m0.ScriptDuration ?? 0) * 1000,
    mainThreadPerMinuteMs: (((m1.TaskDuration ?? 0) - (m0.TaskDuration ?? 0)) * 1000 * 60_000) / windowMs,
    heapBytes: m2.JSHeapUsedSize ?? 0,
    badgeStartToPaintMs: badge,
  };
}

const pageStats = (s: PortalSample[]): PageStats => ({
  scriptMs: stat(s.map((x) => x.scriptMs)),
  mainThreadPerMinuteMs: stat(s.map((x) => x.mainThreadPerMinuteMs)),
  heapBytes: stat(s.map((x) => x.heapBytes)),
});

export async function measurePortal(
  withExt: BenchBrowser,
  without: BenchBrowser,
  runs: number,
  windowMs: number,
): Promise<PortalResult> {
  const a: PortalSample[] = [];
  const e: PortalSample[] = [];
  const z: PortalSample[] = [];
  const emptyDir = withExt.options.extensionDir ? emptyPortalExtension(withExt.options.extensionDir) : null;
  const empty = emptyDir ? await launchBench({ extensionDir: emptyDir, proxyPort: withExt.options.proxyPort }) : null;
  try {
    // First visits warm the HTTP connection and caches; not counted. Then alternate, so drift hits all alike.
    await sample(withExt, 'badge', 200);
    if (empty) await sample(empty, 'empty', 200);
    await sample(without, null, 200);
    for (let r = 0; r < runs; r++) {
      a.push(await sample(withExt, 'badge', windowMs));
      if (empty) e.push(await sample(empty, 'empty', windowMs));
      z.push(await sample(without, null, windowMs));
    }
  } finally {
    await empty?.close();
    if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
  }
  const w = { ...pageStats(a), badgeStartToPaintMs: stat(a.map((s) => s.badgeStartToPaintMs ?? Number.NaN)) };
  const wo = pageStats(z);
  const em = e.length ? pageStats(e) : undefined;
  return {
    withExtension: w,
    withoutExtension: wo,
    ...(em ? { emptyContentScript: em } : {}),
    ratios: {
      script: w.scriptMs.median / wo.scriptMs.median,
      mainThreadPerMinute: w.mainThreadPerMinuteMs.median / wo.mainThreadPerMinuteMs.median,
      heap: w.heapBytes.median / wo.heapBytes.median,
      ...(em ? { heapFloor: em.heapBytes.median / wo.heapBytes.median } : {}),
    },
    windowMs,
  };
}
