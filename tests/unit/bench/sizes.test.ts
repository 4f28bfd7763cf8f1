/**
 * The bench's "JS before first paint" measure (scripts/bench/sizes.ts), on small builds shaped like Rolldown/Vite's
 * output: a page's module script, its modulepreload links and their static imports count before the first paint; a
 * chunk reached only through `import()` (with Vite's `__vite__mapDeps` preload list) counts after it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleSizes, loadGraph, moduleImports, pageEntries } from '../../../scripts/bench/sizes';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function build(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pim-sizes-'));
  dirs.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const MAP_DEPS =
  'const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["chunks/rest-C.js","chunks/forms-D.js","chunks/shared-B.js"])))=>i.map(i=>d[i]);';

describe('moduleImports', () => {
  it('tells static imports (minified and not) from dynamic ones', () => {
    const text = [
      'import{t as e,n as t}from"./shared-B.js";import"./side-E.js";export*from"./reexp-F.js";',
      "import { x } from '../chunks/plain-G.js';",
      MAP_DEPS,
      'const a=await e(()=>import(`./rest-C.js`),__vite__mapDeps([0,1,2]));',
      'const b=()=>import("./later-H.js");var c=x.import("./not-a-module.js");',
      'const s="see import.meta.url";',
    ].join('\n');
    const found = moduleImports('chunks/popup-A.js', text);
    expect(found.static.sort()).toEqual(
      ['chunks/plain-G.js', 'chunks/reexp-F.js', 'chunks/shared-B.js', 'chunks/side-E.js'].sort(),
    );
    expect(found.dynamic.sort()).toEqual(
      ['chunks/forms-D.js', 'chunks/later-H.js', 'chunks/rest-C.js', 'chunks/shared-B.js'].sort(),
    );
  });
});

describe('pageEntries', () => {
  it('counts the module script and modulepreload links, not stylesheets or other links', () => {
    const html = `<head><script type="module" crossorigin src="/chunks/popup-A.js"></script>
      <link rel="modulepreload" crossorigin href="/chunks/shared-B.js">
      <link rel="stylesheet" crossorigin href="/assets/popup.css"><link rel="icon" href="/icon/16.png"></head>`;
    expect(pageEntries(html)).toEqual({
      js: ['chunks/popup-A.js', 'chunks/shared-B.js'],
      css: ['assets/popup.css'],
    });
  });
});

describe('loadGraph and bundleSizes', () => {
  const split = {
    'popup.html': `<script type="module" src="/chunks/popup-A.js"></script>
      <link rel="modulepreload" href="/chunks/shared-B.js">`,
    'chunks/popup-A.js': `import{a}from"./shared-B.js";${MAP_DEPS}const r=import("./rest-C.js");a(${'1,'.repeat(50)}1);`,
    'chunks/shared-B.js': 'export const a=(...x)=>x.length;',
    'chunks/rest-C.js':
      'import{a}from"./shared-B.js";import{f}from"./forms-D.js";export const g=()=>import("./deep-E.js");',
    'chunks/forms-D.js': `export const f=${JSON.stringify('form '.repeat(200))};`,
    'chunks/deep-E.js': 'export const deep=1;',
    'chunks/unused-Z.js': 'export const z=1;',
  };

  it('puts what only import() reaches after the first paint, transitively, and shared chunks before it', () => {
    expect(loadGraph(build(split), ['chunks/popup-A.js'])).toEqual({
      eager: ['chunks/popup-A.js', 'chunks/shared-B.js'],
      lazy: ['chunks/deep-E.js', 'chunks/forms-D.js', 'chunks/rest-C.js'],
    });
  });

  it('counts everything before the first paint when every import is static (the popup before the split)', () => {
    const root = build({
      ...split,
      'chunks/popup-A.js': 'import{a}from"./shared-B.js";import{g}from"./rest-C.js";a();',
    });
    expect(loadGraph(root, ['chunks/popup-A.js'])).toEqual({
      eager: ['chunks/forms-D.js', 'chunks/popup-A.js', 'chunks/rest-C.js', 'chunks/shared-B.js'],
      // rest-C's own import() still waits.
      lazy: ['chunks/deep-E.js'],
    });
  });

  it('reports per-file sizes and the after-first-paint chunks of a page', () => {
    const root = build({
      ...split,
      'manifest.json': JSON.stringify({ background: { service_worker: 'background.js' } }),
      'background.js': 'self.x=1;',
      'options.html': '<script type="module" src="/chunks/shared-B.js"></script>',
      'auth.html': '<script type="module" src="/chunks/shared-B.js"></script>',
      'signin.html': '<script type="module" src="/chunks/shared-B.js"></script>',
    });
    const popup = bundleSizes(root).find((s) => s.context === 'popup')!;
    expect(popup.files).toEqual(['chunks/popup-A.js', 'chunks/shared-B.js']);
    expect(popup.fileSizes!.map((f) => f.file)).toEqual(popup.files);
    expect(popup.jsRawBytes).toBe(popup.fileSizes!.reduce((n, f) => n + f.rawBytes, 0));
    expect(popup.afterFirstPaint!.files.map((f) => f.file)).toEqual([
      'chunks/deep-E.js',
      'chunks/forms-D.js',
      'chunks/rest-C.js',
    ]);
    expect(popup.afterFirstPaint!.jsGzipBytes).toBeGreaterThan(0);
  });
});
