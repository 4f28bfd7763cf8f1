/**
 * Item 4: what the portal badge costs a heavy admin-portal page (the stand-in's Entra admin center: an SPA with
 * thousands of nodes, strict CSP), against the same page in a browser without the extension. Chromium's own
 * counters (CDP Performance.getMetrics) for the renderer's main thread, where content scripts run too.
 */
import type { Page } from 'puppeteer-core';
import type { BenchBrowser } from './browser';
import { sleep, stat, type Stat } from './stats';

export const PORTAL_URL = 'https://entra.microsoft.com/';

export interface PortalSample {
  scriptMs: number;
  mainThreadPerMinuteMs: number;
  heapBytes: number;
  badgeStartToPaintMs: number | null;
}

export interface PortalResult {
  withExtension: { scriptMs: Stat; mainThreadPerMinuteMs: Stat; heapBytes: Stat; badgeStartToPaintMs: Stat };
  withoutExtension: { scriptMs: Stat; mainThreadPerMinuteMs: Stat; heapBytes: Stat };
  ratios: { script: number; mainThreadPerMinute: number; heap: number };
  windowMs: number;
}

async function metrics(page: Page): Promise<Record<string, number>> {
  const m = await page.metrics();
  return m as Record<string, number>;
}

async function sample(b: BenchBrowser, withBadge: boolean, windowMs: number): Promise<PortalSample> {
  const page: Page = await b.browser.newPage();
  const cdp = await page.createCDPSession();
  await page.goto(PORTAL_URL, { waitUntil: 'load' });
  // The SPA has rendered its grid (the loading line is replaced) and, with the extension, the badge has painted.
  await page.waitForFunction(() => !document.getElementById('portal-loading'));
  let badge: number | null = null;
  if (withBadge) {
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

export async function measurePortal(
  withExt: BenchBrowser,
  without: BenchBrowser,
  runs: number,
  windowMs: number,
): Promise<PortalResult> {
  const a: PortalSample[] = [];
  const z: PortalSample[] = [];
  // First visits warm the HTTP connection and caches; not counted. Then alternate, so drift hits both alike.
  await sample(withExt, true, 200);
  await sample(without, false, 200);
  for (let r = 0; r < runs; r++) {
    a.push(await sample(withExt, true, windowMs));
    z.push(await sample(without, false, windowMs));
  }
  const w = {
    scriptMs: stat(a.map((s) => s.scriptMs)),
    mainThreadPerMinuteMs: stat(a.map((s) => s.mainThreadPerMinuteMs)),
    heapBytes: stat(a.map((s) => s.heapBytes)),
    badgeStartToPaintMs: stat(a.map((s) => s.badgeStartToPaintMs ?? Number.NaN)),
  };
  const wo = {
    scriptMs: stat(z.map((s) => s.scriptMs)),
    mainThreadPerMinuteMs: stat(z.map((s) => s.mainThreadPerMinuteMs)),
    heapBytes: stat(z.map((s) => s.heapBytes)),
  };
  return {
    withExtension: w,
    withoutExtension: wo,
    ratios: {
      script: w.scriptMs.median / wo.scriptMs.median,
      mainThreadPerMinute: w.mainThreadPerMinuteMs.median / wo.mainThreadPerMinuteMs.median,
      heap: w.heapBytes.median / wo.heapBytes.median,
    },
    windowMs,
  };
}
