// SQL for the booking flow. Every function takes the executor first, so it runs inside the
// caller's transaction when given one.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Team } from '../../db/schema.js';
import type { BlockForSlots, Busy } from '../../domain/slots.js';
import { cachedRead } from '../../db/changes.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function teamForPostcode(db: Db, postcode: string): Promise<Team | null> {
  // The narrowest matching range wins, so a team can hold one street inside another's area.
  const row = await db
    .selectFrom('team_area')
    .innerJoin('team', 'team.id', 'team_area.team_id')
    .selectAll('team')
    .where('team_area.postcode_from', '<=', postcode)
    .where('team_area.postcode_to', '>=', postcode)
    .orderBy(sql`team_area.postcode_to::text collate "C"`, 'asc')
    .orderBy('team_area.postcode_from', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

// Teams change rarely and are read on every step of a sign-up: kept in memory while no team
// table changed (src/db/changes.ts), frozen so no caller can change the kept copy.
const TEAM_TTL_MS = 10_000;

export async function teamById(db: Db, id: number): Promise<Team | null> {
  return cachedRead(db, `team:${id}`, { ttlMs: TEAM_TTL_MS }, async () => {
    const row = await db.selectFrom('team').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? Object.freeze(row) : null;
  });
}

export async function neighbourTeams(db: Db, teamId: number): Promise<readonly Team[]> {
  return cachedRead(db, `team-neighbours:${teamId}`, { ttlMs: TEAM_TTL_MS }, async () => {
    const rows = await db
      .selectFrom('team_neighbour')
      .innerJoin('team', 'team.id', 'team_neighbour.neighbour_id')
      .selectAll('team')
      .where('team_neighbour.team_id', '=', teamId)
      .orderBy('team.name')
      .execute();
    return Object.freeze(rows.map((r) => Object.freeze(r)));
  });
}

export interface BlockRow extends BlockForSlots {
  team_id: number;
  location_kind: string;
}

/** Active blocks of a team that overlap [from, to), optionally only those with one coach. */
export async function blocksBetween(db: Db, teamId: number, from: Date, to: Date, coachId?: number): Promise<BlockRow[]> {
  let q = db
    .selectFrom('block')
    .select(['block.id', 'block.team_id', 'block.starts_at', 'block.ends_at', 'block.slot_minutes', 'block.buffer_minutes', 'block.location_kind'])
    .where('block.team_id', '=', teamId)
    .where('block.status', '=', 'active')
    .where('block.starts_at', '<', to)
    .where('block.ends_at', '>', from);
  if (coachId !== undefined) {
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('block_coach').select('block_coach.block_id').whereRef('block_coach.block_id', '=', 'block.id').where('block_coach.coach_id', '=', coachId).where('block_coach.active', '=', true)),
    );
  }
  return q.orderBy('block.starts_at').execute();
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

export async function coachesOfBlock(db: Db, blockId: number): Promise<CoachName[]> {
  return db
    .selectFrom('block_coach')
    .innerJoin('staff_user', 'staff_user.id', 'block_coach.coach_id')
    .select(['staff_user.id', 'staff_user.name', 'staff_user.email'])
    .where('block_coach.block_id', '=', blockId)
    .where('block_coach.active', '=', true)
    .orderBy('staff_user.name')
    .execute();
}

export async function audit(
  db: Db,
  e: { action: string; actorStaffId?: number | null; subjectType?: string; subjectId?: number; teamId?: number | null; detail?: Record<string, unknown>; at?: Date },
): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      // The app's clock when given (figures count events by it); else the database's.
      ...(e.at ? { at: e.at } : {}),
      action: e.action,
      actor_staff_id: e.actorStaffId ?? null,
      subject_type: e.subjectType ?? null,
      subject_id: e.subjectId ?? null,
      team_id: e.teamId ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    })
    .execute();
}
