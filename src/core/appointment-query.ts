// The joins every appointment page, mail, reminder and calendar entry starts from: the appointment
// with its request and resident, and its block with the team. Each caller adds the columns its
// audience may see (a calendar entry never the question or the resident's contact details).
import type { Db } from './db.js';

export function appointmentsInContext(db: Db) {
  return db
    .selectFrom('appointment')
    .innerJoin('request', 'request.id', 'appointment.request_id')
    .innerJoin('resident', 'resident.id', 'request.resident_id')
    .innerJoin('block', 'block.id', 'appointment.block_id')
    .innerJoin('team', 'team.id', 'block.team_id');
}

/** The same, with the referrer who signed the resident up (none: a sign-up of their own). */
export function appointmentsWithReferrer(db: Db) {
  return appointmentsInContext(db).leftJoin('referrer', 'referrer.id', 'request.referrer_id');
}

/** The appointments of these blocks, by start; the caller picks the statuses and columns. */
export function appointmentsOfBlocks(db: Db, blockIds: number[]) {
  return appointmentsInContext(db).where('appointment.block_id', 'in', blockIds).orderBy('appointment.starts_at');
}

/**
 * A request with its resident and, when it has one, its team: where the queues and the mails
 * about a sign-up start. Each caller adds the people it needs (referrer, caller) and its columns.
 */
export function requestsInContext(db: Db) {
  return db
    .selectFrom('request')
    .innerJoin('resident', 'resident.id', 'request.resident_id')
    .leftJoin('team', 'team.id', 'request.team_id');
}

/** A request's id, team and whether it is urgent: what every list and mail about requests starts with. */
export const requestHeadColumns = [
  'request.id',
  'request.team_id',
  'team.name as team_name',
  'request.urgent_24h',
  'request.submitted_at',
] as const;

/** Where a request stands: open or closed, and since when. */
export const requestStateColumns = ['request.status', 'request.submitted_at', 'request.closed_at'] as const;

/** Where the conversation takes place: the mode and the addresses it may need (home or office). */
export const placeColumns = [
  'appointment.mode',
  'resident.street',
  'resident.house_number',
  'resident.postcode',
  'resident.city',
  'team.office_address',
] as const;

/** When and where, and whether it still stands: what every view of an appointment shows. */
export const whenWhereColumns = [
  'appointment.id',
  'appointment.block_id',
  'appointment.starts_at',
  'appointment.ends_at',
  ...placeColumns,
  'appointment.status',
] as const;
