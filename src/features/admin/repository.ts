// SQL of the administration: teams with their settings, postcode areas and neighbours, and the
// staff accounts. Every function takes the executor first.
import type { Kysely } from 'kysely';
import type { Database, Team } from '../../db/schema.js';
import type { Db } from '../../core/db.js';

export async function teamsWithAreas(db: Kysely<Database>) {
  const teams = await db.selectFrom('team').selectAll().orderBy('name').execute();
  const areas = await db.selectFrom('team_area').selectAll().orderBy('postcode_from').execute();
  const counts = await db
    .selectFrom('staff_user')
    .select(['team_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('active', '=', true)
    .groupBy('team_id')
    .execute();
  return teams.map((t) => ({
    ...t,
    areas: areas.filter((a) => a.team_id === t.id),
    staffCount: Number(counts.find((c) => c.team_id === t.id)?.n ?? 0),
  }));
}

/** Ranges of other teams that overlap [from, to]: shown as a warning, not refused. */
export async function overlappingAreas(db: Kysely<Database>, teamId: number, from: string, to: string) {
  return db
    .selectFrom('team_area')
    .innerJoin('team', 'team.id', 'team_area.team_id')
    .select(['team.name', 'team_area.postcode_from', 'team_area.postcode_to'])
    .where('team_area.team_id', '<>', teamId)
    .where('team_area.postcode_from', '<=', to)
    .where('team_area.postcode_to', '>=', from)
    .execute();
}

/** A team as stored: read from the database, never core/teams.ts's kept copy. */
export async function teamById(db: Db, teamId: number): Promise<Team | null> {
  return (await db.selectFrom('team').selectAll().where('id', '=', teamId).executeTakeFirst()) ?? null;
}

/** Every team by name: the choices of the neighbour and team fields. */
export async function teamNames(db: Db): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('team').select(['id', 'name']).orderBy('name').execute();
}

export async function areasOfTeam(db: Db, teamId: number) {
  return db.selectFrom('team_area').selectAll().where('team_id', '=', teamId).orderBy('postcode_from').execute();
}

export async function neighbourIds(db: Db, teamId: number): Promise<number[]> {
  const rows = await db.selectFrom('team_neighbour').select('neighbour_id').where('team_id', '=', teamId).execute();
  return rows.map((x) => x.neighbour_id);
}

/** The settings an admin edits on the team page. */
export interface TeamSettings {
  name: string;
  slug: string;
  phone: string;
  email: string;
  office_address: string;
  horizon_days: number;
  min_notice_days: number;
  promise_days: number;
  free_slot_threshold: number;
  reminder_days: number;
}

/** A new team (teamId null) or new settings of a team; answers its id. */
export async function writeTeam(db: Db, teamId: number | null, row: TeamSettings): Promise<number> {
  const written = teamId
    ? await db.updateTable('team').set(row).where('id', '=', teamId).returning('id').executeTakeFirstOrThrow()
    : await db.insertInto('team').values(row).returning('id').executeTakeFirstOrThrow();
  return written.id;
}

export async function replaceNeighbours(db: Db, teamId: number, neighbours: number[]): Promise<void> {
  await db.deleteFrom('team_neighbour').where('team_id', '=', teamId).execute();
  if (neighbours.length)
    await db
      .insertInto('team_neighbour')
      .values(neighbours.map((n) => ({ team_id: teamId, neighbour_id: n })))
      .execute();
}

/** Adds a postcode range to a team; false when the team has that range already. */
export async function insertArea(db: Db, teamId: number, from: string, to: string): Promise<boolean> {
  const added = await db
    .insertInto('team_area')
    .values({ team_id: teamId, postcode_from: from, postcode_to: to })
    .onConflict((oc) => oc.columns(['team_id', 'postcode_from', 'postcode_to']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return added !== undefined;
}

/** Removes a postcode range of the team; answers it, or null when the team has no such range. */
export async function deleteArea(
  db: Db,
  teamId: number,
  areaId: number,
): Promise<{ postcode_from: string; postcode_to: string } | null> {
  const gone = await db
    .deleteFrom('team_area')
    .where('id', '=', areaId)
    .where('team_id', '=', teamId)
    .returning(['postcode_from', 'postcode_to'])
    .executeTakeFirst();
  return gone ?? null;
}

/** Every account with its team's name, by team and name. */
export async function staffList(db: Db) {
  return db
    .selectFrom('staff_user')
    .leftJoin('team', 'team.id', 'staff_user.team_id')
    .select([
      'staff_user.id',
      'staff_user.name',
      'staff_user.email',
      'staff_user.role',
      'staff_user.active',
      'staff_user.password_hash',
      'team.name as team_name',
    ])
    .orderBy('team.name')
    .orderBy('staff_user.name')
    .execute();
}

export async function staffById(db: Db, staffId: number) {
  return (await db.selectFrom('staff_user').selectAll().where('id', '=', staffId).executeTakeFirst()) ?? null;
}

/** Whether the staff member is still in an active block that has not begun. */
export async function hasFutureBlocks(db: Db, staffId: number, now: Date): Promise<boolean> {
  const row = await db
    .selectFrom('block_coach')
    .innerJoin('block', 'block.id', 'block_coach.block_id')
    .select('block.id')
    .where('block_coach.coach_id', '=', staffId)
    .where('block_coach.active', '=', true)
    .where('block.status', '=', 'active')
    .where('block.starts_at', '>', now)
    .executeTakeFirst();
  return Boolean(row);
}

/** How far ahead a departure counts as an absence: beyond every booking horizon. */
const DEPARTURE_YEARS = 10;

/** The absence a departure is recorded as: from now on, open-ended; the same moment twice is one row. */
export async function recordDeparture(db: Db, staffId: number, now: Date, actorId: number): Promise<number> {
  const end = new Date(now);
  end.setUTCFullYear(end.getUTCFullYear() + DEPARTURE_YEARS);
  const row = await db
    .insertInto('absence')
    .values({ staff_id: staffId, starts_at: now, ends_at: end, kind: 'departure', note: null, created_by: actorId })
    .onConflict((oc) => oc.columns(['staff_id', 'starts_at', 'ends_at']).doUpdateSet({ kind: 'departure' }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The departure of someone who left with blocks still to come, to handle; null when there is none. */
export async function pendingDeparture(db: Db, staffId: number, now: Date): Promise<number | null> {
  if (!(await hasFutureBlocks(db, staffId, now))) return null;
  const row = await db
    .selectFrom('absence')
    .select('absence.id')
    .where('absence.staff_id', '=', staffId)
    .where('absence.kind', '=', 'departure')
    .where('absence.starts_at', '<=', now)
    .where('absence.ends_at', '>', now)
    .orderBy('absence.starts_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
