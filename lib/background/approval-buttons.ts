/**
 * Approve / Deny on an approval notice (issue 15): the user's click on a browser notification, extension-owned UI.
 * When the role's settings want the approver's reason (or they are unknown), the popup opens to type it and nothing is
 * sent; otherwise the decision goes through the same `pim.decide` as the popup's buttons (lib/background/approvals.ts),
 * and only a failure is told, in a new notification.
 */
import { browser } from 'wxt/browser';
import type { CommandResult } from '../messaging';
import { waitingApprovals } from '../pim/approvals';
import type { AccountItems } from '../storage';
import { openPopupSurface } from './popup-surface';

export type Decide = (
  ids: string[],
  decision: 'Approve' | 'Deny',
  justification: string | null,
) => Promise<CommandResult[]>;

export async function onApprovalButton(args: {
  /** The account the notice was for (its id is in the notification's). */
  items: Pick<AccountItems, 'approvals' | 'authState'>;
  /** Prefixes the failure notice's id with the account (lib/background/notifications.ts scopedId). */
  scope: (id: string) => string;
  notificationId: string;
  requestId: string;
  /** 0: Approve, 1: Deny. */
  index: number;
  decide: Decide | undefined;
  nowMs: number;
}): Promise<void> {
  const { requestId } = args;
  await browser.notifications.clear(args.notificationId);
  const [state, auth] = await Promise.all([args.items.approvals.get(), args.items.authState.get()]);
  const a = waitingApprovals(state, auth.account?.oid, args.nowMs).find((x) => x.id === requestId);
  if (!a || a.justificationRequired !== false || !args.decide) {
    await openPopupSurface();
    return;
  }
  let text: string | null;
  try {
    const [r] = await args.decide([requestId], args.index === 0 ? 'Approve' : 'Deny', null);
    text = r && r.kind !== 'ok' ? r.text : null;
  } catch (e) {
    text = e instanceof Error ? e.message : String(e);
  }
  if (text)
    await browser.notifications.create(args.scope(`command:approval:${requestId}`), {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: a.targetName,
      message: text,
    });
}
