/**
 * Every language is complete and consistent: the same keys as English, the same placeholders (name and position),
 * every $NAME$ a message uses is defined and every defined one is used, plural pairs are whole, and every key the code
 * names literally exists (typed keys catch most of this in tsc; a cast or a built key would slip through).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES, type Message, type MessageTable } from './messages';

const ROOT = join(__dirname, '../../..');
const en = LOCALES.en!;
const localeDirs = readdirSync(join(ROOT, 'public/_locales'));

function placeholderShape(m: Message): Record<string, string> {
  return Object.fromEntries(Object.entries(m.placeholders ?? {}).map(([k, v]) => [k.toLowerCase(), v.content]));
}
function usedPlaceholders(m: Message): string[] {
  return [...new Set([...m.message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((x) => x[1]!.toLowerCase()))].sort();
}
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('locales', () => {
  it('has every language the project ships, English and Norwegian Bokmål', () => {
    expect(localeDirs.sort()).toEqual(expect.arrayContaining(['en', 'nb']));
    expect(Object.keys(LOCALES).sort()).toEqual(localeDirs.sort());
  });

  describe.each(Object.entries(LOCALES).filter(([lang]) => lang !== 'en'))('%s', (_, table: MessageTable) => {
    it('has exactly the keys of English', () => {
      const missing = Object.keys(en).filter((k) => !(k in table));
      const extra = Object.keys(table).filter((k) => !(k in en));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });

    it('declares the same placeholders (names and substitution positions) as English', () => {
      const differing = Object.keys(en).filter(
        (k) => k in table && JSON.stringify(placeholderShape(table[k]!)) !== JSON.stringify(placeholderShape(en[k]!)),
      );
      expect(differing).toEqual([]);
    });

    it('uses the same placeholders in each message as English', () => {
      const differing = Object.keys(en).filter(
        (k) => k in table && usedPlaceholders(table[k]!).join() !== usedPlaceholders(en[k]!).join(),
      );
      expect(differing).toEqual([]);
    });
  });

  describe.each(Object.entries(LOCALES))('%s', (_, table: MessageTable) => {
    it('has a non-empty message for every key, and only key names browsers accept', () => {
      expect(
        Object.entries(table)
          .filter(([, m]) => typeof m.message !== 'string' || m.message.trim() === '')
          .map(([k]) => k),
      ).toEqual([]);
      expect(Object.keys(table).filter((k) => !/^[A-Za-z0-9_@]+$/.test(k) || k.startsWith('@@'))).toEqual([]);
    });

    it('defines every placeholder a message uses, and uses every one it defines', () => {
      const broken = Object.entries(table).filter(
        ([, m]) => usedPlaceholders(m).join() !== Object.keys(placeholderShape(m)).sort().join(),
      );
      expect(broken.map(([k]) => k)).toEqual([]);
    });

    it('numbers substitutions $1…$n without gaps', () => {
      const broken = Object.entries(table).filter(([, m]) => {
        const positions = Object.values(placeholderShape(m))
          .map((c) => Number(/^\$(\d)$/.exec(c)?.[1] ?? NaN))
          .sort();
        return positions.some((p, i) => p !== i + 1);
      });
      expect(broken.map(([k]) => k)).toEqual([]);
    });

    it('has both forms of every plural message', () => {
      const keys = new Set(Object.keys(table));
      const orphans = [...keys].filter(
        (k) =>
          (k.endsWith('_one') && !keys.has(k.replace(/_one$/, '_other'))) ||
          (k.endsWith('_other') && !keys.has(k.replace(/_other$/, '_one'))),
      );
      expect(orphans).toEqual([]);
    });
  });

  it('has every key the code names literally in English', () => {
    const named = new Map<string, string>();
    for (const file of ['lib', 'components', 'entrypoints'].flatMap((d) => sourceFiles(join(ROOT, d)))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\b(?:t|tr|translate)\(\s*'([A-Za-z0-9_]+)'/g)) named.set(m[1]!, file);
      for (const m of text.matchAll(/\bplural\(\s*\w+,\s*'([A-Za-z0-9_]+)'/g)) named.set(`${m[1]!}_other`, file);
      for (const m of text.matchAll(/__MSG_([A-Za-z0-9_@]+)__/g)) named.set(m[1]!, file);
    }
    expect(named.size).toBeGreaterThan(100);
    const missing = [...named]
      .filter(([key]) => !(key in en))
      .map(([key, file]) => `${key} (${file.slice(ROOT.length + 1)})`);
    expect(missing).toEqual([]);
  });

  it('names the manifest through messages, so the store listing is translated too', () => {
    const config = readFileSync(join(ROOT, 'wxt.config.ts'), 'utf8');
    expect(config).toMatch(/__MSG_extName__/);
    expect(config).toMatch(/__MSG_extDescription__/);
    expect(config).toMatch(/default_locale:\s*'en'/);
  });
});
