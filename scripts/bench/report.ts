/** The bench's output: one table (stdout), bench/results.json, docs/PERFORMANCE.md. */
import { cpus, totalmem } from 'node:os';
import type { ActivationResult, PaintResult, RefreshResult } from './popup';
import type { PeerResult } from './peer';
import { PORTAL_HEAP_GOAL, type PortalResult } from './portal';
import type { BundleSize } from './sizes';
import type { Stat } from './stats';
import type { WakeupResult } from './wakeups';

export interface Results {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; chromium: string; node: string };
  config: { latencyMs: number; runs: number; peerRuns500: number };
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
  verdict: 'PASS' | 'FAIL' | '';
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

export function rows(r: Results): Row[] {
  const out: Row[] = [];
  for (const p of r.paint) {
    const budget = p.eligible <= 20 ? 50 : 120;
    out.push({
      item: `1. popup cached paint, ${p.eligible} eligible`,
      figure: ms(p.cachedPaintMs),
      budget: `≤ ${budget} ms`,
      verdict: verdict(p.cachedPaintMs.median <= budget),
    });
    out.push({
      item: `1. blank extension page paint (floor), ${p.eligible} items`,
      figure: `${ms(p.blankPaintMs)}; popup/blank ${p.cachedVsBlank.toFixed(2)}×`,
      budget: 'goal ≤ 1.3×',
      verdict: '',
    });
    out.push({
      item: `1. longest main-thread task after the cached paint, ${p.eligible} eligible`,
      figure: p.longestTaskAfterPaintMs.max === 0 ? 'none over 50 ms' : ms(p.longestTaskAfterPaintMs),
      budget: '≤ 50 ms',
      verdict: verdict(p.longestTaskAfterPaintMs.median <= 50),
    });
    out.push({
      item: `1. popup fresh paint after refresh, ${p.eligible} eligible`,
      figure: ms(p.freshPaintMs),
      budget: '',
      verdict: '',
    });
  }
  for (const f of r.refresh) {
    const budget = f.kind === 'warm' ? 1 : 2;
    out.push({
      item: `2. ${f.kind} refresh, ${f.eligible} eligible: round trips`,
      figure: `${n(f.roundTrips)}; ${n(f.requests)} requests, ${n(f.batchItems)} Graph calls${f.armRequests ? `, ${n(f.armRequests)} ARM requests` : ''}`,
      budget: f.kind === 'warm' ? '= 1' : '≤ 2',
      verdict: verdict(f.kind === 'warm' ? f.roundTrips.median === budget : f.roundTrips.median <= budget),
    });
    if (f.kind === 'warm') {
      out.push({
        item: `2. warm refresh, ${f.eligible} eligible: token-endpoint requests`,
        figure: n(f.tokenRequests),
        budget: '0',
        verdict: verdict(f.tokenRequests.max === 0),
      });
    }
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
  out.push({
    item: '4. portal main-thread time per minute, badge counting down',
    figure: `${ms(pw.mainThreadPerMinuteMs)} / ${ms(po.mainThreadPerMinuteMs)}; ${r.portal.ratios.mainThreadPerMinute.toFixed(2)}×`,
    budget: '',
    verdict: '',
  });
  // Issue 18: with / without ≤ 1.3×; over it, the floor (an empty content script's isolated world) is shown beside.
  const pe = r.portal.emptyContentScript;
  const heapOk = r.portal.ratios.heap <= PORTAL_HEAP_GOAL;
  const floor = r.portal.ratios.heapFloor;
  out.push({
    item: `4. portal JS heap after GC (with${pe ? ' / empty content script' : ''} / without)`,
    figure:
      `${kB(pw.heapBytes.median)}${pe ? ` / ${kB(pe.heapBytes.median)}` : ''} / ${kB(po.heapBytes.median)}; ` +
      `${r.portal.ratios.heap.toFixed(2)}×` +
      (!heapOk && floor !== undefined ? ` (floor with an empty content script ${floor.toFixed(2)}×)` : ''),
    budget: `≤ ${PORTAL_HEAP_GOAL}×`,
    verdict: verdict(heapOk),
  });
  out.push({ item: '4. badge start → badge painted', figure: ms(pw.badgeStartToPaintMs), budget: '', verdict: '' });
  for (const s of r.sizes) {
    const budget = s.context === 'popup' ? 40_000 : s.context === 'content script' ? 15_000 : null;
    out.push({
      item: `5. ${s.context} JS, gzipped`,
      figure: `${kB(s.jsGzipBytes)} (${kB(s.jsRawBytes)} raw${s.cssGzipBytes ? `; CSS ${kB(s.cssGzipBytes)} gz` : ''})`,
      budget: budget ? `≤ ${budget / 1000} kB` : '',
      verdict: budget ? verdict(s.jsGzipBytes <= budget) : '',
    });
  }
  const fired = (w: WakeupResult) =>
    Object.entries(w.alarmsFired)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ') || 'no alarm';
  out.push({
    item: '6. worker wake-ups per idle hour, nothing active',
    figure: `${r.wakeups.nothingActive.wakeups} (${fired(r.wakeups.nothingActive)})`,
    budget: '≤ 6',
    verdict: verdict(r.wakeups.nothingActive.wakeups <= 6),
  });
  out.push({
    item: '6. worker wake-ups per idle hour, one active role',
    figure: `${r.wakeups.oneActive.wakeups} (${fired(r.wakeups.oneActive)})`,
    budget: '(see note)',
    verdict: '',
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

export function markdownTable(rs: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| measure | median (min–max) | budget | |',
    '| --- | --- | --- | --- |',
    ...rs.map((r) => `| ${esc(r.item)} | ${esc(r.figure)} | ${esc(r.budget)} | ${r.verdict} |`),
  ].join('\n');
}

export function performanceDoc(r: Results, rs: Row[], notes: string): string {
  const { latencyMs, runs, peerRuns500 } = r.config;
  return `# Performance

Written by \`npm run bench\` (scripts/bench/); the figures below are one run's. Regenerate after a change that could
move them and commit the result with it.

Run on ${r.date.slice(0, 10)}: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB memory,
${r.machine.chromium} (headless), Node ${r.machine.node}. Injected network latency ${latencyMs} ms per round trip.
Medians with (min–max) over ${runs} runs each${peerRuns500 < 5 ? ` (the peer pattern at 500: ${peerRuns500} run${peerRuns500 > 1 ? 's' : ''}, see below)` : ''}. kB = 1000 bytes.

${markdownTable(rs)}

${notes}`;
}
