// Every text comes from locale files: src/locales/<locale>/<namespace>.json. A key is
// "<namespace>.<path>", e.g. t('home.title'). Placeholders are written {name}.
// A text that depends on a number is a group with one text per plural form of the language
// ("one", "other"; Intl.PluralRules), chosen by the `count` parameter:
//   "intro": { "one": "Er staat {count} blok.", "other": "Er staan {count} blokken." }
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { localesDir } from '../paths.js';

export const locales = ['nl', 'en'] as const;
export type Locale = (typeof locales)[number];
export type Translate = (key: string, params?: Record<string, string | number>) => string;

type Tree = { [key: string]: string | Tree };
const folder = localesDir;

function flatten(tree: Tree, prefix: string, out: Map<string, string>): void {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else flatten(v, key, out);
  }
}

function loadLocale(locale: Locale): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(path.join(folder, locale))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const tree = JSON.parse(readFileSync(path.join(folder, locale, file), 'utf8')) as Tree;
    flatten(tree, path.basename(file, '.json'), out);
  }
  return out;
}

export const messages: Record<Locale, Map<string, string>> = { nl: loadLocale('nl'), en: loadLocale('en') };

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (locales as readonly string[]).includes(v);
}

const translators = new Map<Locale, Translate>();

export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = makeTranslator(locale)));
  return t;
}

function makeTranslator(locale: Locale): Translate {
  const table = messages[locale];
  const plural = new Intl.PluralRules(locale);
  const lookup = (key: string) => table.get(key) ?? messages.nl.get(key);
  return (key, params) => {
    const count = params?.count;
    const text =
      lookup(key) ??
      (typeof count === 'number' ? (lookup(`${key}.${plural.select(count)}`) ?? lookup(`${key}.other`)) : undefined);
    if (text === undefined) throw new Error(`Missing text: ${key}`);
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}
