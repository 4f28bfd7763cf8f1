/**
 * A warning's Extend / Deactivate buttons through the real wiring: the scheduler's button handler (alarms.ts) calls
 * the background's portal commands (createCommands in commands.ts, as lib/background/index.ts wires them) over the
 * harness's fake Graph. Nothing stands in for the command's reply: what the user sees follows from what PIM answered.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startScheduler, type Scheduler } from '../../../lib/background/alarms';
import { warnAlarm } from '../../../lib/background/schedule';
import { scopedId } from '../../../lib/background/notifications';
import { A1, a1, oneAccount } from '../account-fixture';
import { portalIntentItem, type PortalIntent } from '../../../lib/storage';
import { assignment, created, graphError, K, NOW, policy, setup, template, type Setup } from './command-harness';

const MIN = 60_000;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const running: Scheduler[] = [];

const exists = () => graphError('RoleAssignmentExists', 'The Role assignment already exists.');
const remembered = {
  [K.exchange]: {
    templateId: template.id,
    durationMinutes: 60,
    ticketNumber: null,
    ticketSystem: null,
    justification: null,
  },
};
/** Exchange Administrator, active for 50 minutes and ending in 10: the 10-minute warning is due now. */
const ending = (startedMinutesAgo = 50) => [
  assignment(K.exchange, 'active', { startDateTime: at(-startedMinutesAgo * MIN), endDateTime: at(10 * MIN) }),
  assignment(K.exchange, 'eligible'),
];

/** What lib/background/command-wiring.ts does with a renewal to confirm: the intent is stored for the popup. */
const confirmInPopup = vi.fn(async (intent: Omit<PortalIntent, 'at' | 'accountId'>) => {
  await portalIntentItem.set({ ...intent, accountId: A1, at: NOW.toISOString() });
});

/** The commands and the scheduler together, with the 10-minute warning for Exchange Administrator on screen. */
async function warned(s: Setup) {
  const t = await setup({ confirm: confirmInPopup, remembered, ...s });
  const scheduler = startScheduler({
    accounts: oneAccount({
      id: A1,
      items: a1,
      refresher: { refresh: async () => false },
      commands: t.commands,
      approvals: { decide: vi.fn() },
    }),
    now: () => NOW.getTime(),
    supportsButtons: true,
    format: () => ({ locale: 'en-GB', timeZone: 'UTC' }),
  });
  running.push(scheduler);
  await scheduler.sync();
  expect(Object.keys(await fakeBrowser.notifications.getAll())).toContain(scopedId(A1, warnAlarm(K.exchange, 10)));
  const press = async (index: number) => {
    await fakeBrowser.notifications.onButtonClicked.trigger(scopedId(A1, warnAlarm(K.exchange, 10)), index);
    await scheduler.idle();
  };
  return { ...t, press };
}

const failureNotice = () => fakeBrowser.notifications.getAllCreateOptions()[`a1/command:${K.exchange}`];

beforeEach(() => {
  fakeBrowser.reset();
  confirmInPopup.mockClear();
});
afterEach(() => {
  for (const s of running.splice(0)) s.stop();
});

describe('notification buttons through the real commands', () => {
  it('Extend that PIM accepts: the request is sent and no failure is shown', async () => {
    const t = await warned({
      assignments: ending(),
      policies: { [K.exchange]: policy({ maxDuration: 'PT1H', maxMinutes: 60 }) },
      post: () => created('Provisioned'),
    });
    await t.press(0);
    expect(t.posts.map((p) => (p.body as { action: string }).action)).toEqual(['selfActivate']);
    expect(failureNotice()).toBeUndefined();
  });

  it("Extend that PIM refuses opens the popup's renewal question ('confirm-opened'): no failure is shown", async () => {
    const t = await warned({
      assignments: ending(),
      policies: { [K.exchange]: policy({ maxDuration: 'PT1H', maxMinutes: 60 }) },
      post: () => exists(),
    });
    await t.press(0);
    expect(confirmInPopup).toHaveBeenCalledWith({ command: 'renew', key: K.exchange, portalId: '' });
    expect(await portalIntentItem.get()).toMatchObject({ command: 'renew', accountId: A1, key: K.exchange });
    expect(t.posts).toHaveLength(1);
    expect(failureNotice()).toBeUndefined();
  });

  it('Extend that cannot be renewed safely says, in a notification, that the role was not extended and why', async () => {
    const t = await warned({
      assignments: ending(),
      policies: { [K.exchange]: policy({ maxDuration: 'PT1H', maxMinutes: 60, approvalRequired: true }) },
      post: () => exists(),
    });
    await t.press(0);
    expect(confirmInPopup).not.toHaveBeenCalled();
    expect(failureNotice()).toMatchObject({
      title: 'Could not extend Exchange Administrator',
      message: expect.stringMatching(/^Exchange Administrator was not extended\. .*needs approval/),
    });
  });

  it('Deactivate that PIM accepts: no failure is shown', async () => {
    const t = await warned({ assignments: ending(), post: () => created('Revoked') });
    await t.press(1);
    expect(t.posts.map((p) => (p.body as { action: string }).action)).toEqual(['selfDeactivate']);
    expect(failureNotice()).toBeUndefined();
  });

  it('Deactivate that PIM refuses shows why', async () => {
    const t = await warned({ assignments: ending(), post: () => graphError('ActiveDurationTooShort', 'Too short.') });
    await t.press(1);
    expect(t.posts).toHaveLength(1);
    expect(failureNotice()).toMatchObject({
      title: expect.stringMatching(/Exchange Administrator/),
      message: expect.stringMatching(/\S/),
    });
  });
});
