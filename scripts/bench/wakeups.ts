/**
 * Item 6: service-worker wake-ups in an idle hour, counted by Chromium itself: every start of the extension's worker
 * is a `Target.targetCreated` event (DevTools discovery; Puppeteer does not attach to the worker, so it idles out as
 * it would for a user).
 *
 * A real hour is replaced by a simulated one: the bench walks 60 simulated minutes; at each it reads the extension's
 * alarms (chrome.alarms.getAll from an extension page) and fires, for real, every alarm that would have come due by
 * then (re-created to go off at once, its period kept, so a periodic alarm comes due again `period` simulated minutes
 * later). The worker handles each alarm as it would (badge repaint, Graph refresh, re-planning its alarms); then the
 * bench stops it (CDP ServiceWorker.stopAllWorkers), as Chromium does after 30 s idle, so the next alarm must wake it.
 * Alarms due in the same simulated minute share one wake-up, as they would (the worker lives 30 s after an event).
 * The stand-in's clock is not moved: an activation that outlasts the hour is used, so PIM's answers are the same
 * all hour, and the product's clock-skew correction (from Graph's Date header) does not double-count the simulation.
 */
import type { CDPSession } from 'puppeteer-core';
import { accountKey } from '../../tests/e2e/harness';
import type { BenchBrowser } from './browser';
import { sleep } from './stats';

declare const chrome: typeof import('wxt/browser').browser;

export interface WakeupResult {
  wakeups: number;
  alarmsFired: Record<string, number>;
  alarmsAtStart: string[];
}

function isOurWorker(info: { type: string; url: string }): boolean {
  return info.type === 'service_worker' && info.url.endsWith('/background.js');
}

async function waitFor(pred: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

export async function measureWakeups(b: BenchBrowser): Promise<WakeupResult> {
  const browserCdp: CDPSession = await b.browser.target().createCDPSession();
  const pageCdp: CDPSession = await b.control.createCDPSession();
  let starts = 0;
  browserCdp.on('Target.targetCreated', (e) => {
    if (isOurWorker(e.targetInfo)) starts += 1;
  });
  const live = new Set<string>();
  browserCdp.on('Target.targetCreated', (e) => isOurWorker(e.targetInfo) && live.add(e.targetInfo.targetId));
  browserCdp.on('Target.targetDestroyed', (e) => live.delete(e.targetId));
  await browserCdp.send('Target.setDiscoverTargets', { discover: true });
  await pageCdp.send('ServiceWorker.enable');

  const stopWorker = async () => {
    await pageCdp.send('ServiceWorker.stopAllWorkers');
    await waitFor(() => live.size === 0, 5_000);
  };
  await stopWorker();
  starts = 0;

  const alarmsAtStart = (await b.control.evaluate(async () =>
    (await chrome.alarms.getAll()).map((a) => `${a.name}${a.periodInMinutes ? ` every ${a.periodInMinutes} min` : ''}`),
  )) as string[];
  const fired: Record<string, number> = {};
  // Each alarm's time is read on the simulated clock: an alarm set while the simulation was `offset` ms ahead of the
  // real clock (by the product while it handled an event, or by the bench firing it) comes due `offset` later.
  const plan = new Map<string, { scheduledTime: number; offset: number }>();
  const getAll = () =>
    b.control.evaluate(async () =>
      (await chrome.alarms.getAll()).map((a) => ({
        name: a.name,
        scheduledTime: a.scheduledTime,
        periodInMinutes: a.periodInMinutes,
      })),
    );
  let aheadMs = 0;
  for (let minute = 1; minute <= 60; minute++) {
    const alarms = await getAll();
    for (const a of alarms) {
      const known = plan.get(a.name);
      if (!known || known.scheduledTime !== a.scheduledTime)
        plan.set(a.name, { scheduledTime: a.scheduledTime, offset: aheadMs });
    }
    for (const name of [...plan.keys()]) if (!alarms.some((a) => a.name === name)) plan.delete(name);
    aheadMs = minute * 60_000;
    const now = Date.now();
    const dueAlarms = alarms.filter((a) => a.scheduledTime + plan.get(a.name)!.offset <= now + aheadMs);
    const due = dueAlarms.map((a) => a.name);
    const refired = await b.control.evaluate(async (list: { name: string; periodInMinutes?: number }[]) => {
      for (const a of list)
        await chrome.alarms.create(
          a.name,
          a.periodInMinutes ? { when: Date.now() + 1, periodInMinutes: a.periodInMinutes } : { when: Date.now() + 1 },
        );
      return (await chrome.alarms.getAll()).map((a) => ({ name: a.name, scheduledTime: a.scheduledTime }));
    }, dueAlarms);
    for (const a of refired)
      if (due.includes(a.name)) plan.set(a.name, { scheduledTime: a.scheduledTime, offset: aheadMs });
    if (!due.length) continue;
    for (const name of due) {
      // `<account id>/refresh`, `<account id>/warn:<key>:10`, the shared `badge`: counted by kind.
      const kind = name.replace(/^[^/]+\//, '').split(':')[0]!;
      fired[kind] = (fired[kind] ?? 0) + 1;
    }
    // The alarm wakes the worker; let it finish (a refresh is a Graph round trip), then idle it out.
    await waitFor(() => live.size > 0, 5_000);
    await sleep(300);
    // Source text, not a function: tsx would wrap a named inner function in a __name helper the page lacks.
    await b.control.evaluate(`new Promise((resolve) => {
      const check = async () => {
        const refreshState = (await chrome.storage.local.get('${accountKey('refreshState')}'))['${accountKey('refreshState')}'];
        if (!refreshState || !refreshState.inFlight) resolve();
        else setTimeout(check, 20);
      };
      check();
    })`);
    await sleep(100);
    await stopWorker();
  }
  await browserCdp.detach();
  await pageCdp.detach();
  return { wakeups: starts, alarmsFired: fired, alarmsAtStart };
}
