/**
 * Items 1–3: popup paint (cached and fresh, beside the blank-page floor), Graph traffic per refresh (cold and warm),
 * and one-click activation, all in one browser per scenario size.
 */
import type { FakeTenant, LogEntry } from '../../tests/fake-tenant/index';
import { accountKey } from '../../tests/e2e/harness';
import { type BenchBrowser, requestRefresh, snapshotFetchedAt, waitForNewSnapshot, waitForStorage } from './browser';
import type { LatencyProxy } from './proxy';
import { groupId } from './scenarios';
import { roundTrips, stat, type Stat } from './stats';

declare const chrome: typeof import('wxt/browser').browser;

export interface PaintResult {
  eligible: number;
  cachedPaintMs: Stat;
  freshPaintMs: Stat;
  blankPaintMs: Stat;
  /** Median cached paint / median blank page paint. */
  cachedVsBlank: number;
  /**
   * The longest main-thread task after the cached list is on screen (Long Tasks API: tasks over 50 ms; 0 = none), while
   * the rest of the list renders and the refresh's answer repaints it: how long a keystroke in search could wait.
   */
  longestTaskAfterPaintMs: Stat;
}

/** The longest task that started after `mark` (0 when no task took over 50 ms), from the page's buffered long tasks. */
async function longestTaskAfter(page: import('puppeteer-core').Page, mark: string): Promise<number> {
  return page.evaluate(
    (m: string) =>
      new Promise<number>((resolve) => {
        const since = performance.getEntriesByName(m)[0]!.startTime;
        let longest = 0;
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (e.startTime >= since) longest = Math.max(longest, e.duration);
        });
        observer.observe({ type: 'longtask', buffered: true });
        // Buffered entries arrive in the observer's first callback, a task later.
        setTimeout(() => {
          observer.disconnect();
          resolve(longest);
        }, 50);
      }),
    mark,
  );
}

export interface RefreshResult {
  eligible: number;
  kind: 'cold' | 'warm';
  requests: Stat;
  batchItems: Stat;
  roundTrips: Stat;
  bytesReceived: Stat;
  durationMs: Stat;
  /** Requests to the sign-in token endpoint during the refresh: 0 while the access token is valid (issue 12). */
  tokenRequests: Stat;
  /**
   * Requests to Azure Resource Manager (Azure roles, issue 14): sent beside the Graph batch, so round trips count both.
   */
  armRequests?: Stat;
  /**
   * The refresh's floor: the longest chain of pages any one list took (its first page plus each request that followed
   * a `@odata.nextLink` / ARM `nextLink`, i.e. carried `$skiptoken`). Each page needs the previous one's link, so a
   * refresh cannot take fewer round trips than this. Absent in results written before issue 18.
   */
  pageChain?: Stat;
  /** The list with the longest chain (host and path), from the last run. */
  pageChainList?: string;
}

/** Requests (Graph `$batch` items, plain Graph and ARM GETs) in a request log, as absolute URLs. */
function listReads(log: LogEntry[]): URL[] {
  const urls: URL[] = [];
  for (const e of log) {
    if (e.host !== GRAPH && e.host !== ARM) continue;
    if (e.batch) {
      for (const item of e.batch)
        if (item.method === 'GET') urls.push(new URL(`https://${GRAPH}${item.url.replace(/^\/?/, '/')}`));
    } else if (e.method === 'GET' && !/\$batch$/.test(e.path)) {
      urls.push(new URL(`https://${e.host}${e.path}${e.query ? `?${e.query}` : ''}`));
    }
  }
  return urls;
}

/**
 * The longest chain of pages of one list in a refresh's request log (see RefreshResult.pageChain): per list (host,
 * path and query without `$skiptoken`), 1 + the requests for its next pages. 0 when the log holds no list read.
 */
export function longestPageChain(log: LogEntry[]): { pages: number; list: string } {
  const chains = new Map<string, number>();
  for (const url of listReads(log)) {
    const params = [...url.searchParams].filter(([k]) => k.toLowerCase() !== '$skiptoken');
    const key = `${url.host}${decodeURIComponent(url.pathname)}?${new URLSearchParams(params.sort()).toString()}`;
    const next = params.length < [...url.searchParams].length;
    chains.set(key, (chains.get(key) ?? 1) + (next ? 1 : 0));
  }
  let best = { pages: 0, list: '' };
  for (const [key, pages] of chains) if (pages > best.pages) best = { pages, list: key.split('?')[0]! };
  return best;
}

const GRAPH = 'graph.microsoft.com';
const ARM = 'management.azure.com';
const isTokenRequest = (e: LogEntry) => e.host === 'login.microsoftonline.com' && e.path.endsWith('/oauth2/v2.0/token');

async function markTime(page: import('puppeteer-core').Page, name: string, timeoutMs = 30_000): Promise<number> {
  await page.waitForFunction((n: string) => performance.getEntriesByName(n).length > 0, { timeout: timeoutMs }, name);
  return page.evaluate((n: string) => performance.getEntriesByName(n)[0]!.startTime, name);
}

/** Marks the stored snapshot as fetched long ago, so the popup asks for a refresh when it opens (as after a break). */
async function makeStale(b: BenchBrowser): Promise<void> {
  await b.control.evaluate(async (key: string) => {
    const snapshot = (await chrome.storage.local.get(key))[key] as { fetchedAt: string };
    await chrome.storage.local.set({
      [key]: { ...snapshot, fetchedAt: new Date(Date.now() - 30 * 60_000).toISOString() },
    });
  }, accountKey('snapshot'));
}

export async function measurePaint(b: BenchBrowser, eligible: number, runs: number): Promise<PaintResult> {
  const cached: number[] = [];
  const fresh: number[] = [];
  const blank: number[] = [];
  const longest: number[] = [];
  // One extra first round warms Chromium's caches of the extension's files; it is not counted.
  for (let r = 0; r <= runs; r++) {
    const bp = await b.open('bench.html#paint');
    const blankMs = await markTime(bp, 'bench:blank-paint');
    await bp.close();

    await makeStale(b);
    const previous = await snapshotFetchedAt(b);
    const page = await b.open('popup.html');
    const cachedMs = await markTime(page, 'pim:cached-paint');
    const freshMs = await markTime(page, 'pim:fresh-paint');
    await waitForNewSnapshot(b, previous);
    const longestMs = await longestTaskAfter(page, 'pim:cached-paint');
    await page.close();
    if (r === 0) continue;
    longest.push(longestMs);
    cached.push(cachedMs);
    fresh.push(freshMs);
    blank.push(blankMs);
  }
  const c = stat(cached);
  const bl = stat(blank);
  return {
    eligible,
    cachedPaintMs: c,
    freshPaintMs: stat(fresh),
    blankPaintMs: bl,
    cachedVsBlank: c.median / bl.median,
    longestTaskAfterPaintMs: stat(longest),
  };
}

function graphEntries(log: LogEntry[]): LogEntry[] {
  return log.filter((e) => e.host === GRAPH);
}

/** Real-time ms of a log entry: the stand-in stamps its own clock, which runs at `offsetMs` from the real one. */
function arrivalMs(e: LogEntry, offsetMs: number): number {
  return Date.parse(e.at) - offsetMs;
}

export async function clockOffset(tenant: FakeTenant): Promise<number> {
  const before = Date.now();
  const now = Date.parse(await tenant.control.now());
  return now - (before + Date.now()) / 2;
}

export async function measureRefresh(
  b: BenchBrowser,
  tenant: FakeTenant,
  proxy: LatencyProxy,
  eligible: number,
  kind: 'cold' | 'warm',
  runs: number,
  rttMs: number,
): Promise<RefreshResult> {
  const out = {
    requests: [] as number[],
    items: [] as number[],
    trips: [] as number[],
    bytes: [] as number[],
    ms: [] as number[],
    tokens: [] as number[],
    arm: [] as number[],
    chain: [] as number[],
  };
  let chainList = '';
  const offset = await clockOffset(tenant);
  for (let r = 0; r < runs; r++) {
    // Cold: the caches a first refresh fills (PIM group details, activation policies) are empty again.
    if (kind === 'cold')
      await b.control.evaluate(
        async (keys: string[]) => chrome.storage.local.remove(keys),
        [accountKey('groupInfo'), accountKey('policies')],
      );
    const previous = await snapshotFetchedAt(b);
    await tenant.control.clearLog();
    proxy.resetCounters();
    const t0 = Date.now();
    await requestRefresh(b, true);
    await waitForNewSnapshot(b, previous);
    out.ms.push(Date.now() - t0);
    const log = await tenant.control.log();
    const graph = graphEntries(log);
    const arm = log.filter((e) => e.host === ARM);
    out.tokens.push(log.filter(isTokenRequest).length);
    out.requests.push(graph.length);
    out.arm.push(arm.length);
    out.items.push(graph.reduce((n, e) => n + (e.batch?.length ?? 1), 0));
    // Graph and ARM together: ARM requests that ride beside the batch add no round trip, ones after it do.
    out.trips.push(
      roundTrips(
        [...graph, ...arm].map((e) => arrivalMs(e, offset)),
        rttMs,
      ),
    );
    out.bytes.push(proxy.bytesDown());
    const chain = longestPageChain(log);
    out.chain.push(chain.pages);
    chainList = chain.list;
  }
  return {
    eligible,
    kind,
    requests: stat(out.requests),
    batchItems: stat(out.items),
    roundTrips: stat(out.trips),
    bytesReceived: stat(out.bytes),
    durationMs: stat(out.ms),
    tokenRequests: stat(out.tokens),
    armRequests: stat(out.arm),
    pageChain: stat(out.chain),
    pageChainList: chainList,
  };
}

export interface ActivationResult {
  clickToRequestMs: Stat;
  clickToActiveMs: Stat;
}

/**
 * Item 3: one click on Activate for a group whose policy asks for nothing. "Request sent" is when the POST left the
 * browser: its arrival at the stand-in minus the injected one-way delay (half the round trip).
 */
export async function measureActivation(
  b: BenchBrowser,
  tenant: FakeTenant,
  runs: number,
  rttMs: number,
): Promise<ActivationResult> {
  const toRequest: number[] = [];
  const toActive: number[] = [];
  const offset = await clockOffset(tenant);
  for (let r = 1; r <= runs; r++) {
    const key = `group:${groupId(r)}:member`;
    const page = await b.open('popup.html');
    const button = `[data-testid="assignment"][data-key="${key}"][data-state="eligible"] [data-testid="activate"][data-one-click="true"]`;
    await page.waitForSelector(button);
    await waitForStorage(b, 'local', accountKey('refreshState'), '(v) => !v || !v.inFlight');
    await tenant.control.clearLog();
    await page.evaluate((k: string) => {
      const w = window as unknown as { benchClick?: number; benchActive?: number };
      document.addEventListener('click', () => (w.benchClick ??= performance.timeOrigin + performance.now()), {
        capture: true,
      });
      const sel = `[data-testid="assignment"][data-key="${k}"][data-state="active"]`;
      new MutationObserver((_, obs) => {
        if (document.querySelector(sel)) {
          w.benchActive = performance.timeOrigin + performance.now();
          obs.disconnect();
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    }, key);
    await page.click(button);
    await page.waitForFunction(() => (window as unknown as { benchActive?: number }).benchActive !== undefined, {
      timeout: 30_000,
    });
    const { click, active } = await page.evaluate(() => {
      const w = window as unknown as { benchClick: number; benchActive: number };
      return { click: w.benchClick, active: w.benchActive };
    });
    const post = (await tenant.control.log()).find(
      (e) =>
        e.host === GRAPH &&
        e.method === 'POST' &&
        (/assignmentScheduleRequests/i.test(e.path) || !!e.batch?.some((i) => i.method === 'POST')),
    );
    if (!post) throw new Error(`no activation request reached the stand-in for ${key}`);
    toRequest.push(arrivalMs(post, offset) - rttMs / 2 - click);
    toActive.push(active - click);
    await waitForStorage(b, 'local', accountKey('refreshState'), '(v) => !v || !v.inFlight');
    await page.close();
  }
  return { clickToRequestMs: stat(toRequest), clickToActiveMs: stat(toActive) };
}
