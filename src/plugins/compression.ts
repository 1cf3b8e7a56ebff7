// Pages and other text answers compressed on the way out (brotli, else gzip), when the browser
// accepts it and the answer is at least 1 kB. Brotli at quality 4 costs little CPU for a page;
// static files are compressed ahead at the highest quality (assets.ts) and skip this.
// Request bodies are never decompressed: a form is small, and a compressed body could be a bomb.
import fp from 'fastify-plugin';
import compress from '@fastify/compress';
import { brotliCompressSync, constants, gzipSync, type BrotliOptions } from 'node:zlib';
import { chooseEncoding } from './assets.js';

export const COMPRESS_THRESHOLD = 1024;

const brotliOptions: BrotliOptions = {
  params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
};

export default fp(
  async (app) => {
    // Registered before any route: it adds itself to each route as the route is declared.
    await app.register(compress, {
      globalCompression: true,
      globalDecompression: false,
      encodings: ['br', 'gzip'],
      threshold: COMPRESS_THRESHOLD,
      brotliOptions,
      zlibOptions: { level: 6 },
    });
    // The not-found page is no declared route, so @fastify/compress never sees it: the same here.
    app.addHook('onSend', (req, reply, payload, done) => {
      if (!req.is404 || reply.hasHeader('content-encoding') || !/^text\//.test(String(reply.getHeader('content-type'))))
        return done(null, payload);
      if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
      const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
      const encoding = chooseEncoding(req.headers['accept-encoding'], { br: true, gzip: true });
      if (body.length < COMPRESS_THRESHOLD || !encoding) return done(null, payload);
      reply.header('vary', 'accept-encoding').header('content-encoding', encoding);
      done(null, encoding === 'br' ? brotliCompressSync(body, brotliOptions) : gzipSync(body, { level: 6 }));
    });
  },
  { name: 'compression' },
);
