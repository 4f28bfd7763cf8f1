#!/usr/bin/env node
// `npm test`: install what is missing (npm packages, Chromium, Firefox ESR), typecheck, check formatting (Prettier) and
// lint (ESLint), build and pack the release packages, lint the Firefox package with Mozilla's addons-linter (web-ext
// lint), then unit, integration and e2e tests (Chromium and Firefox journeys, axe-core accessibility checks).
import { spawnSync } from 'node:child_process';
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
console.log('› Format (Prettier: npm run format fixes it)');
run('npx', ['prettier', '--check', '--log-level', 'warn', '.']);
console.log('› Lint (ESLint with typescript-eslint type-aware rules: eslint.config.js)');
run('npx', ['eslint', '--max-warnings', '0', '.']);
console.log('› Build and pack (Chrome/Edge and Firefox, production)');
run('node', ['scripts/zip.mjs']);
// Errors fail the run, and so does any warning or notice except these, which come from libraries, not from our code
// or manifest: innerHTML inside Preact's renderer (its dangerouslySetInnerHTML path, which we never use) and zod's
// guarded `Function('')` probe and compiler (never run: every context sets zod jitless, lib/zod-jitless.ts).
const LIBRARY_WARNINGS = [
  { code: 'UNSAFE_VAR_ASSIGNMENT', file: /^(chunks\/[\w-]+\.js|portal\.js)$/ },
  { code: 'DANGEROUS_EVAL', file: /^background\.js$/ },
];
console.log('› web-ext lint (Firefox package)');
const lint = JSON.parse(
  spawnSync(
    'npx',
    ['web-ext', 'lint', '--source-dir', resolve(outDir, 'firefox-mv3'), '--no-input', '--output', 'json'],
    { cwd: root, encoding: 'utf8' },
  ).stdout,
);
console.log(`  ${lint.summary.errors} errors, ${lint.summary.warnings} warnings, ${lint.summary.notices} notices`);
for (const m of [...lint.errors, ...lint.warnings, ...lint.notices])
  console.log(`  ${m._type} ${m.code} ${m.file ?? ''}: ${m.message}`);
if (lint.errors.length > 0) process.exit(1);
const ours = [...lint.warnings, ...lint.notices].filter(
  (m) => !LIBRARY_WARNINGS.some((w) => w.code === m.code && w.file.test(m.file ?? '')),
);
if (ours.length > 0) {
  console.error(
    `\n✖ web-ext lint: ${ours.length} warning(s) from our code or manifest:\n${ours.map((m) => `  ${m.code} ${m.file ?? ''}: ${m.message}`).join('\n')}`,
  );
  process.exit(1);
}
console.log('› Tests');
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
