/**
 * Notices of requests waiting for the user's approval (issue 15): which ones are news, and what each says. Pure; the
 * scheduler (alarms.ts) shows them, records them in `local:notifier` and hands their buttons to approval-buttons.ts.
 */
import { approvalExpiresAt, type Approval } from '../pim/approvals';
import { formatMoment } from '../pim/time';
import type { NotificationEnv, NotificationSpec, NotifyEvent } from './notifications';

/** The notification id of a waiting approval (one per request). */
export const approvalNoticeId = (requestId: string) => `approval:${requestId}`;

/**
 * One notification per request that waits for the user's approval, the first time it is seen: `notified` (stored, kept
 * three days, longer than the 24-hour window) remembers it across worker and browser restarts.
 */
export function approvalNotices(
  waiting: readonly Approval[],
  notified: Readonly<Record<string, string>>,
): { events: NotifyEvent[]; record: string[] } {
  const fresh = waiting.filter((a) => !(approvalNoticeId(a.id) in notified));
  return {
    events: fresh.map((approval) => ({ kind: 'approval' as const, approval })),
    record: fresh.map((a) => approvalNoticeId(a.id)),
  };
}

/** Who asks for what, why, and when the window ends; Approve / Deny where notifications have buttons. */
export function approvalNotification(a: Approval, env: NotificationEnv): NotificationSpec {
  const { tr } = env;
  const who = a.requester.displayName ?? a.requester.upn ?? a.requester.id;
  const expires = approvalExpiresAt(a);
  const reason = a.justification ?? tr('approvalNoReason');
  return {
    id: approvalNoticeId(a.id),
    options: {
      type: 'basic',
      iconUrl: env.iconUrl,
      title: tr('notifyApprovalTitle', who, a.targetName),
      message:
        expires === null
          ? reason
          : tr('notifyApprovalMessage', reason, formatMoment(expires - env.skewMs, env.nowMs, env.format)),
      // Chromium only: Approve opens the popup when the role's settings want the approver's reason.
      ...(env.buttons && a.stepId !== null
        ? { buttons: [{ title: tr('approvalApprove') }, { title: tr('approvalDeny') }], requireInteraction: true }
        : {}),
    },
  };
}
