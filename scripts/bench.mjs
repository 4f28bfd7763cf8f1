#!/usr/bin/env node
// `npm run bench [-- --latency 80 --runs 5]`: install what is missing, then run the benchmark (scripts/bench/).
import { ensureChromium, ensureDeps, run, chromiumVersion } from './lib/ensure.mjs';

ensureDeps();
const chrome = ensureChromium();
console.log(`› Browser: ${chrome} (${chromiumVersion(chrome)})`);
run('npx', ['tsx', 'scripts/bench/index.ts', ...process.argv.slice(2)], {
  env: { ...process.env, CHROME_PATH: chrome },
});
