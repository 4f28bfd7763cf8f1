/**
 * Item 5: gzipped JavaScript each context loads: an HTML page's module script and every chunk it imports statically
 * (what the browser fetches and parses before the page runs), the background worker, the content script.
 * Stylesheets are reported apart. gzip level 9, as stores and CDNs serve it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  context: string;
  files: string[];
  jsGzipBytes: number;
  jsRawBytes: number;
  cssGzipBytes: number;
}

const gz = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;

/** A chunk and everything it imports statically (`from"./x.js"` / `import"./x.js"` in minified output). */
function closure(root: string, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(root, file), 'utf8');
  for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g)) {
    const dep = resolve('/', dirname(file), m[1]!).slice(1);
    if (existsSync(join(root, dep))) closure(root, dep, seen);
  }
  return seen;
}

function measure(root: string, context: string, js: string[], css: string[]): BundleSize {
  const files = new Set<string>();
  for (const f of js) closure(root, f, files);
  const all = [...files].sort();
  const buf = Buffer.concat(all.map((f) => readFileSync(join(root, f))));
  const cssBuf = Buffer.concat(css.map((f) => readFileSync(join(root, f))));
  return {
    context,
    files: all,
    jsGzipBytes: gz(buf),
    jsRawBytes: buf.length,
    cssGzipBytes: css.length ? gz(cssBuf) : 0,
  };
}

function page(root: string, context: string, html: string): BundleSize {
  const text = readFileSync(join(root, html), 'utf8');
  const js = [...text.matchAll(/<script[^>]*src="\/?([^"]+)"/g)].map((m) => m[1]!);
  const css = [...text.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="\/?([^"]+)"/g)].map((m) => m[1]!);
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
