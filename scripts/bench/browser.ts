/**
 * Headless Chromium with the production build, Microsoft's hostnames mapped to the latency proxy in front of the
 * stand-in. Puppeteer is told not to attach to the service worker (an attached DevTools session keeps a worker alive,
 * which would hide its real lifetime): everything the bench asks of the extension goes through an extension page.
 *
 * That page is `bench.html`, added to a copy of the build (the product's own files are untouched). It is the control
 * page (chrome.storage, chrome.alarms) and, with `#paint`, the floor: an almost empty extension page that reads the
 * stored snapshot and lists its assignments, marking `bench:blank-paint` (toolchain.md, "The floor for popup paint").
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostResolverRules } from '../../tests/fake-tenant/hosts';
import { chromePath, chromiumArgs } from '../../tests/e2e/chromium';
import { accountKey, ACCOUNT_ID, configureScript, storageWaitScript } from '../../tests/e2e/harness';

/** The extension API inside pages, for functions evaluated there. */
declare const chrome: typeof import('wxt/browser').browser;

export const EXTENSION_ID = 'fimhpbjaiihihdfclklanipldnjbddib';
export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const TENANT_DOMAIN = 'contoso.onmicrosoft.com';

const BENCH_JS = `
if (location.hash === '#paint') {
  chrome.storage.local.get('${accountKey('snapshot')}').then(({ '${accountKey('snapshot')}': snapshot }) => {
    const ul = document.createElement('ul');
    for (const a of (snapshot && snapshot.assignments) || []) {
      const li = document.createElement('li');
      li.textContent = a.displayName + ' ' + a.state;
      ul.append(li);
    }
    document.body.append(ul);
    performance.mark('bench:blank-paint');
  });
}
`;

/** Copies the built extension and adds the bench page; returns the copy's directory. */
export function benchExtension(buildDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pim-bench-ext-'));
  cpSync(buildDir, dir, { recursive: true });
  writeFileSync(
    join(dir, 'bench.html'),
    '<!doctype html><meta charset="utf-8"><title>bench</title><script src="bench.js" defer></script>',
  );
  writeFileSync(join(dir, 'bench.js'), BENCH_JS);
  return dir;
}

/** What the bench's empty content script marks once it has run (the page can read the mark). */
export const EMPTY_PORTAL_MARK = 'bench:empty-portal';

/**
 * The floor for the portal page (item 4): a copy of `extensionDir` whose portal.js does nothing but set a mark. Same
 * manifest entry, so the page gets the same isolated world; what the badge costs on top of that is ours.
 */
export function emptyPortalExtension(extensionDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pim-bench-empty-'));
  cpSync(extensionDir, dir, { recursive: true });
  writeFileSync(join(dir, 'portal.js'), `performance.mark('${EMPTY_PORTAL_MARK}');\n`);
  return dir;
}

export interface BenchBrowser {
  browser: Browser;
  /** What it was launched with, so a measure can launch a sibling (the portal's empty content script). */
  options: { extensionDir: string | null; proxyPort: number };
  /** The control page (bench.html), kept open. */
  control: Page;
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBench(opts: { extensionDir: string | null; proxyPort: number }): Promise<BenchBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'pim-bench-profile-'));
  const browser = await puppeteer.launch({
    executablePath: chromePath(),
    headless: true,
    pipe: true,
    ...(opts.extensionDir ? { enableExtensions: [opts.extensionDir] } : {}),
    userDataDir,
    targetFilter: (t) => t.type() !== 'service_worker',
    args: chromiumArgs(hostResolverRules(opts.proxyPort, TENANT_DOMAIN)),
  });
  const open = async (path: string) => {
    const page = await browser.newPage();
    const url = path.startsWith('http') ? path : `chrome-extension://${EXTENSION_ID}/${path}`;
    // Right after start-up the extension may not be loaded yet (its pages answer ERR_BLOCKED_BY_CLIENT until it is).
    for (let attempt = 0; ; attempt++) {
      try {
        await page.goto(url);
        return page;
      } catch (e) {
        if (attempt >= 100 || !String(e).includes('ERR_BLOCKED_BY_CLIENT')) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const control = opts.extensionDir ? await open('bench.html') : await browser.newPage();
  return {
    browser,
    options: opts,
    control,
    open,
    async close() {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function readStorage<T>(b: BenchBrowser, area: 'local' | 'sync', key: string): Promise<T> {
  return b.control.evaluate(
    async (a, k) => ((await chrome.storage[a as 'local'].get(k)) as Record<string, unknown>)[k],
    area,
    key,
  ) as Promise<T>;
}

/** Resolves when `predicate` (a function's source) holds for the stored value: checked now and on every change. */
export async function waitForStorage(
  b: BenchBrowser,
  area: 'local' | 'sync',
  key: string,
  predicate: string,
  timeoutMs = 30_000,
): Promise<unknown> {
  return b.control.evaluate(storageWaitScript(area, key, predicate, timeoutMs));
}

/**
 * Connection settings as the options page saves them (local:accounts), then the interactive sign-in through the
 * product's page.
 */
export async function signIn(b: BenchBrowser, upn = 'adm-lidia@contoso.onmicrosoft.com'): Promise<void> {
  await b.control.evaluate(configureScript({ cloudId: 'global', tenant: TENANT_DOMAIN, clientId: CLIENT_ID }));
  const page = await b.open('signin.html');
  const authWindow = b.browser.waitForTarget((t) => t.url().includes('/oauth2/v2.0/authorize'), { timeout: 30_000 });
  await page.locator('[data-testid="signin"]').click();
  const authPage = await (await authWindow).page();
  if (!authPage) throw new Error('the sign-in window has no page');
  await authPage.locator(`[data-upn="${upn}"]`).click();
  await waitForStorage(b, 'local', accountKey('authState'), '(v) => v && v.status === "signed-in"');
  await page.close();
}

/** Sends the message the popup's Refresh button sends, from an extension page (the sender the background accepts). */
export async function requestRefresh(b: BenchBrowser, force: boolean): Promise<void> {
  await b.control.evaluate(
    async (f, accountId) => chrome.runtime.sendMessage({ name: 'snapshot.refresh', payload: { accountId, force: f } }),
    force,
    ACCOUNT_ID,
  );
}

/** Waits until the snapshot is no longer the one fetched at `previous` and no refresh is in flight. */
export async function waitForNewSnapshot(b: BenchBrowser, previous: string | null): Promise<void> {
  await waitForStorage(b, 'local', accountKey('snapshot'), `(v) => !!v && v.fetchedAt !== ${JSON.stringify(previous)}`);
  await waitForStorage(b, 'local', accountKey('refreshState'), '(v) => !v || !v.inFlight');
}

export async function snapshotFetchedAt(b: BenchBrowser): Promise<string | null> {
  return (await readStorage<{ fetchedAt: string } | undefined>(b, 'local', accountKey('snapshot')))?.fetchedAt ?? null;
}
