#!/usr/bin/env node
// `npm run screenshots`: the accessibility e2e checks, writing the pictures the README shows into docs/screenshots/
// (`npm test` writes them to the ignored test-output/ so that it leaves the working tree clean). Commit the result on
// purpose. Installs what it needs first, like `npm test`.
import { ensureChromium, ensureDeps, run } from './lib/ensure.mjs';

ensureDeps();
process.env.CHROME_PATH = ensureChromium();
process.env.SCREENSHOTS_DIR = 'docs/screenshots';
run('npx', ['wxt', 'build']);
run('npx', ['vitest', 'run', '--project', 'e2e', 'tests/e2e/a11y.test.ts']);
console.log('Screenshots written to docs/screenshots/.');
