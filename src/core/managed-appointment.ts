import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { hashToken, newToken } from '../domain/tokens.js';
import { coachesOfBlock } from './blocks.js';
import { appointmentsInContext, whenWhereColumns } from './appointment-query.js';
import { placeOf } from './mail/place.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The appointment a manage link points to (its own or a further one), with what the resident may see. */
export async function loadAppointmentByToken(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const hash = hashToken(token);
  const further = await db
    .selectFrom('manage_link')
    .select('appointment_id')
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  const row = await appointmentsInContext(db)
    .select([
      ...whenWhereColumns,
      'appointment.request_id',
      'appointment.referrer_location',
      'appointment.referrer_joins',
      'resident.name',
      'resident.email',
      'team.id as team_id',
      'team.name as team_name',
      'team.phone as team_phone',
    ])
    .where((eb) =>
      further ? eb('appointment.id', '=', further.appointment_id) : eb('appointment.manage_token_hash', '=', hash),
    )
    .executeTakeFirst();
  if (!row) return null;
  return { ...row, place: placeOf(row), coaches: await coachesOfBlock(db, row.block_id) };
}

export type ManagedAppointment = NonNullable<Awaited<ReturnType<typeof loadAppointmentByToken>>>;

/**
 * A further working manage link for a mail written where the first link is not at hand (only its
 * hash is stored): the link in every earlier mail keeps working.
 */
export async function issueManageLink(trx: Transaction<Database>, appointmentId: number, now: Date): Promise<string> {
  const token = newToken();
  await trx
    .insertInto('manage_link')
    .values({ token_hash: hashToken(token), appointment_id: appointmentId, created_at: now })
    .execute();
  return token;
}
