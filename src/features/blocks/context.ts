// What every block page needs: the block named in the URL with the caller's rights on it, the
// acting staff member, the posted fields and the mail context.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ownTeamRecord, requireStaff, type StaffSession } from '../../plugins/auth.js';
import type { MailContext } from '../../core/mail/appointment-view.js';
import { blockWithCoaches } from './repository.js';
import { teamCoaches } from '../../core/teams.js';
import { field, parseId, type TeamFormContext, type Values } from './schemas.js';
import type { Actor } from './service.js';

type Body = Record<string, unknown>;

export function actorOf(staff: StaffSession): Actor {
  return { id: staff.id, name: staff.name, teamId: staff.teamId! };
}

export function pick(body: Body, names: string[]): Values {
  return Object.fromEntries(names.map((n) => [n, field(body, n)]));
}

/** The block named in the URL: 404 when unknown or of another team. */
export async function loadBlock(app: FastifyInstance, req: FastifyRequest) {
  const staff = requireStaff(req);
  const id = parseId((req.params as { blockId?: string }).blockId);
  const block = ownTeamRecord(staff, id === null ? null : await blockWithCoaches(app.db, id), 'block');
  const canChange = staff.role === 'teamlead' || block.coaches.some((c) => c.id === staff.id);
  // A block that has begun, or is cancelled, is history.
  const open = block.status === 'active' && block.starts_at > app.now();
  return { staff, block, canChange, open };
}

/** What the forms that name team members are checked against (see TeamFormContext). */
export async function teamFormContext(app: FastifyInstance, staff: StaffSession): Promise<TeamFormContext> {
  const coaches = await teamCoaches(app.db, staff.teamId!);
  return {
    now: app.now(),
    selfId: staff.id,
    isTeamlead: staff.role === 'teamlead',
    teamCoachIds: new Set(coaches.map((c) => c.id)),
  };
}

export function mailContext(app: FastifyInstance): MailContext {
  return app.mailContext();
}
