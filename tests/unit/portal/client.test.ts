import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createPortalClient, parseReply, PortalCommandError } from '../../../lib/portal/client';
import { installMessages } from '../components/fixtures';

beforeEach(() => {
  fakeBrowser.reset();
  installMessages();
});

describe('portal client', () => {
  it('sends a typed command carrying only the key, and returns the outcome', async () => {
    const send = vi.fn(async () => ({ ok: true, value: { outcome: 'pending-approval' } }));
    await expect(createPortalClient(send).send('activate', 'role:x:/')).resolves.toEqual({
      outcome: 'pending-approval',
    });
    expect(send).toHaveBeenCalledWith({ name: 'portal.activate', payload: { key: 'role:x:/' } });
  });

  it('names the account whose rows the badge showed, when it showed one (several accounts)', async () => {
    const send = vi.fn(async () => ({ ok: true, value: { outcome: 'done' } }));
    await createPortalClient(send).send('deactivate', 'role:x:/', { visible: true, shown: 'a2' });
    expect(send).toHaveBeenCalledWith({
      name: 'portal.deactivate',
      payload: { key: 'role:x:/', visible: true, shown: 'a2' },
    });
  });

  it("turns a refusal into an error carrying the background's sentence", async () => {
    const send = async () => ({
      ok: false,
      error: { code: 'not-relevant', message: 'Teams Administrator does not apply here.' },
    });
    const error = await createPortalClient(send)
      .send('deactivate', 'k')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortalCommandError);
    expect(error).toMatchObject({ code: 'not-relevant', message: 'Teams Administrator does not apply here.' });
  });

  it('says what to do when the background is gone or answers nonsense', async () => {
    await expect(
      createPortalClient(async () => {
        throw new Error('Extension context invalidated.');
      }).send('extend', 'k'),
    ).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringContaining('Reload this page'),
    });
    await expect(createPortalClient(async () => undefined).send('extend', 'k')).rejects.toMatchObject({
      code: 'bad-reply',
    });
  });

  it.each([
    [{ ok: true, value: { outcome: 'done' } }, true],
    [{ ok: true, value: { outcome: 'pwned' } }, false],
    [{ ok: true }, false],
    [{ ok: false, error: { code: 'x', message: 'y' } }, true],
    [{ ok: false, error: { code: 1, message: 'y' } }, false],
    ['ok', false],
    [null, false],
  ])('reads %j as a reply: %s', (raw, valid) => {
    expect(parseReply(raw) !== null).toBe(valid);
  });
});
