/**
 * The demo proper (run by scripts/demo.mjs once dependencies, Chromium and the build are in place).
 */
import puppeteer from 'puppeteer-core';
import { mkdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeTenant } from '../tests/fake-tenant/index';
import {
  accountKey,
  chromeArgs,
  chromePath,
  configure,
  configureScript,
  CONTOSO,
  EXTENSION_DIR,
  launch,
  readStorage,
  signIn,
  waitForStorage,
} from '../tests/e2e/harness';

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
  await worker?.evaluate(configureScript(CONTOSO));
  const page = await browser.newPage();
  await page.goto(`chrome-extension://${id}/signin.html`);
  console.log(
    '› Chromium is open: sign in as Lidia Holloway (adm-lidia@…), then use the toolbar button. Ctrl-C ends the demo.',
  );
  browser.on('disconnected', () => void tenant.close().then(() => process.exit(0)));
  process.on('SIGINT', () => void browser.close());
} else {
  mkdirSync(outDir, { recursive: true });
  const session = await launch(tenant);
  try {
    await configure(session);
    await signIn(session);
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
    const options = await session.open('options.html');
    await options.setViewport({ width: 900, height: 800 });
    const optionsPath = join(outDir, 'options.png');
    await options.screenshot({ path: optionsPath, fullPage: true });
    files.push(optionsPath);
    const snapshotPath = join(outDir, 'snapshot.json');
    writeFileSync(snapshotPath, JSON.stringify(snapshot, null, 2));
    files.push(snapshotPath);
    console.log(
      `› Signed in as adm-lidia@contoso.onmicrosoft.com; the popup shows ${rows} rows (${snapshot.assignments.length} assignments in the snapshot). Wrote:`,
    );
    for (const f of files) console.log(`  ${f}`);
  } finally {
    await session.close();
    await tenant.close();
  }
}
