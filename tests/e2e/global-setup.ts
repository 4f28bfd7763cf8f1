// The e2e suite tests the release build: `npm test` builds it first; a standalone `vitest --project e2e` builds it here.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export default function setup(): void {
  const manifest = resolve(process.env.WXT_OUT_DIR ?? '.output', 'chrome-mv3/manifest.json');
  if (!existsSync(manifest)) execFileSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
}
