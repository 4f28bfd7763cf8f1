import { describe, expect, it, vi } from 'vitest';
import { createListener, type Handlers } from '../../lib/messaging';

const self = { id: 'ext-id', origin: 'chrome-extension://ext-id/' };
const popup = { id: 'ext-id', url: 'chrome-extension://ext-id/popup.html' };
const contentScript = {
  id: 'ext-id',
  url: 'https://admin.exchange.microsoft.com/',
  tab: { id: 3, url: 'https://admin.exchange.microsoft.com/' },
};

function call(handlers: Handlers, message: unknown, sender: object, context: 'background' | 'auth' = 'background') {
  const listener = createListener(context, handlers, self);
  return new Promise<{ handled: boolean | undefined; reply: unknown }>((resolve) => {
    // `let`, not `const`: the reply callback may run synchronously, inside listener(), before the assignment.
    let handled: boolean | undefined;
    // eslint-disable-next-line prefer-const
    handled = listener(message, sender, (reply) => resolve({ handled, reply }));
    if (handled === undefined) resolve({ handled, reply: undefined });
  });
}

describe('message protocol', () => {
  const handlers: Handlers = { 'snapshot.refresh': vi.fn(async ({ force }) => ({ refreshed: force })) };

  it('answers a valid message from an extension page with the handler value', async () => {
    const { reply } = await call(handlers, { name: 'snapshot.refresh', payload: { force: true } }, popup);
    expect(reply).toEqual({ ok: true, value: { refreshed: true } });
  });

  it.each([
    ['a malformed payload', { name: 'snapshot.refresh', payload: { force: 'yes' } }, popup, 'bad-request'],
    [
      'another extension',
      { name: 'snapshot.refresh', payload: { force: true } },
      { id: 'evil', url: 'chrome-extension://evil/x.html' },
      'forbidden',
    ],
    [
      'a content script sending an extension-only message',
      { name: 'snapshot.refresh', payload: { force: true } },
      contentScript,
      'forbidden',
    ],
    ['a message without a handler here', { name: 'auth.signOut', payload: {} }, popup, 'unsupported'],
  ])('rejects %s with a typed error', async (_, message, sender, code) => {
    const { reply } = await call(handlers, message, sender);
    expect(reply).toMatchObject({ ok: false, error: { code } });
  });

  it('ignores messages for another context and foreign envelopes, so the right listener answers', async () => {
    expect((await call(handlers, { name: 'auth.token', payload: { scopes: ['x'] } }, popup)).handled).toBeUndefined();
    expect((await call(handlers, { hello: 'world' }, popup)).handled).toBeUndefined();
    expect((await call(handlers, { name: '__proto__', payload: {} }, popup)).handled).toBeUndefined();
  });

  it('turns a handler failure into a typed error instead of throwing across the boundary', async () => {
    const failing: Handlers = {
      'snapshot.refresh': async () => {
        throw Object.assign(new Error('boom'), { code: 'graph' });
      },
    };
    const { reply } = await call(failing, { name: 'snapshot.refresh', payload: { force: false } }, popup);
    expect(reply).toEqual({ ok: false, error: { code: 'graph', message: 'boom' } });
  });
});
