// Who may use each route, decided on the route the router matched — never on the URL text —
// before any handler code runs (onRequest: before the body is read, so no write, mail or audit
// can happen first).
//
// Every route declares a rule in its config (`access`). A plugin whose routes are all public
// may declare that once for its scope with `publicScope(app)`; a staff route (/medewerker...)
// always declares its own. A route without a rule makes start-up fail.
import fp from 'fastify-plugin';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Role } from '../db/schema.js';
import { ktError } from '../errors.js';

/**
 * Who may use a route. 'public': anyone, logged in or not (a secret link in the URL may still
 * be checked by the handler). `roles`: logged-in staff with one of these roles. `teamScoped`:
 * the record named in the URL must belong to the user's own team; otherwise the answer is 404,
 * as if it did not exist (checked in the feature with `assertOwnTeam`). `token: 'metrics'`
 * (METRICS_ACCESS): a monitoring server sending METRICS_TOKEN as a bearer token; its `roles`
 * is empty because no staff session, not even an admin's, admits it.
 */
export type Access =
  | 'public'
  | { roles: readonly Role[]; teamScoped?: boolean }
  | { token: 'metrics'; roles: readonly Role[]; teamScoped?: never };

/** The rule of /metrics: only `Authorization: Bearer <METRICS_TOKEN>`. */
export const METRICS_ACCESS: Access = Object.freeze({ token: 'metrics', roles: Object.freeze([]) as readonly Role[] });

export interface AccessOptions {
  /** METRICS_TOKEN; null: routes with METRICS_ACCESS answer 404, as if they did not exist. */
  metricsToken?: string | null;
}

export interface RouteRule {
  method: string;
  url: string;
  access: Access;
}

export const STAFF_PREFIX = '/medewerker';
export const ROLES: readonly Role[] = ['coach', 'teamlead', 'frontoffice', 'admin', 'beleid', 'privacy'];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route with its access rule (read by the access-matrix test). */
    routeRules: RouteRule[];
  }
}

const scopeAccess = Symbol('kt.scopeAccess');

/** Declares every route registered in this encapsulated plugin public (not for staff URLs). */
export function publicScope(scope: FastifyInstance): void {
  (scope as unknown as Record<symbol, Access>)[scopeAccess] = 'public';
}

/**
 * The path as the most lenient router, proxy or browser could read it: percent-decoded (also
 * twice), backslashes as slashes, lower case, no empty or dot segments. Used only to recognise
 * the staff area in URLs no route matched; a matched route is judged by its own rule.
 */
export function lenientPath(url: string): string {
  let p = url.split(/[?#]/, 1)[0] ?? '';
  for (let i = 0; i < 5; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(p);
    } catch {
      decoded = p.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (decoded === p) break;
    p = decoded;
  }
  const segments: string[] = [];
  for (const seg of p.replace(/\\/g, '/').toLowerCase().split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  return `/${segments.join('/')}`;
}

export const isStaffPath = (url: string) => lenientPath(url).startsWith(STAFF_PREFIX);

function checkRule(access: unknown, where: string): Access {
  if (access === 'public') return access;
  const { roles, token } = (access ?? {}) as { roles?: unknown; token?: unknown };
  if (token === 'metrics' && Array.isArray(roles) && roles.length === 0) return access as Access;
  if (token === undefined && Array.isArray(roles) && roles.length > 0 && roles.every((r) => ROLES.includes(r as Role)))
    return access as Access;
  throw new Error(`${where}: access must be 'public', { roles: [...] } with known roles, or METRICS_ACCESS`);
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The token of `Authorization: Bearer <token>`, or null. */
function bearerToken(header: string | undefined): string | null {
  const m = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  return m ? m[1]! : null;
}

export default fp<AccessOptions>(
  async (app, opts) => {
    // Digests of equal length are compared in constant time, so the time taken tells nothing about
    // how much of a guess (or its length) was right.
    const metricsDigest = opts.metricsToken ? digest(opts.metricsToken) : null;
    const rules: RouteRule[] = [];
    app.decorate('routeRules', rules);

    app.addHook('onRoute', function (this: FastifyInstance, route: RouteOptions) {
      const methods = [route.method].flat();
      const where = `Route ${methods.join(',')} ${route.url}`;
      const own = route.config?.access;
      const inherited = isStaffPath(route.url)
        ? undefined
        : (this as unknown as Record<symbol, Access | undefined>)[scopeAccess];
      if (own === undefined && inherited === undefined) {
        throw new Error(`${where} declares no access rule: add config.access (or publicScope for a public plugin)`);
      }
      const access = checkRule(own ?? inherited, where);
      route.config = { ...route.config, access };
      for (const method of methods) if (method !== 'HEAD') rules.push({ method, url: route.url, access });
    });

    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const access = req.routeOptions.config?.access;
      if (access === 'public') return;
      if (access === undefined) {
        // No route matched (404, or a method the route does not have). Under the staff area the
        // visitor must still be logged in, so a stranger cannot map which staff URLs exist.
        if (req.routeOptions.url !== undefined) throw ktError('KT_FORBIDDEN', 'route without an access rule');
        if (!isStaffPath(req.url) || req.staff) return;
        return toLogin(req, reply);
      }
      if ('token' in access) {
        if (!metricsDigest) return reply.callNotFound();
        const given = bearerToken(req.headers.authorization);
        if (given !== null && timingSafeEqual(digest(given), metricsDigest)) return;
        // A plain answer for a machine (the error pages are for people), which tells a
        // misconfigured scraper what is wrong.
        req.log.info({ status: 401 }, 'request refused: no or wrong metrics token');
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .type('text/plain; charset=utf-8')
          .send('401 Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n');
      }
      if (!req.staff) return toLogin(req, reply);
      if (!access.roles.includes(req.staff.role)) throw ktError('KT_FORBIDDEN', 'role not allowed');
    });
  },
  { name: 'access', dependencies: ['auth'] },
);

async function toLogin(req: FastifyRequest, reply: FastifyReply) {
  const back = req.method === 'GET' && req.url.startsWith(STAFF_PREFIX) ? `?terug=${encodeURIComponent(req.url)}` : '';
  await reply.redirect(`${STAFF_PREFIX}/inloggen${back}`, 303);
  return reply;
}
