// Every text exists in Dutch and English, with the same placeholders, and every literal key
// used in templates and code exists in the locale files.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { messages, translator } from '../src/core/i18n.js';

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
    // A text that depends on a number is a group of plural forms (src/core/i18n.ts).
    expect([...used].filter((k) => !messages.nl.has(k) && !messages.nl.has(`${k}.other`)).sort()).toEqual([]);
  });

  it('give every plural group the forms Dutch and English need, the "other" form with the count in it', () => {
    // A group is a key whose texts are exactly "one" and "other".
    const children = new Map<string, string[]>();
    for (const k of messages.nl.keys()) {
      const at = k.lastIndexOf('.');
      children.set(k.slice(0, at), [...(children.get(k.slice(0, at)) ?? []), k.slice(at + 1)]);
    }
    const groups = [...children].filter(([, c]) => c.sort().join() === 'one,other').map(([g]) => g);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      for (const locale of ['nl', 'en'] as const) {
        // "one" is only ever 1 in Dutch and English, so it may say so in words ("Het blok is gepland.").
        expect(messages[locale].get(`${g}.one`), `${locale} ${g}.one`).toBeTruthy();
        expect(messages[locale].get(`${g}.other`), `${locale} ${g}.other`).toContain('{count}');
      }
    }
  });

  it('choose the plural form by the count', () => {
    const nl = translator('nl');
    const en = translator('en');
    expect(nl('absence.detail.intro', { count: 1 })).toBe(
      'In deze tijd staat 1 blok. Kies wat er met dit blok gebeurt.',
    );
    expect(nl('absence.detail.intro', { count: 3 })).toMatch(/^In deze tijd staan 3 blokken\./);
    expect(nl('absence.detail.intro', { count: 0 })).toMatch(/^In deze tijd staan 0 blokken\./);
    expect(en('capacity.notice', { date: '1 December', count: 1 })).toContain('at least 1 working day ahead');
    expect(en('capacity.notice', { date: '1 December', count: 2 })).toContain('at least 2 working days ahead');
    expect(() => nl('absence.detail.intro')).toThrow('Missing text');
  });
});
