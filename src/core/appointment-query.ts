// The join every appointment page, mail, reminder and calendar entry starts from: the appointment
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

/** Where the conversation takes place: the mode and the addresses it may need (home or office). */
export const placeColumns = [
  'appointment.mode',
  'resident.street',
  'resident.house_number',
  'resident.postcode',
  'resident.city',
  'team.office_address',
] as const;
