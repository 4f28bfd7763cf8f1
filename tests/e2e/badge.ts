/**
 * The portal badge as a user meets it, for the e2e journeys: open a portal tab, read the badge's accessible names,
 * click in it with a real (trusted) mouse click, and find the extension's own window a badge's request opens.
 * The badge lives in a closed shadow root; tests reach it the way assistive technology does (the accessibility tree).
 */
import type { ElementHandle, Page } from 'puppeteer-core';
import type { Session } from './harness';

export const EXO = 'https://admin.exchange.microsoft.com/';

/**
 * Opens a portal tab with the badge remembered as expanded (the user opened it once; the badge stores that per portal).
 */
export async function openPortal(s: Session, url = EXO): Promise<Page> {
  await (await s.worker()).evaluate(`chrome.storage.local.set({ portalLayout: { exchange: { collapsed: false } } })`);
  const page = await s.browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(url);
  return page;
}

/** Every accessible name inside the badge region, in order. */
export async function badgeNames(page: Page): Promise<string[]> {
  const tree = await page.accessibility.snapshot({ interestingOnly: false });
  type Node = { role?: string; name?: string; children?: Node[] };
  const region = (function find(n: Node | null | undefined): Node | null {
    if (!n) return null;
    if (n.role === 'region' && n.name?.startsWith('PIM Companion on')) return n;
    for (const c of n.children ?? []) {
      const hit = find(c);
      if (hit) return hit;
    }
    return null;
  })(tree);
  const names: string[] = [];
  (function walk(n: Node | null) {
    if (!n) return;
    if (n.name) names.push(n.name);
    for (const c of n.children ?? []) walk(c);
  })(region);
  return names;
}

/** Waits until the badge's accessible names satisfy `test` (the badge paints from storage; no fixed delays). */
export async function waitForBadge(page: Page, test: (joined: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const joined = (await badgeNames(page)).join(' | ');
    if (test(joined)) return joined;
    if (Date.now() > deadline) throw new Error(`badge never matched; it shows: ${joined || '(nothing)'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type AxNode = {
  role?: string;
  name?: string;
  description?: string;
  children?: AxNode[];
  elementHandle(): Promise<ElementHandle | null>;
};

/** The button named `name` in the page's accessibility tree (the badge's closed shadow root included), or null. */
async function findButton(page: Page, name: string): Promise<AxNode | null> {
  const find = (n: AxNode | null | undefined): AxNode | null => {
    if (!n) return null;
    if (n.role === 'button' && n.name === name) return n;
    for (const c of n.children ?? []) {
      const hit = find(c);
      if (hit) return hit;
    }
    return null;
  };
  return find(await page.accessibility.snapshot({ interestingOnly: false }));
}

/** A real (trusted) mouse click on a badge button found by its accessible name. */
export async function clickInBadge(page: Page, name: string): Promise<void> {
  await waitForBadge(page, (n) => n.split(' | ').includes(name));
  const handle = await (await findButton(page, name))?.elementHandle();
  if (!handle) throw new Error(`no button named ${name} in the badge`);
  // A background tab renders no frames, and a mouse click waits for one: the user clicks in the tab they look at.
  await page.bringToFront();
  await handle.click();
}

/**
 * The extension-owned surface a badge's Activate/Extend opens (lib/background/popup-surface.ts): the toolbar popup, or
 * the same page in a small window where the browser cannot open the popup. Resolves with its page once it shows the
 * badge's request. `open` is the action that opens it (targets that existed before it are not it).
 */
export async function waitForPopupSurface(s: Session, open: () => Promise<unknown>): Promise<Page> {
  const before = new Set(s.browser.targets());
  await open();
  const target = await s.browser.waitForTarget(
    (t) => !before.has(t) && t.url() === `chrome-extension://${s.extensionId}/popup.html`,
    { timeout: 20_000 },
  );
  const page = await target.asPage();
  await page.locator('[data-testid="intent"]').wait();
  return page;
}

/**
 * Waits until the badge's button `name` acts in one click: it stops describing itself as confirmed in the extension's
 * window once the badge has proved it is visible (lib/portal/visibility.ts). The page is brought to the front first:
 * a background tab is not visible.
 */
export async function waitForOneClick(page: Page, name: string, timeoutMs = 15_000): Promise<void> {
  await page.bringToFront();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const button = await findButton(page, name);
    if (button && !button.description) return;
    if (Date.now() > deadline)
      throw new Error(`${name} never became one click (${button ? `described: ${button.description}` : 'not shown'})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
