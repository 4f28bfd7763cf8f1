/**
 * Loads the Firefox release build into headless Firefox ESR over WebDriver BiDi (Puppeteer), the way harness.ts does
 * for Chromium. Firefox has no --host-resolver-rules: a small CONNECT proxy on loopback forwards only the stand-in's
 * hostnames to its port and refuses everything else, so nothing leaves the machine. Extension pages are opened with
 * browsingContext.navigate (page.goto never settles on moz-extension:// pages), the add-on's UUID is fixed by a pref,
 * and extension console output is read from Firefox's stdout (devtools.console.stdout.content): Puppeteer gets no
 * console events from extension contexts.
 */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FakeTenant } from '../fake-tenant/index';
import { allHosts } from '../fake-tenant/hosts';
import { ACCOUNT_ID, ADMIN_UPN, configureScript, CONTOSO, storageWaitScript } from './harness';

export const FIREFOX_DIR = resolve(process.env.WXT_OUT_DIR ?? '.output', 'firefox-mv3');
export const GECKO_ID = 'pim-companion@pim-companion.dev';
/** Fixed through extensions.webextensions.uuids, so moz-extension://<uuid>/ is known before install. */
export const FIREFOX_UUID = '5b1c8f4e-2d3a-4e6b-9c7d-0a1b2c3d4e5f';
export const FIREFOX_ORIGIN = `moz-extension://${FIREFOX_UUID}`;
/** browser.identity.getRedirectURL() for GECKO_ID: https://<sha1(id) in hex>.extensions.allizom.org/. */
export const FIREFOX_REDIRECT_URI = 'https://42b6faf15bceca8a8d051fb0c8e279a57d91a82c.extensions.allizom.org/';

export function firefoxPath(): string {
  return process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
}

/** A CONNECT-only proxy on 127.0.0.1 that tunnels the stand-in's hostnames (any port) to it and refuses the rest. */
export async function startProxy(
  tenant: FakeTenant,
  tenantDomain = 'contoso.onmicrosoft.com',
): Promise<{ port: number; refused: string[]; close(): Promise<void> }> {
  const allowed = new Set(allHosts(tenantDomain));
  const refused: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16_384) client.destroy();
        return;
      }
      client.off('data', onData);
      const [method, target] = head.subarray(0, end).toString('latin1').split('\r\n')[0]!.split(' ');
      const host = (target ?? '').replace(/:\d+$/, '');
      if (method !== 'CONNECT' || !allowed.has(host)) {
        refused.push(`${method} ${target}`);
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const upstream = connect(tenant.port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = head.subarray(end + 4);
        if (rest.length) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    refused,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface FirefoxSession {
  browser: Browser;
  uuid: string;
  origin: string;
  profileDir: string;
  /** Every line Firefox wrote to stdout/stderr since launch (extension console output among them). */
  output: string[];
  /** Opens an extension page (e.g. 'popup.html') in a new tab and waits for it to load. */
  open(path: string): Promise<Page>;
  /** Navigates an existing tab (page.goto does not settle on moz-extension:// or cross-scheme pages). */
  navigate(page: Page, url: string): Promise<void>;
  /** An extension page kept open to run browser.* calls from (the Chromium harness uses the service worker). */
  probe(): Promise<Page>;
  /** Runs `source` (an expression) in the probe page and returns its (awaited) value. */
  ext<T = unknown>(source: string): Promise<T>;
  /**
   * Everything the extension put in Firefox's console: errors and warnings whose source is the add-on (uncaught
   * errors, CSP violations, "unimplemented" API notices), and console.error / console.warn calls in its contexts.
   */
  consoleProblems(): Promise<string[]>;
  /**
   * Clicks the notifications on screen whose text contains `text` (with alerts.useSystemBackend=false Firefox shows
   * them as its own alert windows); returns how many it clicked.
   */
  clickNotifications(text: string): Promise<number>;
  /** Whether the event page is running (extension.getViews() lists it; asking does not wake it). */
  backgroundRunning(): Promise<boolean>;
  /** Resolves once Firefox has suspended the idle event page. */
  waitForSuspension(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function launchFirefox(
  tenant: FakeTenant,
  opts: { prefs?: Record<string, unknown>; profileDir?: string } = {},
): Promise<FirefoxSession> {
  const proxy = await startProxy(tenant);
  const profileDir = opts.profileDir ?? mkdtempSync(join(tmpdir(), 'pim-e2e-ff-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    acceptInsecureCerts: true,
    userDataDir: profileDir,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      'devtools.console.stdout.content': true,
      'alerts.useSystemBackend': false,
      'network.proxy.type': 1,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxy.port,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxy.port,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': true,
      'network.dns.disableIPv6': true,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'app.update.enabled': false,
      'app.normandy.enabled': false,
      'extensions.getAddons.cache.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      ...opts.prefs,
    },
  });
  const output: string[] = [];
  const proc = browser.process();
  for (const stream of [proc?.stdout, proc?.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      output.push(...lines);
    });
  }
  await browser.installExtension(FIREFOX_DIR);
  const origin = FIREFOX_ORIGIN;
  let probePage: Page | null = null;
  const navigate = async (page: Page, url: string) => {
    await (
      page.mainFrame() as unknown as { browsingContext: { navigate(url: string, wait: 'complete'): Promise<unknown> } }
    ).browsingContext.navigate(url, 'complete');
  };
  const session: FirefoxSession = {
    browser,
    uuid: FIREFOX_UUID,
    origin,
    profileDir,
    output,
    async open(path: string) {
      const page = await browser.newPage();
      await navigate(page, `${origin}/${path}`);
      return page;
    },
    navigate,
    async probe() {
      if (probePage && !probePage.isClosed()) return probePage;
      probePage = await session.open('options.html');
      return probePage;
    },
    async ext<T>(source: string) {
      return (await session.probe()).evaluate(source) as Promise<T>;
    },
    consoleProblems: () => consoleProblems(browser),
    clickNotifications: async (text: string) =>
      Number(
        await inParent(
          browser,
          `(() => { let n = 0; for (const w of Services.wm.getEnumerator('alert:alert')) { const box = w.document.getElementById('alertBox'); const title = w.document.getElementById('alertTitleLabel')?.getAttribute('value') ?? ''; if ((title + ' ' + box.textContent).includes(${JSON.stringify(text)})) { box.click(); n++; } } return String(n); })()`,
        ),
      ),
    async backgroundRunning() {
      return session.ext<boolean>(BACKGROUND_RUNNING);
    },
    async waitForSuspension(timeoutMs = 30_000) {
      await (await session.probe()).waitForFunction(`!(${BACKGROUND_RUNNING})`, { polling: 100, timeout: timeoutMs });
    },
    async close() {
      await browser.close().catch(() => undefined);
      await proxy.close();
      if (!opts.profileDir) rmSync(profileDir, { recursive: true, force: true });
    },
  };
  return session;
}

const BACKGROUND_RUNNING = `browser.extension.getViews().some((w) => w.location.pathname.endsWith('_generated_background_page.html'))`;

/**
 * Reads the browser's console from its parent process (WebDriver BiDi may evaluate there with
 * --remote-allow-system-access): CSP reports and API notices never reach stdout or Puppeteer's console events.
 */
async function inParent(browser: Browser, expression: string): Promise<string> {
  const conn = (
    browser as unknown as { connection: { send(method: string, params: object): Promise<{ result: unknown }> } }
  ).connection;
  const tree = (await conn.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as {
    contexts: { context: string }[];
  };
  const context = tree.contexts[0]!.context;
  const r = (await conn.send('script.evaluate', { expression, target: { context }, awaitPromise: false })).result as {
    result: { value: string };
  };
  return r.result.value;
}

async function consoleProblems(browser: Browser): Promise<string[]> {
  const expression = `(() => {
    const origin = ${JSON.stringify(FIREFOX_ORIGIN)}, id = ${JSON.stringify(GECKO_ID)};
    const out = [];
    for (const m of Services.console.getMessageArray()) {
      let e = null;
      try { e = m.QueryInterface(Ci.nsIScriptError); } catch {}
      const text = e ? e.errorMessage : m.message;
      const source = e ? e.sourceName : '';
      // Firefox's own bookkeeping when a tab with listeners closes (its conduit is gone before the listeners are).
      if (/^sendRemoveListener on closed conduit /.test(text)) continue;
      if (source.startsWith(origin) || text.includes(id) || text.includes(origin)) out.push((e && e.category ? '[' + e.category + '] ' : '') + text + (source ? ' (' + source + ':' + e.lineNumber + ')' : ''));
    }
    const api = Cc['@mozilla.org/consoleAPI-storage;1'].getService(Ci.nsIConsoleAPIStorage);
    for (const ev of api.getEvents()) {
      const from = String(ev.filename || '');
      if ((ev.level === 'error' || ev.level === 'warn') && (ev.addonId === id || from.startsWith(origin)))
        out.push('console.' + ev.level + ': ' + Array.from(ev.arguments || [], (a) => { try { return typeof a === 'string' ? a : String(a); } catch { return '?'; } }).join(' ') + ' (' + from + ')');
    }
    return JSON.stringify(out);
  })()`;
  return JSON.parse(await inParent(browser, expression)) as string[];
}

/** Resolves when `predicate` holds for storage[area][key], checked now and on every change (see harness.ts). */
export function waitForStorageFx(
  s: FirefoxSession,
  area: 'local' | 'sync',
  key: string,
  predicate: string,
  timeoutMs = 20_000,
): Promise<unknown> {
  return s.ext(storageWaitScript(area, key, predicate, timeoutMs));
}

/** Saves an account's connection in `local:accounts`, as the options page does (harness.ts configureScript). */
export async function configureFx(
  s: FirefoxSession,
  connection = CONTOSO,
  id = ACCOUNT_ID,
  label = 'Account 1',
): Promise<void> {
  await s.ext(configureScript(connection, id, label));
}

/**
 * Interactive sign-in through the product's sign-in page and the stand-in's account picker (launchWebAuthFlow's
 * window).
 */
export async function signInFx(s: FirefoxSession, upn = ADMIN_UPN, accountId = ACCOUNT_ID): Promise<void> {
  const page = await s.open(`signin.html?account=${accountId}`);
  const authWindow = s.browser.waitForTarget((t) => t.url().includes('/oauth2/v2.0/authorize'), { timeout: 20_000 });
  await page.locator('[data-testid="signin"]').click();
  const authPage = await (await authWindow).page();
  if (!authPage) throw new Error('auth window has no page');
  await authPage.locator(`[data-upn="${upn}"]`).click();
  await waitForStorageFx(s, 'local', `account.${accountId}.authState`, '(v) => v && v.status === "signed-in"');
  // The page says "signed in" once the background has answered its auth.signedIn: closed earlier, Firefox logs the
  // message's promise as rejected after its context unloaded.
  await page.waitForSelector('[data-testid="signin-page"][data-phase="done"]');
  await page.close();
}

/** After a Firefox journey: closes its browser, and fails the test when the extension logged any problem meanwhile. */
export async function closeChecked(session: FirefoxSession | undefined): Promise<void> {
  if (!session) return;
  let problems: string[] = [];
  try {
    problems = await session.consoleProblems();
  } finally {
    await session.close();
  }
  if (problems.length > 0) throw new Error(`the extension logged problems in Firefox:\n${problems.join('\n')}`);
}
