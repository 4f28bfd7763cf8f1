/**
 * Issue 15 in the scheduler's pure parts: one notice per waiting request, its buttons, the toolbar count, the refresh.
 */
import { describe, expect, it } from 'vitest';
import { approvalNotices } from '../../../lib/background/approval-notices';
import { notificationFor, notificationTarget } from '../../../lib/background/notifications';
import { wantedAlarms } from '../../../lib/background/schedule';
import { BADGE_COLOURS, toolbarState } from '../../../lib/background/toolbar';
import { english } from '../i18n/messages';
import { approval } from '../pim/approval-fixtures';
import { active, EXO, format, MIN, pending, settings, snap, T0 } from './scheduler-fixtures';

const env = (buttons: boolean) => ({ iconUrl: 'icon.png', buttons, format, nowMs: T0, skewMs: 0, tr: english });

describe('approval notices', () => {
  it('one per request the first time it waits; a recorded one is not shown again (restarts read the record)', () => {
    const a = approval({ id: 'r1' });
    const b = approval({ id: 'r2' });
    const first = approvalNotices([a], {});
    expect(first.events).toEqual([{ kind: 'approval', approval: a }]);
    expect(first.record).toEqual(['approval:r1']);
    const notified = Object.fromEntries(first.record.map((k) => [k, new Date(T0).toISOString()]));
    const second = approvalNotices([a, b], notified);
    expect(second.events).toEqual([{ kind: 'approval', approval: b }]);
    expect(approvalNotices([a, b], { ...notified, 'approval:r2': 'x' }).events).toEqual([]);
  });

  it('says who asks for what and why, with Approve / Deny where notifications have buttons', () => {
    const spec = notificationFor({ kind: 'approval', approval: approval({ id: 'r1' }) }, env(true));
    expect(spec.id).toBe('approval:r1');
    expect(spec.options.title).toBe('Megan Bowen asks for Global Administrator');
    expect(spec.options.message).toMatch(/^Fix CA · expires unanswered /);
    expect(spec.options.buttons).toEqual([{ title: 'Approve' }, { title: 'Deny' }]);
    expect(notificationFor({ kind: 'approval', approval: approval() }, env(false)).options.buttons).toBeUndefined();
    // No step read: nothing to decide from here, the click opens the popup.
    const portal = notificationFor({ kind: 'approval', approval: approval({ stepId: null }) }, env(true));
    expect(portal.options.buttons).toBeUndefined();
    expect(notificationTarget('approval:r1')).toEqual({ kind: 'approval', requestId: 'r1', accountId: null });
  });
});

describe('toolbar and refresh while requests wait for the user', () => {
  it('the badge counts waiting approvals when nothing runs; a running role keeps its countdown', () => {
    const idle = toolbarState(snap([pending(EXO)]), settings(), T0, format, english, 3);
    expect(idle).toMatchObject({ text: '3', colour: BADGE_COLOURS.approvals });
    expect(idle.title).toContain('3 requests waiting for your approval');
    // 42 minutes left: the countdown (quarter hours below an hour), not the count.
    const running = active(EXO, T0 - 10 * MIN, 0, { endDateTime: new Date(T0 + 42 * MIN).toISOString() });
    expect(toolbarState(snap([running]), settings(), T0, format, english, 3).text).toBe('30m');
    expect(toolbarState(snap([]), settings(), T0, format, english, 0).text).toBe('');
  });

  it('a periodic refresh exists while approvals wait, and not for nobody’s approver', () => {
    const base = { settings: settings(), nowMs: T0, canRefresh: true, activity: [], snapshot: snap([]) };
    expect(wantedAlarms({ ...base, approvalsWaiting: 0 })).toEqual([]);
    expect(wantedAlarms({ ...base, approvalsWaiting: 2 }).map((a) => [a.name, a.periodInMinutes])).toEqual([
      ['refresh', 15],
    ]);
  });
});
