// SQL for the capacity page. Every function takes the executor first.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { BlockForSlots } from '../../domain/slots.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface CapacityBlock extends BlockForSlots {
  coaches: { id: number; name: string }[];
}

/** Active blocks of a team overlapping [from, to), each with its active coaches. */
export async function teamBlocks(db: Db, teamId: number, from: Date, to: Date): Promise<CapacityBlock[]> {
  const blocks = await db
    .selectFrom('block')
    .select(['id', 'starts_at', 'ends_at', 'slot_minutes', 'buffer_minutes'])
    .where('team_id', '=', teamId)
    .where('status', '=', 'active')
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  if (blocks.length === 0) return [];
  const coaches = await db
    .selectFrom('block_coach')
    .innerJoin('staff_user', 'staff_user.id', 'block_coach.coach_id')
    .select(['block_coach.block_id', 'staff_user.id', 'staff_user.name'])
    .where(
      'block_coach.block_id',
      'in',
      blocks.map((b) => b.id),
    )
    .where('block_coach.active', '=', true)
    .orderBy('staff_user.name')
    .execute();
  return blocks.map((b) => ({
    ...b,
    coaches: coaches.filter((c) => c.block_id === b.id).map((c) => ({ id: c.id, name: c.name })),
  }));
}

/** Waiting-list alarms: residents who found no free time in the team's calendar. */
export async function noCapacityCount(db: Db, teamId: number, since: Date): Promise<number> {
  const row = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('action', '=', 'no_capacity')
    .where('team_id', '=', teamId)
    .where('at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
