import type { Kysely, Transaction } from 'kysely';
import type { Database, LocationKind } from '../../db/schema.js';
import { periodLiteral } from '../../db/period.js';

export interface NewBlock {
  teamId: number;
  start: Date;
  end: Date;
  coachIds: number[];
  solo?: boolean;
  slotMinutes?: number;
  bufferMinutes?: number;
  locationKind?: LocationKind;
  seriesId?: string | null;
  createdBy?: number | null;
}

/**
 * Writes a block and its coaches. The exclusion constraint on block_coach refuses a coach who
 * already is in an overlapping active block; callers turn that error into a message.
 */
export async function insertBlock(trx: Transaction<Database> | Kysely<Database>, b: NewBlock): Promise<number> {
  if (b.coachIds.length !== (b.solo ? 1 : 2)) {
    throw new Error(b.solo ? 'A solo block has one coach' : 'A duo block has two coaches');
  }
  const { id } = await trx
    .insertInto('block')
    .values({
      team_id: b.teamId,
      starts_at: b.start,
      ends_at: b.end,
      solo: b.solo ?? false,
      slot_minutes: b.slotMinutes ?? 60,
      buffer_minutes: b.bufferMinutes ?? 30,
      location_kind: b.locationKind ?? 'home',
      series_id: b.seriesId ?? null,
      created_by: b.createdBy ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const period = periodLiteral(b.start, b.end);
  await trx
    .insertInto('block_coach')
    .values(b.coachIds.map((coach_id) => ({ block_id: id, coach_id, period })))
    .execute();
  return id;
}
