/**
 * An approval notice's Approve / Deny buttons through the scheduler (alarms.ts): decided at once only when the role's
 * settings do not ask approvers for a reason; otherwise the popup opens to type it, and nothing is sent.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { startScheduler, type Scheduler } from '../../../lib/background/alarms';
import type { Decide } from '../../../lib/background/approval-buttons';
import type { CommandResult } from '../../../lib/messaging';
import type { Approval } from '../../../lib/pim/approvals';
import { A1, a1, oneAccount } from '../account-fixture';
import { approval, NOW } from '../pim/approval-fixtures';

const running: Scheduler[] = [];
const account = { homeAccountId: 'h', oid: 'me', tenantId: 't', name: 'Lidia', username: 'adm-lidia@contoso.com' };

async function noticeFor(a: Approval, decide: Decide) {
  await a1.authState.set({ status: 'signed-in', account, detail: null });
  await a1.approvals.set({ principalId: 'me', fetchedAt: null, items: [a], error: null, quietUntil: null, left: [] });
  const scheduler = startScheduler({
    accounts: oneAccount({
      id: A1,
      items: a1,
      refresher: { refresh: async () => false },
      commands: { portal: { extend: vi.fn(), deactivate: vi.fn() } },
      approvals: { decide },
    }),
    now: () => NOW,
    supportsButtons: true,
    format: () => ({ locale: 'en-GB', timeZone: 'UTC' }),
  });
  running.push(scheduler);
  await scheduler.sync();
  expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual([`a1/approval:${a.id}`]);
  return async (index: number) => {
    await fakeBrowser.notifications.onButtonClicked.trigger(`a1/approval:${a.id}`, index);
    await scheduler.idle();
  };
}

const done = (key: string): CommandResult => ({
  key,
  kind: 'ok',
  text: 'Denied.',
  status: 'Denied',
  field: null,
  requestId: key,
});

beforeEach(() => fakeBrowser.reset());
afterEach(() => {
  for (const s of running.splice(0)) s.stop();
});

describe('approval notice buttons', () => {
  it('Deny where no reason is required: decided at once, no further notice', async () => {
    const decide = vi.fn<Decide>(async (ids) => ids.map(done));
    const press = await noticeFor(approval({ id: 'g1', kind: 'group', justificationRequired: false }), decide);
    await press(1);
    expect(decide).toHaveBeenCalledWith(['g1'], 'Deny', null);
    expect(Object.keys(await fakeBrowser.notifications.getAll())).toEqual([]);
  });

  it('Approve where a reason is required: the popup opens to type it, nothing is sent', async () => {
    const decide = vi.fn<Decide>(async (ids) => ids.map(done));
    const openPopup = vi.fn(async () => undefined);
    (fakeBrowser.action as unknown as { openPopup: typeof openPopup }).openPopup = openPopup;
    const press = await noticeFor(approval({ id: 'r1', justificationRequired: true }), decide);
    await press(0);
    expect(decide).not.toHaveBeenCalled();
    expect(openPopup).toHaveBeenCalledTimes(1);
  });

  it('a refused decision is told in a notification with PIM’s sentence', async () => {
    const refused: CommandResult = {
      ...done('g1'),
      kind: 'state',
      status: null,
      text: 'Already decided by someone else.',
    };
    const press = await noticeFor(approval({ id: 'g1', kind: 'group', justificationRequired: false }), async () => [
      refused,
    ]);
    await press(0);
    expect(fakeBrowser.notifications.getAllCreateOptions()['a1/command:approval:g1']).toMatchObject({
      message: 'Already decided by someone else.',
    });
  });
});
