// SQL for booking on behalf (the booking itself is written by core/booking.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export async function allTeams(db: Kysely<Database>) {
  return db.selectFrom('team').select(['id', 'name']).orderBy('name').execute();
}
