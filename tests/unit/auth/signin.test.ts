import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { parseSignInMode, recordSignIn } from '../../../lib/auth/signin';
import type { Account } from '../../../lib/storage';
import { a1 } from '../account-fixture';

const adele: Account = {
  homeAccountId: 'a.t',
  oid: 'a',
  tenantId: 't',
  name: 'Adele',
  username: 'adm-adele@contoso.com',
};
const megan: Account = {
  homeAccountId: 'm.t',
  oid: 'm',
  tenantId: 't',
  name: 'Megan',
  username: 'adm-megan@contoso.com',
};

beforeEach(() => fakeBrowser.reset());

describe('sign-in page mode', () => {
  // Any extension can open our pages: nothing in the URL makes the sign-in start by itself (docs/SECURITY.md).
  it.each(['', '?auto=1', '?auto=0', '?x=y&auto=1', '?stepup=&claims=%7B%7D'])(
    '%j → a plain sign-in that waits for a click',
    (search) => {
      expect(parseSignInMode(search)).toEqual({ kind: 'signin' });
    },
  );
});

describe('recordSignIn', () => {
  it('records signed-in with the account, clears a stale renewal detail and tells the background', async () => {
    await a1.authState.set({ status: 'renewal-required', account: adele, detail: 'expired' });
    const deps = {
      authState: a1.authState,
      forget: vi.fn(async () => undefined),
      notify: vi.fn(async () => ({ ok: true })),
    };
    await recordSignIn(adele, deps);
    expect(await a1.authState.get()).toEqual({ status: 'signed-in', account: adele, detail: null });
    expect(deps.forget).not.toHaveBeenCalled();
    expect(deps.notify).toHaveBeenCalledOnce();
  });

  it("forgets the previous account's tokens when the user switched accounts", async () => {
    await a1.authState.set({ status: 'signed-in', account: adele, detail: null });
    const forget = vi.fn(async () => undefined);
    await recordSignIn(megan, { authState: a1.authState, forget, notify: async () => undefined });
    expect(forget).toHaveBeenCalledExactlyOnceWith('a.t');
    expect((await a1.authState.get()).account).toEqual(megan);
  });

  it('still counts as signed in when the background does not answer', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await recordSignIn(adele, {
      authState: a1.authState,
      forget: async () => undefined,
      notify: async () => Promise.reject(new Error('no receiver')),
    });
    expect((await a1.authState.get()).status).toBe('signed-in');
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
