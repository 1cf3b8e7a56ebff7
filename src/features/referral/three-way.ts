// The 3-gesprek as the referrer's status page shows it: its current time and place, or that it
// is off. Only for a conversation the referrer joins; never the question or the resident's details.
import type { Db } from '../../core/db.js';
import { appointmentsInContext, placeColumns } from '../../core/appointment-query.js';
import { placeOf, type Place } from '../../core/mail/place.js';

/** A 3-gesprek the referrer joins: they see its current time and place, or that it is off. */
export interface ThreeWay {
  starts_at: Date;
  ends_at: Date;
  status: string;
  place: Place;
}

/** The request's latest 3-gesprek (the referrer joins): its time, place and whether it stands. */
export async function threeWayOfRequest(db: Db, requestId: number): Promise<ThreeWay | null> {
  const row = await appointmentsInContext(db)
    .select([
      ...placeColumns,
      'appointment.referrer_location',
      'appointment.starts_at',
      'appointment.ends_at',
      'appointment.status',
    ])
    .where('appointment.request_id', '=', requestId)
    .where('appointment.referrer_joins', '=', true)
    .orderBy('appointment.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { starts_at: row.starts_at, ends_at: row.ends_at, status: row.status, place: placeOf(row) } : null;
}
