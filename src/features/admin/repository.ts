import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

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
