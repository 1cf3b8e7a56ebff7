// Light pages: pages compressed on the way out, static files with a hash in their address, kept a
// year, compressed ahead, and only the NL Design System CSS the views use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Client, createTestApp, csrfFrom, type TestApp } from './helpers/app.js';
import { loadAssets, buildAssets } from '../src/plugins/asset-build.js';
import { chooseEncoding, IMMUTABLE } from '../src/plugins/assets.js';
import {
  componentOf,
  keepReferencedTokens,
  nldsCss,
  parseTokens,
  UNSTYLED_CLASSES,
  utrechtClasses,
} from '../src/plugins/nlds-css.js';
import { nodeModulesDir, publicDir, viewsDir } from '../src/paths.js';

const dirs = { publicDir, viewsDir, nodeModulesDir };

/** The stylesheet addresses in a page. */
const sheets = (html: string) => [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);

describe('compressed pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('sends brotli or gzip as the browser asks, and keeps the security headers and no-store', async () => {
    const plain = await t.app.inject({ url: '/' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(1024);
    const br = await t.app.inject({ url: '/', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('no-store');
    expect(br.headers['content-security-policy']).toBe(plain.headers['content-security-policy']);
    expect(brotliDecompressSync(br.rawPayload).toString('utf8')).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    const gz = await t.app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(plain.body);
    const none = await t.app.inject({ url: '/', headers: { 'accept-encoding': 'identity' } });
    expect(none.headers['content-encoding']).toBeUndefined();
  });

  it('leaves small answers as they are', async () => {
    const res = await t.app.inject({ url: '/healthz', headers: { 'accept-encoding': 'br' } });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.length).toBeLessThan(1024);
    expect(res.headers['content-encoding']).toBeUndefined();
  });

  it('compresses error pages, and a form posted by a browser that accepts brotli still passes CSRF', async () => {
    const refused = await t.app.inject({ method: 'POST', url: '/aanmelden', headers: { 'accept-encoding': 'br' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(refused.rawPayload).toString('utf8')).toContain('<html');
    const plain404 = await t.app.inject({ url: '/bestaat-niet' });
    expect(plain404.headers['content-encoding']).toBeUndefined();
    for (const enc of ['br', 'gzip']) {
      const missing = await t.app.inject({ url: '/bestaat-niet', headers: { 'accept-encoding': enc } });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-encoding']).toBe(enc);
      expect(missing.headers['cache-control']).toBe('no-store');
      const unpacked = enc === 'br' ? brotliDecompressSync(missing.rawPayload) : gunzipSync(missing.rawPayload);
      expect(unpacked.toString('utf8')).toBe(plain404.body);
    }
    const c = new Client(t.app);
    const page = await c.get('/aanmelden');
    const res = await t.app.inject({
      method: 'POST',
      url: '/aanmelden',
      headers: {
        cookie: c.cookieString(),
        'accept-encoding': 'br',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({ _csrf: csrfFrom(page.body), postcode: '', houseNumber: '' }).toString(),
    });
    // The form again with its errors (400): the token passed, the body was read as sent.
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(res.rawPayload).toString('utf8')).toContain('error-summary');
  });
});

describe('static files', () => {
  let t: TestApp;
  let urls: string[];
  beforeAll(async () => {
    t = await createTestApp();
    urls = sheets((await t.app.inject('/')).body);
  });
  afterAll(async () => t?.close());

  it('are linked by hashed address, kept a year, and compressed ahead', async () => {
    expect(urls).toEqual([
      expect.stringMatching(/^\/static\/nlds\.[A-Za-z0-9]{12}\.css$/),
      expect.stringMatching(/^\/static\/css\/app\.[A-Za-z0-9]{12}\.css$/),
    ]);
    for (const url of urls) {
      const plain = await t.app.inject(url);
      expect(plain.statusCode, url).toBe(200);
      expect(plain.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(plain.headers['cache-control']).toBe(IMMUTABLE);
      expect(plain.headers.vary).toBe('Accept-Encoding');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['x-content-type-options']).toBe('nosniff');
      const br = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip, br' } });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true);
      const gz = await t.app.inject({ url, headers: { 'accept-encoding': 'gzip, br;q=0' } });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).equals(plain.rawPayload)).toBe(true);
      expect(br.headers.etag).not.toBe(plain.headers.etag);
      const again = await t.app.inject({ url, headers: { 'accept-encoding': 'br', 'if-none-match': br.headers.etag } });
      expect(again.statusCode).toBe(304);
      expect(again.rawPayload.length).toBe(0);
      const head = await t.app.inject({ method: 'HEAD', url, headers: { 'accept-encoding': 'br' } });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-length']).toBe(String(br.rawPayload.length));
      expect(head.rawPayload.length).toBe(0);
    }
  });

  it('answers an unknown hash with 404, and an old address with a redirect to the current one', async () => {
    const wrong = await t.app.inject(urls[0]!.replace(/\.[A-Za-z0-9]{12}\.css$/, '.AAAAAAAAAAAA.css'));
    expect(wrong.statusCode).toBe(404);
    expect(wrong.headers['cache-control']).toBe('no-store');
    expect((await t.app.inject('/static/nlds/package.json')).statusCode).toBe(404);
    expect((await t.app.inject('/static/../package.json')).statusCode).toBe(404);
    for (const [old, now] of [
      ['/static/css/app.css', urls[1]],
      ['/static/nlds/index.css', urls[0]],
      ['/static/nlds/root.css', urls[0]],
    ] as const) {
      const res = await t.app.inject(old);
      expect(res.statusCode, old).toBe(302);
      expect(res.headers.location).toBe(now);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('ships the NL Design System rules of every utrecht class in views/, and the tokens they read', async () => {
    const nlds = (await t.app.inject(urls[0]!)).body;
    const views = readFileSync(path.join(viewsDir, 'layouts/main.eta'), 'utf8');
    const built = await nldsCss(dirs, [readFileSync(path.join(publicDir, 'css/app.css'), 'utf8')]);
    expect(built.unknown).toEqual([]);
    expect(built.classes).toEqual(expect.arrayContaining(utrechtClasses([views])));
    for (const c of built.classes) {
      if (UNSTYLED_CLASSES.includes(c)) continue;
      expect(nlds, c).toMatch(new RegExp(`\\.${c}[^a-z0-9_-]`));
    }
    expect(built.classes).toContain('utrecht-heading-1');
    expect(nlds).toContain('--utrecht-heading-1-font-size:');
    // The whole bundle has about a hundred components; we need a handful.
    expect(built.components.length).toBeLessThan(25);
    expect(nlds).not.toContain('.utrecht-button');
    expect(built.tokensKept).toBeLessThan(built.tokensTotal / 4);
    expect(Buffer.byteLength(nlds)).toBeLessThan(60_000);
  });
});

describe('building the NL Design System CSS', () => {
  it('keeps tokens read directly or through another kept token, and no others', () => {
    const tokens = parseTokens(`/* x */ :root {
      --a: var(--b);  /* 1 */
      --b: 1px solid var(--c, red);
      --c: "x;y";
      --d: 2rem;
      --e: var(--d);
    }`);
    expect([...tokens.keys()]).toEqual(['--a', '--b', '--c', '--d', '--e']);
    expect(tokens.get('--c')).toBe('"x;y"');
    const kept = keepReferencedTokens(tokens, ['.x { margin: var(--a); color: var(--unknown, blue) }']);
    expect([...kept.keys()]).toEqual(['--a', '--b', '--c']);
  });

  it('maps classes to components and refuses a class name put together in a template', () => {
    expect(componentOf('utrecht-heading-1--distanced')).toBe('heading-1');
    expect(componentOf('utrecht-page-header__content')).toBe('page-header');
    expect(utrechtClasses(['<p class="utrecht-paragraph kt-x">'])).toEqual(['utrecht-paragraph']);
    expect(() => utrechtClasses(['<h2 class="utrecht-heading-<%= it.level %>">'])).toThrow(/put together/);
  });

  it('encodes only as accepted', async () => {
    const asset = { br: Buffer.from('b'), gzip: Buffer.from('g') } as Parameters<typeof chooseEncoding>[1];
    expect(chooseEncoding(undefined, asset)).toBeNull();
    expect(chooseEncoding('gzip, deflate, br, zstd', asset)).toBe('br');
    expect(chooseEncoding('br;q=0, gzip;q=0.5', asset)).toBe('gzip');
    expect(chooseEncoding('*', asset)).toBe('br');
    expect(chooseEncoding('identity', asset)).toBeNull();
  });

  it('stores the build on disk and reads the same bytes back on the next start', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'kt-assets-'));
    writeFileSync(path.join(cacheDir, 'assets-0000.json'), '{}');
    const first = await loadAssets(dirs, cacheDir);
    expect(readdirSync(cacheDir)).toEqual([`assets-${first.inputHash}.json`]);
    const fresh = await buildAssets(dirs);
    const started = performance.now();
    const again = await loadAssets(dirs, cacheDir);
    const readMs = performance.now() - started;
    expect(again.inputHash).toBe(first.inputHash);
    expect([...again.byUrl.keys()]).toEqual([...fresh.byUrl.keys()]);
    for (const [url, a] of again.byUrl) {
      const f = fresh.byUrl.get(url)!;
      expect(a.identity.equals(f.identity) && a.br!.equals(f.br!) && a.gzip!.equals(f.gzip!), url).toBe(true);
    }
    console.log(`assets: read from disk in ${readMs.toFixed(0)} ms`);
  });
});
