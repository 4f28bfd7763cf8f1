/**
 * The one typed protocol between contexts. Each message: a namespaced name, a zod schema for its payload and its
 * result, and who may send it. Payloads are parsed on receipt; the sender is checked; the answer is a value or a
 * typed error, never a thrown exception across the boundary.
 */
import { browser } from 'wxt/browser';
// zod/mini: the popup and options load this; classic zod does not tree-shake (docs/PERFORMANCE.md).
import { z } from 'zod/mini';
import { portalForUrl } from './pim/portals';
import { Connection } from './connection';
import { AccountId } from './accounts';
import { PortalLayout, PortalPref } from './portal/schemas';

/** Who may send a message: extension pages (popup, options, sign-in, auth document) or also portal content scripts. */
export type SenderKind = 'extension' | 'portal';

export const MessageError = z.object({ code: z.string(), message: z.string() });
export type MessageError = z.infer<typeof MessageError>;

interface Definition<Req extends z.ZodMiniType, Res extends z.ZodMiniType> {
  request: Req;
  response: Res;
  from: SenderKind;
  /** Which context answers it; the others ignore it (runtime messages reach every extension page). */
  to: 'background' | 'auth';
}

function define<Req extends z.ZodMiniType, Res extends z.ZodMiniType>(d: Definition<Req, Res>): Definition<Req, Res> {
  return d;
}

const Ok = z.object({ ok: z.literal(true) });
const Scopes = z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.minLength(1), z.maxLength(20));
/**
 * Sent with every request to the auth document: an offscreen document has runtime messaging only, no extension
 * storage, so the background (which reads connection and auth state) tells it which app and account to use.
 */
const AuthContext = z.object({
  connection: Connection,
  account: z.nullable(
    z.object({
      homeAccountId: z.string().check(z.minLength(1), z.maxLength(300)),
      username: z.string().check(z.maxLength(300)),
      /**
       * The tenant the account signed in to: a guest's accounts in two tenants share one homeAccountId (MSAL tenant
       * profiles), so the tenant picks the right one.
       */
      tenantId: z.optional(z.string().check(z.maxLength(100))),
    }),
  ),
});
export type AuthContext = z.infer<typeof AuthContext>;

/** A portal content script names an assignment by its key only; the background looks up everything else itself. */
/**
 * `shown`: the account whose rows the badge showed when the user clicked (several accounts). The background refuses the
 * command when the tab's account has changed since (a push just before the click): it acts for the tab's account only,
 * and never on rows the user did not see. Absent (one account, or an older badge): the tab's account.
 */
const Shown = z.optional(AccountId);
const PortalCommand = z.object({ key: z.string().check(z.minLength(1), z.maxLength(300)), shown: Shown });
/**
 * Deactivate from the badge: `visible` says the badge could prove (IntersectionObserver v2) that it was visible and
 * unoccluded for long enough when the user clicked. Without that proof the background asks for confirmation in the
 * popup. The proof comes from the content script, so a compromised renderer can fake it; at worst that ends a role
 * early, never grants one (docs/SECURITY.md).
 */
const PortalDeactivate = z.object({
  key: z.string().check(z.minLength(1), z.maxLength(300)),
  visible: z._default(z.boolean(), false),
  shown: Shown,
});
/**
 * What a portal command led to. done: in force now; scheduled: starts later; pending-approval: waiting for approvers;
 * in-progress: accepted, not yet provisioned; form-opened: inputs were missing, the popup's form was opened instead
 * (a notification's Extend); confirm-opened: the popup opened to show what would be sent, and sends only on a click
 * there (every Activate and Extend from a badge).
 */
export const PortalCommandResult = z.object({
  outcome: z.enum(['done', 'scheduled', 'pending-approval', 'in-progress', 'form-opened', 'confirm-opened']),
});
export type PortalCommandResult = z.infer<typeof PortalCommandResult>;

const Key = z.string().check(z.minLength(1), z.maxLength(300));

/**
 * What a portal's badge is told (portal.hello's answer and every `portal.update` push): the assignments that matter on
 * that portal only (the page can read the badge's text, so it gets no more than it shows), PIM's clock skew, the
 * portal's choices and the badge's corner. The content script checks these fields by hand (lib/portal/store.ts).
 */
export const BadgeAccount = z.object({
  id: AccountId,
  label: z.string().check(z.maxLength(40)),
  colour: z.string().check(z.maxLength(10)),
});
export const BadgeView = z.object({
  portalId: z.string(),
  /**
   * The account the badge speaks for, and (more than one signed in, and the URL does not name the tenant) the others it
   * may switch to. Labels and colours only: what the user named them.
   */
  account: z._default(z.nullable(BadgeAccount), null),
  accounts: z._default(z.array(BadgeAccount).check(z.maxLength(20)), []),
  assignments: z.array(z.record(z.string(), z.unknown())),
  skewMs: z.number(),
  pref: PortalPref,
  layout: PortalLayout,
});
export type BadgeView = z.infer<typeof BadgeView>;

/** What the user chose in the activation form (or the remembered template, for one click). */
export const ActivationInput = z.object({
  templateId: z._default(z.nullable(z.string().check(z.maxLength(64))), null),
  justification: z._default(z.nullable(z.string().check(z.maxLength(2000))), null),
  ticketNumber: z._default(z.nullable(z.string().check(z.maxLength(100))), null),
  ticketSystem: z._default(z.nullable(z.string().check(z.maxLength(100))), null),
  durationMinutes: z._default(z.nullable(z.int().check(z.gte(5), z.lte(1440))), null),
  /** ISO start in the future; null = now. */
  startAt: z._default(z.nullable(z.iso.datetime({ offset: true })), null),
});
export type ActivationInput = z.infer<typeof ActivationInput>;

/**
 * The result of one command on one assignment. `kind` follows lib/pim/errors.ts: ok (done as asked), state (nothing to
 * do: already active, already pending), field (a form field is missing or wrong: `field`), stepUp (a stronger sign-in
 * is needed; the sign-in tab was opened), auth, retry, fatal. `text` is the sentence to show.
 */
export const CommandResult = z.object({
  key: z.string(),
  kind: z.enum(['ok', 'state', 'field', 'stepUp', 'auth', 'retry', 'fatal']),
  /** Graph request status when a request was made: Provisioned, PendingApproval, Granted, Revoked, Canceled, … */
  status: z.nullable(z.string()),
  text: z.string(),
  field: z.nullable(z.enum(['justification', 'ticket', 'duration'])),
  requestId: z.nullable(z.string()),
  /**
   * The one next step the user can take from here: `renew` (PIM refused an Extend; deactivate-then-activate is safe and
   * waits for the user's confirmation), `activate` (a renewal left the user without the role: activate it again).
   */
  next: z.optional(z.enum(['renew', 'activate'])),
});
export type CommandResult = z.infer<typeof CommandResult>;
const Results = z.object({ results: z.array(CommandResult) });

/**
 * Check connection (options): per delegated Graph permission, what one call to each endpoint that needs it said.
 * ok: answered; not-consented: Graph says the token lacks the permission (admin consent missing); forbidden: the
 * permission is there but the account may not do this (a directory role, group ownership, Conditional Access);
 * error: no usable answer (offline, throttled, 5xx); skipped: nothing to test it with (e.g. no PIM group eligibility).
 */
export const ScopeCheck = z.object({
  scope: z.string(),
  status: z.enum(['ok', 'not-consented', 'forbidden', 'error', 'skipped']),
  /** Graph's own message for the worst answer, for the admin. */
  detail: z.nullable(z.string()),
});
export type ScopeCheck = z.infer<typeof ScopeCheck>;
export const ConnectionCheck = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('not-configured') }),
  z.object({ kind: z.literal('sign-in-required'), detail: z.string() }),
  z.object({ kind: z.literal('failed'), detail: z.string(), adminConsentUrl: z.string() }),
  z.object({
    kind: z.literal('checked'),
    checkedAt: z.string(),
    adminConsentUrl: z.string(),
    scopes: z.array(ScopeCheck),
  }),
]);
export type ConnectionCheck = z.infer<typeof ConnectionCheck>;

export const protocol = {
  /** Popup/options → background: activate one or more eligible assignments (multi-select), each with the same input. */
  'pim.activate': define({
    request: z.object({
      accountId: AccountId,
      keys: z.array(Key).check(z.minLength(1), z.maxLength(20)),
      input: z.nullable(ActivationInput),
    }),
    response: Results,
    from: 'extension',
    to: 'background',
  }),
  /** Activate a saved bundle: every item with the bundle's template and duration; active/pending items are skipped. */
  'pim.activateBundle': define({
    request: z.object({
      accountId: AccountId,
      bundleId: z.string().check(z.minLength(1), z.maxLength(64)),
    }),
    response: Results,
    from: 'extension',
    to: 'background',
  }),
  'pim.deactivate': define({
    request: z.object({ accountId: AccountId, key: Key }),
    response: Results,
    from: 'extension',
    to: 'background',
  }),
  /** Withdraw a pending request (the pending assignment's key). */
  'pim.cancel': define({
    request: z.object({ accountId: AccountId, key: Key }),
    response: Results,
    from: 'extension',
    to: 'background',
  }),
  /**
   * Extend an activation: a new activation starting at the current end, clamped by policy. `renew`: the user confirmed
   * the fallback PIM's refusal offered (deactivate, then activate again at once).
   */
  'pim.extend': define({
    request: z.object({
      accountId: AccountId,
      key: Key,
      durationMinutes: z.nullable(z.int().check(z.gte(5), z.lte(1440))),
      renew: z._default(z.boolean(), false),
    }),
    response: Results,
    from: 'extension',
    to: 'background',
  }),
  /** Ask the admins to extend a role eligibility that ends within 14 days (selfExtend on the eligibility). */
  'pim.requestExtension': define({
    request: z.object({
      accountId: AccountId,
      key: Key,
      justification: z.string().check(z.minLength(1), z.maxLength(500)),
    }),
    response: Results,
    from: 'extension',
    to: 'background',
  }),
  /**
   * Approve or deny requests waiting for the user's approval (issue 15), by their request ids, with the justification
   * typed in the popup. The background looks each id up in the approvals it read itself and sends one PATCH per step.
   */
  'pim.decide': define({
    request: z.object({
      accountId: AccountId,
      ids: z.array(Key).check(z.minLength(1), z.maxLength(20)),
      decision: z.enum(['Approve', 'Deny']),
      justification: z.nullable(z.string().check(z.maxLength(500))),
    }),
    response: Results,
    from: 'extension',
    to: 'background',
  }),
  /** Reload the open admin-portal tabs (portals cache roles after an activation). */
  'portals.reload': define({
    request: z.object({}),
    response: z.object({ reloaded: z.number() }),
    from: 'extension',
    to: 'background',
  }),
  /**
   * Sign-in tab → background: a step-up sign-in finished. The access token carries the requested claims (acrs/amr);
   * it stays in the background's memory for the retry (MSAL does not cache claims tokens) and is never stored.
   */
  'auth.stepUpDone': define({
    request: z.object({
      accountId: AccountId,
      stepUpId: z.string().check(z.minLength(1), z.maxLength(64)),
      accessToken: z.nullable(z.string().check(z.minLength(1))),
      error: z.nullable(z.string().check(z.maxLength(500))),
    }),
    /** What the retried activations led to, for the sign-in tab to show ("… is active. You can close this tab."). */
    response: z.extend(Ok, { results: z._default(z.array(CommandResult), []) }),
    from: 'extension',
    to: 'background',
  }),

  /**
   * Options → background: call each Graph endpoint once and report per permission (lib/background/check-connection.ts).
   */
  'connection.check': define({
    request: z.object({ accountId: AccountId }),
    response: ConnectionCheck,
    from: 'extension',
    to: 'background',
  }),
  /** Ask the background to refresh the snapshot (popup open when stale, Refresh button). */
  'snapshot.refresh': define({
    /** One account, or (no accountId) every account at once, each in its own round trip. */
    request: z.object({ accountId: z.optional(AccountId), force: z.boolean() }),
    response: z.object({ refreshed: z.boolean() }),
    from: 'extension',
    to: 'background',
  }),
  /** The sign-in page finished an interactive sign-in: the background drops its auth document and refreshes. */
  'auth.signedIn': define({
    request: z.object({ accountId: AccountId }),
    response: Ok,
    from: 'extension',
    to: 'background',
  }),
  'auth.signOut': define({
    request: z.object({ accountId: AccountId }),
    response: Ok,
    from: 'extension',
    to: 'background',
  }),
  /**
   * Options → background: remove an account (issue 16): its tokens (MSAL cache), per-account storage, alarms and
   * notifications go with it. The organisation's accounts cannot be removed.
   */
  'accounts.remove': define({
    request: z.object({ accountId: AccountId }),
    response: Ok,
    from: 'extension',
    to: 'background',
  }),

  /** Background → auth document: an access token from the cache or refresh token, without UI. */
  'auth.token': define({
    request: z.object({
      context: AuthContext,
      scopes: Scopes,
      forceRefresh: z._default(z.boolean(), false),
      /**
       * Step-up claims (an Azure role after the sign-in page proved them): redeemed from the refresh token, no cache.
       */
      claims: z.optional(z.string().check(z.maxLength(2000))),
    }),
    response: z.object({ accessToken: z.string(), expiresOn: z.nullable(z.number()) }),
    from: 'extension',
    to: 'auth',
  }),
  /** Background → auth document: build the authorize URL for a non-interactive renewal (prompt=none). */
  'auth.renewalUrl': define({
    request: z.object({ context: AuthContext, scopes: Scopes }),
    response: z.object({ url: z.url() }),
    from: 'extension',
    to: 'auth',
  }),
  /** Background → auth document: redeem what launchWebAuthFlow returned (or abandon the attempt when it failed). */
  'auth.redeem': define({
    request: z.object({ context: AuthContext, responseUrl: z.nullable(z.string()) }),
    response: z.object({ homeAccountId: z.string() }),
    from: 'extension',
    to: 'auth',
  }),
  /** Background → auth document: sign-out: forget the context account's tokens in MSAL's cache (no account: all). */
  'auth.clearCache': define({
    request: z.object({ context: AuthContext }),
    response: Ok,
    from: 'extension',
    to: 'auth',
  }),
  /**
   * Portal badge → background (lib/background/portal-commands.ts): activate and extend open the popup's confirmation
   * (the badge never causes a write by itself); deactivate acts at once only when the badge proved it was visible.
   */
  'portal.activate': define({
    request: PortalCommand,
    response: PortalCommandResult,
    from: 'portal',
    to: 'background',
  }),
  'portal.deactivate': define({
    request: PortalDeactivate,
    response: PortalCommandResult,
    from: 'portal',
    to: 'background',
  }),
  'portal.extend': define({ request: PortalCommand, response: PortalCommandResult, from: 'portal', to: 'background' }),
  /**
   * Portal badge → background, once per page: register this tab for updates and get what the badge shows, or null
   * when this page is not a portal of the signed-in tenant (then the badge does nothing at all). The badge reads no
   * extension storage: what it knows comes from here and from the `portal.update` messages the background pushes.
   */
  'portal.hello': define({
    // The page's URL as the badge sees it after an in-portal navigation (the Azure portal's resource); the background
    // accepts it only on the sender's own host, and it only narrows what the badge is shown.
    request: z.object({ url: z.optional(z.string().check(z.maxLength(4096))) }),
    response: z.nullable(BadgeView),
    from: 'portal',
    to: 'background',
  }),
  /**
   * Portal badge → background: the user picked which account the badge speaks for, where the portal's URL does not
   * say (remembered per portal and tenant). Only ever one of the accounts the background offered in BadgeView.
   */
  'portal.account': define({
    request: z.object({ accountId: AccountId }),
    response: z.nullable(BadgeView),
    from: 'portal',
    to: 'background',
  }),
  /** Portal badge → background: the badge was moved or folded (stored per portal). */
  'portal.layout': define({ request: PortalLayout, response: Ok, from: 'portal', to: 'background' }),
} as const;

export type Protocol = typeof protocol;
export type MessageName = keyof Protocol;
export type RequestOf<N extends MessageName> = z.input<Protocol[N]['request']>;
export type ResponseOf<N extends MessageName> = z.infer<Protocol[N]['response']>;

const Envelope = z.object({ name: z.string().check(z.maxLength(64)), payload: z.unknown() });
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
    throw new MessagingError(
      'unreachable',
      `The extension's background did not answer (${String(e)}). Reopen the window and try again.`,
    );
  }
  const reply = Reply.safeParse(raw);
  if (!reply.success) throw new MessagingError('bad-reply', `Unexpected answer to ${name}.`);
  if (!reply.data.ok) throw new MessagingError(reply.data.error.code, reply.data.error.message);
  return def.response.parse(reply.data.value) as ResponseOf<N>;
}

export type Handlers = {
  [N in MessageName]?: (
    payload: z.infer<Protocol[N]['request']>,
    sender: Browser.runtime.MessageSender,
  ) => Promise<ResponseOf<N>>;
};

/** Whether a sender is one of our own extension pages (not a content script, not another extension). */
export function isExtensionPage(sender: Browser.runtime.MessageSender, self: { id: string; origin: string }): boolean {
  return (
    sender.id === self.id && (sender.url ?? '').startsWith(self.origin) && !(sender.tab?.url ?? '').startsWith('http')
  );
}

/**
 * Whether a sender is our content script in the top frame of a tab on one of the admin portals (lib/pim/portals.ts).
 * The frame's URL decides; when the browser also reports the tab's URL (or the frame's origin) they must agree.
 */
export function isPortalContentScript(sender: Browser.runtime.MessageSender, self: { id: string }): boolean {
  if (sender.id !== self.id || sender.frameId !== 0 || sender.tab?.id === undefined) return false;
  const portal = portalForUrl(sender.url);
  if (!portal) return false;
  if (sender.tab.url !== undefined && portalForUrl(sender.tab.url) !== portal) return false;
  const origin = (sender as { origin?: string }).origin;
  return origin === undefined || origin === new URL(sender.url!).origin;
}

type Listener = (
  message: unknown,
  sender: Browser.runtime.MessageSender,
  sendResponse: (r: unknown) => void,
) => boolean | undefined;

/**
 * Answer the messages meant for `context`. Unknown names, malformed payloads and senders that may not send a message
 * get a typed error (and are logged once per name), never a crash.
 */
export function onMessages(context: 'background' | 'auth', handlers: Handlers): () => void {
  const listener = createListener(context, handlers, { id: browser.runtime.id, origin: browser.runtime.getURL('/') });
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

/** The listener behind onMessages, separate so tests can drive it with any sender. */
export function createListener(
  context: 'background' | 'auth',
  handlers: Handlers,
  self: { id: string; origin: string },
): Listener {
  const warned = new Set<string>();
  return (message, sender, sendResponse) => {
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
    if (sender.id !== self.id) return reject('forbidden', 'Sender is not this extension.');
    if (def.from === 'extension' && !isExtensionPage(sender, self))
      return reject('forbidden', 'Only extension pages may send this.');
    if (def.from === 'portal' && !isExtensionPage(sender, self) && !isPortalContentScript(sender, self)) {
      return reject('forbidden', 'Only extension pages and the badge on an admin portal may send this.');
    }
    const handler = handlers[name as MessageName] as
      ((p: unknown, s: Browser.runtime.MessageSender) => Promise<unknown>) | undefined;
    if (!handler) return reject('unsupported', `${name} is not handled here.`);
    const parsed = def.request.safeParse(envelope.data.payload);
    if (!parsed.success)
      return reject('bad-request', `Malformed ${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
    handler(parsed.data, sender).then(
      (value) => sendResponse({ ok: true, value }),
      (e: unknown) => {
        const code = e instanceof MessagingError ? e.code : ((e as { code?: string })?.code ?? 'failed');
        sendResponse({ ok: false, error: { code: String(code), message: e instanceof Error ? e.message : String(e) } });
      },
    );
    return true;
  };
}
