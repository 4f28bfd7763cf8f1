/**
 * The one typed protocol between contexts. Each message: a namespaced name, a zod schema for its payload and its
 * result, and who may send it. Payloads are parsed on receipt; the sender is checked; the answer is a value or a
 * typed error, never a thrown exception across the boundary.
 */
import { browser } from 'wxt/browser';
import { z } from 'zod';

/** Who may send a message: extension pages (popup, options, sign-in, auth document) or also portal content scripts. */
export type SenderKind = 'extension' | 'portal';

export const MessageError = z.object({ code: z.string(), message: z.string() });
export type MessageError = z.infer<typeof MessageError>;

interface Definition<Req extends z.ZodType, Res extends z.ZodType> {
  request: Req;
  response: Res;
  from: SenderKind;
  /** Which context answers it; the others ignore it (runtime messages reach every extension page). */
  to: 'background' | 'auth';
}

function define<Req extends z.ZodType, Res extends z.ZodType>(d: Definition<Req, Res>): Definition<Req, Res> {
  return d;
}

const Ok = z.object({ ok: z.literal(true) });
const Scopes = z.array(z.string().min(1).max(200)).min(1).max(20);

export const protocol = {
  /** Ask the background to refresh the snapshot (popup open when stale, Refresh button). */
  'snapshot.refresh': define({
    request: z.object({ force: z.boolean() }),
    response: z.object({ refreshed: z.boolean() }),
    from: 'extension',
    to: 'background',
  }),
  /** The sign-in page finished an interactive sign-in: the background drops its auth document and refreshes. */
  'auth.signedIn': define({ request: z.object({}), response: Ok, from: 'extension', to: 'background' }),
  'auth.signOut': define({ request: z.object({}), response: Ok, from: 'extension', to: 'background' }),

  /** Background → auth document: an access token from the cache or refresh token, without UI. */
  'auth.token': define({
    request: z.object({ scopes: Scopes, forceRefresh: z.boolean().default(false) }),
    response: z.object({ accessToken: z.string(), expiresOn: z.number().nullable() }),
    from: 'extension',
    to: 'auth',
  }),
  /** Background → auth document: build the authorize URL for a non-interactive renewal (prompt=none). */
  'auth.renewalUrl': define({
    request: z.object({ scopes: Scopes }),
    response: z.object({ url: z.string().url() }),
    from: 'extension',
    to: 'auth',
  }),
  /** Background → auth document: redeem what launchWebAuthFlow returned (or abandon the attempt when it failed). */
  'auth.redeem': define({
    request: z.object({ responseUrl: z.string().nullable() }),
    response: z.object({ homeAccountId: z.string() }),
    from: 'extension',
    to: 'auth',
  }),
} as const;

export type Protocol = typeof protocol;
export type MessageName = keyof Protocol;
export type RequestOf<N extends MessageName> = z.input<Protocol[N]['request']>;
export type ResponseOf<N extends MessageName> = z.infer<Protocol[N]['response']>;

const Envelope = z.object({ name: z.string().max(64), payload: z.unknown() });
const Reply = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: MessageError }),
]);

export class MessagingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MessagingError';
  }
}

export async function sendMessage<N extends MessageName>(name: N, payload: RequestOf<N>): Promise<ResponseOf<N>> {
  const def = protocol[name];
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage({ name, payload: def.request.parse(payload) });
  } catch (e) {
    throw new MessagingError('unreachable', `The extension's background did not answer (${String(e)}). Reopen the window and try again.`);
  }
  const reply = Reply.safeParse(raw);
  if (!reply.success) throw new MessagingError('bad-reply', `Unexpected answer to ${name}.`);
  if (!reply.data.ok) throw new MessagingError(reply.data.error.code, reply.data.error.message);
  return def.response.parse(reply.data.value) as ResponseOf<N>;
}

export type Handlers = {
  [N in MessageName]?: (payload: z.infer<Protocol[N]['request']>, sender: Browser.runtime.MessageSender) => Promise<ResponseOf<N>>;
};

/** Whether a sender is one of our own extension pages (not a content script, not another extension). */
export function isExtensionPage(sender: Browser.runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && !sender.tab?.url?.startsWith('http') && (sender.url ?? '').startsWith(browser.runtime.getURL('/'));
}

/**
 * Answer the messages meant for `context`. Unknown names, malformed payloads and senders that may not send a message
 * get a typed error (and are logged once per name), never a crash.
 */
export function onMessages(context: 'background' | 'auth', handlers: Handlers): () => void {
  const warned = new Set<string>();
  const listener = (message: unknown, sender: Browser.runtime.MessageSender, sendResponse: (r: unknown) => void): boolean | undefined => {
    const envelope = Envelope.safeParse(message);
    if (!envelope.success) return undefined;
    const name = envelope.data.name;
    if (!Object.hasOwn(protocol, name)) return undefined;
    const def = protocol[name as MessageName];
    if (def.to !== context) return undefined;
    const reject = (code: string, text: string) => {
      if (!warned.has(`${name}:${code}`)) {
        warned.add(`${name}:${code}`);
        console.warn(`PIM Companion: rejected ${name}: ${text}`);
      }
      sendResponse({ ok: false, error: { code, message: text } });
      return false;
    };
    if (sender.id !== browser.runtime.id) return reject('forbidden', 'Sender is not this extension.');
    if (def.from === 'extension' && !isExtensionPage(sender)) return reject('forbidden', 'Only extension pages may send this.');
    const handler = handlers[name as MessageName] as ((p: unknown, s: Browser.runtime.MessageSender) => Promise<unknown>) | undefined;
    if (!handler) return reject('unsupported', `${name} is not handled here.`);
    const parsed = def.request.safeParse(envelope.data.payload);
    if (!parsed.success) return reject('bad-request', `Malformed ${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
    handler(parsed.data, sender).then(
      (value) => sendResponse({ ok: true, value }),
      (e: unknown) => {
        const code = e instanceof MessagingError ? e.code : ((e as { code?: string })?.code ?? 'failed');
        sendResponse({ ok: false, error: { code: String(code), message: e instanceof Error ? e.message : String(e) } });
      },
    );
    return true;
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}
