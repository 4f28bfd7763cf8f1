/**
 * Captures what a released build leaves in chrome.storage after ordinary use, as the fixture of the upgrade test
 * (tests/e2e/upgrade.test.ts, issue 16): tests/fixtures/release-1-storage.json.
 *
 * It drives the OLD build the way its own e2e harness does: the old commit's stand-in tenant (tests/fake-tenant) on
 * loopback, headless Chromium with Microsoft's hostnames mapped to it (--host-resolver-rules), the build loaded
 * unpacked. Then, as a user would: the connection is configured, adm-lidia signs in on the stand-in's account picker,
 * a reason template is saved in the options page, Exchange Administrator (Oslo office) is activated from the popup
 * with that template (so `remembered` holds a choice), Global Administrator is starred, and after the refresh that
 * follows, chrome.storage.local, .sync and .session are read from an extension page and written out with the commit
 * id and `capturedAt`. localStorage (MSAL's token cache) is never read; the dump is checked to hold no token.
 *
 * Regenerating it from any older commit (the new tree's node_modules provide tsx and puppeteer-core):
 *   git worktree add /tmp/old <commit> && (cd /tmp/old && npm ci && WXT_OUT_DIR=.output-capture npx wxt build)
 *   CHROME_PATH=$(which chromium) npx tsx scripts/capture-release-storage.ts --worktree /tmp/old \
 *     [--build /tmp/old/.output-capture/chrome-mv3] [--out tests/fixtures/release-1-storage.json]
 *   git worktree remove --force /tmp/old
 * The worktree must have tests/fake-tenant (startFakeTenant, hostResolverRules) and the popup/options test ids of
 * release 1 (template editor, activation form, favourite star).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { format, resolveConfig } from 'prettier';

/** The extension API inside the browser, for functions evaluated there through Puppeteer. */
declare const chrome: typeof import('wxt/browser').browser;

const { values: args } = parseArgs({
  options: {
    worktree: { type: 'string' },
    build: { type: 'string' },
    out: { type: 'string', default: 'tests/fixtures/release-1-storage.json' },
  },
});
if (!args.worktree) throw new Error('--worktree <checkout of the old release, npm ci and built> is required');
const worktree = resolve(args.worktree);
const buildDir = resolve(args.build ?? join(worktree, '.output-capture', 'chrome-mv3'));
const outFile = resolve(args.out!);

const UPN = 'adm-lidia@contoso.onmicrosoft.com';
const CONNECTION = {
  cloudId: 'global',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
};
const OSLO = '/administrativeUnits/d4c3b2a1-0f9e-4d8c-b7a6-5e4d3c2b1a09';
/** The default scenario's Exchange Administrator (Oslo office): justification required, no approval, no MFA. */
const ACTIVATE_KEY = `role:29232cdf-9323-42fd-ade2-1d097af3e4de:${OSLO}`;
/** Global Administrator: starred. */
const FAVOURITE_KEY = 'role:62e90394-69f5-4237-9190-012177145e10:/';
const TEMPLATE = {
  name: 'Mailbox work',
  justification: 'Exchange change {ticket} for {role}',
  ticketSystem: 'ServiceNow',
  ticketNumber: 'CHG0042',
};

interface StandIn {
  hostResolverRules: string;
  control: { log(): Promise<{ path: string; body?: unknown }[]> };
  close(): Promise<void>;
}

/** Resolves when `predicate` (source of a function of the value) holds for chrome.storage[area][key]. */
function storageWait(area: string, key: string, predicate: string, timeoutMs = 20_000): string {
  return `new Promise((resolve, reject) => {
    const test = (${predicate});
    const timer = setTimeout(() => reject(new Error('storage ${area}:${key} never satisfied ' + ${JSON.stringify(predicate)})),
      ${timeoutMs});
    const check = async () => {
      const value = (await chrome.storage.${area}.get('${key}'))['${key}'];
      if (test(value)) { clearTimeout(timer); chrome.storage.onChanged.removeListener(onChange); resolve(value); }
    };
    const onChange = (changes, a) => { if (a === '${area}' && '${key}' in changes) void check(); };
    chrome.storage.onChanged.addListener(onChange);
    void check();
  })`;
}

/** Every string in `value` that looks like a token (a JWT), or sits under a key naming a token or secret. */
function tokenLike(value: unknown, path = '$'): string[] {
  if (typeof value === 'string')
    return /eyJ[\w-]{8,}\.[\w-]{8,}\./.test(value) || /^(0\.)?A[QV][A-Za-z0-9_-]{40,}/.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => tokenLike(v, `${path}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [
      ...(/(access|refresh|id)_?token|secret|code_?verifier/i.test(k) && v ? [`${path}.${k}`] : []),
      ...tokenLike(v, `${path}.${k}`),
    ]);
  return [];
}

/** The refresh tokens, codes and verifiers the stand-in saw in /token requests (to look for them in the dump). */
function secretsSent(log: { path: string; body?: unknown }[]): string[] {
  return log
    .filter((e) => e.path.endsWith('/oauth2/v2.0/token') && e.body && typeof e.body === 'object')
    .flatMap((e) =>
      Object.entries(e.body as Record<string, unknown>)
        .filter(([k, v]) => /token|code/i.test(k) && typeof v === 'string' && v.length > 16)
        .map(([, v]) => v as string),
    );
}

async function main(): Promise<void> {
  const commit = execFileSync('git', ['-C', worktree, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const fakeTenant = (await import(pathToFileURL(join(worktree, 'tests/fake-tenant/index.ts')).href)) as {
    startFakeTenant(): Promise<StandIn>;
  };
  const tenant = await fakeTenant.startFakeTenant();
  const userDataDir = mkdtempSync(join(tmpdir(), 'pim-capture-'));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/lib/chromium/chromium',
      headless: true,
      pipe: true,
      enableExtensions: [buildDir],
      userDataDir,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        '--ignore-certificate-errors',
        `--host-resolver-rules=${tenant.hostResolverRules}`,
      ],
    });
    const sw = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'));
    const id = new URL(sw.url()).host;
    const open = async (path: string): Promise<Page> => {
      const page = await browser!.newPage();
      await page.setViewport({ width: 380, height: 800 });
      await page.goto(`chrome-extension://${id}/${path}`);
      return page;
    };
    // One extension page kept open for storage reads and waits.
    const probe = await open('options.html');
    const wait = (area: string, key: string, predicate: string) =>
      probe.evaluate(storageWait(area, key, predicate, 30_000));

    // 1. Connection (what the options page saves) and the interactive sign-in through the stand-in's picker.
    await probe.evaluate(async (c) => chrome.storage.sync.set({ connection: c }), CONNECTION);
    const signin = await open('signin.html');
    const authWindow = browser.waitForTarget((t) => t.url().includes('/oauth2/v2.0/authorize'), { timeout: 20_000 });
    await signin.locator('[data-testid="signin"]').click();
    const authPage = await (await authWindow).page();
    if (!authPage) throw new Error('the auth window has no page');
    await authPage.locator(`[data-upn="${UPN}"]`).click();
    await wait('local', 'authState', '(v) => v && v.status === "signed-in"');
    await signin.close();
    await wait('local', 'snapshot', '(v) => !!v && v.assignments.length > 0');
    await wait('local', 'policies', `(v) => !!v && !!v[${JSON.stringify(ACTIVATE_KEY)}]`);

    // 2. A reason template, saved in the options page.
    const options = await open('options.html');
    await options.locator('[data-testid="template-new"]').click();
    await options.locator('#template-name').fill(TEMPLATE.name);
    await options.locator('#template-justification').fill(TEMPLATE.justification);
    await options.locator('#template-ticket-system').fill(TEMPLATE.ticketSystem);
    await options.locator('#template-ticket-number').fill(TEMPLATE.ticketNumber);
    await options.locator('[data-testid="template-save"]').click();
    await wait('local', 'templates', '(v) => Array.isArray(v) && v.length === 1');
    await options.close();

    // 3. The popup: activate Exchange Administrator (Oslo office) with the template, star Global Administrator.
    const popup = await open('popup.html');
    const row = (key: string, state?: string) =>
      `[data-testid="assignment"][data-key="${key}"]${state ? `[data-state="${state}"]` : ''}`;
    await popup.locator(`${row(ACTIVATE_KEY, 'eligible')} [data-testid="activate-options"]`).click();
    await popup.waitForSelector('[data-testid="activation-form"] [data-testid="template"]');
    const templateId = await probe.evaluate(
      async () => ((await chrome.storage.local.get('templates')).templates as { id: string }[])[0]!.id,
    );
    await popup.select('[data-testid="activation-form"] [data-testid="template"]', templateId);
    await popup.locator('[data-testid="activation-submit"]').click();
    await popup.waitForSelector(row(ACTIVATE_KEY, 'active'), { timeout: 20_000 });
    await wait('local', 'remembered', `(v) => !!v && !!v[${JSON.stringify(ACTIVATE_KEY)}]`);
    await popup.locator(`${row(FAVOURITE_KEY)} [data-testid="favourite"]`).click();
    await wait('sync', 'favourites', `(v) => Array.isArray(v) && v.includes(${JSON.stringify(FAVOURITE_KEY)})`);

    // 4. The refresh after it: the snapshot shows the activation and no refresh is running.
    await wait(
      'local',
      'snapshot',
      `(v) => !!v && v.assignments.some((a) => a.key === ${JSON.stringify(ACTIVATE_KEY)} && a.state === 'active')`,
    );
    await wait('local', 'refreshState', '(v) => !!v && !v.inFlight');
    await popup.close();

    // 5. The dump: every area, read from an extension page (storage.session is not readable from content scripts).
    const storage = await probe.evaluate(async () => ({
      local: await chrome.storage.local.get(null),
      sync: await chrome.storage.sync.get(null),
      session: await chrome.storage.session.get(null),
    }));
    const leaks = tokenLike(storage);
    const secrets = secretsSent(await tenant.control.log());
    const text = JSON.stringify(storage);
    const found = secrets.filter((s) => text.includes(s));
    if (leaks.length > 0 || found.length > 0)
      throw new Error(
        `the dump holds token-like values: ${[...leaks, ...found.map(() => 'a /token secret')].join(', ')}`,
      );
    const fixture = {
      description:
        'chrome.storage as release 1 (storage layout 1) left it after a sign-in, a saved template, an activation with ' +
        'it and a starred role; captured by scripts/capture-release-storage.ts. No tokens: MSAL keeps them in ' +
        'localStorage, which is not captured.',
      commit,
      capturedAt: new Date().toISOString(),
      extensionId: id,
      tokenCheck: { tokenLikeValues: 0, tokenEndpointSecretsChecked: secrets.length },
      storage,
    };
    mkdirSync(dirname(outFile), { recursive: true });
    const style = (await resolveConfig(outFile)) ?? {};
    writeFileSync(outFile, await format(JSON.stringify(fixture), { ...style, parser: 'json' }));
    console.log(
      `wrote ${outFile}: commit ${commit}; local ${Object.keys(storage.local).join(', ')}; ` +
        `sync ${Object.keys(storage.sync).join(', ')}; session ${Object.keys(storage.session).join(', ') || '(empty)'}`,
    );
  } finally {
    await browser?.close();
    await tenant.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

await main();
