#!/usr/bin/env node
// `npm run demo [-- --scenario FILE]`: install what is missing, build the release extension, start the stand-in tenant
// and run Chromium against it. With a display: a window ready to use. Without: a headless tour that writes
// screenshots and the stored snapshot to demo-output/ and exits 0.
import { ensureChromium, ensureDeps, run, chromiumVersion } from './lib/ensure.mjs';

ensureDeps();
const chrome = ensureChromium();
console.log(`› Browser: ${chrome} (${chromiumVersion(chrome)})`);
console.log('› Building the extension (production)…');
run('npx', ['wxt', 'build']);
run('npx', ['tsx', 'scripts/demo-run.ts', ...process.argv.slice(2)], { env: { ...process.env, CHROME_PATH: chrome } });
