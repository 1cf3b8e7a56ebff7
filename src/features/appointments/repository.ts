// SQL for the staff appointment page and its actions. Every function takes the executor first.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { appointmentsInContext, placeColumns } from '../../core/appointment-query.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Everything the appointment page shows, or null. The team is the team of the block. */
export async function loadCase(db: Db, appointmentId: number) {
  const row = await appointmentsInContext(db)
    .leftJoin('referrer', 'referrer.id', 'request.referrer_id')
    .select([
      'appointment.id',
      'appointment.block_id',
      'appointment.starts_at',
      'appointment.ends_at',
      ...placeColumns,
      'appointment.status',
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
  return row ?? null;
}

export type CaseRow = NonNullable<Awaited<ReturnType<typeof loadCase>>>;

/** The active coaches and team leads of a team: who may hold the lead (regie). */
export async function staffNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('staff_user').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The resident's other requests, newest first, each with its latest appointment. */
export async function earlierRequests(db: Db, residentId: number, exceptRequestId: number) {
  return db
    .selectFrom('request')
    .leftJoin('team', 'team.id', 'request.team_id')
    .select((eb) => [
      'request.id',
      'request.team_id',
      'team.name as team_name',
      'request.question',
      'request.status',
      'request.submitted_at',
      'request.closed_at',
      'request.lead_coach_id',
      eb
        .selectFrom('appointment')
        .select('appointment.id')
        .whereRef('appointment.request_id', '=', 'request.id')
        .orderBy('appointment.starts_at', 'desc')
        .limit(1)
        .as('appointment_id'),
      eb
        .selectFrom('appointment')
        .select('appointment.outcome')
        .whereRef('appointment.request_id', '=', 'request.id')
        .orderBy('appointment.starts_at', 'desc')
        .limit(1)
        .as('outcome'),
      eb
        .selectFrom('appointment')
        .select('appointment.result')
        .whereRef('appointment.request_id', '=', 'request.id')
        .orderBy('appointment.starts_at', 'desc')
        .limit(1)
        .as('result'),
    ])
    .where('request.resident_id', '=', residentId)
    .where('request.id', '!=', exceptRequestId)
    .orderBy('request.submitted_at', 'desc')
    .execute();
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
