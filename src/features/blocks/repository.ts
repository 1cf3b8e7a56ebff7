// SQL for blocks and their coaches: writing a block, reading it with its coaches, changing and
// cancelling it, and finding a coach's other block at a time. The booked appointments of blocks
// are read in booked-repository.ts (re-exported here). Every function takes the executor first.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, LocationKind } from '../../db/schema.js';
import { periodLiteral } from '../../db/period.js';
import { coachesOfBlocks, coachIsIn } from '../../core/blocks.js';
import type { Db } from '../../core/db.js';

export { bookedIn, bookedTimes, type BookedAppointment } from './booked-repository.js';

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

export interface CoachRef {
  id: number;
  name: string;
  email: string;
}

export interface BlockWithCoaches {
  id: number;
  team_id: number;
  starts_at: Date;
  ends_at: Date;
  solo: boolean;
  slot_minutes: number;
  buffer_minutes: number;
  location_kind: LocationKind;
  status: 'active' | 'cancelled';
  series_id: string | null;
  coaches: CoachRef[];
}

const blockColumns = [
  'block.id',
  'block.team_id',
  'block.starts_at',
  'block.ends_at',
  'block.solo',
  'block.slot_minutes',
  'block.buffer_minutes',
  'block.location_kind',
  'block.status',
  'block.series_id',
] as const;

/** The active coaches of the given blocks, by block id. */
export async function coachesByBlock(db: Db, blockIds: number[]): Promise<Map<number, CoachRef[]>> {
  const out = new Map<number, CoachRef[]>(blockIds.map((id) => [id, []]));
  const rows = await coachesOfBlocks(db, blockIds);
  for (const r of rows) out.get(r.block_id)!.push({ id: r.id, name: r.name, email: r.email });
  return out;
}

async function withCoaches(db: Db, rows: Omit<BlockWithCoaches, 'coaches'>[]): Promise<BlockWithCoaches[]> {
  const coaches = await coachesByBlock(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, coaches: coaches.get(r.id) ?? [] }));
}

export async function blockWithCoaches(db: Db, id: number): Promise<BlockWithCoaches | null> {
  const row = await db.selectFrom('block').select(blockColumns).where('block.id', '=', id).executeTakeFirst();
  return row ? (await withCoaches(db, [row]))[0]! : null;
}

/** Active blocks of a team that have not ended, optionally only those one coach is in. */
export async function upcomingBlocks(
  db: Db,
  teamId: number,
  now: Date,
  coachId: number | null,
  limit = 300,
): Promise<BlockWithCoaches[]> {
  let q = db
    .selectFrom('block')
    .select(blockColumns)
    .where('block.team_id', '=', teamId)
    .where('block.status', '=', 'active')
    .where('block.ends_at', '>', now);
  if (coachId !== null) q = q.where(coachIsIn(coachId));
  return withCoaches(db, await q.orderBy('block.starts_at').orderBy('block.id').limit(limit).execute());
}

/** The block and the later active blocks of its series ("this and the future ones"). */
export async function seriesFrom(
  db: Db,
  block: Pick<BlockWithCoaches, 'id' | 'series_id' | 'starts_at'>,
): Promise<BlockWithCoaches[]> {
  if (!block.series_id) {
    const one = await blockWithCoaches(db, block.id);
    return one && one.status === 'active' ? [one] : [];
  }
  const rows = await db
    .selectFrom('block')
    .select(blockColumns)
    .where('block.series_id', '=', block.series_id)
    .where('block.status', '=', 'active')
    .where('block.starts_at', '>=', block.starts_at)
    .orderBy('block.starts_at')
    .execute();
  return withCoaches(db, rows);
}

/** Locks the blocks for the rest of the transaction, so no booking slips in while they change. */
export async function lockBlocks(trx: Transaction<Database>, ids: number[]) {
  if (ids.length === 0) return [];
  return trx
    .selectFrom('block')
    .select(['id', 'status', 'team_id', 'starts_at', 'ends_at', 'slot_minutes', 'buffer_minutes', 'location_kind'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** New times and shape of a block; the coaches' periods follow in the same statement batch. */
export async function updateBlock(
  trx: Transaction<Database>,
  id: number,
  b: { start: Date; end: Date; slotMinutes: number; bufferMinutes: number; locationKind: LocationKind },
): Promise<void> {
  await trx
    .updateTable('block')
    .set({
      starts_at: b.start,
      ends_at: b.end,
      slot_minutes: b.slotMinutes,
      buffer_minutes: b.bufferMinutes,
      location_kind: b.locationKind,
    })
    .where('id', '=', id)
    .execute();
  await trx
    .updateTable('block_coach')
    .set({ period: periodLiteral(b.start, b.end) })
    .where('block_id', '=', id)
    .execute();
}

/** Cancelled blocks keep their rows (history), but no longer hold their coaches' time. */
export async function markBlocksCancelled(trx: Transaction<Database>, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable('block').set({ status: 'cancelled' }).where('id', 'in', ids).execute();
  await trx.updateTable('block_coach').set({ active: false }).where('block_id', 'in', ids).execute();
}

export interface CoachConflict {
  blockId: number;
  coachId: number;
  coachName: string;
  starts_at: Date;
  ends_at: Date;
}

/** The first active block, other than `exclude`, in which one of the coaches is busy in [start, end). */
export async function findCoachConflict(
  db: Db,
  coachIds: number[],
  start: Date,
  end: Date,
  exclude: number[] = [],
): Promise<CoachConflict | null> {
  if (coachIds.length === 0) return null;
  let q = db
    .selectFrom('block_coach')
    .innerJoin('block', 'block.id', 'block_coach.block_id')
    .innerJoin('staff_user', 'staff_user.id', 'block_coach.coach_id')
    .select([
      'block.id as blockId',
      'staff_user.id as coachId',
      'staff_user.name as coachName',
      'block.starts_at',
      'block.ends_at',
    ])
    .where('block_coach.active', '=', true)
    .where('block_coach.coach_id', 'in', coachIds)
    .where(sql<boolean>`block_coach.period && tstzrange(${start}::timestamptz, ${end}::timestamptz)`);
  if (exclude.length) q = q.where('block.id', 'not in', exclude);
  return (await q.orderBy('block.starts_at').orderBy('staff_user.name').limit(1).executeTakeFirst()) ?? null;
}
