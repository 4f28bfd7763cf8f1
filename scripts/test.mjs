#!/usr/bin/env node
// `npm test`: install what is missing (npm packages, Chromium, Firefox ESR), typecheck, build and pack the release
// packages, lint the Firefox package with Mozilla's addons-linter (web-ext lint), then unit, integration and e2e tests
// (Chromium and Firefox journeys, axe-core accessibility checks).
import { resolve } from 'node:path';
import { ensureChromium, ensureDeps, ensureFirefox, run, chromiumVersion, root } from './lib/ensure.mjs';

ensureDeps();
const chrome = ensureChromium();
console.log(`› Browser: ${chrome} (${chromiumVersion(chrome)})`);
process.env.CHROME_PATH = chrome;
const firefox = ensureFirefox();
console.log(`› Firefox: ${firefox} (${chromiumVersion(firefox)})`);
process.env.FIREFOX_PATH = firefox;
const outDir = resolve(root, process.env.WXT_OUT_DIR ?? '.output');

console.log('› Typecheck');
run('npx', ['tsc', '--noEmit']);
console.log('› Build and pack (Chrome/Edge and Firefox, production)');
run('node', ['scripts/zip.mjs']);
// Errors fail the run; warnings (innerHTML inside Preact's renderer, zod's guarded `new Function` probe) are printed only.
console.log('› web-ext lint (Firefox package)');
run('npx', ['web-ext', 'lint', '--source-dir', resolve(outDir, 'firefox-mv3'), '--no-input']);
console.log('› Tests');
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
