// Server-rendered pages with Eta. Per-request values (texts, locale, csrf token, user) are put
// into reply.locals in one hook, so every template can use them.
import fp from 'fastify-plugin';
import view from '@fastify/view';
import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatters } from '../domain/time.js';
import { staffMenu } from '../features/staff-auth/menu.js';

export const viewsDir = fileURLToPath(new URL('../../views', import.meta.url));

export interface ViewOptions {
  production: boolean;
  municipality: { name: string; phone: string };
}

function withLang(url: string, lang: string): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set('lang', lang);
  return u.pathname + u.search;
}

export default fp<ViewOptions>(
  async (app, opts) => {
    const eta = new Eta({ views: viewsDir, cache: opts.production, autoEscape: true, autoTrim: false });
    await app.register(view, {
      engine: { eta },
      root: viewsDir,
      production: opts.production,
      viewExt: 'eta',
      defaultContext: { municipality: opts.municipality },
    });
    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      let token: string | null = null;
      reply.locals = {
        ...(reply.locals ?? {}),
        t: req.t,
        locale: req.locale,
        fmt: formatters(req.locale),
        staffMenu,
        path: req.url,
        otherLocale: req.locale === 'nl' ? 'en' : 'nl',
        switchLocaleUrl: withLang(req.url, req.locale === 'nl' ? 'en' : 'nl'),
        // Made on first use so pages without a form set no session cookie.
        csrf: () => (token ??= reply.generateCsrf()),
      };
    });
  },
  { name: 'view', dependencies: ['i18n', 'security'] },
);

declare module 'fastify' {
  interface FastifyReply {
    locals?: Record<string, unknown>;
  }
}
