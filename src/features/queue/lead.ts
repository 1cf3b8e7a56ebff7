// Residents whose fixed coach (regie) left the team: deactivated, or moved to another team.
// The link to the coach who left is kept (a returning resident is told plainly that their coach
// no longer works in the team), and the team's queue shows a task "choose a new fixed coach"
// until a team member picks one. The known coach is the one of the resident's last request in
// the team, else the resident's own (as the returning flow reads it).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Db } from '../../core/db.js';
import type { StaffSession } from '../../plugins/auth.js';
import { ktError } from '../../errors.js';
import { audit } from '../../core/audit.js';
import { teamCoaches } from '../../core/teams.js';
import { LIST_LIMIT } from './repository.js';

export interface LeadLeft {
  request_id: number;
  resident_id: number;
  name: string;
  left_name: string;
}

/** The team's residents whose known coach no longer works in the team, by their last request. */
export async function leadsLeft(db: Db, teamId: number): Promise<LeadLeft[]> {
  const rows = await sql<LeadLeft>`
    select q.id as request_id, r.id as resident_id, r.name, s.name as left_name
    from resident r
    join lateral (
      select id, team_id, lead_coach_id from request
      where resident_id = r.id and team_id is not null
      order by submitted_at desc, id desc limit 1
    ) q on true
    join staff_user s on s.id = coalesce(q.lead_coach_id, r.lead_coach_id)
    where q.team_id = ${teamId} and (not s.active or s.team_id is distinct from q.team_id)
    order by r.name, r.id
    limit ${LIST_LIMIT}`.execute(db);
  return rows.rows;
}

/** The request of the URL, when it is its resident's last one in the staff member's team. */
async function ownTask(db: Db, staff: StaffSession, requestId: number): Promise<LeadLeft | null> {
  if (staff.teamId === null) return null;
  return (await leadsLeft(db, staff.teamId)).find((x) => x.request_id === requestId) ?? null;
}

/** Whether the request exists in the staff member's team (else: 404). */
export async function requestOfOwnTeam(db: Kysely<Database>, staff: StaffSession, requestId: number): Promise<void> {
  const r = await db.selectFrom('request').select('team_id').where('id', '=', requestId).executeTakeFirst();
  if (!r || r.team_id === null || r.team_id !== staff.teamId) throw ktError('KT_NOT_FOUND', 'no such request');
}

/** The coach chosen on the form: an active coach of the team; else the message for the field. */
export async function checkLead(db: Db, staff: StaffSession, value: string): Promise<number | string> {
  if (!value.trim()) return 'queue.errors.leadEmpty';
  const id = /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : null;
  const coaches = await teamCoaches(db, staff.teamId!);
  return id !== null && coaches.some((c) => c.id === id) ? id : 'queue.errors.leadInvalid';
}

/**
 * Hands the resident over to the chosen coach: the resident's and the last request's lead.
 * false when there is no such task (anymore): someone else was first.
 */
export async function handOver(
  db: Kysely<Database>,
  staff: StaffSession,
  requestId: number,
  coachId: number,
  now: Date,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom('request').select('id').where('id', '=', requestId).forUpdate().execute();
    const task = await ownTask(trx, staff, requestId);
    if (!task) return false;
    await trx.updateTable('resident').set({ lead_coach_id: coachId }).where('id', '=', task.resident_id).execute();
    await trx.updateTable('request').set({ lead_coach_id: coachId }).where('id', '=', requestId).execute();
    await audit(trx, {
      action: 'lead_coach_handed_over',
      actorStaffId: staff.id,
      subjectType: 'request',
      subjectId: requestId,
      teamId: staff.teamId,
      at: now,
      detail: { coachId },
    });
    return true;
  });
}
