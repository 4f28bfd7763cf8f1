#!/usr/bin/env node
// `npm test`: install what is missing, typecheck, build the release packages, then unit, integration and e2e tests.
import { ensureChromium, ensureDeps, run, chromiumVersion } from './lib/ensure.mjs';

ensureDeps();
const chrome = ensureChromium();
console.log(`› Browser: ${chrome} (${chromiumVersion(chrome)})`);
process.env.CHROME_PATH = chrome;

console.log('› Typecheck');
run('npx', ['tsc', '--noEmit']);
console.log('› Build (Chromium and Firefox, production)');
run('npx', ['wxt', 'build']);
run('npx', ['wxt', 'build', '-b', 'firefox']);
console.log('› Tests');
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
