// Shared by `npm test` and `npm run demo`: install what the project needs, or say exactly what to install.
// Plain Node (no dependencies) so it runs on a fresh checkout before `npm ci`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`\n✖ ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

/**
 * What the toolchain really needs: Vite 8 and its bundler (rolldown), which WXT 0.21 builds with, need Node.js
 * ^20.19.0 or >=22.12.0 (require of ES modules). WXT itself declares >=22 but works on 20.19+, so npm's EBADENGINE
 * warning about wxt on Node 20 is harmless. package.json `engines` says the same.
 */
export function ensureNode(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  if ((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22) return;
  console.error(
    [
      `✖ Node.js ${version} is too old for this project's toolchain (Vite 8 / WXT 0.21 need Node.js 20.19+ or 22.12+).`,
      '  Install Node.js 22 LTS (or 20.19+), then run the command again, e.g.:',
      '    nvm install 22 && nvm use 22',
      '    or Debian/Ubuntu: the NodeSource packages (https://github.com/nodesource/distributions), or https://nodejs.org',
    ].join('\n'),
  );
  process.exit(1);
}

/** npm ci when node_modules is missing or older than package-lock.json. */
export function ensureDeps() {
  ensureNode();
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs && existsSync(join(root, '.wxt')))
    return;
  console.log('› Installing npm dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

const CANDIDATES = [
  '/usr/lib/chromium/chromium',
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/microsoft-edge',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

function findChromium() {
  if (process.env.CHROME_PATH) {
    if (existsSync(process.env.CHROME_PATH)) return process.env.CHROME_PATH;
    console.error(`✖ CHROME_PATH is set to ${process.env.CHROME_PATH}, which does not exist.`);
    process.exit(1);
  }
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

const isRootUser = () => typeof process.getuid === 'function' && process.getuid() === 0;
const hasAptGet = () => spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;

/**
 * Debian's chromium ships only its en-US UI strings; the extension's Norwegian test needs the browser's own locales
 * too (chromium-l10n), or Chromium falls back to English whatever LANGUAGE says.
 */
function ensureChromiumLocales(path) {
  if (!path.startsWith('/usr/lib/chromium/') && path !== '/usr/bin/chromium') return;
  if (existsSync('/usr/lib/chromium/locales/nb.pak')) return;
  if (isRootUser() && hasAptGet()) {
    console.log("› Installing Debian's chromium-l10n (Chromium's own translations, for the Norwegian UI test)…");
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium-l10n'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return;
  }
  console.error(
    '✖ Chromium has no Norwegian locale files. Install them and run again:  sudo apt-get install chromium-l10n',
  );
  process.exit(1);
}

/** Returns the path of a Chromium-family browser, installing Debian's chromium with apt-get when root. */
export function ensureChromium() {
  const path = findChromiumInstalled();
  ensureChromiumLocales(path);
  return path;
}

function findChromiumInstalled() {
  let path = findChromium();
  if (path) return path;
  const isRoot = isRootUser();
  const hasApt = hasAptGet();
  if (isRoot && hasApt) {
    console.log("› Chromium not found: installing Debian's chromium (and its translations) with apt-get…");
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'chromium-l10n'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    path = findChromium();
    if (path) return path;
  }
  console.error(
    [
      '✖ No Chromium-family browser found.',
      '  Install one, then run the command again:',
      '    Debian/Ubuntu:  sudo apt-get install chromium chromium-l10n',
      '    Fedora:         sudo dnf install chromium',
      '    macOS:          brew install --cask chromium',
      '  or point CHROME_PATH at an installed Chrome, Chromium or Edge binary.',
    ].join('\n'),
  );
  process.exit(1);
}

export function chromiumVersion(path) {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown version';
  }
}

const FIREFOX_CANDIDATES = [
  '/usr/bin/firefox-esr',
  '/usr/lib/firefox-esr/firefox-esr',
  '/usr/bin/firefox',
  '/Applications/Firefox.app/Contents/MacOS/firefox',
];

/**
 * Returns the path of Firefox for the Firefox e2e journeys (FIREFOX_PATH, else an installed Firefox ESR or Firefox),
 * installing Debian's firefox-esr with apt-get when root; otherwise says what to install.
 */
export function ensureFirefox() {
  if (process.env.FIREFOX_PATH) {
    if (existsSync(process.env.FIREFOX_PATH)) return process.env.FIREFOX_PATH;
    console.error(`✖ FIREFOX_PATH is set to ${process.env.FIREFOX_PATH}, which does not exist.`);
    process.exit(1);
  }
  const found = FIREFOX_CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  if (isRootUser() && hasAptGet()) {
    console.log("› Firefox not found: installing Debian's firefox-esr with apt-get…");
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'firefox-esr'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = FIREFOX_CANDIDATES.find((p) => existsSync(p));
    if (installed) return installed;
  }
  console.error(
    [
      '✖ No Firefox found (the Firefox end-to-end journeys need Firefox ESR 128 or later).',
      '  Install it, then run the command again:',
      '    Debian/Ubuntu:  sudo apt-get install firefox-esr',
      '    Fedora:         sudo dnf install firefox',
      '    macOS:          brew install --cask firefox',
      '  or point FIREFOX_PATH at an installed Firefox binary.',
    ].join('\n'),
  );
  process.exit(1);
}
