// The demo's wijkteams: each with its office, its postcode range and its neighbour teams.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { neighbours, teams } from './demo-data.js';

/** Writes the teams, their areas and neighbours; answers each team's id by slug. */
export async function insertTeams(trx: Kysely<Database>): Promise<Map<string, number>> {
  const teamIds = new Map<string, number>();
  for (const t of teams) {
    const row = await trx
      .insertInto('team')
      .values({
        slug: t.slug,
        name: t.name,
        phone: t.phone,
        email: `${t.slug}@wijkteam.example.nl`,
        office_address: `Wijkcentrum ${t.name.replace('Wijkteam ', '')}, Arnhem`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    teamIds.set(t.slug, row.id);
    await trx
      .insertInto('team_area')
      .values({ team_id: row.id, postcode_from: `${t.from}AA`, postcode_to: `${t.to}ZZ` })
      .execute();
  }
  for (const [slug, list] of Object.entries(neighbours)) {
    await trx
      .insertInto('team_neighbour')
      .values(list.map((n) => ({ team_id: teamIds.get(slug)!, neighbour_id: teamIds.get(n)! })))
      .execute();
  }
  return teamIds;
}
