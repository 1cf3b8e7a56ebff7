// Staff sessions: who is logged in (req.staff). Who may use which route is decided in
// plugins/access.ts; team scoping of records is checked in the features with `sameTeam`.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/schema.js';
import { ktError } from '../errors.js';
import { ROLES } from './access.js';

export { STAFF_PREFIX, type Access } from './access.js';

export interface StaffSession {
  id: number;
  name: string;
  email: string;
  role: Role;
  teamId: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff: StaffSession | null;
  }
}

declare module '@fastify/secure-session' {
  interface SessionData {
    staffId: number;
    staffSince: number;
    /** The person's session_version at login; a raised version ends this session. */
    staffVersion: number;
    /** When this session last made a request (ms); after IDLE_MINUTES without one it ends. */
    staffSeen: number;
  }
}

export const ALL_STAFF: readonly Role[] = ROLES;
export const CASE_ROLES: readonly Role[] = ['coach', 'teamlead'];
/** A staff session ends after this long, however busy (log in again for the next shift). */
export const SESSION_HOURS = 8;
/** ... or after this long without a request. */
export const IDLE_MINUTES = 30;

/** Coaches and team leads see only their own team's residents. */
export function sameTeam(staff: StaffSession, teamId: number | null): boolean {
  return staff.teamId !== null && staff.teamId === teamId;
}

/** Throws not_found (never "forbidden") so other teams' records stay invisible. */
export function assertOwnTeam(staff: StaffSession, teamId: number | null): void {
  if (!sameTeam(staff, teamId)) throw ktError('KT_NOT_FOUND', 'record of another team');
}

/** The record when it exists and is of the staff member's team; else a page that does not exist. */
export function ownTeamRecord<T extends { team_id: number | null }>(
  staff: StaffSession,
  row: T | null | undefined,
  what: string,
): T {
  if (!row) throw ktError('KT_NOT_FOUND', `no such ${what}`);
  assertOwnTeam(staff, row.team_id);
  return row;
}

export function requireStaff(req: FastifyRequest): StaffSession {
  if (!req.staff) throw ktError('KT_FORBIDDEN', 'not logged in');
  return req.staff;
}

/** Starts a staff session in a fresh cookie: nothing from before the login carries over. */
export function logIn(req: FastifyRequest, staff: { id: number; sessionVersion: number }, now: Date): void {
  req.session.regenerate();
  req.session.set('staffId', staff.id);
  req.session.set('staffSince', now.getTime());
  req.session.set('staffVersion', staff.sessionVersion);
  req.session.set('staffSeen', now.getTime());
}

/** Forgets the session in this browser (endSessions ends it everywhere). */
export function forgetSession(req: FastifyRequest): void {
  req.session.delete();
}

/**
 * Ends every session of these people, on every device, by raising their session version;
 * returns the new versions. Run it in the transaction that makes the change.
 */
export async function endSessions(db: Kysely<Database>, staffIds: number[]): Promise<Map<number, number>> {
  if (staffIds.length === 0) return new Map();
  const rows = await db
    .updateTable('staff_user')
    .set((eb) => ({ session_version: eb('session_version', '+', 1) }))
    .where('id', 'in', staffIds)
    .returning(['id', 'session_version'])
    .execute();
  return new Map(rows.map((r) => [r.id, r.session_version]));
}

export default fp(
  async (app) => {
    app.decorateRequest('staff', null);
    app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const id = req.session.get('staffId');
      const since = req.session.get('staffSince');
      const version = req.session.get('staffVersion');
      const seen = req.session.get('staffSeen');
      const now = app.now().getTime();
      const fresh =
        typeof since === 'number' &&
        now - since < SESSION_HOURS * 3600_000 &&
        typeof seen === 'number' &&
        now - seen < IDLE_MINUTES * 60_000;
      if (typeof id === 'number' && typeof version === 'number' && fresh) {
        const user = await app.db
          .selectFrom('staff_user')
          .select(['id', 'name', 'email', 'role', 'team_id'])
          .where('id', '=', id)
          .where('active', '=', true)
          .where('session_version', '=', version)
          .executeTakeFirst();
        if (user) {
          req.staff = { id: user.id, name: user.name, email: user.email, role: user.role, teamId: user.team_id };
          // Written at most once a minute, so not every response sets a cookie.
          if (now - seen! >= 60_000) req.session.set('staffSeen', now);
        }
      }
      if (reply.locals) reply.locals.staff = req.staff;
    });
  },
  { name: 'auth', dependencies: ['db', 'view'] },
);
