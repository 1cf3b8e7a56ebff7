// Static files from memory (built once by asset-build.ts). A hashed address
// (/static/css/app.<hash>.css) never changes content, so browsers keep it a year without asking
// again; the layout finds the current address with `it.asset('css/app.css')`. The old, unhashed
// addresses (/static/css/app.css, /static/nlds/index.css, /static/nlds/root.css) redirect (302,
// not stored) to the current one. An unknown hash is a 404.
import fp from 'fastify-plugin';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ASSET_ALIASES, loadAssets, type Asset, type AssetDirs, type AssetManifest } from './asset-build.js';

export interface AssetOptions {
  dirs: AssetDirs;
  /** Where a built manifest is kept between starts (null: build every start). */
  cacheDir: string | null;
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The cache folder, next to the code it is built from (as other build tools keep theirs): not in
 * DATA_DIR, which holds the residents' data and its backups, and not in a temp folder that other
 * users of the machine could write to. Read-only node_modules only costs each start the build.
 */
export function assetCacheDir(nodeModulesDir: string): string {
  return path.join(nodeModulesDir, '.cache', 'keukentafel-assets');
}

// One build per process and inputs: tests start many apps.
const built = new Map<string, Promise<AssetManifest>>();

function manifestFor(opts: AssetOptions): Promise<AssetManifest> {
  const key = JSON.stringify(opts);
  let m = built.get(key);
  if (!m) {
    m = loadAssets(opts.dirs, opts.cacheDir);
    built.set(key, m);
    m.catch(() => built.delete(key));
  }
  return m;
}

/** The encoding to send: brotli, else gzip, if the client accepts it (q > 0) and we have it. */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  asset: Pick<Asset, 'br' | 'gzip'> | { br: boolean; gzip: boolean },
): 'br' | 'gzip' | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    if (name) q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepts = (enc: string) =>
    (q.get(enc) ?? (enc === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0) > 0;
  if (asset.br && accepts('br')) return 'br';
  if (asset.gzip && accepts('gzip')) return 'gzip';
  return null;
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

function sendAsset(req: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  const encoding = chooseEncoding(req.headers['accept-encoding'], asset);
  const etag = `"${asset.hash}${encoding ? `-${encoding}` : ''}"`;
  reply.header('cache-control', IMMUTABLE).header('vary', 'Accept-Encoding').header('etag', etag);
  if (etagMatches(req.headers['if-none-match'], etag)) return reply.code(304).send();
  if (encoding) reply.header('content-encoding', encoding);
  return reply.type(asset.type).send(encoding ? asset[encoding] : asset.identity);
}

/** Builds (or reads) the assets and gives every page `it.asset(name)`. */
export default fp<AssetOptions>(
  async (app, opts) => {
    const manifest = await manifestFor(opts);
    if (manifest.unknownClasses.length > 0)
      app.log.warn({ classes: manifest.unknownClasses }, 'utrecht classes in views without a component stylesheet');
    const asset = (name: string): string => {
      const a = manifest.byName.get(name);
      if (!a) throw new Error(`no static file ${name}`);
      return a.url;
    };
    app.decorate('assets', manifest);
    app.addHook('onRequest', (_req, reply, done) => {
      reply.locals = { ...(reply.locals ?? {}), asset };
      done();
    });
  },
  { name: 'assets' },
);

/** GET (and HEAD) /static/*: the files, from memory. Registered where every route is public. */
export function assetRoutes(app: FastifyInstance): void {
  const manifest = app.assets;
  app.get('/static/*', { compress: false }, async (req, reply) => {
    const hit = manifest.byUrl.get(req.url.split('?')[0]!);
    if (hit) return sendAsset(req, reply, hit);
    const rest = (req.params as { '*': string })['*'];
    const current = manifest.byName.get(ASSET_ALIASES.get(rest) ?? rest);
    if (current) return reply.redirect(current.url, 302);
    return reply.callNotFound();
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    assets: AssetManifest;
  }
}
