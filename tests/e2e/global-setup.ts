// The e2e suite tests the release build: `npm test` builds it first; a standalone `vitest --project e2e` builds it
// here.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export default function setup(): void {
  const out = process.env.WXT_OUT_DIR ?? '.output';
  if (!existsSync(resolve(out, 'chrome-mv3/manifest.json')))
    execFileSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
  if (!existsSync(resolve(out, 'firefox-mv3/manifest.json')))
    execFileSync('npx', ['wxt', 'build', '-b', 'firefox'], { stdio: 'inherit' });
}
