import { describe, expect, it, vi } from 'vitest';
import {
  AUTH_DOCUMENT_PATH,
  createInProcessHost,
  createOffscreenHost,
  type AuthHandlers,
  type OffscreenHostDeps,
} from '../../../lib/auth/host';
import { protocol } from '../../../lib/messaging';

/** An offscreen API that, like Chromium, holds at most one document and rejects a second creation. */
function fakeOffscreen(options: { exists?: boolean; withHasDocument?: boolean } = {}) {
  let exists = options.exists ?? false;
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const offscreen: OffscreenHostDeps['offscreen'] = {
    createDocument: vi.fn(async () => {
      await gate;
      if (exists) throw new Error('Only a single offscreen document may be created.');
      exists = true;
    }),
    closeDocument: vi.fn(async () => {
      if (!exists) throw new Error('No current offscreen document.');
      exists = false;
    }),
    ...(options.withHasDocument === false ? {} : { hasDocument: async () => exists }),
  };
  const getContexts = vi.fn(async () => (exists ? [{ contextType: 'OFFSCREEN_DOCUMENT' }] : []));
  return { offscreen, getContexts, release, exists: () => exists };
}

const context = {
  connection: { cloudId: 'global', tenant: 'contoso.com', clientId: '11111111-2222-3333-4444-555555555555' },
  account: null,
};
const send = vi.fn(async () => ({ accessToken: 'x', expiresOn: null })) as unknown as OffscreenHostDeps['send'];

describe('offscreen auth host', () => {
  it('creates auth.html once with the LOCAL_STORAGE reason, however many callers ask at once', async () => {
    const fake = fakeOffscreen();
    const host = createOffscreenHost({ offscreen: fake.offscreen, send });
    const all = Promise.all([host.ensure(), host.ensure(), host.ensure()]);
    fake.release();
    await all;
    expect(fake.offscreen.createDocument).toHaveBeenCalledExactlyOnceWith({
      url: AUTH_DOCUMENT_PATH,
      reasons: ['LOCAL_STORAGE'],
      justification: expect.stringMatching(/token cache/),
    });
    await host.ensure();
    expect(fake.offscreen.createDocument).toHaveBeenCalledOnce();
  });

  it('uses an existing document (e.g. after the worker restarted) found through runtime.getContexts', async () => {
    const fake = fakeOffscreen({ exists: true, withHasDocument: false });
    const host = createOffscreenHost({ offscreen: fake.offscreen, getContexts: fake.getContexts, send });
    await host.ensure();
    expect(fake.getContexts).toHaveBeenCalledWith({ contextTypes: ['OFFSCREEN_DOCUMENT'] });
    expect(fake.offscreen.createDocument).not.toHaveBeenCalled();
  });

  it('treats losing the creation race to an earlier worker as success', async () => {
    // hasDocument said "none", but another context created it before we did.
    const createDocument = vi.fn(async () =>
      Promise.reject(new Error('Only a single offscreen document may be created.')),
    );
    const host = createOffscreenHost({ offscreen: { ...fakeOffscreen().offscreen, createDocument }, send });
    await expect(host.ensure()).resolves.toBeUndefined();
    expect(createDocument).toHaveBeenCalledOnce();
  });

  it('reports other creation failures and tries again next time', async () => {
    const fake = fakeOffscreen();
    const createDocument = vi
      .fn()
      .mockRejectedValueOnce(new Error('offscreen permission missing'))
      .mockResolvedValueOnce(undefined);
    const host = createOffscreenHost({ offscreen: { ...fake.offscreen, createDocument }, send });
    await expect(host.ensure()).rejects.toThrow('offscreen permission missing');
    await expect(host.ensure()).resolves.toBeUndefined();
    expect(createDocument).toHaveBeenCalledTimes(2);
  });

  it('reset closes the document only when there is one', async () => {
    const fake = fakeOffscreen();
    const host = createOffscreenHost({ offscreen: fake.offscreen, send });
    await host.reset();
    expect(fake.offscreen.closeDocument).not.toHaveBeenCalled();
    fake.release();
    await host.ensure();
    await host.reset();
    expect(fake.offscreen.closeDocument).toHaveBeenCalledOnce();
    expect(fake.exists()).toBe(false);
  });

  it('sends requests as runtime messages', async () => {
    const host = createOffscreenHost({ offscreen: fakeOffscreen().offscreen, send });
    await host.request('auth.token', { context, scopes: ['s'] });
    expect(send).toHaveBeenCalledWith('auth.token', { context, scopes: ['s'] });
  });
});

describe('in-process auth host (Firefox background page)', () => {
  const handlers: AuthHandlers = {
    'auth.token': vi.fn(async () => ({ accessToken: 'at', expiresOn: 1 })),
    'auth.renewalUrl': vi.fn(async () => ({ url: 'https://login.microsoftonline.com/x' })),
    'auth.redeem': vi.fn(async () => ({ homeAccountId: 'h' })),
    'auth.clearCache': vi.fn(async () => ({ ok: true as const })),
  };

  it('calls the handlers directly, parsed like a message (defaults applied, bad payloads refused)', async () => {
    const reset = vi.fn();
    const host = createInProcessHost({ handlers, reset }, protocol);
    await host.ensure();
    await expect(host.request('auth.token', { context, scopes: ['s'] })).resolves.toEqual({
      accessToken: 'at',
      expiresOn: 1,
    });
    expect(handlers['auth.token']).toHaveBeenCalledWith({ context, scopes: ['s'], forceRefresh: false });
    await expect(host.request('auth.token', { context, scopes: [] })).rejects.toThrow();
    await host.reset();
    expect(reset).toHaveBeenCalledOnce();
  });
});
