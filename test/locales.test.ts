// Every text exists in Dutch and English, with the same placeholders, and every literal key
// used in templates and code exists in the locale files.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { messages } from '../src/core/i18n.js';

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(f) ? [p] : [];
  });
}

describe('locale files', () => {
  it('have the same keys in nl and en, with the same placeholders', () => {
    const nl = [...messages.nl.keys()].sort();
    const en = [...messages.en.keys()].sort();
    expect(nl.filter((k) => !messages.en.has(k))).toEqual([]);
    expect(en.filter((k) => !messages.nl.has(k))).toEqual([]);
    const mismatched = nl.filter(
      (k) => JSON.stringify(placeholders(messages.nl.get(k)!)) !== JSON.stringify(placeholders(messages.en.get(k)!)),
    );
    expect(mismatched).toEqual([]);
    expect(nl.length).toBeGreaterThan(500);
  });

  it('hold every literal key the templates and the code ask for', () => {
    const root = path.resolve(import.meta.dirname, '..');
    const sources = [...files(path.join(root, 'views'), /\.eta$/), ...files(path.join(root, 'src'), /\.ts$/)];
    const used = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      // t('ns.key') and 'ns.errors.key' messages: only whole literal keys, not built ones.
      for (const m of text.matchAll(/\bt\(\s*'([a-z][\w-]*(?:\.[\w-]+)+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/'([a-z][\w-]*\.errors\.[\w-]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(200);
    expect([...used].filter((k) => !messages.nl.has(k)).sort()).toEqual([]);
  });
});
