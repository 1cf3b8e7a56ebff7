// The NL Design System CSS the pages use, and nothing else: the @utrecht component packages whose
// classes appear in views/, plus the design tokens (custom properties of
// @utrecht/design-tokens/dist/root.css) that this CSS or our own CSS reads, followed through
// every var() in a kept token's value. The full bundle is 406 kB; this is a few kB.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Classes in views/ that have no component package and need none: `utrecht-theme` names the
 * theme scope for design tokens, which we ship as `:root` custom properties (root.css).
 */
export const UNSTYLED_CLASSES: readonly string[] = ['utrecht-theme'];

const CLASS = /\butrecht-[a-z0-9_-]*/g;

/** Every file under dir with the extension, sorted (so the result does not depend on the disk). */
export async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((d) => d.isFile() && d.name.endsWith(ext))
    .map((d) => path.join(d.parentPath, d.name))
    .sort();
}

/**
 * The utrecht-* classes in these template texts. A class name that is put together in the
 * template (`utrecht-heading-<%= level %>`) cannot be found this way and stops the build.
 */
export function utrechtClasses(sources: readonly string[]): string[] {
  const found = new Set<string>();
  for (const source of sources) {
    for (const m of source.matchAll(CLASS)) {
      const name = m[0];
      if (name.endsWith('-') || name.endsWith('_') || source.startsWith('<%', m.index + name.length))
        throw new Error(`a utrecht class is put together in a template (${name}…): write each class out in full`);
      found.add(name);
    }
  }
  return [...found].sort();
}

/** The component a class belongs to: utrecht-heading-1--distanced → heading-1. */
export function componentOf(className: string): string {
  return className.replace(/^utrecht-/, '').replace(/(__|--).*$/, '');
}

export function componentCssPath(nodeModulesDir: string, component: string): string {
  return path.join(nodeModulesDir, '@utrecht', `${component}-css`, 'dist', 'index.css');
}

/** The custom properties a stylesheet reads with var(). */
export function referencedProperties(css: string): Set<string> {
  const names = new Set<string>();
  for (const m of css.matchAll(/var\(\s*(--[A-Za-z0-9_-]+)/g)) names.add(m[1]!);
  return names;
}

/** The custom properties of a `:root { --name: value; … }` sheet, in their order. */
export function parseTokens(rootCss: string): Map<string, string> {
  const tokens = new Map<string, string>();
  const text = rootCss.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const block of text.matchAll(/:root\s*\{([^}]*)\}/g)) {
    for (const decl of splitDeclarations(block[1]!)) {
      const colon = decl.indexOf(':');
      if (colon < 0) continue;
      const name = decl.slice(0, colon).trim();
      if (name.startsWith('--')) tokens.set(name, decl.slice(colon + 1).trim());
    }
  }
  return tokens;
}

/** Splits at the semicolons that end declarations (not those inside quotes or brackets). */
function splitDeclarations(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quote) {
      if (c === quote && body[i - 1] !== '\\') quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ';' && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  out.push(body.slice(start));
  return out.filter((d) => d.trim() !== '');
}

/** The tokens the given CSS reads, and the tokens those read, and so on. */
export function keepReferencedTokens(tokens: Map<string, string>, readers: readonly string[]): Map<string, string> {
  const wanted = new Set<string>();
  const queue = readers.flatMap((css) => [...referencedProperties(css)]);
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (wanted.has(name) || !tokens.has(name)) continue;
    wanted.add(name);
    queue.push(...referencedProperties(tokens.get(name)!));
  }
  return new Map([...tokens].filter(([name]) => wanted.has(name)));
}

export interface NldsCss {
  /** The unminified CSS: `:root` with the kept tokens, then the components. */
  css: string;
  classes: string[];
  components: string[];
  /** Classes in views/ with neither a component package nor a place in UNSTYLED_CLASSES. */
  unknown: string[];
  tokensKept: number;
  tokensTotal: number;
  /** The files read, for the cache key. */
  inputs: string[];
}

export interface NldsDirs {
  viewsDir: string;
  nodeModulesDir: string;
}

/**
 * Components in the order of the full bundle (@utrecht/component-library-css), so rules of equal
 * weight win as they do there; one not found there goes last, by name.
 */
function inBundleOrder(components: string[], bundle: string): string[] {
  const at = (c: string) => {
    const i = bundle.search(new RegExp(`^\\.utrecht-${c}\\s*[{,]`, 'm'));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...components].sort((a, b) => at(a) - at(b) || a.localeCompare(b));
}

/** The NL Design System CSS for our views; `ownCss` (public/*.css) also keeps the tokens it reads. */
export async function nldsCss(dirs: NldsDirs, ownCss: readonly string[]): Promise<NldsCss> {
  const viewPaths = await filesUnder(dirs.viewsDir, '.eta');
  const views = await Promise.all(viewPaths.map((f) => readFile(f, 'utf8')));
  const classes = utrechtClasses(views);
  const components = new Set<string>();
  const unknown: string[] = [];
  for (const c of classes) {
    if (UNSTYLED_CLASSES.includes(c)) continue;
    const component = componentOf(c);
    if (existsSync(componentCssPath(dirs.nodeModulesDir, component))) components.add(component);
    else unknown.push(c);
  }
  const bundlePath = path.join(dirs.nodeModulesDir, '@utrecht/component-library-css/dist/index.css');
  const ordered = inBundleOrder([...components], await readFile(bundlePath, 'utf8'));
  const componentPaths = ordered.map((c) => componentCssPath(dirs.nodeModulesDir, c));
  const componentCss = await Promise.all(componentPaths.map((f) => readFile(f, 'utf8')));
  const tokensPath = path.join(dirs.nodeModulesDir, '@utrecht/design-tokens/dist/root.css');
  const tokens = parseTokens(await readFile(tokensPath, 'utf8'));
  const kept = keepReferencedTokens(tokens, [...componentCss, ...ownCss]);
  const root = `:root {\n${[...kept].map(([k, v]) => `  ${k}: ${v};`).join('\n')}\n}\n`;
  return {
    css: [root, ...componentCss].join('\n'),
    classes,
    components: ordered,
    unknown,
    tokensKept: kept.size,
    tokensTotal: tokens.size,
    inputs: [...viewPaths, bundlePath, ...componentPaths, tokensPath],
  };
}
