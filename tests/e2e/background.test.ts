/**
 * Issue 5 journeys: expiry warnings, the toolbar countdown and background refresh, with the service worker inspected
 * through Puppeteer. The stand-in's clock moves PIM's time; the extension follows it through Graph's Date header.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { type LogEntry } from '../fake-tenant/index';
import {
  accountKey,
  accountSeed,
  configure,
  launch,
  readStorage,
  scoped,
  signIn,
  stopWorker,
  waitForStorage,
  type Session,
  openPopup,
} from './harness';
import { defaultScenario, ROLE } from './scenarios';
import { useStandIn } from './stand-in';

const tenant = useStandIn();
let session: Session | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const OSLO_KEY = `role:${ROLE.exchangeAdmin}:/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09`;
const GA_KEY = `role:${ROLE.globalAdmin}:/`;
const TEMPLATE = { id: 'tpl', name: 'Mail', justification: 'Mailbox migration for {role}', durationMinutes: 60 };
const SEED = {
  templates: [TEMPLATE],
  remembered: {
    [OSLO_KEY]: { templateId: 'tpl', durationMinutes: 60, ticketNumber: null, ticketSystem: null, justification: null },
  },
};
const row = (key: string, state: string) => `[data-testid="assignment"][data-key="${key}"][data-state="${state}"]`;
const batches = (log: LogEntry[]) => log.filter((e) => e.method === 'POST' && e.path === '/v1.0/$batch');
const activations = (log: LogEntry[]) =>
  log.filter(
    (e) =>
      e.method === 'POST' &&
      e.path === '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests' &&
      (e.body as { action?: string })?.action === 'selfActivate',
  );

/** The default world without anything active or pending (Security Reader's 40 minutes would own the toolbar). */
function quietScenario() {
  const quiet = defaultScenario() as ReturnType<typeof defaultScenario> & {
    assignments: unknown[];
    pendingRequests: unknown[];
  };
  quiet.assignments = [];
  quiet.pendingRequests = [];
  return quiet;
}

async function start(seed: Record<string, unknown> = {}, sync: Record<string, unknown> = {}): Promise<Session> {
  const s = await launch(tenant);
  if (Object.keys(seed).length > 0)
    await (await s.worker()).evaluate(`chrome.storage.local.set(${JSON.stringify(accountSeed(seed))})`);
  if (Object.keys(sync).length > 0)
    await (await s.worker()).evaluate(`chrome.storage.sync.set(${JSON.stringify(sync)})`);
  await configure(s);
  await signIn(s);
  await waitForStorage(s, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
  await waitForStorage(s, 'local', accountKey('policies'), '(v) => !!v && Object.keys(v).length > 0');
  return s;
}

async function inWorker<T>(s: Session, source: string): Promise<T> {
  return (await s.worker()).evaluate(source) as Promise<T>;
}

const notificationIds = (s: Session) =>
  inWorker<Record<string, boolean>>(s, 'chrome.notifications.getAll()').then((all) => Object.keys(all));
const alarmNames = (s: Session) =>
  inWorker<{ name: string }[]>(s, 'chrome.alarms.getAll()').then((all) => all.map((a) => a.name).sort());
const badgeText = (s: Session) => inWorker<string>(s, 'chrome.action.getBadgeText({})');

/** A refresh the way the periodic alarm does it (fires the product's own alarm now). */
async function refreshByAlarm(s: Session): Promise<void> {
  const before = (await readStorage<{ fetchedAt: string }>(s, 'local', accountKey('snapshot'))).fetchedAt;
  // The scheduler re-derives the 'refresh' alarm after every snapshot change; one still running from the previous
  // refresh can replace this one-shot alarm with its periodic one before it fires, so fire it again if nothing came.
  for (let attempt = 1; ; attempt++) {
    await inWorker(s, `chrome.alarms.create('${scoped('refresh')}', { when: Date.now() })`);
    try {
      await waitForStorage(
        s,
        'local',
        accountKey('snapshot'),
        `(v) => v.fetchedAt !== ${JSON.stringify(before)}`,
        attempt < 3 ? 7_000 : 20_000,
      );
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

async function waitFor<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: last seen ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function activateOslo(s: Session): Promise<Page> {
  const popup = await openPopup(s);
  await (await popup.waitForSelector(`${row(OSLO_KEY, 'eligible')} [data-testid="activate"]`))!.click();
  await popup.waitForSelector(row(OSLO_KEY, 'active'));
  return popup;
}

describe('background: warnings, toolbar, refresh', () => {
  it('warns once ten minutes before the end, Extend (renewed on confirmation) sends one clamped activation, and the toolbar follows', async () => {
    await tenant.control.loadScenario(quietScenario());
    session = await start(SEED);
    const popup = await activateOslo(session);
    await waitFor(
      () => badgeText(session!),
      (t) => /^(45m|1h)$/.test(t),
      'toolbar after activation',
    );

    await tenant.control.advance(50 * 60_000);
    await refreshByAlarm(session);
    const warned = await waitFor(
      () => notificationIds(session!),
      (ids) => ids.some((id) => id.startsWith(scoped(`warn:${OSLO_KEY}:`))),
      'warning',
    );
    expect(warned.filter((id) => id.startsWith(scoped('warn:')))).toEqual([scoped(`warn:${OSLO_KEY}:10`)]);
    // One sync shows the notice, then sets the alarms, then the toolbar (lib/background/alarms.ts): await the text.
    await waitFor(
      () => badgeText(session!),
      (t) => /^(9|10)m$/.test(t),
      'toolbar at the warning',
    );

    // The notification's Extend button runs the same command as the row's Extend (Puppeteer cannot press OS buttons).
    // PIM refuses a second activation while one is in force; the renewal it offers runs on the user's confirmation.
    await tenant.control.clearLog();
    await (await popup.waitForSelector(`${row(OSLO_KEY, 'active')} [data-testid="extend"]`))!.click();
    await (await popup.waitForSelector(`${row(OSLO_KEY, 'active')} [data-testid="renew"]`))!.click();
    await waitFor(
      () => badgeText(session!),
      (t) => /^(45m|1h)$/.test(t),
      'toolbar after Extend',
    );
    const sent = activations(await tenant.control.log()).filter((e) => e.status === 201);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatchObject({ scheduleInfo: { expiration: { type: 'afterDuration', duration: 'PT1H' } } });
  });

  it('still warns once when the service worker is terminated between scheduling and firing', async () => {
    await tenant.control.loadScenario(quietScenario());
    session = await start(SEED);
    await activateOslo(session);
    // PIM's time moves to 10 minutes and 12 seconds before the end: the 10-minute warning is due in 12 seconds.
    await tenant.control.advance(49 * 60_000 + 48_000);
    await refreshByAlarm(session);
    await waitFor(
      () => alarmNames(session!),
      (names) => names.includes(scoped(`warn:${OSLO_KEY}:10`)),
      'warning alarm',
    );
    expect((await notificationIds(session)).filter((id) => id.startsWith(scoped('warn:')))).toEqual([]);
    // Observed from an extension page: the worker is gone until the alarm wakes it.
    const page = await session.open('options.html');
    await stopWorker(session);
    const fromPage = () => page.evaluate('chrome.notifications.getAll()').then((all) => Object.keys(all as object));
    const ids = await waitFor(
      fromPage,
      (all) => all.some((id) => id.startsWith(scoped('warn:'))),
      'warning after the worker was stopped',
      30_000,
    );
    expect(ids.filter((id) => id.startsWith(scoped('warn:')))).toEqual([scoped(`warn:${OSLO_KEY}:10`)]);
  });

  it('re-creates alarms after a browser restart without notifying twice', async () => {
    await tenant.control.loadScenario(quietScenario());
    session = await start(SEED);
    await activateOslo(session);
    await tenant.control.advance(50 * 60_000);
    await refreshByAlarm(session);
    await waitFor(
      () => notificationIds(session!),
      (ids) => ids.includes(scoped(`warn:${OSLO_KEY}:10`)),
      'warning',
    );
    const notified = await readStorage(session, 'local', accountKey('notifier'));
    await session.close({ keepProfile: true });

    session = await launch(tenant, { userDataDir: session.userDataDir });
    const wanted = [scoped(`end:${OSLO_KEY}`), scoped(`warn:${OSLO_KEY}:2`), 'badge', scoped('refresh')];
    const names = await waitFor(
      () => alarmNames(session!),
      (n) => wanted.every((w) => n.includes(w)),
      'alarms after restart',
    );
    expect(names).not.toContain(scoped(`warn:${OSLO_KEY}:10`));
    await refreshByAlarm(session);
    expect((await notificationIds(session)).filter((id) => id.startsWith(scoped('warn:')))).toEqual([]);
    expect(await readStorage(session, 'local', accountKey('notifier'))).toMatchObject(notified as object);
  });

  it('notifies once when a pending request is approved', async () => {
    session = await start({
      templates: [TEMPLATE],
      remembered: {
        [GA_KEY]: {
          templateId: 'tpl',
          durationMinutes: 60,
          ticketNumber: null,
          ticketSystem: null,
          justification: null,
        },
      },
    });
    const popup = await openPopup(session);
    await (await popup.waitForSelector(`${row(GA_KEY, 'eligible')} [data-testid="activate"]`))!.click();
    await popup.waitForSelector(row(GA_KEY, 'pending'));
    expect(await alarmNames(session)).toContain(scoped('refresh'));
    const snapshot = await readStorage<{ assignments: { key: string; state: string; id: string }[] }>(
      session,
      'local',
      accountKey('snapshot'),
    );
    await tenant.control.approve(snapshot.assignments.find((a) => a.key === GA_KEY && a.state === 'pending')!.id);
    await refreshByAlarm(session);
    await popup.waitForSelector(row(GA_KEY, 'active'));
    await waitFor(
      () => notificationIds(session!),
      (ids) => ids.includes(scoped(`request:${GA_KEY}`)),
      'approval notice',
    );
    await inWorker(session, `chrome.notifications.clear('${scoped(`request:${GA_KEY}`)}')`);
    await refreshByAlarm(session);
    expect(await notificationIds(session)).not.toContain(scoped(`request:${GA_KEY}`));
  });

  it('waits for Retry-After 2.5 on a throttled refresh and retries exactly once', async () => {
    session = await start();
    await tenant.control.clearLog();
    await tenant.control.addFault({
      match: { host: 'graph.microsoft.com', method: 'POST', path: '/v1.0/$batch' },
      times: 1,
      respond: {
        status: 429,
        headers: { 'Retry-After': '2.5' },
        body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } },
      },
    });
    const popup = await openPopup(session);
    const before = (await readStorage<{ fetchedAt: string }>(session, 'local', accountKey('snapshot'))).fetchedAt;
    const started = Date.now();
    await popup.locator('[data-testid="refresh"]').click();
    await waitForStorage(session, 'local', accountKey('snapshot'), `(v) => v.fetchedAt !== ${JSON.stringify(before)}`);
    const waited = Date.now() - started;
    expect(batches(await tenant.control.log()).map((e) => e.status)).toEqual([429, 200]);
    expect(waited).toBeGreaterThanOrEqual(2_500);
  });

  it('registers no periodic refresh while nothing is active or pending', async () => {
    await tenant.control.loadScenario(quietScenario());
    session = await start();
    await waitFor(
      () => badgeText(session!),
      (t) => t === '',
      'empty toolbar badge',
    );
    const names = await alarmNames(session);
    expect(names).not.toContain(scoped('refresh'));
    expect(names).not.toContain('badge');
  });
});
