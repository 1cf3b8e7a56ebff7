// SQL for "my agenda" and the personal iCal feed. A coach's blocks are those where they are an
// active block_coach; an appointment is theirs unless the duo decided that only the partner goes
// (solo_coach_id set to someone else).
import type { Kysely, Transaction } from 'kysely';
import type { AppointmentMode, AppointmentStatus, Database } from '../../db/schema.js';
import {
  appointmentsInContext,
  appointmentsOfBlocks,
  placeColumns,
  whenWhereColumns,
} from '../../core/appointment-query.js';
import { placeOf, type Place } from '../../core/mail/place.js';
import { activeBlocksBetween, coachIsIn } from '../../core/blocks.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface MyBlock {
  id: number;
  starts_at: Date;
  ends_at: Date;
  slot_minutes: number;
  buffer_minutes: number;
  location_kind: string;
  solo: boolean;
}

/** My active blocks that overlap [from, to), by start. */
export async function myBlocksBetween(db: Db, coachId: number, from: Date, to: Date): Promise<MyBlock[]> {
  return activeBlocksBetween(db, from, to)
    .select([
      'block.id',
      'block.starts_at',
      'block.ends_at',
      'block.slot_minutes',
      'block.buffer_minutes',
      'block.location_kind',
      'block.solo',
    ])
    .where(coachIsIn(coachId))
    .orderBy('block.starts_at')
    .execute();
}

export interface AgendaAppointment {
  id: number;
  block_id: number;
  starts_at: Date;
  ends_at: Date;
  mode: AppointmentMode;
  status: AppointmentStatus;
  solo_coach_id: number | null;
  called_at: Date | null;
  resident_name: string;
  /** Where it takes place (the practice for a 3-gesprek there): one rule, src/core/mail/place.ts. */
  place: Place;
}

/** Appointments that still take (or took) time in these blocks: everything but cancelled ones. */
export async function appointmentsInBlocks(db: Db, blockIds: number[]): Promise<AgendaAppointment[]> {
  if (blockIds.length === 0) return [];
  const rows = await appointmentsOfBlocks(db, blockIds)
    .select([
      ...placeColumns,
      'appointment.referrer_location',
      'appointment.id',
      'appointment.block_id',
      'appointment.starts_at',
      'appointment.ends_at',
      'appointment.status',
      'appointment.solo_coach_id',
      'appointment.called_at',
      'resident.name as resident_name',
    ])
    .where('appointment.status', '!=', 'cancelled')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    block_id: r.block_id,
    starts_at: r.starts_at,
    ends_at: r.ends_at,
    mode: r.mode,
    status: r.status,
    solo_coach_id: r.solo_coach_id,
    called_at: r.called_at,
    resident_name: r.resident_name,
    place: placeOf(r),
  }));
}

export interface FeedAppointment {
  id: number;
  starts_at: Date;
  ends_at: Date;
  mode: AppointmentMode;
  status: AppointmentStatus;
  solo_coach_id: number | null;
  street: string | null;
  house_number: string | null;
  postcode: string | null;
  city: string | null;
  office_address: string;
  referrer_location: string | null;
  sequence: number;
  team_name: string;
  /** The request the appointment is for, and its team: what the audit log names (NEN 7513). */
  request_id: number;
  team_id: number;
}

/**
 * My appointments in [from, to) for the feed: only what a calendar entry needs. The question
 * text and the resident's phone and e-mail are deliberately not selected.
 */
export async function myFeedAppointments(db: Db, coachId: number, from: Date, to: Date): Promise<FeedAppointment[]> {
  return appointmentsInContext(db)
    .select([
      ...whenWhereColumns,
      'appointment.solo_coach_id',
      'appointment.referrer_location',
      'appointment.sequence',
      'team.name as team_name',
      'appointment.request_id',
      'team.id as team_id',
    ])
    .where(coachIsIn(coachId))
    .where((eb) => eb.or([eb('appointment.solo_coach_id', 'is', null), eb('appointment.solo_coach_id', '=', coachId)]))
    .where('appointment.status', 'in', ['booked', 'held', 'no_show'])
    .where('appointment.starts_at', '<', to)
    .where('appointment.ends_at', '>', from)
    .orderBy('appointment.starts_at')
    .execute();
}

export async function setIcalTokenHash(db: Db, staffId: number, hash: string | null): Promise<void> {
  await db.updateTable('staff_user').set({ ical_token_hash: hash }).where('id', '=', staffId).execute();
}

export async function hasIcalToken(db: Db, staffId: number): Promise<boolean> {
  const row = await db.selectFrom('staff_user').select('ical_token_hash').where('id', '=', staffId).executeTakeFirst();
  return Boolean(row?.ical_token_hash);
}

/** The active coach or team lead whose feed token has this hash. */
export async function staffByIcalHash(
  db: Db,
  hash: string,
): Promise<{ id: number; name: string; team_id: number | null; horizon_days: number | null } | null> {
  const row = await db
    .selectFrom('staff_user')
    .leftJoin('team', 'team.id', 'staff_user.team_id')
    .select(['staff_user.id', 'staff_user.name', 'staff_user.team_id', 'team.horizon_days'])
    .where('staff_user.ical_token_hash', '=', hash)
    .where('staff_user.active', '=', true)
    .where('staff_user.role', 'in', ['coach', 'teamlead'])
    .executeTakeFirst();
  return row ?? null;
}
