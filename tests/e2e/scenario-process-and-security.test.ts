/**
 * Scenarios that need the real browser, sharing one stand-in tenant and, where they can, one browser: the service
 * worker terminated mid-activation (CDP), a browser restart with an active role, and the security properties of the
 * release build (manifest allow-lists, CSP, no remote code, no token in storage any content script can read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCENARIO_PATH, startFakeTenant, type FakeTenant, type LogEntry } from '../fake-tenant/index';
import { PORTAL_MATCHES } from '../../lib/pim/portals';
import {
  accountKey,
  accountSeed,
  configure,
  EXTENSION_DIR,
  launch,
  readStorage,
  signIn,
  waitForStorage,
  type Session,
  openPopup,
} from './harness';
import { ROLE } from './scenarios';

/** The extension API inside the browser, for functions evaluated there through Puppeteer. */
declare const chrome: typeof import('wxt/browser').browser;

let tenant: FakeTenant;
beforeAll(async () => {
  tenant = await startFakeTenant();
  await tenant.control.loadScenario(DEFAULT_SCENARIO_PATH);
});
afterAll(() => tenant.close());

const OSLO = '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09';
const EXO = `role:${ROLE.exchangeAdmin}:${OSLO}`;
const SEC_READER = `role:${ROLE.securityReader}:/`;
const TEMPLATE = { id: 'tpl', name: 'Change', justification: 'Planned change for {role}', durationMinutes: 60 };
const row = (key: string, state: string) => `[data-testid="assignment"][data-key="${key}"][data-state="${state}"]`;
const roleWrites = (log: LogEntry[]) =>
  log.filter((e) => e.method === 'POST' && e.path === '/v1.0/roleManagement/directory/roleAssignmentScheduleRequests');
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/;

async function until<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One signed-in browser for the worker-kill and token scenarios. */
let session: Session;
beforeAll(async () => {
  await tenant.control.loadScenario(DEFAULT_SCENARIO_PATH);
  session = await launch(tenant);
  await (
    await session.worker()
  ).evaluate(
    `chrome.storage.local.set(${JSON.stringify(accountSeed({ templates: [TEMPLATE], remembered: { [EXO]: { templateId: 'tpl', durationMinutes: 60, ticketNumber: null, ticketSystem: null, justification: null } } }))})`,
  );
  await configure(session);
  await signIn(session);
  await waitForStorage(session, 'local', accountKey('snapshot'), '(v) => !!v && v.assignments.length > 0');
  await waitForStorage(session, 'local', accountKey('policies'), '(v) => !!v && Object.keys(v).length > 0');
});
afterAll(() => session?.close());

describe('process faults in the browser', () => {
  it('the service worker terminated mid-activation: exactly one POST, reconciled from Graph, and the popup shows the role active', async () => {
    const popup = await openPopup(session, null);
    await tenant.control.clearLog();
    // PIM acts on the request, but its answer never comes: the worker is killed while it waits.
    await tenant.control.addFault({
      match: { method: 'POST', path: 'roleAssignmentScheduleRequests' },
      respond: { kind: 'processed-then-timeout' },
    });
    await popup.locator(`${row(EXO, 'eligible')} [data-testid="activate"]`).click();
    await until(async () => roleWrites(await tenant.control.log()).length === 1, 'the activation POST');
    await until(
      async () => ((await readStorage<unknown[]>(session, 'local', accountKey('journal'))) ?? []).length === 1,
      'the journal entry',
    );
    await (await session.worker()).close();
    await popup.close();

    // The user, seeing no answer, opens the popup again and clicks Activate once more: the message wakes a fresh
    // worker, which reconciles the journal from Graph and answers from the request that landed instead of sending
    // another.
    const again = await openPopup(session, null);
    await again.locator(`${row(EXO, 'eligible')} [data-testid="activate"]`).click();
    await again.waitForSelector(`${row(EXO, 'active')} [data-testid="time-left"]`, { timeout: 20_000 });
    await waitForStorage(session, 'local', accountKey('journal'), '(v) => Array.isArray(v) && v.length === 0');
    const log = await tenant.control.log();
    expect(roleWrites(log)).toHaveLength(1);
    expect(
      log.some(
        (e) =>
          e.path === '/v1.0/$batch' &&
          (e.batch ?? []).some((b) => b.url.includes('roleAssignmentScheduleRequests/filterByCurrentUser')),
      ),
    ).toBe(true);
    const activity = await readStorage<Array<{ key: string; outcome: string }>>(
      session,
      'local',
      accountKey('activity'),
    );
    expect(activity.find((a) => a.key === EXO)).toMatchObject({ outcome: 'Provisioned' });
    await again.close();
  });
});

describe('security: tokens after sign-in and an activation', () => {
  it('no token is in storage.local or storage.sync after sign-in and an activation', async () => {
    const worker = await session.worker();
    const dump = await worker.evaluate(async () =>
      JSON.stringify([
        await chrome.storage.local.get(null),
        await chrome.storage.sync.get(null),
        await chrome.storage.session.get(null),
      ]),
    );
    expect(dump).not.toMatch(JWT);
    expect(dump).not.toMatch(/refresh_?token|access_?token"\s*:\s*"[^"]/i);
  });

  it('a portal content script can reach neither storage.session nor any token', async () => {
    const page = await session.browser.newPage();
    const cdp = await page.createCDPSession();
    const worlds: Array<{ id: number; name: string; auxData?: { type?: string } }> = [];
    cdp.on(
      'Runtime.executionContextCreated',
      (e: { context: { id: number; name: string; auxData?: { type?: string } } }) => void worlds.push(e.context),
    );
    await cdp.send('Runtime.enable');
    await page.goto('https://admin.exchange.microsoft.com/');
    const world = await until(
      async () => worlds.find((w) => w.auxData?.type === 'isolated' && /PIM Companion/i.test(w.name)),
      'the content script world',
    );
    const evaluate = async (expression: string) =>
      (await cdp.send('Runtime.evaluate', {
        expression,
        contextId: world.id,
        awaitPromise: true,
        returnByValue: true,
      })) as { result: { value?: unknown } };
    const session_ = await evaluate(
      `chrome.storage.session.get(null).then(() => 'readable', (e) => 'refused: ' + e.message)`,
    );
    expect(String(session_.result.value)).toMatch(/^refused/);
    const local = await evaluate(`chrome.storage.local.get(null).then((v) => JSON.stringify(v))`);
    expect(String(local.result.value)).not.toMatch(JWT);
    await page.close();
  });
});

describe('process faults: a browser restart', () => {
  it('after a browser restart with an active role, the popup shows it with its time left and the toolbar badge counts down', async () => {
    await tenant.control.loadScenario(DEFAULT_SCENARIO_PATH);
    let session = await launch(tenant);
    await configure(session);
    await signIn(session);
    await waitForStorage(
      session,
      'local',
      accountKey('snapshot'),
      `(v) => !!v && v.assignments.some((a) => a.key === ${JSON.stringify(SEC_READER)} && a.state === 'active')`,
    );
    await session.close({ keepProfile: true });

    session = await launch(tenant, { userDataDir: session.userDataDir });
    try {
      const popup = await openPopup(session, null);
      const left = await popup.waitForSelector(`${row(SEC_READER, 'active')} [data-testid="time-left"]`);
      expect(await left!.evaluate((e) => e.textContent ?? '')).toMatch(/min left/);
      const worker = await session.worker();
      const badge = await until(
        async () => (await worker.evaluate(() => chrome.action.getBadgeText({}))) || null,
        'the toolbar badge',
      );
      expect(badge).toMatch(/\d/);
    } finally {
      await session.close();
    }
  });
});

describe('security of the release build', () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
    permissions?: string[];
    optional_permissions?: string[];
    host_permissions?: string[];
    content_scripts?: Array<{ matches: string[]; all_frames?: boolean }>;
    content_security_policy?: { extension_pages?: string };
    externally_connectable?: unknown;
    web_accessible_resources?: unknown;
  };
  const csp = manifest.content_security_policy?.extension_pages ?? '';
  const directive = (name: string) =>
    (new RegExp(`(?:^|;)\\s*${name}\\s+([^;]*)`).exec(csp)?.[1] ?? '').trim().split(/\s+/);

  it('manifest permissions equal the allow-list (no tabs, scripting, cookies, webRequest, <all_urls>)', () => {
    expect([...(manifest.permissions ?? [])].sort()).toEqual([
      'alarms',
      'identity',
      'notifications',
      'offscreen',
      'storage',
    ]);
    expect(manifest.optional_permissions ?? []).toEqual([]);
  });

  it('host permissions are Graph, Azure Resource Manager and sign-in only: no admin portal host', () => {
    expect([...(manifest.host_permissions ?? [])].sort()).toEqual([
      'https://graph.microsoft.com/*',
      'https://login.microsoftonline.com/*',
      'https://management.azure.com/*',
    ]);
  });

  it('content-script matches equal the portal table, top frame only', () => {
    expect(manifest.content_scripts).toHaveLength(1);
    expect([...manifest.content_scripts![0]!.matches].sort()).toEqual([...PORTAL_MATCHES].sort());
    expect(manifest.content_scripts![0]!.all_frames ?? false).toBe(false);
  });

  it('web pages cannot message the extension, and no file is web-accessible (nothing a page can probe for)', () => {
    expect(manifest.externally_connectable).toBeUndefined();
    expect(manifest.web_accessible_resources ?? []).toEqual([]);
  });

  it("the extension-page CSP has no unsafe-eval and scripts only from 'self'", () => {
    expect(csp).not.toMatch(/unsafe-eval|wasm-unsafe-eval/);
    expect(directive('script-src')).toEqual(["'self'"]);
    expect(directive('object-src')).toEqual(["'none'"]);
  });

  it("connect-src is limited to Microsoft's sign-in, Graph and Azure Resource Manager endpoints", () => {
    const allowed = new Set([
      'https://login.microsoftonline.com',
      'https://graph.microsoft.com',
      'https://management.azure.com',
      'https://management.usgovcloudapi.net',
      'https://management.chinacloudapi.cn',
      'https://login.microsoftonline.us',
      'https://graph.microsoft.us',
      'https://dod-graph.microsoft.us',
      'https://login.chinacloudapi.cn',
      'https://microsoftgraph.chinacloudapi.cn',
    ]);
    const sources = directive('connect-src');
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(allowed.has(s), s).toBe(true);
  });

  it('no remote code: no http(s) script URL, remote import or dynamic code in the bundles and pages', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(js|html)$/.test(f)) files.push(p);
      }
    };
    walk(EXTENSION_DIR);
    expect(files.length).toBeGreaterThan(3);
    const offenders = files.flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      const hits = [
        /<script[^>]+src\s*=\s*["']?(https?:)?\/\//i,
        /importScripts\(\s*["'`]https?:/,
        /\bimport\(\s*["'`]https?:/,
        /\bimport\s[^;]*from\s*["'`]https?:/,
      ].filter((re) => re.test(text));
      return hits.map((re) => `${f}: ${re}`);
    });
    expect(offenders).toEqual([]);
  });
});
