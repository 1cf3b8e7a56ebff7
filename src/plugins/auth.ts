// Staff sessions and access rules. Every route under /medewerker declares who may use it in
// its route config (`access`); a route without a rule is refused, and the access-matrix test
// fails on it. Team scoping of records is checked in the features with `sameTeam`.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../db/schema.js';
import { DomainError } from '../errors.js';

/**
 * Who may use a staff route. `teamScoped`: the record named in the URL (an appointment, block,
 * request, absence or staff member) must belong to the user's own team; otherwise the answer
 * is 404, as if it did not exist.
 */
export type Access = { roles: readonly Role[]; teamScoped?: boolean } | 'anyone';

export interface StaffRoute {
  method: string;
  url: string;
  access: Access | undefined;
}

export interface StaffSession {
  id: number;
  name: string;
  email: string;
  role: Role;
  teamId: number | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    staff: StaffSession | null;
  }
  interface FastifyInstance {
    /** Every route under /medewerker with its access rule (read by the access-matrix test). */
    staffRoutes: StaffRoute[];
  }
}

declare module '@fastify/secure-session' {
  interface SessionData {
    staffId: number;
    staffSince: number;
  }
}

export const ALL_STAFF: readonly Role[] = ['coach', 'teamlead', 'frontoffice', 'admin'];
export const CASE_ROLES: readonly Role[] = ['coach', 'teamlead'];
export const STAFF_PREFIX = '/medewerker';
const SESSION_HOURS = 8;

/** Coaches and team leads see only their own team's residents. */
export function sameTeam(staff: StaffSession, teamId: number | null): boolean {
  return staff.teamId !== null && staff.teamId === teamId;
}

/** Throws not_found (never "forbidden") so other teams' records stay invisible. */
export function assertOwnTeam(staff: StaffSession, teamId: number | null): void {
  if (!sameTeam(staff, teamId)) throw new DomainError('not_found', 'record of another team');
}

export function requireStaff(req: FastifyRequest): StaffSession {
  if (!req.staff) throw new DomainError('forbidden', 'not logged in');
  return req.staff;
}

export function logIn(req: FastifyRequest, staffId: number, now: Date): void {
  req.session.set('staffId', staffId);
  req.session.set('staffSince', now.getTime());
}

export function logOut(req: FastifyRequest): void {
  req.session.set('staffId', undefined);
  req.session.set('staffSince', undefined);
}

export default fp(
  async (app) => {
    app.decorateRequest('staff', null);
    const staffRoutes: StaffRoute[] = [];
    app.decorate('staffRoutes', staffRoutes);
    app.addHook('onRoute', (r) => {
      if (!r.url.startsWith(STAFF_PREFIX)) return;
      for (const method of [r.method].flat()) {
        if (method === 'HEAD') continue;
        staffRoutes.push({ method, url: r.url, access: (r.config as { access?: Access } | undefined)?.access });
      }
    });

    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const id = req.session.get('staffId');
      const since = req.session.get('staffSince');
      if (typeof id === 'number' && typeof since === 'number' && app.now().getTime() - since < SESSION_HOURS * 3600_000) {
        const user = await app.db
          .selectFrom('staff_user')
          .select(['id', 'name', 'email', 'role', 'team_id'])
          .where('id', '=', id)
          .where('active', '=', true)
          .executeTakeFirst();
        if (user) req.staff = { id: user.id, name: user.name, email: user.email, role: user.role, teamId: user.team_id };
      }
      if (reply.locals) reply.locals.staff = req.staff;
      if (!req.url.startsWith(STAFF_PREFIX)) return;
      // Staff pages hold personal data: never cached.
      reply.header('cache-control', 'no-store');
      const access = req.routeOptions.config?.access;
      if (access === undefined) {
        // Only an unknown URL (404) may come here without a rule.
        if (req.routeOptions.url) throw new DomainError('forbidden', `no access rule for ${req.routeOptions.url}`);
        return;
      }
      if (access === 'anyone') return;
      if (!req.staff) {
        const back = req.method === 'GET' ? `?terug=${encodeURIComponent(req.url)}` : '';
        await reply.redirect(`${STAFF_PREFIX}/inloggen${back}`, 303);
        return reply;
      }
      if (!access.roles.includes(req.staff.role)) throw new DomainError('forbidden', 'role not allowed');
    });
  },
  { name: 'auth', dependencies: ['db', 'view'] },
);
