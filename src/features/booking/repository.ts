// The sign-up's own reads: what a cancelled appointment's rebooking link fills in again.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { openQuestion } from '../../core/question-key.js';

/** The question and details of a cancelled appointment, for a new sign-up (null when not cancelled). */
export async function cancelledSignUp(db: Kysely<Database>, appointmentId: number) {
  const row =
    (await db
      .selectFrom('appointment')
      .innerJoin('request', 'request.id', 'appointment.request_id')
      .innerJoin('resident', 'resident.id', 'request.resident_id')
      .select([
        'appointment.cancelled_at',
        'appointment.mode',
        'request.question',
        'request.topics',
        'request.about',
        'request.companion',
        'resident.name',
        'resident.email',
        'resident.phone',
        'resident.postcode',
        'resident.house_number',
        'resident.street',
        'resident.city',
        'resident.date_of_birth',
        'resident.language',
        'resident.interpreter',
      ])
      .where('appointment.id', '=', appointmentId)
      .where('appointment.status', '=', 'cancelled')
      .executeTakeFirst()) ?? null;
  // The question is stored encrypted (core/secret-text.ts).
  return row && { ...row, question: openQuestion(row.question) };
}

export type CancelledSignUp = NonNullable<Awaited<ReturnType<typeof cancelledSignUp>>>;

/**
 * The upcoming booked appointments of these teams whose resident may have this email address or
 * phone number: the email compared without case, the phone on its last nine digits (the caller
 * compares the whole number, however it was written).
 */
export async function upcomingContacts(
  db: Kysely<Database>,
  teamIds: readonly number[],
  now: Date,
  contact: { email: string | null; phoneTail: string | null },
) {
  if (teamIds.length === 0 || (!contact.email && !contact.phoneTail)) return [];
  return db
    .selectFrom('appointment')
    .innerJoin('block', 'block.id', 'appointment.block_id')
    .innerJoin('request', 'request.id', 'appointment.request_id')
    .innerJoin('resident', 'resident.id', 'request.resident_id')
    .select(['appointment.id', 'resident.email', 'resident.phone', 'block.team_id'])
    .where('appointment.status', '=', 'booked')
    .where('appointment.starts_at', '>', now)
    .where('block.team_id', 'in', teamIds)
    .where((eb) =>
      eb.or([
        ...(contact.email ? [eb(sql`lower(trim(resident.email))`, '=', contact.email.trim().toLowerCase())] : []),
        ...(contact.phoneTail
          ? [eb(sql`right(regexp_replace(resident.phone, '[^0-9]', '', 'g'), 9)`, '=', contact.phoneTail)]
          : []),
      ]),
    )
    .orderBy('appointment.starts_at')
    .execute();
}

/** Whether the appointment is still booked, its row locked until the transaction ends. */
export async function stillBooked(trx: Transaction<Database>, appointmentId: number): Promise<boolean> {
  const row = await trx
    .selectFrom('appointment')
    .select('id')
    .where('id', '=', appointmentId)
    .where('status', '=', 'booked')
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}
