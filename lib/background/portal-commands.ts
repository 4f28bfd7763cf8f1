/**
 * The background's side of the portal badge's trust boundary. A portal content script names an assignment key and
 * nothing else; before anything reaches Graph we check, against the background's own snapshot and the user's portal
 * choices, that the key exists in the state the command needs and matters on the portal the sender's frame is on.
 * createListener (lib/messaging.ts) has already checked that the sender is our content script in a portal tab's top
 * frame, or an extension page; this repeats the frame check so the handlers are safe on their own.
 */
import { MessagingError, type Handlers, type PortalCommandResult } from '../messaging';
import type { Assignment, AssignmentState, Snapshot } from '../pim/model';
import { DEFAULT_PORTAL_PREF, portalForUrl, relevance, type PortalId, type PortalPref } from '../pim/portals';
import { effectivePortalPrefsItem } from '../managed';
import { t } from '../i18n';

export interface PortalCommands {
  activate(key: string): Promise<PortalCommandResult>;
  deactivate(key: string): Promise<PortalCommandResult>;
  extend(key: string): Promise<PortalCommandResult>;
}

export interface PortalCommandDeps {
  snapshot: () => Promise<Snapshot | null>;
  commands: PortalCommands;
  /** The per-portal choices (sync:portalPrefs with the managed policy laid over); read from storage when absent. */
  prefs?: () => Promise<Readonly<Record<string, PortalPref>>>;
}

type PortalHandlers = Required<Pick<Handlers, 'portal.activate' | 'portal.deactivate' | 'portal.extend'>>;
type Sender = Browser.runtime.MessageSender;

/** Which snapshot entry each command acts on. */
const NEEDS: Record<keyof PortalCommands, AssignmentState> = { activate: 'eligible', deactivate: 'active', extend: 'active' };

const isExtensionUrl = (url: string | undefined) => /^(chrome|moz|safari-web)-extension:\/\//.test(url ?? '');

export function createPortalCommandHandlers(deps: PortalCommandDeps): PortalHandlers {
  const prefs = deps.prefs ?? (() => effectivePortalPrefsItem.get());

  async function check(command: keyof PortalCommands, key: string, sender: Sender): Promise<Assignment> {
    const portal = portalForUrl(sender.url);
    if (portal) {
      if (sender.frameId !== 0) throw new MessagingError('forbidden', t('portalCmdFrame'));
    } else if (!isExtensionUrl(sender.url) || (sender.tab?.url ?? '').startsWith('http')) {
      throw new MessagingError('forbidden', t('portalCmdSender'));
    }
    const snapshot = await deps.snapshot();
    const entry = snapshot?.assignments.find((a) => a.key === key && a.state === NEEDS[command]);
    if (!entry) {
      const known = snapshot?.assignments.some((a) => a.key === key);
      throw new MessagingError('unknown-key', known ? t('portalCmdWrongState') : t('portalCmdNotInList'));
    }
    if (portal) {
      const pref = (await prefs())[portal.id as PortalId] ?? DEFAULT_PORTAL_PREF;
      if (!pref.enabled) throw new MessagingError('portal-off', t('portalCmdOff', portal.name));
      if (relevance(entry, portal, pref) === null) {
        throw new MessagingError('not-relevant', t('portalCmdNotRelevant', entry.displayName, portal.name));
      }
    }
    return entry;
  }

  const handler =
    (command: keyof PortalCommands) =>
    async ({ key }: { key: string }, sender: Sender): Promise<PortalCommandResult> => {
      await check(command, key, sender);
      return deps.commands[command](key);
    };

  return {
    'portal.activate': handler('activate'),
    'portal.deactivate': handler('deactivate'),
    'portal.extend': handler('extend'),
  };
}
