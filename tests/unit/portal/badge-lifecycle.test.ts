import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createPortalContext, type PortalContext } from '../../../lib/portal/context';
import { BADGE_TAG, startPortalBadge, type PortalBadgeDeps } from '../../../lib/portal/badge';
import type { PortalClient } from '../../../lib/portal/client';
import { createBadgeStore } from '../../../lib/portal/store';
import type { TickerDeps } from '../../../lib/portal/ticker';
import { a1 } from '../account-fixture';
import { installMessages } from '../components/fixtures';
import {
  EXCHANGE_URL,
  NOW,
  SIGNED_IN,
  backgroundLine,
  eligibleExchange,
  snapshotOf,
  viaGroupScenario,
} from './helpers';

/** A page's timer and visibility, observable: which timeouts exist (and for how long), a switch for document.hidden. */
function fakePage() {
  const timers = new Map<number, () => void>();
  const delays: number[] = [];
  let next = 1;
  let hidden = false;
  const visibility: (() => void)[] = [];
  const deps: TickerDeps = {
    setTimeout: (fn, ms) => {
      delays.push(ms);
      const id = next++;
      timers.set(id, () => {
        timers.delete(id);
        fn();
      });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id),
    isHidden: () => hidden,
    onVisibilityChange: (cb) => void visibility.push(cb),
  };
  return {
    deps,
    timers,
    delays,
    setHidden(value: boolean) {
      hidden = value;
      visibility.forEach((cb) => cb());
    },
    tick: () => [...timers.values()].forEach((fn) => fn()),
  };
}

const hosts = () => document.querySelectorAll(BADGE_TAG);
let ctx: PortalContext;
let line: ReturnType<typeof backgroundLine>;
let stopPushing: () => void;
const store = (id: Parameters<typeof createBadgeStore>[0]) => createBadgeStore(id, line.transport);
const noProof = () => ({
  observe: () => undefined,
  proven: () => false,
  restart: () => undefined,
  stop: () => undefined,
});

function start(page = fakePage(), over: Partial<PortalBadgeDeps> = {}) {
  const client: PortalClient = { send: vi.fn(async () => ({ outcome: 'done' as const })) };
  const badge = startPortalBadge(ctx, {
    url: EXCHANGE_URL,
    now: () => NOW,
    store,
    client,
    reload: vi.fn(),
    css: '',
    visibility: noProof,
    ticker: page.deps,
    ...over,
  });
  return { badge, page, client };
}

beforeEach(async () => {
  fakeBrowser.reset();
  installMessages();
  await a1.authState.set(SIGNED_IN);
  ctx = createPortalContext({ alive: () => true });
  line = backgroundLine();
  // The background pushes to every badge when the snapshot changes (lib/background/index.ts).
  stopPushing = a1.snapshot.watch(() => void line.tabs.push());
});
afterEach(() => {
  vi.restoreAllMocks();
  stopPushing();
  ctx.invalidate();
  document.querySelectorAll(BADGE_TAG).forEach((el) => el.remove());
});

describe('portal badge on a page', () => {
  it('does nothing at all on a page that is not a portal (e.g. an ordinary SharePoint site)', async () => {
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    const { badge, page } = start(fakePage(), { url: 'https://contoso.sharepoint.com/sites/hr' });
    expect(await badge).toBeNull();
    expect(hosts()).toHaveLength(0);
    expect(page.timers.size).toBe(0);
  });

  it('mounts no UI and starts no timer on a portal page with nothing relevant', async () => {
    const setInterval = vi.spyOn(window, 'setInterval');
    const setTimeout = vi.spyOn(window, 'setTimeout');
    await a1.snapshot.set(snapshotOf([]));
    // The page's own timer functions (no injected ticker), to see that none is used.
    const badge = await startPortalBadge(ctx, {
      url: EXCHANGE_URL,
      now: () => NOW,
      store,
      client: { send: vi.fn() },
      reload: vi.fn(),
      css: '',
      visibility: noProof,
    });
    expect(badge!.mounted).toBe(false);
    expect(badge!.ticking).toBe(false);
    expect(hosts()).toHaveLength(0);
    expect(setInterval).not.toHaveBeenCalled();
    expect(setTimeout).not.toHaveBeenCalled();
  });

  it('paints from the stored snapshot, with one timer while something relevant counts down', async () => {
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    const { badge, page } = start();
    const b = (await badge)!;
    await vi.waitFor(() => expect(b.mounted).toBe(true));
    expect(hosts()).toHaveLength(1);
    expect(page.timers.size).toBe(1);
    expect(b.ticking).toBe(true);
  });

  it('wakes the page when the text changes (the next minute of a 50-minute countdown), not every second', async () => {
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    let now = NOW + 20_000;
    const { badge, page } = start(fakePage(), { now: () => now });
    const b = (await badge)!;
    await vi.waitFor(() => expect(b.mounted).toBe(true));
    expect(page.timers.size).toBe(1);
    expect(page.delays.at(-1)).toBe(40_001);
    now += 40_001;
    page.tick();
    // Painted anew, and one timer again: for the minute after.
    expect(page.timers.size).toBe(1);
    expect(page.delays.at(-1)).toBe(60_000);
  });

  it('pauses the timer while the tab is hidden and resumes when it shows', async () => {
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    const { badge, page } = start();
    const b = (await badge)!;
    await vi.waitFor(() => expect(b.mounted).toBe(true));
    page.setHidden(true);
    expect(page.timers.size).toBe(0);
    page.setHidden(false);
    expect(page.timers.size).toBe(1);
  });

  it('follows the snapshot through storage: appears, stops ticking, disappears', async () => {
    await a1.snapshot.set(snapshotOf([]));
    const { badge, page } = start();
    const b = (await badge)!;
    expect(b.mounted).toBe(false);
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    await vi.waitFor(() => expect(b.mounted).toBe(true));
    expect(page.timers.size).toBe(1);
    await a1.snapshot.set(snapshotOf([eligibleExchange()]));
    await vi.waitFor(() => expect(page.timers.size).toBe(0));
    expect(b.mounted).toBe(true);
    await a1.snapshot.set(snapshotOf([]));
    await vi.waitFor(() => expect(b.mounted).toBe(false));
    expect(hosts()).toHaveLength(0);
  });

  it('asks for a fresh visibility proof whenever the rows it shows change, not on a mere repaint', async () => {
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    const restart = vi.fn();
    const { badge, page } = start(fakePage(), { visibility: () => ({ ...noProof(), restart }) });
    const b = (await badge)!;
    await vi.waitFor(() => expect(b.mounted).toBe(true));
    page.tick();
    expect(restart).not.toHaveBeenCalled();
    await a1.snapshot.set(snapshotOf([...viaGroupScenario(2, 50), eligibleExchange()]));
    await a1.snapshot.set(snapshotOf([eligibleExchange()]));
    await vi.waitFor(() => expect(restart).toHaveBeenCalled());
  });

  it('keeps exactly one badge across SPA navigations, even when the page drops it', async () => {
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    const { badge, page } = start();
    const b = (await badge)!;
    await vi.waitFor(() => expect(b.mounted).toBe(true));
    history.pushState({}, '', '/mailboxes');
    document.querySelector(BADGE_TAG)!.remove();
    page.tick();
    expect(hosts()).toHaveLength(1);
    page.tick();
    expect(hosts()).toHaveLength(1);
  });

  it('removes its UI and stops its timer when the extension goes away', async () => {
    await a1.snapshot.set(snapshotOf(viaGroupScenario(2, 50)));
    const { badge, page } = start();
    const b = (await badge)!;
    await vi.waitFor(() => expect(b.mounted).toBe(true));
    ctx.invalidate();
    expect(hosts()).toHaveLength(0);
    expect(page.timers.size).toBe(0);
    await a1.snapshot.set(snapshotOf(viaGroupScenario(3, 49)));
    await new Promise((r) => setTimeout(r, 0));
    expect(hosts()).toHaveLength(0);
  });
});
