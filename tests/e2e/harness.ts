/**
 * Loads the production build into real headless Chromium, with Microsoft's hostnames mapped to the stand-in tenant
 * on loopback (`--host-resolver-rules`, every other name unresolvable). No test hook exists in the product: the harness
 * drives it through its pages, the stand-in's control API and chrome.* calls in the service worker.
 */
import puppeteer, { type Browser, type CDPSession, type Page, type Target, type WebWorker } from 'puppeteer-core';
import { ACCOUNT_ITEM_NAMES } from '../../lib/accounts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FakeTenant } from '../fake-tenant/index';
import { chromePath, chromiumArgs } from './chromium';

/** The extension API inside the browser, for functions evaluated there through Puppeteer. */
declare const chrome: typeof import('wxt/browser').browser;

export const EXTENSION_DIR = resolve(process.env.WXT_OUT_DIR ?? '.output', 'chrome-mv3');
export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
export const ADMIN_UPN = 'adm-lidia@contoso.onmicrosoft.com';

export { chromePath };

export function chromeArgs(tenant: FakeTenant, extra: string[] = []): string[] {
  return chromiumArgs(tenant.hostResolverRules, extra);
}

export interface Session {
  browser: Browser;
  extensionId: string;
  userDataDir: string;
  worker(): Promise<WebWorker>;
  /** Opens an extension page (e.g. 'popup.html') in a new tab. */
  open(path: string): Promise<Page>;
  /**
   * What the extension's own contexts (pages, service worker, offscreen document) reported so far: uncaught errors,
   * console.error / console.warn, and browser log entries such as CSP violations.
   */
  consoleProblems(): string[];
  /** Closes the browser; fails when the extension logged a problem, unless `allowConsoleProblems` (fault tests). */
  close(opts?: { keepProfile?: boolean; allowConsoleProblems?: boolean }): Promise<void>;
}

/**
 * Collects problems from every chrome-extension:// target as it appears: pages through Puppeteer's events, workers
 * and the offscreen document through their CDP sessions (Runtime exceptions and console calls, Log entries, which
 * carry CSP violations).
 */
function collectConsoleProblems(browser: Browser): string[] {
  const problems: string[] = [];
  const seen = new WeakSet<Target>();
  const fromCdp = (client: CDPSession, where: string) => {
    client.on(
      'Runtime.exceptionThrown',
      (e: { exceptionDetails: { text: string; exception?: { description?: string } } }) =>
        problems.push(`uncaught in ${where}: ${e.exceptionDetails.exception?.description ?? e.exceptionDetails.text}`),
    );
    client.on('Runtime.consoleAPICalled', (e: { type: string; args: { value?: unknown; description?: string }[] }) => {
      if (e.type === 'error' || e.type === 'warning' || e.type === 'assert')
        problems.push(
          `console.${e.type} in ${where}: ${e.args.map((a) => (a.value !== undefined ? JSON.stringify(a.value) : (a.description ?? ''))).join(' ')}`,
        );
    });
    client.on('Log.entryAdded', (e: { entry: { level: string; text: string; url?: string } }) => {
      if (e.entry.level === 'error' || e.entry.level === 'warning')
        problems.push(`log ${e.entry.level} in ${where}: ${e.entry.text}`);
    });
    void client.send('Log.enable').catch(() => undefined);
  };
  const watch = async (target: Target) => {
    if (seen.has(target)) return;
    if (!target.url().startsWith('chrome-extension://')) {
      // A portal page: only what our content script throws or logs there counts (its stack names chrome-extension://).
      if (target.type() !== 'page' || !/^https:/.test(target.url())) return;
      seen.add(target);
      const page = await target.page().catch(() => null);
      page?.on('pageerror', (e) => {
        const stack = e instanceof Error ? (e.stack ?? '') : String(e);
        if (stack.includes('chrome-extension://'))
          problems.push(`uncaught in the content script on ${target.url()}: ${stack.split('\n')[0]}`);
      });
      page?.on('console', (m) => {
        if (
          (m.type() === 'error' || m.type() === 'warn') &&
          (m.location().url ?? '').startsWith('chrome-extension://')
        ) {
          problems.push(`console.${m.type()} in the content script on ${target.url()}: ${m.text()}`);
        }
      });
      return;
    }
    seen.add(target);
    const where = target.url();
    try {
      if (target.type() === 'page') {
        const page = await target.page();
        page?.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warn')
            problems.push(`console.${m.type()} in ${where}: ${m.text()}`);
        });
        page?.on('pageerror', (e) =>
          problems.push(`uncaught in ${where}: ${e instanceof Error ? e.message : String(e)}`),
        );
      } else if (target.type() === 'service_worker') {
        const worker = await target.worker();
        if (worker) fromCdp(worker.client, where);
      } else {
        const client = await target.createCDPSession();
        fromCdp(client, where);
        await client.send('Runtime.enable');
      }
    } catch {
      // A target that closed while being attached reported nothing more.
    }
  };
  browser.on('targetcreated', (t: Target) => void watch(t));
  browser.on('targetchanged', (t: Target) => void watch(t));
  for (const t of browser.targets()) void watch(t);
  return problems;
}

export async function launch(
  tenant: FakeTenant,
  opts: {
    userDataDir?: string;
    args?: string[];
    /** More unpacked extensions beside ours (e.g. an attacker's). */ extensions?: string[];
  } = {},
): Promise<Session> {
  const userDataDir = opts.userDataDir ?? mkdtempSync(join(tmpdir(), 'pim-e2e-'));
  const browser = await puppeteer.launch({
    executablePath: chromePath(),
    headless: true,
    pipe: true,
    enableExtensions: [EXTENSION_DIR, ...(opts.extensions ?? [])],
    userDataDir,
    args: chromeArgs(tenant, opts.args),
  });
  const problems = collectConsoleProblems(browser);
  const swTarget = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'),
  );
  const extensionId = new URL(swTarget.url()).host;
  return {
    browser,
    extensionId,
    userDataDir,
    async worker() {
      const target = await browser.waitForTarget(
        (t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'),
      );
      const worker = await target.worker();
      if (!worker) throw new Error('service worker target has no worker');
      // Right after start-up the worker's context can exist before the extension bindings are installed.
      // Its first context has no globals at all (not even setTimeout), so the wait is driven from here.
      for (let i = 0; !(await worker.evaluate("typeof chrome !== 'undefined' && !!chrome.storage")); i++) {
        if (i > 500) throw new Error('the service worker never got its extension APIs');
        await new Promise((r) => setTimeout(r, 10));
      }
      return worker;
    },
    async open(path: string) {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    consoleProblems: () => [...problems],
    async close({ keepProfile = false, allowConsoleProblems = false } = {}) {
      // What the browser says while shutting down (e.g. "The browser is shutting down" to a pending call) is not
      // counted.
      const before = [...problems];
      await browser.close();
      if (!keepProfile) rmSync(userDataDir, { recursive: true, force: true });
      if (!allowConsoleProblems && before.length > 0)
        throw new Error(`the extension logged problems:\n${before.join('\n')}`);
    },
  };
}

/** Reads a key from chrome.storage in the service worker (WXT stores `local:snapshot` under `snapshot`). */
export async function readStorage<T = unknown>(
  session: Session,
  area: 'local' | 'sync' | 'session',
  key: string,
): Promise<T> {
  const worker = await session.worker();
  return worker.evaluate(
    async (a: string, k: string) => ((await chrome.storage[a as 'local'].get(k)) as Record<string, unknown>)[k],
    area,
    key,
  ) as Promise<T>;
}

/**
 * Resolves when `predicate` (source of a function of the stored value) holds for chrome.storage[area][key],
 * checking now and on every change: event-driven, no polling.
 */
export async function waitForStorage(
  session: Session,
  area: 'local' | 'sync' | 'session',
  key: string,
  predicate: string,
  timeoutMs = 20_000,
): Promise<unknown> {
  const worker = await session.worker();
  return worker.evaluate(storageWaitScript(area, key, predicate, timeoutMs));
}

/**
 * The script behind waitForStorage, for any extension context (worker or page). Source text, not a function:
 * tsx/esbuild would wrap named inner functions in a __name helper the evaluating context lacks.
 */
export function storageWaitScript(
  area: 'local' | 'sync' | 'session',
  key: string,
  predicate: string,
  timeoutMs: number,
): string {
  return `new Promise((resolve, reject) => {
    const area = ${JSON.stringify(area)}, key = ${JSON.stringify(key)};
    const test = (${predicate});
    let timer;
    const onChange = (changes, changedArea) => { if (changedArea === area && key in changes) check(); };
    const check = async () => {
      const value = (await chrome.storage[area].get(key))[key];
      if (test(value)) {
        chrome.storage.onChanged.removeListener(onChange);
        clearTimeout(timer);
        resolve(value);
      }
    };
    timer = setTimeout(() => {
      chrome.storage.onChanged.removeListener(onChange);
      reject(new Error('storage ' + area + ':' + key + ' did not satisfy ' + ${JSON.stringify(predicate)} + ' within ${timeoutMs} ms'));
    }, ${timeoutMs});
    chrome.storage.onChanged.addListener(onChange);
    check();
  })`;
}

/** The single account of the single-account flows: the migrated or first account (lib/accounts.ts FIRST_ACCOUNT_ID). */
export const ACCOUNT_ID = 'a1';

/** The per-account items (lib/storage.ts ACCOUNT_ITEM_NAMES), stored as `<area>:account.<id>.<name>`. */
export const ACCOUNT_ITEMS = ACCOUNT_ITEM_NAMES;

/** The raw storage key of one account's item, without the area: `accountKey('snapshot')` → 'account.a1.snapshot'. */
export const accountKey = (name: string, id = ACCOUNT_ID): string => `account.${id}.${name}`;

/** An alarm or notification id as the background scopes it to an account: `scoped('refresh')` → 'a1/refresh'. */
export const scoped = (name: string, id = ACCOUNT_ID): string => `${id}/${name}`;

/**
 * A storage.local seed with the per-account names (remembered, policies, …) moved under the account's keys; shared
 * items (templates, bundles, portalLayout) stay as they are.
 */
export function accountSeed(seed: Record<string, unknown>, id = ACCOUNT_ID): Record<string, unknown> {
  const perAccount: readonly string[] = ACCOUNT_ITEMS.local;
  return Object.fromEntries(Object.entries(seed).map(([k, v]) => [perAccount.includes(k) ? accountKey(k, id) : k, v]));
}

export interface ConnectionSettings {
  cloudId: string;
  tenant: string;
  clientId: string;
}
export const CONTOSO: ConnectionSettings = {
  cloudId: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: CLIENT_ID,
};

/**
 * Source text (any extension context, Chromium or Firefox) that saves an account's connection the way the options page
 * does: in `local:accounts`, keeping the entry's label and colour, adding the entry when it is missing. It waits for
 * the storage layout migration first (lib/migrate.ts writes the list of a fresh profile), so the two writes cannot
 * cross.
 */
export function configureScript(connection: ConnectionSettings, id = ACCOUNT_ID, label = 'Account 1'): string {
  return `(async () => {
    await ${storageWaitScript('local', 'storageVersion', '(v) => v === 2', 20_000)};
    const accounts = (await chrome.storage.local.get('accounts')).accounts ?? [];
    const connection = ${JSON.stringify(connection)}, id = ${JSON.stringify(id)};
    const next = accounts.some((a) => a.id === id)
      ? accounts.map((a) => (a.id === id ? { ...a, connection } : a))
      : [...accounts, { id, label: ${JSON.stringify(label)}, colour: 'blue', connection }];
    await chrome.storage.local.set({ accounts: next });
  })()`;
}

/** Saves the connection settings of an account (default: the first) the way the options page does. */
export async function configure(session: Session, connection = CONTOSO, id = ACCOUNT_ID): Promise<void> {
  const worker = await session.worker();
  await worker.evaluate(configureScript(connection, id));
}

/**
 * Interactive sign-in through the product's sign-in page: the real MSAL + launchWebAuthFlow path, picking the
 * account on the stand-in's account picker.
 */
export async function signIn(session: Session, upn = ADMIN_UPN, accountId = ACCOUNT_ID): Promise<void> {
  const page = await session.open(`signin.html?account=${accountId}`);
  const authWindow = session.browser.waitForTarget((t) => t.url().includes('/oauth2/v2.0/authorize'), {
    timeout: 20_000,
  });
  await page.locator('[data-testid="signin"]').click();
  const authPage = await (await authWindow).page();
  if (!authPage) throw new Error('auth window has no page');
  await authPage.locator(`[data-upn="${upn}"]`).click();
  await waitForStorage(session, 'local', `account.${accountId}.authState`, '(v) => v && v.status === "signed-in"');
  // Closed only once the background has answered the page's auth.signedIn (the page then says "signed in").
  await page.waitForSelector('[data-testid="signin-page"][data-phase="done"]');
  await page.close();
}

/**
 * Waits until the full popup is in charge. Its first paint (issue 18: entrypoints/popup/main.tsx, CachedPopup) draws
 * the stored rows read-only, marked `data-popup-state="cached"`; the rest of the popup replaces it a frame or two
 * later. Anything a test clicks, selects or types belongs to the full popup.
 */
export async function popupReady(page: Page): Promise<void> {
  await page.waitForSelector('#app > [data-popup-state]:not([data-popup-state="cached"])');
}

/** Opens the popup in a tab of the popup's width (`viewport: null` keeps the browser's) and waits for popupReady. */
export async function openPopup(
  s: Pick<Session, 'browser' | 'extensionId'>,
  viewport: { width: number; height: number } | null = { width: 380, height: 800 },
  query = '',
): Promise<Page> {
  const page = await s.browser.newPage();
  if (viewport) await page.setViewport(viewport);
  await page.goto(`chrome-extension://${s.extensionId}/popup.html${query}`);
  await popupReady(page);
  return page;
}

export async function waitForRows(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n: number) => document.querySelectorAll('[data-testid="assignment"]').length === n,
    {},
    count,
  );
}

/**
 * Terminates the extension's service worker (as the browser does when it idles it out). Chromium then restarts it on
 * the next event (an alarm, a message); because Puppeteer's pipe holds new workers at start for a debugger and does
 * not recognise a restarted one, this resumes it when it starts again, as an idle-killed worker would run.
 */
export async function stopWorker(session: Session): Promise<void> {
  const browserCdp = await session.browser.target().createCDPSession();
  const { targetInfos } = (await browserCdp.send('Target.getTargets')) as {
    targetInfos: { targetId: string; type: string; url: string }[];
  };
  const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.endsWith('/background.js'));
  if (!sw) throw new Error('no service worker to stop');
  const page = await session.browser.newPage();
  const cdp = await page.createCDPSession();
  await cdp.send('ServiceWorker.enable');
  let stoppedSeen = false;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  cdp.on('ServiceWorker.workerVersionUpdated', (e: { versions: { runningStatus: string }[] }) => {
    const status = e.versions[0]?.runningStatus;
    if (status === 'stopped' && !stoppedSeen) {
      stoppedSeen = true;
      resolveStopped();
    } else if (status === 'starting' && stoppedSeen) {
      void browserCdp
        .send('Target.attachToTarget', { targetId: sw.targetId, flatten: true })
        .then(({ sessionId }) => browserCdp.connection()?.session(sessionId)?.send('Runtime.runIfWaitingForDebugger'))
        .catch(() => undefined);
    }
  });
  await cdp.send('ServiceWorker.stopAllWorkers');
  await stopped;
}
