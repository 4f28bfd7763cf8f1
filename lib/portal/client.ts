/**
 * The badge's only way to the background: the three typed portal commands of lib/messaging.ts, carrying nothing but
 * an assignment key. Speaks the same envelope as lib/messaging.ts sendMessage, but checks the reply by hand: the
 * protocol module would bring zod into the content script (see lib/portal/store.ts). The request itself is parsed
 * with zod where it matters, in the background.
 */
import { browser } from 'wxt/browser';
import { t } from '../i18n';
import type { PortalCommandResult, RequestOf } from '../messaging';

export type PortalCommand = 'activate' | 'deactivate' | 'extend';

export interface PortalClient {
  /** `visible`: for Deactivate, whether the badge proved it was visible when clicked (lib/portal/visibility.ts). */
  send(
    command: PortalCommand,
    key: string,
    opts?: { visible?: boolean; shown?: string | null },
  ): Promise<PortalCommandResult>;
}

/** A refusal or failure, with the background's sentence for the user. */
export class PortalCommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PortalCommandError';
  }
}

const OUTCOMES: readonly PortalCommandResult['outcome'][] = [
  'done',
  'scheduled',
  'pending-approval',
  'in-progress',
  'form-opened',
  'confirm-opened',
];

type Reply = { ok: true; value: PortalCommandResult } | { ok: false; error: { code: string; message: string } };

/** The reply envelope of lib/messaging.ts (`{ok, value}` or `{ok: false, error}`), or null when it is anything else. */
export function parseReply(raw: unknown): Reply | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as {
    ok?: unknown;
    value?: { outcome?: unknown } | null;
    error?: { code?: unknown; message?: unknown } | null;
  };
  if (r.ok === true && OUTCOMES.includes(r.value?.outcome as PortalCommandResult['outcome'])) {
    return { ok: true, value: { outcome: r.value!.outcome as PortalCommandResult['outcome'] } };
  }
  const { code, message } = r.error ?? {};
  return r.ok === false && typeof code === 'string' && typeof message === 'string'
    ? { ok: false, error: { code, message } }
    : null;
}

type SendMessage = (message: {
  name: `portal.${PortalCommand}`;
  payload: RequestOf<'portal.deactivate'>;
}) => Promise<unknown>;

export function createPortalClient(sendMessage: SendMessage = (m) => browser.runtime.sendMessage(m)): PortalClient {
  return {
    async send(command, key, opts) {
      let raw: unknown;
      try {
        raw = await sendMessage({
          name: `portal.${command}`,
          payload: {
            key,
            ...(command === 'deactivate' ? { visible: opts?.visible === true } : {}),
            ...(opts?.shown ? { shown: opts.shown } : {}),
          },
        });
      } catch {
        throw new PortalCommandError('unreachable', t('portalBadgeUnreachable'));
      }
      const reply = parseReply(raw);
      if (!reply) throw new PortalCommandError('bad-reply', t('portalBadgeBadReply'));
      if (!reply.ok) throw new PortalCommandError(reply.error.code, reply.error.message);
      return reply.value;
    },
  };
}
