/**
 * Bad input at the message boundary: every message type with malformed, oversized and wrong-sender payloads,
 * page-originated messages, non-envelopes, and portal commands for what the portal does not show. Rejections answer a
 * typed error, never reach a handler, and are logged once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  const { fakeBrowser } = await import('wxt/testing/fake-browser');
  (globalThis as { chrome?: unknown }).chrome = fakeBrowser;
});
import { createListener, protocol, type Handlers, type MessageName } from '../../lib/messaging';
import { createPortalCommandHandlers } from '../../lib/background/portal-commands';
import type { Assignment } from '../../lib/pim/model';

const SELF = { id: 'ext', origin: 'chrome-extension://ext/' };
const NAMES = Object.keys(protocol) as MessageName[];
const POPUP = { id: 'ext', url: 'chrome-extension://ext/popup.html' };
const EXCHANGE = 'https://admin.exchange.microsoft.com/#/mailboxes';
const CONTENT = {
  id: 'ext',
  url: EXCHANGE,
  frameId: 0,
  tab: { id: 3, url: EXCHANGE },
} as unknown as Browser.runtime.MessageSender;

function harness(context: 'background' | 'auth') {
  const calls: string[] = [];
  const handlers = Object.fromEntries(NAMES.map((n) => [n, async () => (calls.push(n), {})])) as Handlers;
  const listener = createListener(context, handlers, SELF);
  const send = (message: unknown, sender: object) =>
    new Promise<{ answered: boolean; reply?: { ok: boolean; error?: { code: string } } }>((resolve) => {
      const r = listener(message, sender, (reply) => resolve({ answered: true, reply: reply as never }));
      if (r === undefined) resolve({ answered: false });
    });
  return { calls, send };
}
const contextOf = (n: MessageName) => protocol[n].to;
let warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
afterEach(() => {
  warn.mockRestore();
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
});

const BIG = 'x'.repeat(100_000);
const ctx = {
  connection: {
    cloudId: 'global',
    tenant: 'contoso.onmicrosoft.com',
    clientId: '11111111-2222-4333-8444-555555555555',
  },
  account: null,
};
/** One oversized payload per message type that has fields to oversize (the field-less ones are covered below). */
const OVERSIZED: Partial<Record<MessageName, unknown>> = {
  'pim.activate': { accountId: 'a1', keys: Array.from({ length: 21 }, (_, i) => `role:${i}:/`), input: null },
  'pim.activateBundle': { accountId: 'a1', bundleId: BIG },
  'pim.deactivate': { accountId: 'a1', key: BIG },
  'pim.cancel': { accountId: 'a1', key: BIG },
  'pim.extend': { accountId: 'a1', key: 'role:x:/', durationMinutes: 10_000_000 },
  'pim.requestExtension': { accountId: 'a1', key: 'role:x:/', justification: BIG },
  'pim.decide': { accountId: 'a1', ids: ['r1'], decision: 'Approve', justification: BIG },
  'auth.stepUpDone': { accountId: 'a1', stepUpId: BIG, accessToken: 'a', error: null },
  'snapshot.refresh': { accountId: 'a1', force: BIG },
  // An account id is short (lib/accounts.ts AccountId): a long one is refused like any oversized field.
  'auth.signedIn': { accountId: BIG },
  'auth.signOut': { accountId: BIG },
  'connection.check': { accountId: BIG },
  'accounts.remove': { accountId: BIG },
  'portal.account': { accountId: BIG },
  'auth.token': { context: ctx, scopes: Array.from({ length: 21 }, () => 'User.Read'), forceRefresh: false },
  'auth.renewalUrl': { context: ctx, scopes: [BIG] },
  'auth.redeem': { context: { ...ctx, account: { homeAccountId: BIG, username: 'u' } }, responseUrl: null },
  'auth.clearCache': { context: { ...ctx, account: { homeAccountId: BIG, username: 'u' } } },
  'portal.activate': { key: BIG },
  'portal.deactivate': { key: BIG },
  'portal.extend': { key: BIG },
  'portal.layout': { corner: BIG },
};
const FIELDLESS: MessageName[] = ['portals.reload', 'portal.hello'];

describe('bad input: every message type', () => {
  it('a malformed payload of every message type is rejected with bad-request and never reaches its handler', async () => {
    for (const name of NAMES) {
      const h = harness(contextOf(name));
      for (const payload of ['not an object', 42, null, [name]]) {
        const r = await h.send({ name, payload }, POPUP);
        expect(r.reply, `${name} ${JSON.stringify(payload)}`).toMatchObject({
          ok: false,
          error: { code: 'bad-request' },
        });
      }
      expect(h.calls).toEqual([]);
    }
  });

  it('an oversized payload of every message type with fields is rejected with bad-request', async () => {
    expect([...Object.keys(OVERSIZED), ...FIELDLESS].sort()).toEqual([...NAMES].sort());
    for (const [name, payload] of Object.entries(OVERSIZED) as Array<[MessageName, unknown]>) {
      const h = harness(contextOf(name));
      expect((await h.send({ name, payload }, POPUP)).reply, name).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
      expect(h.calls).toEqual([]);
    }
  });

  it('a 100 kB extra field on a field-less message is stripped before the handler sees it', async () => {
    for (const name of FIELDLESS) {
      let seen: unknown;
      const listener = createListener('background', { [name]: async (p: unknown) => ((seen = p), { ok: true }) }, SELF);
      await new Promise((resolve) => listener({ name, payload: { extra: BIG } }, POPUP, resolve));
      expect(seen).toEqual({});
    }
  });

  it('every message type sent by another extension is rejected as forbidden', async () => {
    for (const name of NAMES) {
      const h = harness(contextOf(name));
      const r = await h.send(
        { name, payload: {} },
        { id: 'some-other-extension', url: 'chrome-extension://some-other-extension/x.html' },
      );
      expect(r.reply, name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(h.calls).toEqual([]);
    }
  });

  it('every extension-only message sent by the portal content script is rejected as forbidden', async () => {
    for (const name of NAMES.filter((n) => protocol[n].from === 'extension')) {
      const h = harness(contextOf(name));
      expect((await h.send({ name, payload: {} }, CONTENT)).reply, name).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
  });

  it('portal commands originating from a page that is not an admin portal are rejected', async () => {
    const evil = { id: 'ext', url: 'https://evil.example/', frameId: 0, tab: { id: 9, url: 'https://evil.example/' } };
    for (const name of ['portal.activate', 'portal.deactivate', 'portal.extend'] as const) {
      const h = harness('background');
      expect((await h.send({ name, payload: { key: 'role:x:/' } }, evil)).reply).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(h.calls).toEqual([]);
    }
  });

  it('portal commands from a frame inside an admin portal are rejected', async () => {
    const h = harness('background');
    const r = await h.send({ name: 'portal.activate', payload: { key: 'role:x:/' } }, { ...CONTENT, frameId: 4 });
    expect(r.reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a portal frame URL that disagrees with its tab (a spoofed portal) is rejected', async () => {
    const h = harness('background');
    const r = await h.send(
      { name: 'portal.activate', payload: { key: 'role:x:/' } },
      { ...CONTENT, tab: { id: 3, url: 'https://evil.example/' } },
    );
    expect(r.reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a message with no sender id (a web page) is rejected as forbidden', async () => {
    const h = harness('background');
    const r = await h.send(
      { name: 'pim.activate', payload: { keys: ['role:x:/'], input: null } },
      { url: 'https://evil.example/' },
    );
    expect(r.reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('messages that are not envelopes, unknown names and prototype names are ignored without an answer', async () => {
    const h = harness('background');
    for (const message of [
      'pim.activate',
      null,
      7,
      [],
      { name: 'x'.repeat(65), payload: {} },
      { name: 'pim.nope', payload: {} },
      { name: '__proto__', payload: {} },
      { name: 'constructor', payload: {} },
      { name: 'toString' },
    ]) {
      expect((await h.send(message, POPUP)).answered).toBe(false);
    }
    expect(h.calls).toEqual([]);
  });

  it('messages meant for the auth document are left alone by the background, and the reverse', async () => {
    const bg = harness('background');
    const auth = harness('auth');
    expect((await bg.send({ name: 'auth.token', payload: {} }, POPUP)).answered).toBe(false);
    expect((await auth.send({ name: 'pim.activate', payload: { keys: ['k'], input: null } }, POPUP)).answered).toBe(
      false,
    );
  });

  it('a rejected message is logged once per name and reason, however often it is repeated', async () => {
    const h = harness('background');
    for (let i = 0; i < 5; i++) await h.send({ name: 'pim.deactivate', payload: 'bad' }, POPUP);
    for (let i = 0; i < 5; i++) await h.send({ name: 'pim.deactivate', payload: {} }, { id: 'intruder' });
    const lines = warn.mock.calls.map((c) => String(c[0]));
    expect(lines.filter((l) => l.includes('pim.deactivate'))).toHaveLength(2);
  });
});

describe('bad input: portal commands the portal does not justify', () => {
  const base: Assignment = {
    key: 'role:0b5e7a3c-1111-4222-8333-944455556666:/',
    kind: 'role',
    state: 'eligible',
    id: 'i',
    principalId: 'me',
    targetId: '0b5e7a3c-1111-4222-8333-944455556666',
    displayName: 'Custom Auditor',
    directoryScopeId: '/',
    scopeName: null,
    accessId: null,
    assignmentType: null,
    memberType: 'direct',
    startDateTime: null,
    endDateTime: null,
    grants: [],
    status: null,
    justification: null,
  };
  const commands = { deactivate: vi.fn(), confirm: vi.fn() };
  const handlers = createPortalCommandHandlers({
    accountOf: async () => ({ accountId: 'a1', portalId: 'exchange' }),
    snapshot: async () => ({
      fetchedAt: new Date().toISOString(),
      principalId: 'me',
      assignments: [base],
      sections: {},
    }),
    ...commands,
    prefs: async () => ({}),
    sharePointHosts: async () => [],
  });

  it('a portal command for a role that does not apply to that portal is refused before any request', async () => {
    await expect(handlers['portal.activate']({ key: base.key }, CONTENT)).rejects.toMatchObject({
      code: 'not-relevant',
    });
    expect(commands.confirm).not.toHaveBeenCalled();
  });

  it('a portal command for a key that is not in the snapshot is refused before any request', async () => {
    await expect(handlers['portal.deactivate']({ key: 'role:forged:/', visible: true }, CONTENT)).rejects.toMatchObject(
      { code: 'unknown-key' },
    );
    expect(commands.deactivate).not.toHaveBeenCalled();
  });
});
