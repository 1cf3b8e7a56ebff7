// Blocks (the time coaches reserve for first conversations) and who is in them.
import type { ExpressionBuilder } from 'kysely';
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
