// Blocks (the time coaches reserve for first conversations) and who is in them.
import { sql, type ExpressionBuilder } from 'kysely';
import type { Database } from '../db/schema.js';
import type { BlockForSlots, Busy } from '../domain/slots.js';
import type { Db } from './db.js';

export interface BlockRow extends BlockForSlots {
  team_id: number;
  location_kind: string;
}

/** Active blocks that overlap [from, to): the base of every "blocks in a period" read. */
export function activeBlocksBetween(db: Db, from: Date, to: Date) {
  return db
    .selectFrom('block')
    .where('block.status', '=', 'active')
    .where('block.starts_at', '<', to)
    .where('block.ends_at', '>', from);
}

/** Active blocks of a team that overlap [from, to), optionally only those with one coach. */
export async function blocksBetween(
  db: Db,
  teamId: number,
  from: Date,
  to: Date,
  coachId?: number,
): Promise<BlockRow[]> {
  let q = activeBlocksBetween(db, from, to)
    .select([
      'block.id',
      'block.team_id',
      'block.starts_at',
      'block.ends_at',
      'block.slot_minutes',
      'block.buffer_minutes',
      'block.location_kind',
    ])
    .where('block.team_id', '=', teamId);
  if (coachId !== undefined) q = q.where(coachIsIn(coachId));
  return q.orderBy('block.starts_at').execute();
}

/** A condition on `block`: the coach is one of its active coaches. */
export function coachIsIn(coachId: number) {
  return (eb: ExpressionBuilder<Database, 'block'>) =>
    eb.exists(
      eb
        .selectFrom('block_coach')
        .select('block_coach.block_id')
        .whereRef('block_coach.block_id', '=', 'block.id')
        .where('block_coach.coach_id', '=', coachId)
        .where('block_coach.active', '=', true),
    );
}

export async function busyInBlocks(db: Db, blockIds: number[]): Promise<Busy[]> {
  if (blockIds.length === 0) return [];
  return db
    .selectFrom('appointment')
    .select(['block_id', 'starts_at', 'ends_at'])
    .where('block_id', 'in', blockIds)
    .where('status', '=', 'booked')
    .execute();
}

/** A block with what its free times are made of (teamBlocksForSlots). */
export interface BlockForFreeTimes extends BlockForSlots {
  /** Its active coaches, by id. */
  coaches: number[];
  /** Whether one of them was deactivated or moved to another team: then it offers no times. */
  gone: boolean;
  /** Its booked appointments, as [start, end) in epoch milliseconds. */
  busy: [number, number][];
}

/**
 * A team's active blocks that overlap [from, to) (or only those of `ids`), each with its coaches
 * and booked appointments, by time: one query, set-based however many blocks. Instants travel
 * as epoch milliseconds (a number is read far faster than a timestamp's text).
 */
export async function teamBlocksForSlots(
  db: Db,
  teamId: number,
  from: Date,
  to: Date,
  ids?: readonly number[],
): Promise<BlockForFreeTimes[]> {
  if (ids?.length === 0) return [];
  const only = ids ? sql`and block.id in (${sql.join(ids)})` : sql``;
  // The same blocks in each part: the planner then estimates each part's rows well.
  const inScope = sql`block.team_id = ${teamId} and block.status = 'active'
    and block.starts_at < ${to} and block.ends_at > ${from} ${only}`;
  const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
  const { rows } = await sql<{
    id: number;
    starts: number;
    ends: number;
    slot_minutes: number;
    buffer_minutes: number;
    coaches: string | null;
    gone: boolean | null;
    busy: string | null;
  }>`
    select block.id, ${ms('block.starts_at')} as starts, ${ms('block.ends_at')} as ends,
      block.slot_minutes, block.buffer_minutes, c.coaches, c.gone, a.busy
    from block
    left join (
      select bc.block_id, string_agg(bc.coach_id::text, ',') as coaches,
        bool_or(not su.active or su.team_id is distinct from ${teamId}) as gone
      from block_coach bc join block on block.id = bc.block_id join staff_user su on su.id = bc.coach_id
      where bc.active and ${inScope} group by bc.block_id
    ) c on c.block_id = block.id
    left join (
      select ap.block_id, string_agg(${ms('ap.starts_at')} || ',' || ${ms('ap.ends_at')}, ',') as busy
      from appointment ap join block on block.id = ap.block_id
      where ap.status = 'booked' and ${inScope} group by ap.block_id
    ) a on a.block_id = block.id
    where ${inScope}
    order by block.starts_at, block.id
  `.execute(db);
  return rows.map((r) => ({
    id: r.id,
    starts_at: new Date(r.starts),
    ends_at: new Date(r.ends),
    slot_minutes: r.slot_minutes,
    buffer_minutes: r.buffer_minutes,
    coaches: r.coaches ? r.coaches.split(',').map(Number) : [],
    gone: r.gone ?? false,
    busy: r.busy ? pairs(r.busy.split(',').map(Number)) : [],
  }));
}

/** [a, b, c, d] as [[a, b], [c, d]]. */
function pairs(xs: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < xs.length; i += 2) out.push([xs[i]!, xs[i + 1]!]);
  return out;
}

/**
 * A block by id. With `lock`, the row is locked FOR UPDATE: writers of one block take turns,
 * so a booking waits for a concurrent cancel or move of the block and sees its outcome, and
 * two bookings of one slot meet a committed row (a clean exclusion error) instead of waiting
 * on each other's uncommitted index entries (a deadlock).
 */
export async function blockById(db: Db, id: number, lock = false): Promise<(BlockRow & { status: string }) | null> {
  let q = db
    .selectFrom('block')
    .select(['id', 'team_id', 'starts_at', 'ends_at', 'slot_minutes', 'buffer_minutes', 'location_kind', 'status'])
    .where('id', '=', id);
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) ?? null;
}

export interface CoachName {
  id: number;
  name: string;
  email: string;
}

/** The active coaches of the given blocks, by name: one row per block and coach. */
export async function coachesOfBlocks(db: Db, blockIds: number[]): Promise<(CoachName & { block_id: number })[]> {
  if (blockIds.length === 0) return [];
  return db
    .selectFrom('block_coach')
    .innerJoin('staff_user', 'staff_user.id', 'block_coach.coach_id')
    .select(['block_coach.block_id', 'staff_user.id', 'staff_user.name', 'staff_user.email'])
    .where('block_coach.block_id', 'in', blockIds)
    .where('block_coach.active', '=', true)
    .orderBy('staff_user.name')
    .execute();
}

export async function coachesOfBlock(db: Db, blockId: number): Promise<CoachName[]> {
  return (await coachesOfBlocks(db, [blockId])).map(({ id, name, email }) => ({ id, name, email }));
}
