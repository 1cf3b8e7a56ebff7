// The static files, built once at start: every file in public/ and the trimmed NL Design System
// CSS (nlds-css.ts), CSS minified with lightningcss, each with a content hash in its URL and
// compressed ahead (brotli at quality 11 and gzip at level 9), so a request is only a lookup.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { transform } from 'lightningcss';
import { filesUnder, nldsCss, type NldsDirs } from './nlds-css.js';

export interface Asset {
  /** The name views ask for: `css/app.css`, `nlds.css`. */
  name: string;
  /** /static/css/app.<hash>.css */
  url: string;
  type: string;
  hash: string;
  identity: Buffer;
  br: Buffer | null;
  gzip: Buffer | null;
}

export interface AssetManifest {
  byName: ReadonlyMap<string, Asset>;
  byUrl: ReadonlyMap<string, Asset>;
  /** The key of everything read: changes whenever an input or this build changes. */
  inputHash: string;
  /** utrecht-* classes in views/ that the shipped CSS has no component for (should be none). */
  unknownClasses: string[];
}

export interface AssetDirs extends NldsDirs {
  publicDir: string;
}

/** Old addresses of the NL Design System sheets, before they were one trimmed file. */
export const ASSET_ALIASES: ReadonlyMap<string, string> = new Map([
  ['nlds/root.css', 'nlds.css'],
  ['nlds/index.css', 'nlds.css'],
]);

/** Raised when the way files are built changes, so no cached build of the old way is used. */
const BUILD_VERSION = '1';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = /^(text\/|image\/svg|application\/json)/;

export function minifyCss(name: string, css: string): Buffer {
  return Buffer.from(transform({ filename: name, code: Buffer.from(css), minify: true }).code);
}

export function hashedUrl(name: string, hash: string): string {
  const ext = path.extname(name);
  return `/static/${name.slice(0, name.length - ext.length)}.${hash}${ext}`;
}

/** The file's bytes, hash and both compressed forms (each kept only if smaller). */
export function makeAsset(name: string, bytes: Buffer): Asset {
  const type = TYPES[path.extname(name)] ?? 'application/octet-stream';
  const hash = createHash('sha256').update(bytes).digest('base64url').slice(0, 12).replace(/[-_]/g, 'x');
  let br: Buffer | null = null;
  let gzip: Buffer | null = null;
  if (COMPRESSIBLE.test(type)) {
    br = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
    gzip = gzipSync(bytes, { level: 9 });
    if (br.length >= bytes.length) br = null;
    if (gzip.length >= bytes.length) gzip = null;
  }
  return { name, url: hashedUrl(name, hash), type, hash, identity: bytes, br, gzip };
}

function manifestOf(assets: Asset[], inputHash: string, unknownClasses: string[]): AssetManifest {
  return {
    byName: new Map(assets.map((a) => [a.name, a])),
    byUrl: new Map(assets.map((a) => [a.url, a])),
    inputHash,
    unknownClasses,
  };
}

async function inputHashOf(files: string[]): Promise<string> {
  const h = createHash('sha256').update(BUILD_VERSION);
  for (const f of files) h.update(`\0${f}\0`).update(await readFile(f));
  return h.digest('hex').slice(0, 24);
}

/** Builds every asset from its sources (about a second: brotli at quality 11 is most of it). */
export async function buildAssets(dirs: AssetDirs): Promise<AssetManifest> {
  const publicFiles = await filesUnder(dirs.publicDir, '');
  const names = publicFiles.map((f) => path.relative(dirs.publicDir, f).split(path.sep).join('/'));
  const sources = await Promise.all(publicFiles.map((f) => readFile(f)));
  const ownCss = names.flatMap((n, i) => (n.endsWith('.css') ? [sources[i]!.toString('utf8')] : []));
  const nlds = await nldsCss(dirs, ownCss);
  const inputHash = await inputHashOf([...publicFiles, ...nlds.inputs]);
  const assets = names.map((n, i) =>
    makeAsset(n, n.endsWith('.css') ? minifyCss(n, sources[i]!.toString('utf8')) : sources[i]!),
  );
  assets.push(makeAsset('nlds.css', minifyCss('nlds.css', nlds.css)));
  return manifestOf(assets, inputHash, nlds.unknown);
}

interface Stored {
  inputHash: string;
  unknownClasses: string[];
  assets: { name: string; hash: string; type: string; identity: string; br: string | null; gzip: string | null }[];
}

/** The build, read from `cacheDir` when one of the same inputs is there, else built and stored. */
export async function loadAssets(dirs: AssetDirs, cacheDir: string | null): Promise<AssetManifest> {
  if (!cacheDir) return buildAssets(dirs);
  const publicFiles = await filesUnder(dirs.publicDir, '');
  const ownCss = await Promise.all(publicFiles.filter((f) => f.endsWith('.css')).map((f) => readFile(f, 'utf8')));
  const nlds = await nldsCss(dirs, ownCss);
  const inputHash = await inputHashOf([...publicFiles, ...nlds.inputs]);
  const file = path.join(cacheDir, `assets-${inputHash}.json`);
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Stored;
    if (stored.inputHash === inputHash) {
      const b = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64'));
      const assets = stored.assets.map((a) => ({
        ...a,
        url: hashedUrl(a.name, a.hash),
        identity: b(a.identity)!,
        br: b(a.br),
        gzip: b(a.gzip),
      }));
      return manifestOf(assets, inputHash, stored.unknownClasses);
    }
  } catch {
    // Not built yet (or unreadable): build below.
  }
  const built = await buildAssets(dirs);
  const b64 = (x: Buffer | null) => (x === null ? null : x.toString('base64'));
  const stored: Stored = {
    inputHash: built.inputHash,
    unknownClasses: built.unknownClasses,
    assets: [...built.byName.values()].map((a) => ({
      name: a.name,
      hash: a.hash,
      type: a.type,
      identity: b64(a.identity)!,
      br: b64(a.br),
      gzip: b64(a.gzip),
    })),
  };
  try {
    await mkdir(cacheDir, { recursive: true });
    // Written aside, then renamed: another process starting now never reads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(stored));
    await rename(tmp, path.join(cacheDir, `assets-${built.inputHash}.json`));
    // Builds of earlier inputs (an older release) are not needed again.
    for (const f of await readdir(cacheDir))
      if (/^assets-\w+\.json$/.test(f) && f !== path.basename(file)) await rm(path.join(cacheDir, f), { force: true });
  } catch {
    // A cache that cannot be written only costs the next start its build time.
  }
  return built;
}
