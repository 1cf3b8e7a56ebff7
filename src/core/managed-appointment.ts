import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { hashToken } from '../domain/tokens.js';
import { coachesOfBlock } from './blocks.js';
import { appointmentsInContext, whenWhereColumns } from './appointment-query.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The appointment a manage link points to, with what the resident may see. */
export async function loadAppointmentByToken(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await appointmentsInContext(db)
    .select([
      ...whenWhereColumns,
      'appointment.request_id',
      'appointment.referrer_location',
      'resident.name',
      'resident.email',
      'team.id as team_id',
      'team.name as team_name',
      'team.phone as team_phone',
    ])
    .where('appointment.manage_token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return null;
  return { ...row, coaches: await coachesOfBlock(db, row.block_id) };
}

export type ManagedAppointment = NonNullable<Awaited<ReturnType<typeof loadAppointmentByToken>>>;
