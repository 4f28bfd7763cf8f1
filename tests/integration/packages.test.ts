/**
 * The store packages (`npm run zip`) ask for exactly what README.md documents: permissions, host permissions and the
 * sites the portal badge runs on, read from the zipped manifests themselves; and their content-security policy allows
 * no eval and connections to Microsoft's sign-in, Graph and Azure Resource Manager endpoints only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { z } from 'zod';
import { PORTAL_MATCHES } from '../../lib/pim/portals';
import { CLOUDS } from '../../lib/clouds';

const root = resolve(import.meta.dirname, '../..');
const outDir = resolve(root, process.env.WXT_OUT_DIR ?? '.output');
const version = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string }).version;
const pkg = (name: string) => resolve(outDir, `pim-companion-${version}-${name}.zip`);
const BROWSERS = ['chrome', 'firefox'] as const;
type Browser = (typeof BROWSERS)[number];

/** Entries of a zip archive (stored or deflated), read from its central directory: enough for WXT's archives. */
function unzip(file: string): Map<string, Buffer> {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip archive`);
  const entries = new Map<string, Buffer>();
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < buf.readUInt16LE(eocd + 10); i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const local = buf.readUInt32LE(p + 42);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    if (!name.endsWith('/')) entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return entries;
}

const Manifest = z.object({
  manifest_version: z.literal(3),
  permissions: z.array(z.string()),
  host_permissions: z.array(z.string()),
  content_scripts: z.array(z.object({ matches: z.array(z.string()), js: z.array(z.string()) })),
  content_security_policy: z.object({ extension_pages: z.string() }),
  background: z.object({ service_worker: z.string().optional(), scripts: z.array(z.string()).optional() }),
  action: z.object({ default_popup: z.string() }),
  options_ui: z.object({ page: z.string() }),
  browser_specific_settings: z.object({ gecko: z.object({ id: z.string() }) }).optional(),
  key: z.string().optional(),
});
type Manifest = z.infer<typeof Manifest>;

interface Documented {
  permissions: string[];
  host_permissions: string[];
  content_scripts: string[];
}

/**
 * README's "Permissions and why" table: one row per manifest entry, `| \`entry\` | kind | why |`, where kind is
 * "permission", "host permission" or "content script", optionally followed by "Chrome/Edge only" or "Firefox only".
 */
function documented(browser: Browser): Documented {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Permissions'));
  if (!section) throw new Error('README.md has no "## Permissions…" section');
  const out: Documented = { permissions: [], host_permissions: [], content_scripts: [] };
  for (const row of section.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)) {
    const [, entry, kindCell] = row as unknown as [string, string, string];
    const kind = kindCell.trim().toLowerCase();
    if (kind.includes('chrome/edge only') && browser !== 'chrome') continue;
    if (kind.includes('firefox only') && browser !== 'firefox') continue;
    if (kind.startsWith('host permission')) out.host_permissions.push(entry);
    else if (kind.startsWith('permission')) out.permissions.push(entry);
    else if (kind.startsWith('content script')) out.content_scripts.push(entry);
    else throw new Error(`README permission row \`${entry}\` has an unknown kind "${kindCell.trim()}"`);
  }
  return out;
}

const sorted = (xs: readonly string[]) => [...xs].sort();
const packages = new Map<Browser, { files: Map<string, Buffer>; manifest: Manifest }>();

beforeAll(() => {
  // `npm test` packs before the tests run; a standalone `vitest --project integration` packs here.
  if (!BROWSERS.every((b) => existsSync(pkg(b))))
    execFileSync('node', ['scripts/zip.mjs'], { cwd: root, stdio: 'inherit' });
  for (const b of BROWSERS) {
    const files = unzip(pkg(b));
    const raw = files.get('manifest.json');
    if (!raw) throw new Error(`${pkg(b)} has no manifest.json`);
    packages.set(b, { files, manifest: Manifest.parse(JSON.parse(raw.toString('utf8'))) });
  }
}, 180_000);

describe.each(BROWSERS)('%s package', (browser) => {
  const get = () => packages.get(browser)!;

  it('asks for exactly the permissions and hosts README.md documents', () => {
    const { manifest } = get();
    const doc = documented(browser);
    expect(sorted(manifest.permissions)).toEqual(sorted(doc.permissions));
    expect(sorted(manifest.host_permissions)).toEqual(sorted(doc.host_permissions));
    expect(new Set(manifest.permissions).size).toBe(manifest.permissions.length);
    expect(new Set(manifest.host_permissions).size).toBe(manifest.host_permissions.length);
  });

  it('runs the portal badge on exactly the portal hosts (PORTAL_MATCHES, as documented)', () => {
    const { manifest } = get();
    expect(manifest.content_scripts).toHaveLength(1);
    expect(sorted(manifest.content_scripts[0]!.matches)).toEqual(sorted(PORTAL_MATCHES));
    expect(sorted(documented(browser).content_scripts)).toEqual(sorted(PORTAL_MATCHES));
  });

  it('has a CSP without eval that connects to Microsoft sign-in, Graph and Azure Resource Manager only', () => {
    const csp = new Map(
      get()
        .manifest.content_security_policy.extension_pages.split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values] as const),
    );
    expect([...csp.values()].flat()).not.toContain("'unsafe-eval'");
    expect(csp.get('script-src')).toEqual(["'self'"]);
    const connect = csp.get('connect-src') ?? [];
    expect(sorted(connect)).toEqual(
      sorted([
        ...new Set(
          CLOUDS.flatMap((c) => [new URL(c.authority).origin, new URL(c.graph).origin, new URL(c.arm).origin]),
        ),
      ]),
    );
    for (const origin of connect) {
      const url = new URL(origin);
      expect(url.protocol).toBe('https:');
      expect(url.hostname).toMatch(
        /(^|\.)(microsoftonline\.com|microsoft\.com|microsoftonline\.us|microsoft\.us|chinacloudapi\.cn|management\.azure\.com|management\.usgovcloudapi\.net)$/,
      );
    }
  });

  it('contains every file its manifest points to', () => {
    const { files, manifest } = get();
    const referenced = [
      manifest.action.default_popup,
      manifest.options_ui.page,
      ...(manifest.background.scripts ?? []),
      ...(manifest.background.service_worker ? [manifest.background.service_worker] : []),
      ...manifest.content_scripts.flatMap((c) => c.js),
      '_locales/en/messages.json',
    ];
    for (const f of referenced) expect(files.has(f), f).toBe(true);
  });
});

describe('browser specifics', () => {
  it('Firefox: a gecko id and an event-page background; Chromium: the key that fixes the extension id', () => {
    const firefox = packages.get('firefox')!.manifest;
    const chrome = packages.get('chrome')!.manifest;
    expect(firefox.browser_specific_settings?.gecko.id).toMatch(/@/);
    expect(firefox.background.scripts?.length).toBeGreaterThan(0);
    expect(firefox.key).toBeUndefined();
    expect(chrome.key).toBeTruthy();
    expect(chrome.background.service_worker).toBeTruthy();
  });

  it('the sources archive for AMO review holds the build inputs and no tests or local output', () => {
    const names = [...unzip(resolve(outDir, `pim-companion-${version}-sources.zip`)).keys()];
    for (const f of ['package.json', 'package-lock.json', 'wxt.config.ts', 'tsconfig.json']) expect(names).toContain(f);
    expect(names.some((n) => n.startsWith('entrypoints/'))).toBe(true);
    expect(names.filter((n) => /^(tests|node_modules|demo-output|\.output|\.tmp)\//.test(n))).toEqual([]);
  });
});
