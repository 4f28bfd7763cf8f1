import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startScheduler, type Scheduler } from '../../../lib/background/alarms';
import { createRefresher } from '../../../lib/background/refresh';
import { endAlarm, warnAlarm } from '../../../lib/background/schedule';
import { BADGE_COLOURS } from '../../../lib/background/toolbar';
import { GraphRequestError } from '../../../lib/graph/errors';
import { MessagingError, type PortalCommandResult } from '../../../lib/messaging';
import { accountItems, popupFocusItem, settingsItem } from '../../../lib/storage';
import { A1, a1, A1_ENTRY, a1Connection, oneAccount, setConnection } from '../account-fixture';
import { scopedId } from '../../../lib/background/notifications';
import type { Snapshot } from '../../../lib/pim/model';
import {
  account,
  active,
  assignment,
  EXO,
  format,
  iso,
  MIN,
  pending,
  SEC,
  settings,
  snap,
  T0,
} from './scheduler-fixtures';

const done: PortalCommandResult = { outcome: 'done' };

let now = T0;
/** Alarm and notification ids of account a1 (`a1/<name>`); only the toolbar's `badge` alarm is shared. */
const warnA = (key: string, minutes: number) => scopedId(A1, warnAlarm(key, minutes));
const endA = (key: string) => scopedId(A1, endAlarm(key));
const running: Scheduler[] = [];

function start() {
  const refresh = vi.fn(async (_: { force: boolean }) => false);
  const commands = { extend: vi.fn(async (_key: string) => done), deactivate: vi.fn(async (_key: string) => done) };
  const runtime = {
    id: A1,
    items: a1,
    refresher: { refresh },
    commands: { portal: commands },
    approvals: { decide: vi.fn(async () => []) },
  };
  const scheduler = startScheduler({
    accounts: oneAccount(runtime),
    now: () => now,
    supportsButtons: true,
    format: () => format,
  });
  running.push(scheduler);
  return { scheduler, refresh, commands };
}

/** A worker that dies: its listeners go; storage, alarms and notifications (the browser's) stay. */
function restart(s: Scheduler) {
  s.stop();
  return start();
}

const alarmNames = async () => (await fakeBrowser.alarms.getAll()).map((a) => a.name).sort();
const shown = async () => Object.keys(await fakeBrowser.notifications.getAll()).sort();
/** Fires an alarm and waits until the scheduler has done everything it started. */
async function fire(name: string) {
  await fakeBrowser.alarms.onAlarm.trigger({ name, scheduledTime: now, persistAcrossSessions: false });
  await Promise.all(running.map((s) => s.idle()));
}
const click = async (id: string) => {
  await fakeBrowser.notifications.onClicked.trigger(id);
  await Promise.all(running.map((s) => s.idle()));
};
const press = async (id: string, index: number) => {
  await fakeBrowser.notifications.onButtonClicked.trigger(id, index);
  await Promise.all(running.map((s) => s.idle()));
};

async function withSnapshot(s: Snapshot | null, scheduler: Scheduler) {
  await a1.snapshot.set(s);
  await scheduler.sync();
}

// A 1-hour activation ending at T0 + 10 min.
const exo = active(EXO, T0 - 50 * MIN, 60);

beforeEach(async () => {
  fakeBrowser.reset();
  now = T0 - 20 * MIN;
  await a1.authState.set({ status: 'signed-in', account, detail: null });
});
afterEach(() => {
  for (const s of running.splice(0)) s.stop();
  vi.restoreAllMocks();
});

describe('alarms follow the snapshot', () => {
  it('are derived when the snapshot changes, and stale ones removed (others left alone)', async () => {
    const { scheduler } = start();
    await fakeBrowser.alarms.create('not-ours', { when: T0 + 99 * MIN });
    await a1.snapshot.set(snap([exo, pending(SEC)]));
    await vi.waitFor(async () => expect(await alarmNames()).toContain(warnA(EXO, 10)));
    await scheduler.idle();
    expect(await alarmNames()).toEqual(
      ['badge', endA(EXO), 'not-ours', 'a1/refresh', warnA(EXO, 10), warnA(EXO, 2)].sort(),
    );
    expect((await fakeBrowser.alarms.get(warnA(EXO, 10)))?.scheduledTime).toBe(T0);
    expect((await fakeBrowser.alarms.get('a1/refresh'))?.periodInMinutes).toBe(2);

    await a1.snapshot.set(snap([assignment({ key: EXO, state: 'eligible' })]));
    await vi.waitFor(async () => expect(await alarmNames()).toEqual(['not-ours']));
  });

  it('registers no periodic alarm when nothing is active or pending, and none when signed out', async () => {
    const { scheduler } = start();
    await withSnapshot(snap([assignment({ key: EXO, state: 'eligible' })]), scheduler);
    expect(await alarmNames()).toEqual([]);
    await a1.authState.set({ status: 'signed-out', account: null, detail: null });
    await withSnapshot(snap([exo]), scheduler);
    expect(await alarmNames()).toEqual([]);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('');
  });

  it('are re-created on worker start from storage alone', async () => {
    await a1.snapshot.set(snap([exo]));
    const { scheduler } = start();
    await scheduler.idle();
    expect(await alarmNames()).toContain(endA(EXO));
  });

  it('keeps the periodic refresh alarm as it is across syncs (re-creating it would postpone it)', async () => {
    const { scheduler } = start();
    await withSnapshot(snap([exo]), scheduler);
    const before = await fakeBrowser.alarms.get('a1/refresh');
    now += 3 * MIN;
    await scheduler.sync();
    expect((await fakeBrowser.alarms.get('a1/refresh'))?.scheduledTime).toBe(before?.scheduledTime);
  });
});

describe('expiry warnings', () => {
  it('fire once at their moment, with a refresh first; a restarted worker does not repeat them', async () => {
    let { scheduler, refresh } = start();
    await withSnapshot(snap([exo]), scheduler);
    const create = vi.spyOn(fakeBrowser.notifications, 'create');
    now = T0;
    await fire(warnA(EXO, 10));
    expect(refresh).toHaveBeenCalledWith({ force: false });
    expect(await shown()).toEqual([warnA(EXO, 10)]);
    expect(create).toHaveBeenCalledTimes(1);
    expect(create.mock.calls[0]![1]).toMatchObject({
      title: 'Exchange Administrator ends in 10 min',
      buttons: [{ title: 'Extend' }, { title: 'Deactivate' }],
    });

    await fakeBrowser.notifications.clear(warnA(EXO, 10)); // the user dismissed it
    ({ scheduler } = restart(scheduler));
    await fire(warnA(EXO, 10));
    await scheduler.idle();
    expect(create).toHaveBeenCalledTimes(1);
    expect(await shown()).toEqual([]);
  });

  it('after sleep: the burst of missed alarms gives one notification, the most urgent', async () => {
    const { scheduler, refresh } = start();
    await withSnapshot(snap([exo]), scheduler);
    const create = vi.spyOn(fakeBrowser.notifications, 'create');
    now = T0 + 9 * MIN;
    await Promise.all([fire(warnA(EXO, 10)), fire(warnA(EXO, 2))]);
    await scheduler.idle();
    expect(create).toHaveBeenCalledTimes(1);
    expect(await shown()).toEqual([warnA(EXO, 2)]);
    expect(refresh).toHaveBeenCalled();
  });

  it('after sleeping past the end: no warning, a forced refresh, and the old warning taken down', async () => {
    const { scheduler, refresh } = start();
    await withSnapshot(snap([exo]), scheduler);
    now = T0;
    await fire(warnA(EXO, 10));
    now = T0 + 12 * MIN;
    await Promise.all([fire(warnA(EXO, 2)), fire(endA(EXO))]);
    await scheduler.idle();
    expect(refresh).toHaveBeenCalledWith({ force: true });
    expect(await shown()).toEqual([]);
    expect(await alarmNames()).toEqual([]);
  });

  it('the 2-minute warning replaces the 10-minute one', async () => {
    const { scheduler } = start();
    await withSnapshot(snap([exo]), scheduler);
    now = T0;
    await fire(warnA(EXO, 10));
    now = T0 + 8 * MIN;
    await fire(warnA(EXO, 2));
    expect(await shown()).toEqual([warnA(EXO, 2)]);
  });

  it('do-not-disturb suppresses them (and they are not shown late when it is switched off)', async () => {
    const { scheduler } = start();
    await settingsItem.set(settings({ doNotDisturb: true }));
    await withSnapshot(snap([exo]), scheduler);
    now = T0;
    await fire(warnA(EXO, 10));
    expect(await shown()).toEqual([]);
    await settingsItem.set(settings({ doNotDisturb: false }));
    await scheduler.sync();
    expect(await shown()).toEqual([]);
    expect(Object.keys((await a1.notifier.get()).notified)).toHaveLength(1);
  });
});

describe('notification actions', () => {
  async function warned() {
    const ctx = start();
    await withSnapshot(snap([exo]), ctx.scheduler);
    now = T0;
    await fire(warnA(EXO, 10));
    return ctx;
  }

  it('Extend and Deactivate call the background commands and close the notification', async () => {
    const { commands } = await warned();
    await press(warnA(EXO, 10), 0);
    expect(commands.extend).toHaveBeenCalledWith(EXO);
    expect(await shown()).toEqual([]);
    await fire(warnA(EXO, 2)); // not due yet: nothing
    now = T0 + 8 * MIN;
    await fire(warnA(EXO, 2));
    await press(warnA(EXO, 2), 1);
    expect(commands.deactivate).toHaveBeenCalledWith(EXO);
    expect(commands.extend).toHaveBeenCalledTimes(1);
  });

  it("a button of another account's notice does not run this account's commands", async () => {
    const { commands } = await warned();
    await press(scopedId('a2', warnAlarm(EXO, 10)), 0);
    expect(commands.extend).not.toHaveBeenCalled();
    expect(await shown()).toEqual([warnA(EXO, 10)]);
  });

  it('a command that did not work says why in a notification', async () => {
    const { commands } = await warned();
    commands.extend.mockRejectedValueOnce(new MessagingError('fatal', 'PIM refused to extend Exchange Administrator.'));
    await press(warnA(EXO, 10), 0);
    expect(fakeBrowser.notifications.getAllCreateOptions()[`a1/command:${EXO}`]).toMatchObject({
      title: 'Could not extend Exchange Administrator',
      message: 'PIM refused to extend Exchange Administrator.',
    });
  });

  it('a click opens the popup on that row', async () => {
    await warned();
    const openPopup = vi.spyOn(fakeBrowser.action, 'openPopup').mockResolvedValue(undefined);
    await click(warnA(EXO, 10));
    expect(openPopup).toHaveBeenCalled();
    expect(await popupFocusItem.get()).toEqual({ accountId: A1, key: EXO, at: iso(now) });
  });

  it('where the popup cannot open, the popup page opens in a small window', async () => {
    await warned();
    vi.spyOn(fakeBrowser.action, 'openPopup').mockRejectedValue(new Error('no window'));
    const create = vi.spyOn(fakeBrowser.windows, 'create').mockResolvedValue(undefined);
    await click(warnA(EXO, 10));
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({ url: expect.stringMatching(/\/popup\.html$/), type: 'popup' }),
    );
  });
});

describe('approvals', () => {
  it('a pending request that became active is announced once, also across a restart', async () => {
    let { scheduler } = start();
    await withSnapshot(snap([pending(SEC)]), scheduler);
    await withSnapshot(snap([active(SEC, now, 60, { displayName: 'Security Reader' })]), scheduler);
    expect(await shown()).toEqual([`a1/request:${SEC}`]);
    await fakeBrowser.notifications.clear(`a1/request:${SEC}`);
    ({ scheduler } = restart(scheduler));
    await scheduler.idle();
    await scheduler.sync();
    expect(await shown()).toEqual([]);
  });
});

describe('toolbar', () => {
  it('counts down with the badge alarm set for when its text changes, without refreshing', async () => {
    const { scheduler, refresh } = start();
    now = T0 - 30_000;
    await withSnapshot(snap([exo]), scheduler);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('10m');
    expect((await fakeBrowser.alarms.get('badge'))?.scheduledTime).toBe(T0 + 1);
    now = T0 + 1;
    await fire('badge');
    expect(await fakeBrowser.action.getBadgeText({})).toBe('9m');
    // One-shot, re-planned: the next minute.
    expect((await fakeBrowser.alarms.get('badge'))?.scheduledTime).toBe(T0 + MIN + 1);
    expect(await fakeBrowser.action.getBadgeBackgroundColor({})).toEqual([0xc5, 0x0f, 0x1f, 255]);
    expect(await fakeBrowser.action.getTitle({})).toBe('PIM Companion\nExchange Administrator: until 10:10');
    expect(refresh).not.toHaveBeenCalled();
    expect(BADGE_COLOURS.warning).toBe('#C50F1F');
  });
});

describe('refresh retries', () => {
  it('a throttled refresh is retried by alarm after its fractional Retry-After, exponentially later after that', async () => {
    const { scheduler } = start();
    await scheduler.refreshSettled(
      A1,
      new GraphRequestError({ status: 429, code: 'TooManyRequests', message: 'slow down', retryAfterSeconds: 90.25 }),
    );
    expect((await fakeBrowser.alarms.get('a1/retry'))?.scheduledTime).toBe(now + 90_250);
    expect(await a1.refreshRetry.get()).toEqual({ attempt: 1, nextAt: iso(now + 90_250) });
    await scheduler.refreshSettled(A1, new GraphRequestError({ status: 503, code: '', message: 'x' }));
    expect((await fakeBrowser.alarms.get('a1/retry'))?.scheduledTime).toBe(now + 60_000);
    await scheduler.refreshSettled(A1, null);
    expect(await fakeBrowser.alarms.get('a1/retry')).toBeUndefined();
    expect(await a1.refreshRetry.get()).toEqual({ attempt: 0, nextAt: null });
  });

  it('does not retry what a retry cannot fix', async () => {
    const { scheduler } = start();
    await scheduler.refreshSettled(A1, new GraphRequestError({ status: 403, code: 'Forbidden', message: 'x' }));
    expect(await fakeBrowser.alarms.get('a1/retry')).toBeUndefined();
  });

  it('alarm refreshes wait for the retry; the retry alarm forces one', async () => {
    const { scheduler, refresh } = start();
    await withSnapshot(snap([exo]), scheduler);
    await scheduler.refreshSettled(
      A1,
      new GraphRequestError({ status: 429, code: 'TooManyRequests', message: 'x', retryAfterSeconds: 300 }),
    );
    await fire('a1/refresh');
    expect(refresh).not.toHaveBeenCalled();
    now += 300_000;
    await fire('a1/retry');
    expect(refresh).toHaveBeenCalledWith({ force: true });
    expect((await a1.refreshRetry.get()).nextAt).toBeNull();
  });

  it('offline: the refresher keeps the snapshot, says offline, and a retry alarm is set', async () => {
    const { scheduler } = start();
    await setConnection({
      cloudId: 'global',
      tenant: 'contoso.onmicrosoft.com',
      clientId: '11111111-2222-4333-8444-555555555555',
    });
    const kept = snap([exo]);
    await a1.snapshot.set(kept);
    const refresher = createRefresher({
      now: () => new Date(now),
      items: {
        connection: a1Connection,
        authState: a1.authState,
        snapshot: a1.snapshot,
        groupInfo: a1.groupInfo,
        refreshState: a1.refreshState,
      },
      fetch: async () => {
        throw new GraphRequestError({
          status: 0,
          code: 'NetworkError',
          message: 'Microsoft Graph could not be reached.',
        });
      },
      describe: () => ({ text: 'Could not reach Microsoft: you seem to be offline.', offline: true }),
      onSettled: (e) => scheduler.refreshSettled(A1, e),
    });
    expect(await refresher.refresh({ force: true })).toBe(true);
    expect(await a1.snapshot.get()).toEqual(kept);
    expect(await a1.refreshState.get()).toMatchObject({ offline: true, inFlight: false });
    expect((await fakeBrowser.alarms.get('a1/retry'))?.scheduledTime).toBe(now + 30_000);
  });
});

describe('several accounts', () => {
  it("each account's warning carries its id and its name; the press runs that account's command only", async () => {
    const a2 = accountItems('a2');
    await a2.authState.set({ status: 'signed-in', account, detail: null });
    await a2.snapshot.set(snap([exo]));
    await a1.snapshot.set(snap([]));
    const runtime = (id: string, items: typeof a1) => ({
      id,
      items,
      refresher: { refresh: vi.fn(async (_: { force: boolean }) => false) },
      commands: {
        portal: { extend: vi.fn(async (_key: string) => done), deactivate: vi.fn(async (_key: string) => done) },
      },
      approvals: { decide: vi.fn(async () => []) },
    });
    const first = runtime(A1, a1);
    const second = runtime('a2', a2);
    const list = [
      { account: A1_ENTRY, runtime: first },
      { account: { ...A1_ENTRY, id: 'a2', label: 'Fabrikam' }, runtime: second },
    ];
    const scheduler = startScheduler({
      accounts: { all: async () => list, get: async (id) => list.find((x) => x.runtime.id === id)?.runtime ?? null },
      now: () => now,
      supportsButtons: true,
      format: () => format,
    });
    running.push(scheduler);
    await scheduler.sync();
    expect(await alarmNames()).toContain(scopedId('a2', warnAlarm(EXO, 10)));
    expect(await alarmNames()).not.toContain(warnA(EXO, 10));
    const create = vi.spyOn(fakeBrowser.notifications, 'create');
    now = T0;
    await fire(scopedId('a2', warnAlarm(EXO, 10)));
    expect(await shown()).toEqual([scopedId('a2', warnAlarm(EXO, 10))]);
    expect(create.mock.calls[0]![1]).toMatchObject({ title: 'Fabrikam · Exchange Administrator ends in 10 min' });
    expect(second.refresher.refresh).toHaveBeenCalled();
    expect(first.refresher.refresh).not.toHaveBeenCalled();
    await press(scopedId('a2', warnAlarm(EXO, 10)), 0);
    expect(second.commands.portal.extend).toHaveBeenCalledWith(EXO);
    expect(first.commands.portal.extend).not.toHaveBeenCalled();
  });
});
