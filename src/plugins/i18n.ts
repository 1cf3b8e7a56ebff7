// Picks each request's language (the lang cookie, ?lang=, else the default) and gives it
// req.t. The texts and the translator itself live in core/i18n.ts.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLocale, translator, type Locale, type Translate } from '../core/i18n.js';

declare module 'fastify' {
  interface FastifyRequest {
    locale: Locale;
    t: Translate;
  }
}

export interface I18nOptions {
  defaultLocale: Locale;
}

export const LOCALE_COOKIE = 'lang';

export default fp<I18nOptions>(
  async (app, opts) => {
    app.decorateRequest('locale', 'nl');
    app.decorateRequest('t', null as unknown as Translate);
    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const query = req.query as Record<string, unknown> | undefined;
      let locale: Locale = opts.defaultLocale;
      const fromCookie = req.cookies[LOCALE_COOKIE];
      if (isLocale(fromCookie)) locale = fromCookie;
      if (query && isLocale(query.lang)) {
        locale = query.lang;
        reply.setCookie(LOCALE_COOKIE, locale, {
          path: '/',
          sameSite: 'lax',
          httpOnly: true,
          maxAge: 60 * 60 * 24 * 365,
        });
      }
      req.locale = locale;
      req.t = translator(locale);
    });
  },
  { name: 'i18n', dependencies: ['@fastify/cookie'] },
);
