/**
 * The background's side of the portal badge's trust boundary (docs/SECURITY.md). A portal content script names an
 * assignment key and nothing else, and it is never trusted to cause a privilege: Activate and Extend only open the
 * popup's confirmation (lib/background/popup-surface.ts), which shows what would be sent and sends the ordinary pim.*
 * command on a click there. Deactivate acts at once only when the badge proved it was visible. Before any of that,
 * the key is checked against the background's own snapshot and portal choices: it must exist in the state the
 * command needs and matter on the portal the sender's frame is on, and that portal must be the signed-in tenant's.
 * createListener (lib/messaging.ts) has already checked that the sender is our content script in a portal tab's top
 * frame, or an extension page; this repeats the frame check so the handlers are safe on their own. A command acts
 * for the account the sender tab's badge speaks for (issue 16), so one without a registered tab (an extension page)
 * is refused.
 */
import { MessagingError, type Handlers, type PortalCommandResult } from '../messaging';
import type { Assignment, AssignmentState, Snapshot } from '../pim/model';
import { DEFAULT_PORTAL_PREF, relevance, tenantPortalForUrl, type PortalId, type PortalPref } from '../pim/portals';
import type { PortalIntent } from '../storage';
import { t } from '../i18n';

export type PortalCommand = Exclude<PortalIntent['command'], 'renew'>;

export interface PortalCommandDeps {
  /**
   * The account the sender tab's badge speaks for (lib/background/portal-tabs.ts, session storage): a command acts on
   * that account only, never on one the page names.
   */
  accountOf(tabId: number): Promise<{ accountId: string | null; portalId: string } | null>;
  /** That account's own snapshot (lib/pim/snapshot.ts ownSnapshot), null when there is none. */
  snapshot: (accountId: string) => Promise<Snapshot | null>;
  /** The write itself; only Deactivate from a badge that proved it was visible gets here. */
  deactivate(accountId: string, key: string): Promise<PortalCommandResult>;
  /** Shows the request in the popup for the user to confirm (or not); sends nothing. */
  confirm(intent: Omit<PortalIntent, 'at'>): Promise<void>;
  /** The per-portal choices (sync:portalPrefs with the managed policy laid over). */
  prefs: () => Promise<Readonly<Record<string, PortalPref>>>;
  /** The signed-in tenant's SharePoint admin host(s) (lib/pim/portals.ts sharePointAdminHost, or the policy's). */
  sharePointHosts: () => Promise<readonly string[]>;
}

type PortalHandlers = Required<Pick<Handlers, 'portal.activate' | 'portal.deactivate' | 'portal.extend'>>;
type Sender = Browser.runtime.MessageSender;

/** Which snapshot entry each command acts on. */
const NEEDS: Record<PortalCommand, AssignmentState> = { activate: 'eligible', deactivate: 'active', extend: 'active' };

const isExtensionUrl = (url: string | undefined) => /^(chrome|moz|safari-web)-extension:\/\//.test(url ?? '');

export function createPortalCommandHandlers(deps: PortalCommandDeps): PortalHandlers {
  async function check(
    command: PortalCommand,
    key: string,
    sender: Sender,
    shown?: string,
  ): Promise<{ entry: Assignment; portalId: PortalId | null; accountId: string }> {
    const portal = tenantPortalForUrl(sender.url, await deps.sharePointHosts());
    if (portal) {
      if (sender.frameId !== 0) throw new MessagingError('forbidden', t('portalCmdFrame'));
    } else if (!isExtensionUrl(sender.url) || (sender.tab?.url ?? '').startsWith('http')) {
      throw new MessagingError('forbidden', t('portalCmdSender'));
    }
    const tab = sender.tab?.id !== undefined ? await deps.accountOf(sender.tab.id) : null;
    if (!tab?.accountId) throw new MessagingError('unknown-key', t('portalCmdNotInList'));
    const { accountId } = tab;
    // The badge showed another account's rows than the tab speaks for now (switched just before the click).
    if (shown !== undefined && shown !== accountId)
      throw new MessagingError('account-changed', t('portalCmdAccountChanged'));
    const snapshot = await deps.snapshot(accountId);
    const entry = snapshot?.assignments.find((a) => a.key === key && a.state === NEEDS[command]);
    if (!entry) {
      const known = snapshot?.assignments.some((a) => a.key === key);
      throw new MessagingError('unknown-key', known ? t('portalCmdWrongState') : t('portalCmdNotInList'));
    }
    if (portal) {
      const pref = (await deps.prefs())[portal.id] ?? DEFAULT_PORTAL_PREF;
      if (!pref.enabled) throw new MessagingError('portal-off', t('portalCmdOff', portal.name));
      // Azure roles: relevant on the Azure portal. Which resource is in view is not checked here: Chromium keeps the
      // content script's first URL as the sender's after in-portal navigation, and the popup confirms anyway.
      if (relevance(entry, portal, pref) === null) {
        throw new MessagingError('not-relevant', t('portalCmdNotRelevant', entry.displayName, portal.name));
      }
    }
    return { entry, portalId: portal?.id ?? null, accountId };
  }

  const confirmed = async (
    command: PortalCommand,
    key: string,
    checked: { portalId: PortalId | null; accountId: string },
  ): Promise<PortalCommandResult> => {
    await deps.confirm({ command, key, portalId: checked.portalId ?? '', accountId: checked.accountId });
    return { outcome: 'confirm-opened' };
  };

  return {
    'portal.activate': async ({ key, shown }, sender) =>
      confirmed('activate', key, await check('activate', key, sender, shown)),
    'portal.extend': async ({ key, shown }, sender) =>
      confirmed('extend', key, await check('extend', key, sender, shown)),
    'portal.deactivate': async ({ key, visible, shown }, sender) => {
      const checked = await check('deactivate', key, sender, shown);
      return visible ? deps.deactivate(checked.accountId, key) : confirmed('deactivate', key, checked);
    },
  };
}
