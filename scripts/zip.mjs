#!/usr/bin/env node
// `npm run zip`: production builds packed for the stores, into the output folder (.output, or WXT_OUT_DIR):
//   pim-companion-<version>-chrome.zip   Chrome and Edge (Chrome Web Store, Edge Add-ons, or unpacked)
//   pim-companion-<version>-firefox.zip  Firefox MV3 (addons.mozilla.org)
//   pim-companion-<version>-sources.zip  what AMO asks for with minified code: the sources to rebuild it
// WXT's programmatic zip rather than `wxt zip` so the sources archive holds only what a reviewer needs to rebuild
// (no demo output, screenshots or stand-in tenant) without putting packaging details into wxt.config.ts.
import { zip } from 'wxt';

const sources = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'wxt.config.ts',
  'README.md',
  'entrypoints/**',
  'components/**',
  'lib/**',
  'public/**',
];

const artifacts = [];
for (const browser of ['chrome', 'firefox']) {
  artifacts.push(...(await zip({ browser, manifestVersion: 3, zip: { includeSources: sources } })));
}
console.log(['› Packages:', ...artifacts.map((a) => `  ${a}`)].join('\n'));
