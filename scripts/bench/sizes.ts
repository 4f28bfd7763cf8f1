/**
 * Item 5: gzipped JavaScript each context loads, gzip level 9 as stores and CDNs serve it.
 *
 * A page's JS *before its first paint* is its module script, the `modulepreload` links in its HTML and every chunk
 * those import statically, transitively (`import … from "./x.js"`, `import "./x.js"`, `export … from "./x.js"`): the
 * browser fetches and evaluates all of them before the module runs. Chunks reached only through `import("./x.js")`
 * (and the chunks those import, and the files Vite's preload helper lists for them in `__vite__mapDeps`) load when that
 * code runs, after the first paint: counted apart, in `afterFirstPaint`. The background worker and the content script
 * as shipped. Stylesheets are reported apart. The bundle-size test (tests/e2e/bundle-size.test.ts) reads the same
 * figures from the release build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface FileSize {
  file: string;
  gzipBytes: number;
  rawBytes: number;
}

export interface BundleSize {
  context: string;
  /** What loads before the page's first paint (for a worker or content script: all of it). */
  files: string[];
  /** The files above concatenated, gzipped. */
  jsGzipBytes: number;
  jsRawBytes: number;
  cssGzipBytes: number;
  /** Each file counted in `jsGzipBytes`, gzipped on its own (absent in results written before issue 18). */
  fileSizes?: FileSize[];
  /** Chunks only reached through a dynamic `import()`: loaded after the first paint (absent before issue 18). */
  afterFirstPaint?: { files: FileSize[]; jsGzipBytes: number; jsRawBytes: number };
}

const gz = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;

/** Module specifiers that name a file of the build: relative, or absolute from the extension's root. */
const SPEC = String.raw`(["'\`])(\.{0,2}\/[^"'\`\s]+?\.m?js)\1`;
/** `import … from "./x.js"`, `export … from "./x.js"` (minified: `import{a}from"./x.js"`, `export*from"./x.js"`). */
const STATIC_FROM = new RegExp(String.raw`(?<![\w$.])(?:import|export)(?![\w$.])[^;"'\`()]*?\bfrom\s*${SPEC}`, 'g');
/** `import "./x.js"`: a module evaluated for its side effects. */
const STATIC_BARE = new RegExp(String.raw`(?<![\w$.])import(?![\w$.])\s*${SPEC}`, 'g');
/** `import("./x.js")`: loaded when that code runs. */
const DYNAMIC = new RegExp(String.raw`(?<![\w$.])import\s*\(\s*${SPEC}\s*\)`, 'g');
/** Vite's preload helper lists each `import()`'s files: `__vite__mapDeps=(i,m=…,d=(m.f||(m.f=["chunks/x.js"])))`. */
const MAP_DEPS = /__vite__mapDeps\s*=[^[]*\[([^\]]*)\]/g;

export interface ModuleImports {
  static: string[];
  dynamic: string[];
}

/**
 * The build files a chunk imports, statically and dynamically, as paths from the build's root. Only specifiers naming
 * a `.js` file of the build count (bare package names cannot occur in a bundled extension).
 */
export function moduleImports(file: string, text: string): ModuleImports {
  const resolveSpec = (spec: string) =>
    spec.startsWith('/') ? posix.normalize(spec).slice(1) : posix.join(posix.dirname(file), spec);
  const found = (re: RegExp) => [...text.matchAll(re)].map((m) => resolveSpec(m[2]!));
  const mapped = [...text.matchAll(MAP_DEPS)].flatMap((m) =>
    [...m[1]!.matchAll(/["']([^"']+\.m?js)["']/g)].map((d) => posix.normalize(d[1]!.replace(/^\//, ''))),
  );
  return {
    static: [...new Set([...found(STATIC_FROM), ...found(STATIC_BARE)])],
    dynamic: [...new Set([...found(DYNAMIC), ...mapped])],
  };
}

/** Files `entries` load before running, and those they may load later through `import()`; missing files are skipped. */
export function loadGraph(root: string, entries: string[]): { eager: string[]; lazy: string[] } {
  const eager = new Set<string>();
  const lazyRoots: string[] = [];
  const read = (f: string) => moduleImports(f, readFileSync(join(root, f), 'utf8'));
  const walk = (f: string, into: Set<string>, skip: Set<string>) => {
    if (into.has(f) || skip.has(f) || !existsSync(join(root, f))) return;
    into.add(f);
    const imports = read(f);
    for (const dep of imports.static) walk(dep, into, skip);
    lazyRoots.push(...imports.dynamic);
  };
  for (const f of entries) walk(f, eager, new Set());
  const lazy = new Set<string>();
  // A lazily loaded chunk's own static and dynamic imports load after the first paint too, unless already eager.
  for (let i = 0; i < lazyRoots.length; i++) walk(lazyRoots[i]!, lazy, eager);
  return { eager: [...eager].sort(), lazy: [...lazy].sort() };
}

const fileSize = (root: string, file: string): FileSize => {
  const buf = readFileSync(join(root, file));
  return { file, gzipBytes: gz(buf), rawBytes: buf.length };
};

function measure(root: string, context: string, js: string[], css: string[]): BundleSize {
  const { eager, lazy } = loadGraph(root, js);
  const buf = Buffer.concat(eager.map((f) => readFileSync(join(root, f))));
  const lazyBuf = Buffer.concat(lazy.map((f) => readFileSync(join(root, f))));
  const cssBuf = Buffer.concat(css.map((f) => readFileSync(join(root, f))));
  return {
    context,
    files: eager,
    jsGzipBytes: gz(buf),
    jsRawBytes: buf.length,
    cssGzipBytes: css.length ? gz(cssBuf) : 0,
    fileSizes: eager.map((f) => fileSize(root, f)),
    afterFirstPaint: {
      files: lazy.map((f) => fileSize(root, f)),
      jsGzipBytes: lazy.length ? gz(lazyBuf) : 0,
      jsRawBytes: lazyBuf.length,
    },
  };
}

/** A page's module scripts and modulepreload links (both fetched before the module runs), and its stylesheets. */
export function pageEntries(html: string): { js: string[]; css: string[] } {
  const attr = (tag: string, name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`).exec(tag)?.[1];
  const strip = (p: string) => posix.normalize(p.replace(/^\//, ''));
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => attr(m[0], 'src')).filter((s) => s !== undefined);
  const links = [...html.matchAll(/<link\b[^>]*>/g)].map((m) => m[0]);
  const rel = (tag: string) => (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
  const hrefs = (kind: string) => links.filter((l) => rel(l).includes(kind)).flatMap((l) => attr(l, 'href') ?? []);
  return {
    js: [...scripts, ...hrefs('modulepreload')].map(strip),
    css: hrefs('stylesheet').map(strip),
  };
}

function page(root: string, context: string, html: string): BundleSize {
  const { js, css } = pageEntries(readFileSync(join(root, html), 'utf8'));
  return measure(root, context, js, css);
}

export function bundleSizes(root: string): BundleSize[] {
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as {
    background?: { service_worker?: string };
    content_scripts?: { js?: string[]; css?: string[] }[];
  };
  const cs = manifest.content_scripts?.[0] ?? {};
  return [
    page(root, 'popup', 'popup.html'),
    page(root, 'options', 'options.html'),
    measure(
      root,
      'content script',
      cs.js ?? [],
      cs.css ?? (existsSync(join(root, 'content-scripts/portal.css')) ? ['content-scripts/portal.css'] : []),
    ),
    measure(root, 'background', [manifest.background?.service_worker ?? 'background.js'], []),
    page(root, 'auth document', 'auth.html'),
    page(root, 'sign-in page', 'signin.html'),
  ];
}

/** One line per file, largest first: "chunks/popup-x.js 30.1 kB gz (90.2 kB raw)". */
export function describeFiles(files: readonly FileSize[]): string {
  return [...files]
    .sort((a, b) => b.gzipBytes - a.gzipBytes)
    .map((f) => `${f.file} ${(f.gzipBytes / 1000).toFixed(1)} kB gz (${(f.rawBytes / 1000).toFixed(1)} kB raw)`)
    .join('\n');
}
