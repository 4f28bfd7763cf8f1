/** The bench's output: one table (stdout), bench/results.json, docs/PERFORMANCE.md. */
import { cpus, totalmem } from 'node:os';
import { BUDGETS, budgetText, GOALS, meets, SIZE_BUDGETS, type Goal } from './budgets';
import type { ActivationResult, PaintResult, RefreshResult } from './popup';
import type { PeerResult } from './peer';
import type { PortalResult } from './portal';
import type { BundleSize } from './sizes';
import type { Stat } from './stats';
import type { WakeupResult } from './wakeups';

export interface Results {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; chromium: string; node: string };
  config: { latencyMs: number; runs: number; paintRuns?: number; peerRuns500: number };
  paint: PaintResult[];
  refresh: RefreshResult[];
  activation: ActivationResult;
  portal: PortalResult;
  sizes: BundleSize[];
  wakeups: { nothingActive: WakeupResult; oneActive: WakeupResult };
  peer: PeerResult[];
}

export interface Row {
  item: string;
  figure: string;
  budget: string;
  /** AT FLOOR: over budget, but equal to the floor measured in the same run (see the note). */
  verdict: 'PASS' | 'FAIL' | 'AT FLOOR' | '';
}

export function machine(chromium: string): Results['machine'] {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    chromium,
    node: process.version,
  };
}

const ms = (s: Stat) => `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
const n = (s: Stat, unit = '') => `${fmt(s.median)}${unit} (${fmt(s.min)}–${fmt(s.max)})`;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
const kB = (b: number) => `${(b / 1000).toFixed(1)} kB`;
const verdict = (ok: boolean): Row['verdict'] => (ok ? 'PASS' : 'FAIL');
const NOT_MEASURED = 'not measured in this run';

/** A goal's row: its measure and budget from budgets.ts, the verdict from the figure (FAIL when not measured). */
function goalRow(g: Goal, value: number | undefined, figure: string): Row {
  const measured = value !== undefined && !Number.isNaN(value);
  return {
    item: g.measure,
    figure: measured ? figure : NOT_MEASURED,
    budget: budgetText(g),
    verdict: verdict(measured && meets(g, value)),
  };
}

/** "3 (floor: 3 pages of the longest list, graph…/x)"; the floor is absent in results from before issue 18. */
function tripsAndFloor(f: RefreshResult): string {
  const trips = `${n(f.roundTrips)} round trip${f.roundTrips.median === 1 ? '' : 's'}`;
  if (!f.pageChain) return `${trips} (floor not measured in this run)`;
  const list = f.pageChainList ? `, ${f.pageChainList.split('/').slice(-2).join('/')}` : '';
  return `${trips} (floor: ${fmt(f.pageChain.median)} page${f.pageChain.median === 1 ? '' : 's'} of the longest list${list})`;
}

/** PASS within budget; AT FLOOR over it but equal to the longest chain of pages (the floor) in the same run. */
function refreshVerdict(f: RefreshResult, ok: (trips: number) => boolean): Row['verdict'] {
  if (ok(f.roundTrips.median)) return 'PASS';
  return f.pageChain && f.roundTrips.median === f.pageChain.median ? 'AT FLOOR' : 'FAIL';
}

/** Issue 18's goals, in its order, each with PASS / FAIL (budgets.ts). */
export function goalRows(r: Results): Row[] {
  const out: Row[] = [];
  const paint = (eligible: number) => r.paint.find((p) => p.eligible === eligible);
  for (const [g, eligible] of [
    [GOALS.paint20, 20],
    [GOALS.paint500, 500],
  ] as const) {
    const p = paint(eligible);
    out.push(
      goalRow(
        g,
        p?.cachedVsBlank,
        p ? `${p.cachedVsBlank.toFixed(2)}× (popup ${ms(p.cachedPaintMs)}, floor ${ms(p.blankPaintMs)})` : '',
      ),
    );
  }
  const p500 = paint(500);
  out.push(
    goalRow(
      GOALS.longestTask500,
      p500?.longestTaskAfterPaintMs.median,
      p500 ? (p500.longestTaskAfterPaintMs.max === 0 ? 'none over 50 ms' : ms(p500.longestTaskAfterPaintMs)) : '',
    ),
  );
  const popup = r.sizes.find((s) => s.context === 'popup');
  const after = popup?.afterFirstPaint;
  out.push(
    goalRow(
      GOALS.popupFirstPaintJs,
      popup?.jsGzipBytes,
      popup
        ? `${kB(popup.jsGzipBytes)} gz in ${popup.files.length} files; ${
            !after
              ? 'after the first paint not measured'
              : after.files.length
                ? `${kB(after.jsGzipBytes)} gz in ${after.files.length} files after the first paint`
                : 'nothing after the first paint (no import())'
          }`
        : '',
    ),
  );
  const warm500 = r.refresh.find((f) => f.kind === 'warm' && f.eligible === 500);
  const warmTrips = goalRow(
    GOALS.warmRefreshRoundTrips,
    warm500?.roundTrips.median,
    warm500 ? tripsAndFloor(warm500) : '',
  );
  if (warm500) warmTrips.verdict = refreshVerdict(warm500, (t) => meets(GOALS.warmRefreshRoundTrips, t));
  out.push(warmTrips);
  const warm = r.refresh.filter((f) => f.kind === 'warm');
  const tokens = warm.length ? Math.max(...warm.map((f) => f.tokenRequests.max)) : undefined;
  out.push(
    goalRow(
      GOALS.warmRefreshTokenRequests,
      tokens,
      `${tokens} at most (${warm.map((f) => `${f.eligible} eligible: ${n(f.tokenRequests)}`).join('; ')})`,
    ),
  );
  const pw = r.portal.withExtension;
  const po = r.portal.withoutExtension;
  out.push(
    goalRow(
      GOALS.portalMainThread,
      r.portal.ratios.mainThreadPerMinute,
      `${r.portal.ratios.mainThreadPerMinute.toFixed(2)}× (${ms(pw.mainThreadPerMinuteMs)} / ${ms(po.mainThreadPerMinuteMs)})`,
    ),
  );
  // Over the goal, the floor beside it: an empty content script's isolated world, measured in the same run.
  const pe = r.portal.emptyContentScript;
  const floor = r.portal.ratios.heapFloor;
  out.push(
    goalRow(
      GOALS.portalHeap,
      r.portal.ratios.heap,
      `${r.portal.ratios.heap.toFixed(2)}× (${kB(pw.heapBytes.median)}${pe ? ` / empty content script ${kB(pe.heapBytes.median)}` : ''} / ${kB(po.heapBytes.median)})` +
        (floor !== undefined && !meets(GOALS.portalHeap, r.portal.ratios.heap)
          ? `; floor with an empty content script ${floor.toFixed(2)}×`
          : ''),
    ),
  );
  const one = r.wakeups.oneActive;
  out.push({
    ...goalRow(GOALS.wakeupsOneActive, one.wakeups, `${one.wakeups} (${fired(one)}); toolbar: ${TOOLBAR_TEST}`),
    budget: `${budgetText(GOALS.wakeupsOneActive)}, toolbar off ≤ ${BUDGETS.toolbarMaxOffMs / 60_000} min in the last 15 min`,
  });
  out.push({
    item: '`npm test` wall time on 2 cores',
    figure: 'not timed by the bench: see the note',
    budget: 'report it',
    verdict: '',
  });
  return out;
}

/** The unit test that fails when the toolbar is off by more than a minute in an activation's last 15 minutes. */
export const TOOLBAR_TEST = 'tests/unit/background/toolbar-accuracy.test.ts';

const fired = (w: WakeupResult) =>
  Object.entries(w.alarmsFired)
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ') || 'no alarm';

/** Every other figure: the absolute times behind the ratios, per-size refresh traffic, activation, bundles, peers. */
export function detailRows(r: Results): Row[] {
  const out: Row[] = [];
  for (const p of r.paint) {
    out.push({
      item: `1. popup cached paint, ${p.eligible} eligible`,
      figure: `${ms(p.cachedPaintMs)}; floor ${ms(p.blankPaintMs)}; popup/floor ${p.cachedVsBlank.toFixed(2)}×`,
      budget: '',
      verdict: '',
    });
    out.push({
      item: `1. longest main-thread task after the cached paint, ${p.eligible} eligible`,
      figure: p.longestTaskAfterPaintMs.max === 0 ? 'none over 50 ms' : ms(p.longestTaskAfterPaintMs),
      budget: '',
      verdict: '',
    });
    out.push({
      item: `1. popup fresh paint after refresh, ${p.eligible} eligible`,
      figure: ms(p.freshPaintMs),
      budget: '',
      verdict: '',
    });
  }
  for (const f of r.refresh) {
    const cold = f.kind === 'cold' && f.eligible <= 20;
    out.push({
      item: `2. ${f.kind} refresh, ${f.eligible} eligible: round trips`,
      figure: `${tripsAndFloor(f)}; ${n(f.requests)} requests, ${n(f.batchItems)} Graph calls${f.armRequests ? `, ${n(f.armRequests)} ARM requests` : ''}`,
      budget: cold ? `≤ ${BUDGETS.coldRefreshRoundTrips}` : '',
      verdict: cold ? refreshVerdict(f, (t) => t <= BUDGETS.coldRefreshRoundTrips) : '',
    });
    out.push({
      item: `2. ${f.kind} refresh, ${f.eligible} eligible: bytes received, time`,
      figure: `${kB(f.bytesReceived.median)} (${kB(f.bytesReceived.min)}–${kB(f.bytesReceived.max)}); ${ms(f.durationMs)}`,
      budget: '',
      verdict: '',
    });
  }
  out.push({
    item: '3. click Activate → request sent',
    figure: ms(r.activation.clickToRequestMs),
    budget: '',
    verdict: '',
  });
  out.push({
    item: '3. click Activate → row shown active',
    figure: ms(r.activation.clickToActiveMs),
    budget: '',
    verdict: '',
  });
  const pw = r.portal.withExtension;
  const po = r.portal.withoutExtension;
  out.push({
    item: '4. portal page script time (with / without)',
    figure: `${ms(pw.scriptMs)} / ${ms(po.scriptMs)}; ${r.portal.ratios.script.toFixed(2)}×`,
    budget: '',
    verdict: '',
  });
  out.push({ item: '4. badge start → badge painted', figure: ms(pw.badgeStartToPaintMs), budget: '', verdict: '' });
  for (const s of r.sizes) {
    const budget = SIZE_BUDGETS[s.context];
    const after = s.afterFirstPaint?.files.length ? `; after the first paint ${kB(s.afterFirstPaint.jsGzipBytes)}` : '';
    out.push({
      item: `5. ${s.context} JS${s.context.endsWith('script') || s.context === 'background' ? '' : ' before the first paint'}, gzipped`,
      figure: `${kB(s.jsGzipBytes)} (${kB(s.jsRawBytes)} raw${s.cssGzipBytes ? `; CSS ${kB(s.cssGzipBytes)} gz` : ''})${after}`,
      budget: budget ? `≤ ${budget / 1000} kB` : '',
      verdict: budget ? verdict(s.jsGzipBytes <= budget) : '',
    });
  }
  out.push({
    item: '6. worker wake-ups per idle hour, nothing active',
    figure: `${r.wakeups.nothingActive.wakeups} (${fired(r.wakeups.nothingActive)})`,
    budget: `≤ ${BUDGETS.wakeupsNothingActive}`,
    verdict: verdict(r.wakeups.nothingActive.wakeups <= BUDGETS.wakeupsNothingActive),
  });
  for (const p of r.peer) {
    const ours = r.refresh.find((f) => f.kind === 'cold' && f.eligible === p.eligible);
    const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(1)}×` : 'n/a');
    out.push({
      item: `7. peer pattern, ${p.eligible} eligible (vs our cold refresh)`,
      figure: `${ms(p.durationMs)} = ${ratio(p.durationMs.median, ours?.durationMs.median)} our time; ${fmt(p.requests.median)} requests / round trips = ${ratio(p.roundTrips.median, ours?.roundTrips.median)} ours; ${kB(p.bytesReceived.median)} = ${ratio(p.bytesReceived.median, ours?.bytesReceived.median)} our bytes`,
      budget: '',
      verdict: '',
    });
  }
  return out;
}

/** The goals, then the details (bench/results.json keeps both, in this order). */
export function rows(r: Results): Row[] {
  return [...goalRows(r), ...detailRows(r)];
}

export function table(rs: Row[]): string {
  const w = [
    Math.max(...rs.map((r) => r.item.length)),
    Math.max(...rs.map((r) => r.figure.length)),
    Math.max(...rs.map((r) => r.budget.length)),
  ];
  return rs
    .map((r) => `${r.item.padEnd(w[0]!)}  ${r.figure.padEnd(w[1]!)}  ${r.budget.padEnd(w[2]!)}  ${r.verdict}`)
    .join('\n');
}

export function markdownTable(rs: Row[], first = 'measure'): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${first} | median (min–max) | budget | |`,
    '| --- | --- | --- | --- |',
    ...rs.map((r) => `| ${esc(r.item)} | ${esc(r.figure)} | ${esc(r.budget)} | ${r.verdict} |`),
  ].join('\n');
}

/** What the bench prints: the goals, then the details. */
export function textReport(r: Results): string {
  return `Goals (issue 18)\n\n${table(goalRows(r))}\n\nDetails\n\n${table(detailRows(r))}`;
}

export function performanceDoc(r: Results, notes: string): string {
  const { latencyMs, runs, paintRuns = runs, peerRuns500 } = r.config;
  return `# Performance

Written by \`npm run bench\` (scripts/bench/); the figures below are one run's. Regenerate after a change that could
move them and commit the result with it.

Run on ${r.date.slice(0, 10)}: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB memory,
${r.machine.chromium} (headless), Node ${r.machine.node}. Injected network latency ${latencyMs} ms per round trip.
Medians with (min–max) over ${runs} runs each; the popup's paint over ${paintRuns} opens of each page${peerRuns500 < 5 ? `; the peer pattern at 500 over ${peerRuns500} run${peerRuns500 > 1 ? 's' : ''} (see below)` : ''}. kB = 1000 bytes.

## Goals (issue 18)

The budgets live in scripts/bench/budgets.ts (the bundle-size test, tests/e2e/bundle-size.test.ts, reads them too).
AT FLOOR: over the budget, but equal to the floor measured in the same run (see the note).

${markdownTable(goalRows(r), 'goal')}

## Details

${markdownTable(detailRows(r))}

${notes}`;
}
