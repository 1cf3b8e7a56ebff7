import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { activeBlocksBetween, coachIsIn } from '../../core/blocks.js';
import { blockWithCoaches, type BlockWithCoaches, type CoachRef } from '../blocks/repository.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AbsenceRow {
  id: number;
  staff_id: number;
  staff_name: string;
  team_id: number | null;
  starts_at: Date;
  ends_at: Date;
  kind: 'leave' | 'sick' | 'other' | 'departure';
  note: string | null;
}

const columns = [
  'absence.id',
  'absence.staff_id',
  'staff_user.name as staff_name',
  'staff_user.team_id',
  'absence.starts_at',
  'absence.ends_at',
  'absence.kind',
  'absence.note',
] as const;

export async function absenceById(db: Db, id: number): Promise<AbsenceRow | null> {
  const row = await db
    .selectFrom('absence')
    .innerJoin('staff_user', 'staff_user.id', 'absence.staff_id')
    .select(columns)
    .where('absence.id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/** Absences that have not ended, of one staff member or of the whole team. */
export async function currentAbsences(
  db: Db,
  teamId: number,
  staffId: number | null,
  now: Date,
): Promise<AbsenceRow[]> {
  let q = db
    .selectFrom('absence')
    .innerJoin('staff_user', 'staff_user.id', 'absence.staff_id')
    .select(columns)
    .where('staff_user.team_id', '=', teamId)
    .where('absence.ends_at', '>', now);
  if (staffId !== null) q = q.where('absence.staff_id', '=', staffId);
  return q.orderBy('absence.starts_at').orderBy('absence.id').limit(300).execute();
}

/**
 * Writes an absence. The same person and period again (the form posted twice) writes nothing
 * (unique index absence_once) and gives the stored one, with `created` false.
 */
export async function insertAbsence(
  db: Db,
  a: { staffId: number; start: Date; end: Date; kind: AbsenceRow['kind']; note: string | null; createdBy: number },
): Promise<{ id: number; created: boolean }> {
  const row = await db
    .insertInto('absence')
    .values({
      staff_id: a.staffId,
      starts_at: a.start,
      ends_at: a.end,
      kind: a.kind,
      note: a.note,
      created_by: a.createdBy,
    })
    .onConflict((oc) => oc.columns(['staff_id', 'starts_at', 'ends_at']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) return { id: row.id, created: true };
  const stored = await db
    .selectFrom('absence')
    .select('id')
    .where('staff_id', '=', a.staffId)
    .where('starts_at', '=', a.start)
    .where('ends_at', '=', a.end)
    .executeTakeFirstOrThrow();
  return { id: stored.id, created: false };
}

/** The active blocks the staff member is still in during [start, end) that have not begun. */
export async function blocksDuring(
  db: Db,
  staffId: number,
  start: Date,
  end: Date,
  now: Date,
): Promise<BlockWithCoaches[]> {
  const rows = await activeBlocksBetween(db, start, end)
    .select('block.id')
    .where(coachIsIn(staffId))
    .where('block.starts_at', '>', now)
    .orderBy('block.starts_at')
    .execute();
  const out: BlockWithCoaches[] = [];
  for (const r of rows) out.push((await blockWithCoaches(db, r.id))!);
  return out;
}

/** Colleagues of the team who are not in the block and are neither in another block nor absent then. */
export async function freeColleagues(
  db: Db,
  teamId: number,
  block: BlockWithCoaches,
  exclude: number[],
): Promise<CoachRef[]> {
  const period = sql<boolean>`tstzrange(${block.starts_at}::timestamptz, ${block.ends_at}::timestamptz)`;
  let q = db
    .selectFrom('staff_user as s')
    .select(['s.id', 's.name', 's.email'])
    .where('s.team_id', '=', teamId)
    .where('s.active', '=', true)
    .where('s.role', 'in', ['coach', 'teamlead'])
    .where(({ not, or, exists, selectFrom }) =>
      not(
        or([
          exists(
            selectFrom('block_coach as bc')
              .select('bc.block_id')
              .whereRef('bc.coach_id', '=', 's.id')
              .where('bc.active', '=', true)
              .where(sql<boolean>`bc.period && ${period}`),
          ),
          exists(
            selectFrom('absence as a')
              .select('a.id')
              .whereRef('a.staff_id', '=', 's.id')
              .where('a.starts_at', '<', block.ends_at)
              .where('a.ends_at', '>', block.starts_at),
          ),
        ]),
      ),
    );
  const skip = [...exclude, ...block.coaches.map((c) => c.id)];
  if (skip.length) q = q.where('s.id', 'not in', skip);
  return q.orderBy('s.name').execute();
}

/** Whether the staff member has an absence overlapping [start, end). */
export async function isAbsent(db: Db, staffId: number, start: Date, end: Date): Promise<boolean> {
  const row = await db
    .selectFrom('absence')
    .select('id')
    .where('staff_id', '=', staffId)
    .where('starts_at', '<', end)
    .where('ends_at', '>', start)
    .executeTakeFirst();
  return Boolean(row);
}
