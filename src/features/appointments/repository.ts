// SQL for the staff appointment page and its actions. Every function takes the executor first.
import type { ExpressionBuilder, Updateable } from 'kysely';
import type { AppointmentTable, Database } from '../../db/schema.js';
import { appointmentsWithReferrer, requestStateColumns, whenWhereColumns } from '../../core/appointment-query.js';
import type { Db } from '../../core/db.js';
import { openQuestion } from '../../core/question-key.js';

/** Everything the appointment page shows, or null. The team is the team of the block. */
export async function loadCase(db: Db, appointmentId: number) {
  const row = await appointmentsWithReferrer(db)
    .select([
      ...whenWhereColumns,
      'appointment.referrer_location',
      'appointment.called_at',
      'appointment.call_note',
      'appointment.solo_coach_id',
      'appointment.outcome',
      'appointment.outcome_at',
      'appointment.result',
      'appointment.cancel_reason',
      'appointment.cancelled_at',
      'block.team_id',
      'block.solo as block_solo',
      'team.name as team_name',
      'request.id as request_id',
      'request.question',
      'request.topics',
      'request.about',
      'request.channel',
      'request.companion',
      'request.danger_now',
      'request.urgent_24h',
      'request.safety_flag',
      'request.status as request_status',
      'request.submitted_at',
      'request.lead_coach_id',
      'request.closed_at',
      'request.close_note',
      'request.closed_by',
      'request.consent_referrer_at',
      'request.consent_feedback',
      'request.no_consent_reason',
      'resident.id as resident_id',
      'resident.name as resident_name',
      'resident.email',
      'resident.phone',
      'resident.date_of_birth',
      'resident.language',
      'resident.interpreter',
      'resident.lead_coach_id as resident_lead_coach_id',
      'referrer.kind as referrer_kind',
      'referrer.organisation as referrer_organisation',
      'referrer.name as referrer_name',
      'referrer.phone as referrer_phone',
      'referrer.email as referrer_email',
    ])
    .where('appointment.id', '=', appointmentId)
    .executeTakeFirst();
  // The question is stored encrypted (core/secret-text.ts).
  return row ? { ...row, question: openQuestion(row.question) } : null;
}

export type CaseRow = NonNullable<Awaited<ReturnType<typeof loadCase>>>;

/** The names of staff members, by id. */
export async function staffNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('staff_user').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** One column of the request's latest appointment (by start), as a subquery. */
function latestAppointment<C extends 'appointment.id' | 'appointment.outcome' | 'appointment.result'>(
  eb: ExpressionBuilder<Database, 'request' | 'team'>,
  column: C,
) {
  return eb
    .selectFrom('appointment')
    .select(column)
    .whereRef('appointment.request_id', '=', 'request.id')
    .orderBy('appointment.starts_at', 'desc')
    .limit(1);
}

/** The resident's other requests, newest first, each with its latest appointment. */
export async function earlierRequests(db: Db, residentId: number, exceptRequestId: number) {
  const rows = await db
    .selectFrom('request')
    .leftJoin('team', 'team.id', 'request.team_id')
    .select((eb) => [
      'request.id',
      'request.team_id',
      'team.name as team_name',
      'request.question',
      ...requestStateColumns,
      'request.lead_coach_id',
      latestAppointment(eb, 'appointment.id').as('appointment_id'),
      latestAppointment(eb, 'appointment.outcome').as('outcome'),
      latestAppointment(eb, 'appointment.result').as('result'),
    ])
    .where('request.resident_id', '=', residentId)
    .where('request.id', '!=', exceptRequestId)
    .orderBy('request.submitted_at', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, question: openQuestion(r.question) }));
}

/** A request with what closing it needs, or null. */
export async function requestForClose(db: Db, requestId: number) {
  const row = await db
    .selectFrom('request')
    .innerJoin('resident', 'resident.id', 'request.resident_id')
    .select([
      'request.id',
      'request.team_id',
      'request.status',
      'request.safety_flag',
      'request.submitted_at',
      'request.closed_at',
      'request.close_note',
      'request.closed_by',
      'resident.name as resident_name',
    ])
    .where('request.id', '=', requestId)
    .executeTakeFirst();
  return row ?? null;
}

export type RequestForClose = NonNullable<Awaited<ReturnType<typeof requestForClose>>>;

/** The request's most recent appointment (the page the close form lives on). */
export async function latestAppointmentOf(db: Db, requestId: number): Promise<number | null> {
  const row = await db
    .selectFrom('appointment')
    .select('id')
    .where('request_id', '=', requestId)
    .orderBy('starts_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Whether the request still has a booked appointment that has not started yet. */
export async function hasUpcomingAppointment(db: Db, requestId: number, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('appointment')
    .select('id')
    .where('request_id', '=', requestId)
    .where('status', '=', 'booked')
    .where('starts_at', '>', now)
    .executeTakeFirst();
  return Boolean(row);
}

// The actions of the appointment page; the service runs them in its transactions.

/** Changes an appointment that is still booked; false when it no longer is (a double submit). */
export async function updateBookedAppointment(
  db: Db,
  appointmentId: number,
  set: Updateable<AppointmentTable>,
): Promise<boolean> {
  const done = await db
    .updateTable('appointment')
    .set(set)
    .where('id', '=', appointmentId)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/**
 * The first conversation took place: the request is held, and its first contact (and, with a
 * plan made, its plan) is the conversation's start, unless one was recorded before.
 */
export async function markRequestHeld(db: Db, requestId: number, startsAt: Date, planMade: boolean): Promise<void> {
  await db
    .updateTable('request')
    .set({ status: 'held' })
    .where('id', '=', requestId)
    .where('status', 'in', ['new', 'callback', 'scheduled'])
    .execute();
  await db
    .updateTable('request')
    .set((eb) => ({
      first_contact_at: eb.fn.coalesce('first_contact_at', eb.val(startsAt)),
      ...(planMade ? { plan_at: eb.fn.coalesce('plan_at', eb.val(startsAt)) } : {}),
    }))
    .where('id', '=', requestId)
    .execute();
}

/** The lead coach (regie) of the request and of the resident; a note is kept for the new coach. */
export async function setLead(
  db: Db,
  ids: { requestId: number; residentId: number },
  coachId: number,
  note: string | null | undefined,
): Promise<void> {
  await db
    .updateTable('request')
    .set({ lead_coach_id: coachId, ...(note ? { lead_note: note } : {}) })
    .where('id', '=', ids.requestId)
    .execute();
  await db.updateTable('resident').set({ lead_coach_id: coachId }).where('id', '=', ids.residentId).execute();
}

/** Who a mail to the resident goes to, in which language. */
export async function residentAddressee(db: Db, residentId: number) {
  return db
    .selectFrom('resident')
    .select(['email', 'name', 'mail_locale'])
    .where('id', '=', residentId)
    .executeTakeFirstOrThrow();
}

/** The team's name and phone, as a mail to the resident signs with them. */
export async function teamSignature(db: Db, teamId: number) {
  return db.selectFrom('team').select(['name', 'phone']).where('id', '=', teamId).executeTakeFirstOrThrow();
}

/**
 * Closes a request that is still open (a safety-flagged one only with `flaggedToo`); false when
 * it was not (closed meanwhile, or flagged).
 */
export async function closeOpenRequest(
  db: Db,
  requestId: number,
  close: { now: Date; staffId: number; note: string },
  flaggedToo: boolean,
): Promise<boolean> {
  let q = db
    .updateTable('request')
    .set({ status: 'closed', closed_at: close.now, closed_by: close.staffId, close_note: close.note })
    .where('id', '=', requestId)
    .where('status', 'not in', ['closed', 'cancelled']);
  if (!flaggedToo) q = q.where('safety_flag', '=', false);
  const done = await q.executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}
