/**
 * Bad input in storage: values written by an older version or corrupted are never thrown into the UI and never
 * silently lost: the unreadable value is backed up (`backup:<key>:<time>`), what still parses is kept, and only that
 * item is reset.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

await vi.hoisted(async () => {
  const { fakeBrowser } = await import('wxt/testing/fake-browser');
  (globalThis as { chrome?: unknown }).chrome = fakeBrowser;
});
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_SETTINGS, settingsItem, templatesItem } from '../../lib/storage';
import { a1 } from '../unit/account-fixture';

const GOOD = { id: 'tpl-1', name: 'Mailbox work', justification: 'Exchange change {ticket}', durationMinutes: 90 };
const local = async () => (await fakeBrowser.storage.local.get(null)) as Record<string, unknown>;
const backups = async (name: string) => Object.entries(await local()).filter(([k]) => k.startsWith(`backup:${name}:`));

beforeEach(() => {
  fakeBrowser.reset();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe('bad input: older-version and corrupted storage', () => {
  it('corrupted templates: the whole value is backed up, the valid templates are kept, and the item is repaired', async () => {
    const raw = [GOOD, { id: 'tpl-2', name: 42, justification: null }, 'garbage'];
    await fakeBrowser.storage.local.set({ templates: raw });
    expect(await templatesItem.get()).toEqual([GOOD]);
    const saved = await backups('templates');
    expect(saved).toHaveLength(1);
    expect(saved[0]![1]).toEqual(raw);
    expect((await local()).templates).toEqual([GOOD]);
    await templatesItem.get();
    expect(await backups('templates')).toHaveLength(1);
  });

  it('templates that are not a list at all are backed up and reset to empty, never silently dropped', async () => {
    await fakeBrowser.storage.local.set({ templates: '{"oops":' });
    expect(await templatesItem.get()).toEqual([]);
    expect((await backups('templates'))[0]![1]).toBe('{"oops":');
  });

  it('a snapshot written by an older version (no sections) is backed up and dropped, to be fetched again', async () => {
    const old = {
      fetchedAt: '2025-01-01T00:00:00.000Z',
      principalId: 'me',
      assignments: [{ key: 'role:x:/', displayName: 'X' }],
    };
    await fakeBrowser.storage.local.set({ 'account.a1.snapshot': old });
    expect(await a1.snapshot.get()).toBeNull();
    expect((await backups('account.a1.snapshot'))[0]![1]).toEqual(old);
  });

  it('an unreadable settings item is reset to its defaults alone; the other items are untouched', async () => {
    await fakeBrowser.storage.sync.set({ settings: { leadTimesMinutes: 'ten', refreshMinutes: -1 } });
    await fakeBrowser.storage.local.set({ 'account.a1.favourites': ['role:a:/'] });
    expect(await settingsItem.get()).toEqual(DEFAULT_SETTINGS);
    expect(await a1.favourites.get()).toEqual(['role:a:/']);
    const sync = (await fakeBrowser.storage.sync.get(null)) as Record<string, unknown>;
    expect(Object.keys(sync).some((k) => k.startsWith('backup:settings:'))).toBe(true);
  });

  it('a valid stored value is read as it is, and no backup is written', async () => {
    await fakeBrowser.storage.local.set({ templates: [GOOD] });
    expect(await templatesItem.get()).toEqual([GOOD]);
    expect(await backups('templates')).toEqual([]);
  });

  it('settings from an older version missing newer fields read with those fields defaulted, without a backup', async () => {
    await fakeBrowser.storage.sync.set({ settings: { leadTimesMinutes: [5] } });
    expect(await settingsItem.get()).toMatchObject({ leadTimesMinutes: [5], refreshMinutes: 15, doNotDisturb: false });
    const sync = (await fakeBrowser.storage.sync.get(null)) as Record<string, unknown>;
    expect(Object.keys(sync).some((k) => k.startsWith('backup:'))).toBe(false);
  });
});
