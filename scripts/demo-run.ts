/**
 * The demo proper (run by scripts/demo.mjs once dependencies, Chromium and the build are in place).
 */
import puppeteer from 'puppeteer-core';
import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeTenant } from '../tests/fake-tenant/index';
import { FABRIKAM } from '../tests/fake-tenant/testing';
import {
  accountKey,
  chromeArgs,
  chromePath,
  configureScript,
  CONTOSO,
  EXTENSION_DIR,
  launch,
  readStorage,
  signIn,
  waitForStorage,
} from '../tests/e2e/harness';

/** The demo world's second account: adm-lidia's guest account in Fabrikam (issue 16), with Fabrikam's own app. */
const FABRIKAM_CONNECTION = { cloudId: 'global', tenant: FABRIKAM.domain, clientId: FABRIKAM.clientId };
const ADMIN = 'adm-lidia@contoso.onmicrosoft.com';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const scenario = arg('scenario');
const outDir = resolve('demo-output');
const tenant = await startFakeTenant(scenario ? { scenario: resolve(scenario) } : {});
console.log(`› Stand-in tenant on ${tenant.origin} (scenario: ${scenario ?? 'default'})`);

if (process.env.DISPLAY && !process.argv.includes('--headless')) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'pim-demo-'));
  const browser = await puppeteer.launch({
    executablePath: chromePath(),
    headless: false,
    pipe: true,
    enableExtensions: [EXTENSION_DIR],
    userDataDir,
    defaultViewport: null,
    args: chromeArgs(tenant),
  });
  const sw = await browser.waitForTarget((t) => t.type() === 'service_worker');
  const id = new URL(sw.url()).host;
  const worker = await sw.worker();
  await worker?.evaluate(configureScript(CONTOSO, 'a1', 'Contoso'));
  await worker?.evaluate(configureScript(FABRIKAM_CONNECTION, 'a2', 'Fabrikam'));
  const page = await browser.newPage();
  await page.goto(`chrome-extension://${id}/signin.html?account=a1`);
  console.log(
    '› Chromium is open: sign in as Lidia Holloway (adm-lidia@…), then use the toolbar button. A second account,',
  );
  console.log(
    "  Fabrikam (her guest account there), is set up too: sign in to it from the popup's account switcher or options.",
  );
  console.log('  Ctrl-C ends the demo.');
  browser.on('disconnected', () => void tenant.close().then(() => process.exit(0)));
  process.on('SIGINT', () => void browser.close());
} else {
  mkdirSync(outDir, { recursive: true });
  const session = await launch(tenant);
  try {
    await (await session.worker()).evaluate(configureScript(CONTOSO, 'a1', 'Contoso'));
    await (await session.worker()).evaluate(configureScript(FABRIKAM_CONNECTION, 'a2', 'Fabrikam'));
    await signIn(session, ADMIN, 'a1');
    await signIn(session, ADMIN, 'a2');
    await waitForStorage(session, 'local', 'account.a2.snapshot', '(v) => !!v && v.assignments.length > 0');
    const popup = await session.browser.newPage();
    await popup.setViewport({ width: 380, height: 640, deviceScaleFactor: 2 });
    await popup.goto(`chrome-extension://${session.extensionId}/popup.html`);
    await waitForStorage(session, 'local', accountKey('refreshState'), '(v) => !!v && !v.inFlight');
    await popup.waitForSelector('[data-testid="assignment"]');
    const snapshot = await readStorage<{ assignments: unknown[] }>(session, 'local', accountKey('snapshot'));
    const rows = await popup.$$eval('[data-testid="assignment"]', (els) => els.length);
    const files: string[] = [];
    const shot = async (name: string) => {
      const path = join(outDir, name);
      await popup.screenshot({ path, fullPage: true });
      files.push(path);
    };
    await shot('popup-light.png');
    await popup.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await shot('popup-dark.png');
    // Every account's active roles side by side.
    await popup.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await popup.select('[data-testid="account-switch"]', 'all');
    await popup.waitForSelector('[data-testid="all-accounts"] section[data-account="a2"] li');
    await shot('popup-all-accounts.png');
    await popup.select('[data-testid="account-switch"]', 'a1');
    const options = await session.open('options.html');
    await options.setViewport({ width: 900, height: 800 });
    const optionsPath = join(outDir, 'options.png');
    await options.screenshot({ path: optionsPath, fullPage: true });
    files.push(optionsPath);
    const snapshotPath = join(outDir, 'snapshot.json');
    writeFileSync(snapshotPath, JSON.stringify(snapshot, null, 2));
    files.push(snapshotPath);
    console.log(
      `› Signed in as adm-lidia@contoso.onmicrosoft.com (Contoso, and her guest account in Fabrikam); the popup shows ${rows} rows (${snapshot.assignments.length} assignments in Contoso's snapshot). Wrote:`,
    );
    for (const f of files) console.log(`  ${f}`);
  } finally {
    await session.close();
    await tenant.close();
  }
}
