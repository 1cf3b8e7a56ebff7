// Security headers, the session cookie, CSRF on every form post, and rate limits.
import fp from 'fastify-plugin';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import secureSession from '@fastify/secure-session';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import { createHash } from 'node:crypto';

export interface SecurityOptions {
  sessionSecret: string;
  secureCookies: boolean;
  /** Public POSTs allowed per IP per minute. */
  publicPostLimit: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Skip the global CSRF check (only for endpoints that do not change state). */
    skipCsrf?: boolean;
  }
}

export function helmetOptions(secureCookies: boolean): Parameters<typeof helmet>[0] {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: secureCookies ? [] : null,
      },
    },
    hsts: secureCookies,
    referrerPolicy: { policy: 'same-origin' },
  };
}

/**
 * The headers helmet sets, worked out once. (@fastify/helmet builds helmet's middleware anew
 * for every request, which cost more than the rest of a cached calendar page's hooks together;
 * these headers do not depend on the request.)
 */
export function securityHeaders(options: Parameters<typeof helmet>[0]): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return res;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader(name: string) {
      return headers[name.toLowerCase()];
    },
  };
  let failed: unknown = null;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) failed = err;
  });
  if (failed) throw failed;
  return Object.freeze(headers) as Record<string, string>;
}

export default fp<SecurityOptions>(
  async (app, opts) => {
    const headers = securityHeaders(helmetOptions(opts.secureCookies));
    app.addHook('onRequest', (_req, reply, done) => {
      reply.headers(headers);
      done();
    });
    // Private by default: a response that does not say how it may be cached (only static files
    // do) is never stored by a browser or proxy. Pages of the sign-up, referral and return
    // flows, manage links and every staff page hold personal data or secret links.
    app.addHook('onSend', (_req, reply, payload, done) => {
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      done(null, payload);
    });
    await app.register(secureSession, {
      key: createHash('sha256').update(opts.sessionSecret).digest(),
      // Over https the __Host- prefix makes browsers refuse the cookie unless it is Secure, for
      // this host only and for the whole site: no subdomain or plain-http page can plant one.
      cookieName: opts.secureCookies ? '__Host-kt_session' : 'kt_session',
      expiry: 60 * 60 * 8,
      cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies },
    });
    await app.register(csrf, { sessionPlugin: '@fastify/secure-session' });
    // Forms post their token in the body, so the check runs once the body is parsed.
    app.addHook('preValidation', (req, reply, done) => {
      if (req.method !== 'POST' || req.routeOptions.config?.skipCsrf) return done();
      app.csrfProtection(req, reply, done);
    });
    await app.register(rateLimit, { global: false, max: opts.publicPostLimit, timeWindow: '1 minute' });
  },
  { name: 'security', dependencies: ['@fastify/cookie'] },
);
