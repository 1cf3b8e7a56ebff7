// Security headers, the session cookie, CSRF on every form post, and rate limits.
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
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

export default fp<SecurityOptions>(
  async (app, opts) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: opts.secureCookies ? [] : null,
        },
      },
      hsts: opts.secureCookies,
      referrerPolicy: { policy: 'same-origin' },
    });
    await app.register(secureSession, {
      key: createHash('sha256').update(opts.sessionSecret).digest(),
      cookieName: 'kt_session',
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
