// The rules of the queues.
// - Urgent call-backs (within 24 hours) come first, then the oldest. Non-urgent call-backs are
//   answered within 2 working days.
// - Coaches and team leads see their own team; the front office sees every team. Sign-ups
//   without a team are shown to the front office and team leads only, who assign them.
// - "Called back" records first_contact_at and a note. The request keeps status 'callback'
//   (so it stays recognisable as one, and its safety answers stay with it) until an
//   appointment is booked; the queue then lists it under "called back, no appointment yet".
import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { StaffSession } from '../../plugins/auth.js';
import { sameTeam } from '../../plugins/auth.js';
import { ktError } from '../../errors.js';
import { addWorkingDays, local } from '../../domain/time.js';
import { translator } from '../../core/i18n.js';
import { audit } from '../../core/audit.js';
import { teamForPostcode } from '../../core/teams.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { mailText } from '../../core/mail/render.js';
import {
  callbacks,
  openSignups,
  requestState,
  setCalledBack,
  setTeam,
  teams,
  unassigned,
  type QueueRow,
} from './repository.js';

export const CALLBACK_WORKING_DAYS = 2;
export const URGENT_HOURS = 24;

export { addWorkingDays };

/** When a call-back is due: urgent within 24 hours, otherwise within 2 working days. */
export function callbackDue(submittedAt: Date, urgent: boolean): Date {
  const s = local(submittedAt);
  return (urgent ? s.plus({ hours: URGENT_HOURS }) : addWorkingDays(s, CALLBACK_WORKING_DAYS)).toJSDate();
}

export interface QueueItem extends QueueRow {
  due: Date;
  overdue: boolean;
  suggestedTeamId: number | null;
}

function item(row: QueueRow, now: Date, suggestedTeamId: number | null = null): QueueItem {
  const due = callbackDue(row.submitted_at, row.urgent_24h);
  return { ...row, due, overdue: row.status === 'callback' && !row.first_contact_at && due < now, suggestedTeamId };
}

export function canAssign(staff: StaffSession): boolean {
  return staff.role === 'frontoffice' || staff.role === 'teamlead';
}

export async function loadQueue(db: Kysely<Database>, staff: StaffSession, now: Date) {
  // Front office: all teams; coaches and team leads: their own team only.
  const teamId = staff.role === 'frontoffice' ? null : staff.teamId;
  if (teamId === null && staff.role !== 'frontoffice') throw ktError('KT_NOT_FOUND', 'staff member without a team');
  const open = (await callbacks(db, teamId, false)).map((r) => item(r, now));
  const withoutTeam = canAssign(staff)
    ? await Promise.all(
        (await unassigned(db)).map(async (r) =>
          item(r, now, r.postcode ? ((await teamForPostcode(db, r.postcode))?.id ?? null) : null),
        ),
      )
    : null;
  return {
    urgent: open.filter((r) => r.urgent_24h),
    normal: open.filter((r) => !r.urgent_24h),
    calledBack: (await callbacks(db, teamId, true)).map((r) => item(r, now)),
    openSignups: (await openSignups(db, teamId)).map((r) => item(r, now)),
    unassigned: withoutTeam,
    teams: canAssign(staff) ? await teams(db) : [],
    allTeams: teamId === null,
  };
}

/** The request may be assigned by this user: it exists, has no team yet. */
export async function assignable(db: Kysely<Database>, staff: StaffSession, requestId: number) {
  const r = await requestState(db, requestId);
  if (!r) throw ktError('KT_NOT_FOUND', 'no such request');
  if (r.team_id !== null) {
    // A team lead must not learn about other teams' requests; the front office sees all.
    if (staff.role === 'teamlead' && !sameTeam(staff, r.team_id))
      throw ktError('KT_NOT_FOUND', 'request of another team');
    throw ktError('KT_CONFLICT', 'request already has a team');
  }
  return r;
}

export async function assignToTeam(
  db: Kysely<Database>,
  staff: StaffSession,
  requestId: number,
  teamId: number,
  now: Date,
  publicUrl: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const team = await trx
      .selectFrom('team')
      .select(['id', 'name', 'email'])
      .where('id', '=', teamId)
      .executeTakeFirst();
    if (!team) throw ktError('KT_UNKNOWN_TEAM', `team ${teamId}`);
    const r = await requestState(trx, requestId);
    if ((await setTeam(trx, requestId, teamId, now)) === 0) throw ktError('KT_CONFLICT', 'request already has a team');
    await audit(trx, {
      action: 'request_assigned',
      actorStaffId: staff.id,
      subjectType: 'request',
      subjectId: requestId,
      teamId,
      detail: { teamId },
    });
    // The team hears about it by mail: a link to the queue, never the question or the name.
    const t = translator('nl');
    const key = r?.urgent_24h ? 'urgent' : 'normal';
    await enqueueMail(trx, {
      to: team.email,
      subject: t(`queue.mail.${key}.subject`),
      text: mailText('queue/assigned', 'nl', {
        urgent: Boolean(r?.urgent_24h),
        team: team.name,
        link: `${publicUrl}/medewerker/wachtrij`,
      }),
    });
  });
}

/** Checks that a call-back of the user's own team can be marked as called back. */
export async function callbackOfOwnTeam(db: Kysely<Database>, staff: StaffSession, requestId: number) {
  const r = await requestState(db, requestId);
  if (!r || !sameTeam(staff, r.team_id)) throw ktError('KT_NOT_FOUND', 'no such request in this team');
  if (r.status !== 'callback' || r.first_contact_at !== null) throw ktError('KT_CONFLICT', 'not an open call-back');
  return r;
}

export async function markCalledBack(
  db: Kysely<Database>,
  staff: StaffSession,
  requestId: number,
  note: string,
  now: Date,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if ((await setCalledBack(trx, requestId, staff.id, note, now)) === 0)
      throw ktError('KT_CONFLICT', 'call-back already recorded');
    await audit(trx, {
      action: 'callback_handled',
      actorStaffId: staff.id,
      subjectType: 'request',
      subjectId: requestId,
      teamId: staff.teamId,
    });
  });
}

/** "3 uur geleden" / "3 hours ago", from the app clock. */
export function sinceText(d: Date, now: Date, locale: string): string {
  return (
    DateTime.fromJSDate(d).toRelative({
      base: DateTime.fromJSDate(now),
      locale: locale === 'en' ? 'en-GB' : 'nl-NL',
      style: 'long',
    }) ?? ''
  );
}
