import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createPortalCommandHandlers, type PortalCommandDeps } from '../../../lib/background/portal-commands';
import { effectivePortalPrefsItem } from '../../../lib/managed';
import { createListener, MessagingError, type Handlers } from '../../../lib/messaging';
import { portalPrefsItem } from '../../../lib/storage';
import type { Assignment } from '../../../lib/pim/model';
import { EXCHANGE_URL, assignment, eligibleExchange, snapshotOf, viaGroupScenario } from './helpers';

const self = { id: 'ext-id', origin: 'chrome-extension://ext-id/' };
const portalTab = (url = EXCHANGE_URL, frameId = 0) => ({
  id: 'ext-id',
  url,
  frameId,
  tab: {
    id: 7,
    url,
    index: 0,
    pinned: false,
    highlighted: false,
    windowId: 1,
    active: true,
    incognito: false,
    discarded: false,
    autoDiscardable: true,
    groupId: -1,
    frozen: false,
    selected: true,
  },
});
const popup = { id: 'ext-id', url: 'chrome-extension://ext-id/popup.html' };
type Sender = Browser.runtime.MessageSender;

const teams = assignment({
  key: 'role:teams:/',
  targetId: '69091246-20e8-4a56-aa4d-066075b2a7a8',
  displayName: 'Teams Administrator',
  startDateTime: '2026-11-22T13:00:00Z',
  endDateTime: '2026-11-22T15:00:00Z',
});

const TEAMS_URL = 'https://admin.teams.microsoft.com/dashboard';
const SP_ADMIN = 'https://contoso-admin.sharepoint.com/_layouts/15/online/AdminHome.aspx';

function setup(assignments = [...viaGroupScenario(10, 50), eligibleExchange({ key: 'role:eligible-exo:/' }), teams]) {
  const deactivate = vi.fn<PortalCommandDeps['deactivate']>(async () => ({ outcome: 'done' as const }));
  const confirm = vi.fn<PortalCommandDeps['confirm']>(async () => undefined);
  // Tab 7 speaks for account a1; another account (a2) has other assignments, which the tab must never act on.
  const accounts: Record<string, Assignment[]> = {
    a1: assignments,
    a2: [teams, eligibleExchange({ key: 'role:a2-exo:/' })],
  };
  const tabs: Record<number, { accountId: string | null; portalId: string }> = {
    7: { accountId: 'a1', portalId: 'exchange' },
  };
  const handlers = createPortalCommandHandlers({
    accountOf: async (tabId) => tabs[tabId] ?? null,
    snapshot: async (accountId) => snapshotOf(accounts[accountId] ?? []),
    deactivate,
    confirm,
    prefs: () => effectivePortalPrefsItem.get(),
    sharePointHosts: async () => ['contoso-admin.sharepoint.com'],
  });
  return { handlers, tabs, commands: { deactivate, confirm } };
}

async function rejection(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MessagingError);
  return (e as MessagingError).code;
}

beforeEach(() => fakeBrowser.reset());

describe('portal command handlers', () => {
  it('never writes for Activate or Extend: it asks the popup to confirm, and sends nothing itself', async () => {
    const { handlers, commands } = setup();
    await expect(handlers['portal.activate']({ key: 'role:eligible-exo:/' }, portalTab() as Sender)).resolves.toEqual({
      outcome: 'confirm-opened',
    });
    await expect(handlers['portal.extend']({ key: 'group:g-exo:member' }, portalTab() as Sender)).resolves.toEqual({
      outcome: 'confirm-opened',
    });
    expect(commands.confirm.mock.calls).toEqual([
      [{ command: 'activate', accountId: 'a1', key: 'role:eligible-exo:/', portalId: 'exchange' }],
      [{ command: 'extend', accountId: 'a1', key: 'group:g-exo:member', portalId: 'exchange' }],
    ]);
    expect(commands.deactivate).not.toHaveBeenCalled();
  });

  it("acts on the tab's account only: never on another account's assignments, nothing for a tab without one", async () => {
    const { handlers, tabs, commands } = setup();
    tabs[7] = { accountId: 'a2', portalId: 'exchange' };
    // a1's eligible role is unknown to a2, the account this tab speaks for.
    expect(await rejection(handlers['portal.activate']({ key: 'role:eligible-exo:/' }, portalTab() as Sender))).toBe(
      'unknown-key',
    );
    await handlers['portal.activate']({ key: 'role:a2-exo:/' }, portalTab() as Sender);
    expect(commands.confirm.mock.calls).toEqual([
      [{ command: 'activate', accountId: 'a2', key: 'role:a2-exo:/', portalId: 'exchange' }],
    ]);
    await handlers['portal.deactivate']({ key: 'role:teams:/', visible: true }, portalTab(TEAMS_URL) as Sender);
    expect(commands.deactivate).toHaveBeenCalledWith('a2', 'role:teams:/');
    tabs[7] = { accountId: null, portalId: 'exchange' };
    expect(await rejection(handlers['portal.activate']({ key: 'role:a2-exo:/' }, portalTab() as Sender))).toBe(
      'unknown-key',
    );
    expect(commands.confirm).toHaveBeenCalledTimes(1);
  });

  it('deactivates at once only when the badge proved it was visible; otherwise the popup confirms', async () => {
    const { handlers, commands } = setup();
    await expect(
      handlers['portal.deactivate']({ key: 'group:g-exo:member', visible: false }, portalTab() as Sender),
    ).resolves.toEqual({ outcome: 'confirm-opened' });
    expect(commands.deactivate).not.toHaveBeenCalled();
    expect(commands.confirm).toHaveBeenCalledWith({
      command: 'deactivate',
      accountId: 'a1',
      key: 'group:g-exo:member',
      portalId: 'exchange',
    });
    await expect(
      handlers['portal.deactivate']({ key: 'group:g-exo:member', visible: true }, portalTab() as Sender),
    ).resolves.toEqual({ outcome: 'done' });
    expect(commands.deactivate).toHaveBeenCalledWith('a1', 'group:g-exo:member');
  });

  it("accepts the signed-in tenant's own SharePoint admin host only", async () => {
    const sp = assignment({
      key: 'role:spo:/',
      targetId: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
      displayName: 'SharePoint Administrator',
    });
    const { handlers } = setup([sp]);
    await expect(handlers['portal.extend']({ key: 'role:spo:/' }, portalTab(SP_ADMIN) as Sender)).resolves.toEqual({
      outcome: 'confirm-opened',
    });
    const other = SP_ADMIN.replace('contoso', 'fabrikam');
    expect(await rejection(handlers['portal.extend']({ key: 'role:spo:/' }, portalTab(other) as Sender))).toBe(
      'forbidden',
    );
  });

  it.each([
    ['an unknown key', 'portal.deactivate', 'role:nope:/', portalTab(), 'unknown-key'],
    [
      'a key in the wrong state (activate what is active)',
      'portal.activate',
      'group:g-exo:member',
      portalTab(),
      'unknown-key',
    ],
    ["a key not relevant to the sender's portal", 'portal.deactivate', 'role:teams:/', portalTab(), 'not-relevant'],
    ['a subframe of a portal', 'portal.deactivate', 'group:g-exo:member', portalTab(EXCHANGE_URL, 3), 'forbidden'],
    [
      'a page that is not a portal',
      'portal.deactivate',
      'group:g-exo:member',
      portalTab('https://evil.example/'),
      'forbidden',
    ],
    [
      'a look-alike host',
      'portal.deactivate',
      'group:g-exo:member',
      portalTab('https://admin.exchange.microsoft.com.evil.example/'),
      'forbidden',
    ],
  ] as const)('rejects %s', async (_, name, key, sender, code) => {
    const { handlers, commands } = setup();
    expect(await rejection(handlers[name]({ key, visible: true }, sender as Sender))).toBe(code);
    expect(commands.deactivate).not.toHaveBeenCalled();
    expect(commands.confirm).not.toHaveBeenCalled();
  });

  it("honours the user's portal choices: switched off refuses, pinned accepts", async () => {
    const { handlers, commands } = setup();
    await portalPrefsItem.set({
      teams: { enabled: true, pinned: [] },
      exchange: { enabled: true, pinned: ['role:teams:/'] },
    });
    await expect(
      handlers['portal.deactivate']({ key: 'role:teams:/', visible: true }, portalTab() as Sender),
    ).resolves.toEqual({ outcome: 'done' });
    await portalPrefsItem.set({ exchange: { enabled: false, pinned: [] } });
    expect(
      await rejection(
        handlers['portal.deactivate']({ key: 'group:g-exo:member', visible: true }, portalTab() as Sender),
      ),
    ).toBe('portal-off');
    expect(commands.deactivate).toHaveBeenCalledOnce();
  });

  it('refuses a portal command from an extension page: with several accounts only a portal tab says which one', async () => {
    const { handlers, commands } = setup();
    expect(
      await rejection(handlers['portal.deactivate']({ key: 'role:teams:/', visible: true }, popup as Sender)),
    ).toBe('unknown-key');
    expect(commands.deactivate).not.toHaveBeenCalled();
  });
});

describe('sender check for portal commands (createListener)', () => {
  function call(sender: object, payload: unknown = { key: 'group:g-exo:member' }) {
    const deactivate = vi.fn(async () => ({ outcome: 'done' as const }));
    const handlers: Handlers = { 'portal.deactivate': deactivate };
    const listener = createListener('background', handlers, self);
    return new Promise<{ reply: unknown; deactivate: typeof deactivate }>((resolve) => {
      const handled = listener({ name: 'portal.deactivate', payload }, sender, (reply) =>
        resolve({ reply, deactivate }),
      );
      if (handled === undefined) resolve({ reply: undefined, deactivate });
    });
  }

  it('accepts our content script in the top frame of a portal tab, and extension pages', async () => {
    expect((await call(portalTab())).reply).toEqual({ ok: true, value: { outcome: 'done' } });
    expect((await call({ ...portalTab(), origin: 'https://admin.exchange.microsoft.com' })).reply).toMatchObject({
      ok: true,
    });
    expect((await call(popup)).reply).toMatchObject({ ok: true });
  });

  it.each([
    ['a subframe', portalTab(EXCHANGE_URL, 2)],
    ['a non-portal page', portalTab('https://example.com/')],
    ['a frame whose tab is elsewhere', { ...portalTab(), tab: { ...portalTab().tab, url: 'https://example.com/' } }],
    ['a frame whose origin disagrees with its URL', { ...portalTab(), origin: 'https://example.com' }],
    ['a sender without a tab', { id: 'ext-id', url: EXCHANGE_URL, frameId: 0 }],
    ['another extension', { ...portalTab(), id: 'other-ext' }],
  ])('rejects %s', async (_, sender) => {
    const { reply, deactivate } = await call(sender);
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(deactivate).not.toHaveBeenCalled();
  });

  it('rejects a malformed key', async () => {
    const { reply } = await call(portalTab(), { key: 'x'.repeat(400) });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect((await call(portalTab(), { key: 5 })).reply).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});

describe('the account the badge showed (issue 16)', () => {
  it("refuses a command whose badge showed another account's rows than the tab speaks for now; sends nothing", async () => {
    const { handlers, commands } = setup([teams]);
    expect(
      await rejection(
        handlers['portal.deactivate'](
          { key: 'role:teams:/', visible: true, shown: 'a2' },
          portalTab(TEAMS_URL) as Sender,
        ),
      ),
    ).toBe('account-changed');
    expect(
      await rejection(handlers['portal.extend']({ key: 'role:teams:/', shown: 'a2' }, portalTab(TEAMS_URL) as Sender)),
    ).toBe('account-changed');
    expect(commands.deactivate).not.toHaveBeenCalled();
    expect(commands.confirm).not.toHaveBeenCalled();
    await expect(
      handlers['portal.deactivate'](
        { key: 'role:teams:/', visible: true, shown: 'a1' },
        portalTab(TEAMS_URL) as Sender,
      ),
    ).resolves.toEqual({ outcome: 'done' });
    expect(commands.deactivate).toHaveBeenCalledWith('a1', 'role:teams:/');
  });
});
