/**
 * Issue 18 investigation: which main-thread tasks after `pim:cached-paint` are long, and what runs in them. Same set-up
 * as the bench's popup paint (scripts/bench/popup.ts measurePaint): 80 ms latency proxy, signed in, snapshot marked
 * 30 min old before each open so the popup asks for a refresh; the first round only warms caches.
 *
 *   npx tsx scripts/bench/trace-popup.ts --builds <before>/chrome-mv3,<after>/chrome-mv3 [--eligible 500] [--runs 5]
 *       [--light | --trace]
 *
 * Several builds are measured alternately in one run, each in its own browser against one stand-in. Always printed:
 * the bench's figure (longest Long Tasks API entry after the cached paint) and every long task ("ms@start", F = the
 * task that delivered the refreshed snapshot). --light adds a timeline trace per run: the longest task's wall and
 * thread-CPU time (on a loaded machine the wall time includes waiting for a core). --trace adds the V8 CPU profile:
 * per long task, its top-level events and the functions with the most self and total time. For readable function
 * names, build without minification (a local WXT config whose vite build sets `minify: false`).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startFakeTenant } from '../../tests/fake-tenant/index';
import { accountKey } from '../../tests/e2e/harness';
import {
  benchExtension,
  EXTENSION_ID,
  launchBench,
  signIn,
  snapshotFetchedAt,
  waitForNewSnapshot,
  waitForStorage,
} from './browser';
import { startLatencyProxy } from './proxy';
import { benchScenario } from './scenarios';

declare const chrome: typeof import('wxt/browser').browser;

const { values } = parseArgs({
  options: {
    build: { type: 'string' },
    builds: { type: 'string' },
    eligible: { type: 'string', default: '500' },
    runs: { type: 'string', default: '5' },
    trace: { type: 'boolean', default: false },
    // A trace with the timeline only (no CPU profile): less overhead; prints the task that delivered the new snapshot.
    light: { type: 'boolean', default: false },
    out: { type: 'string', default: '/tmp/popup-trace' },
  },
});
// --builds a,b: measured alternately in one run (before/after), each in its own browser against one stand-in.
const builds = (values.builds ?? values.build ?? '').split(',').filter(Boolean);
if (builds.length === 0) throw new Error('--build <dir> or --builds <dir>,<dir>');
const eligible = Number(values.eligible);
const runs = Number(values.runs);

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: { data?: Record<string, unknown>; name?: string };
}
interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

let summary: { wall: number; cpu: number }[] = [];

function analyse(events: TraceEvent[], label: string): void {
  const mark = events.find((e) => e.name === 'pim:cached-paint');
  if (!mark) return void console.log(`${label}: no pim:cached-paint in trace`);
  const main = { pid: mark.pid, tid: mark.tid };
  const onMain = (e: TraceEvent) => e.pid === main.pid && e.tid === main.tid;
  // ThreadControllerImpl::RunTask: every main-thread task, with its wall (dur) and thread CPU time (tdur). On a loaded
  // machine the wall time includes waits for a core; the CPU time does not.
  const tasks = events.filter(
    (e) => onMain(e) && e.name === 'ThreadControllerImpl::RunTask' && e.ph === 'X' && e.ts >= mark.ts,
  );
  const fresh = events.find((e) => e.name === 'pim:fresh-paint');
  const ms = (us: number | undefined) => ((us ?? 0) / 1000).toFixed(1);
  const freshTask = fresh && tasks.find((e) => e.ts <= fresh.ts && fresh.ts <= e.ts + e.dur!);
  const byWall = [...tasks].sort((a, b) => b.dur! - a.dur!)[0];
  const byCpu = [...tasks].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0))[0];
  const otherCpu = [...tasks].filter((e) => e !== freshTask).sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0))[0];
  summary.push({ wall: (byWall?.dur ?? 0) / 1000, cpu: (byCpu?.tdur ?? 0) / 1000 });
  console.log(
    `  TRACE longest task after cached paint: wall ${ms(byWall?.dur)} (cpu ${ms(byWall?.tdur)}); by cpu ${ms(byCpu?.tdur)}` +
      ` (wall ${ms(byCpu?.dur)}); snapshot-delivery task wall ${ms(freshTask?.dur)} cpu ${ms(freshTask?.tdur)};` +
      ` longest other cpu ${ms(otherCpu?.tdur)} (wall ${ms(otherCpu?.dur)}) at +${ms(otherCpu && otherCpu.ts - mark.ts)}`,
  );
  if (values.light) return;
  const long = tasks.filter((e) => (e.tdur ?? 0) > 25_000).sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0));
  console.log(
    `${label}: ${long.length} task(s) over 50 ms after cached paint; fresh-paint at +${fresh ? ((fresh.ts - mark.ts) / 1000).toFixed(0) : '?'} ms`,
  );

  // CPU profile: nodes and samples from the Profile/ProfileChunk events of the main thread's isolate.
  const nodes = new Map<number, ProfileNode>();
  const samples: { ts: number; node: number }[] = [];
  // The main thread's profile only (the service worker runs in the same process).
  const profileStart = events.find((e) => e.name === 'Profile' && onMain(e));
  const chunks = events.filter((e) => e.name === 'ProfileChunk' && e.pid === main.pid && e.id === profileStart?.id);
  let t = (profileStart?.args?.data?.startTime as number | undefined) ?? 0;
  for (const c of chunks) {
    const d = c.args!.data as {
      cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
      timeDeltas?: number[];
    };
    for (const n of d.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    const s = d.cpuProfile?.samples ?? [];
    const deltas = d.timeDeltas ?? [];
    for (let i = 0; i < s.length; i++) {
      t += deltas[i] ?? 0;
      samples.push({ ts: t, node: s[i]! });
    }
  }
  const frame = (id: number) => {
    const f = nodes.get(id)!.callFrame;
    const file = (f.url ?? '').split('/').pop() ?? '';
    return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
  };

  for (const task of long.slice(0, 3)) {
    const start = task.ts;
    const end = task.ts + task.dur!;
    console.log(`\n  task at +${ms(start - mark.ts)} ms, wall ${ms(task.dur)} ms, cpu ${ms(task.tdur)} ms`);
    const inside = events.filter(
      (e) => onMain(e) && e.ph === 'X' && e.ts >= start && e.ts < end && e !== task && (e.dur ?? 0) > 2_000,
    );
    for (const e of inside.slice(0, 12))
      console.log(
        `    ${(e.dur! / 1000).toFixed(1).padStart(6)} ms ${e.name} ${JSON.stringify(e.args?.data ?? {}).slice(0, 140)}`,
      );
    const self = new Map<string, number>();
    const total = new Map<string, number>();
    let n = 0;
    let prev = start;
    for (const s of samples) {
      if (s.ts < start || s.ts > end) continue;
      const w = s.ts - prev;
      prev = s.ts;
      n += w;
      self.set(frame(s.node), (self.get(frame(s.node)) ?? 0) + w);
      const seen = new Set<string>();
      for (let id: number | undefined = s.node; id !== undefined; id = nodes.get(id)?.parent) {
        const f = frame(id);
        if (seen.has(f)) continue;
        seen.add(f);
        total.set(f, (total.get(f) ?? 0) + w);
      }
    }
    const top = (m: Map<string, number>, k: number) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, k)
        .map(([f, us]) => `      ${(us / 1000).toFixed(1).padStart(6)} ms ${f}`)
        .join('\n');
    console.log(`    sampled ${(n / 1000).toFixed(1)} ms; self:\n${top(self, 15)}\n    total:\n${top(total, 30)}`);
  }
}

/** Long tasks after `mark`: the longest, and every one as "duration@start" (F: the task holding pim:fresh-paint). */
async function longestTaskAfter(page: import('puppeteer-core').Page, mark: string): Promise<number> {
  const { longest, all } = await page.evaluate(
    (m: string) =>
      new Promise<{ longest: number; all: string }>((resolve) => {
        const since = performance.getEntriesByName(m)[0]!.startTime;
        const fresh = performance.getEntriesByName('pim:fresh-paint')[0]?.startTime ?? -1;
        let longest = 0;
        const all: string[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries())
            if (e.startTime >= since) {
              longest = Math.max(longest, e.duration);
              const f = fresh >= e.startTime && fresh <= e.startTime + e.duration ? 'F' : '';
              all.push(`${e.duration.toFixed(0)}@${(e.startTime - since).toFixed(0)}${f}`);
            }
        });
        observer.observe({ type: 'longtask', buffered: true });
        setTimeout(() => {
          observer.disconnect();
          resolve({ longest, all: all.join(' ') });
        }, 50);
      }),
    mark,
  );
  console.log(`  long tasks after ${mark}: ${all || 'none'}`);
  return longest;
}

const tenant = await startFakeTenant({ scenario: benchScenario(eligible), now: new Date() });
const proxy = await startLatencyProxy(tenant.port, 80);
const setups = [];
for (const build of builds) {
  const extDir = benchExtension(build);
  const b = await launchBench({ extensionDir: extDir, proxyPort: proxy.port });
  await signIn(b);
  await waitForStorage(b, 'local', accountKey('snapshot'), '(v) => !!v');
  await waitForStorage(b, 'local', accountKey('refreshState'), '(v) => !v || !v.inFlight');
  setups.push({ build, extDir, b, longest: [] as number[], summary: [] as { wall: number; cpu: number }[] });
}
try {
  for (let r = 0; r <= runs; r++) {
    for (const s of setups) {
      const { b } = s;
      await b.control.evaluate(async (key: string) => {
        const snapshot = (await chrome.storage.local.get(key))[key] as { fetchedAt: string };
        await chrome.storage.local.set({
          [key]: { ...snapshot, fetchedAt: new Date(Date.now() - 30 * 60_000).toISOString() },
        });
      }, accountKey('snapshot'));
      const previous = await snapshotFetchedAt(b);
      const page = await b.browser.newPage();
      summary = s.summary;
      if (values.light)
        await page.tracing.start({ categories: ['toplevel', 'blink.user_timing', 'devtools.timeline'] });
      else if (values.trace)
        await page.tracing.start({
          categories: [
            'toplevel',
            'blink.user_timing',
            'devtools.timeline',
            'disabled-by-default-devtools.timeline',
            'v8.execute',
            'disabled-by-default-v8.cpu_profiler',
          ],
        });
      await page.goto(`chrome-extension://${EXTENSION_ID}/popup.html`);
      await page.waitForFunction(() => performance.getEntriesByName('pim:fresh-paint').length > 0, {
        timeout: 30_000,
      });
      await waitForNewSnapshot(b, previous);
      const longest = await longestTaskAfter(page, 'pim:cached-paint');
      if (values.trace || values.light) {
        const buf = await page.tracing.stop();
        const file = `${values.out}-${setups.indexOf(s)}-${r}.json`;
        writeFileSync(file, buf!);
        const parsed = JSON.parse(Buffer.from(buf!).toString('utf8')) as { traceEvents: TraceEvent[] };
        analyse(parsed.traceEvents, `[${s.build}] run ${r} (longtask API: ${longest.toFixed(0)} ms) ${file}`);
      }
      await page.close();
      if (r > 0) s.longest.push(longest);
      else s.summary.length = 0;
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  for (const s of setups) {
    if (s.summary.length > 0)
      console.log(
        `${s.build}: traced longest task after cached paint: wall [${s.summary.map((x) => x.wall.toFixed(0)).join(', ')}]` +
          ` median ${median(s.summary.map((x) => x.wall)).toFixed(0)} ms; CPU [${s.summary.map((x) => x.cpu.toFixed(0)).join(', ')}]` +
          ` median ${median(s.summary.map((x) => x.cpu)).toFixed(0)} ms`,
      );
    const sorted = [...s.longest].sort((a, b) => a - b);
    console.log(
      `${s.build}: longest task after cached paint, ${eligible} eligible: [${s.longest.map((x) => x.toFixed(0)).join(', ')}] median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms`,
    );
  }
} finally {
  for (const s of setups) {
    await s.b.close().catch(() => undefined);
    rmSync(s.extDir, { recursive: true, force: true });
  }
  await proxy.close();
  await tenant.close();
}
