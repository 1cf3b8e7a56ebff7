// Teams: which team serves a postcode, a team by id, and its neighbours (for residents when
// their own team has no free time).
import { sql } from 'kysely';
import type { Team } from '../db/schema.js';
import { cachedRead } from '../db/changes.js';
import type { Db } from './db.js';

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

// Teams change rarely and are read on every step of a sign-up: kept in memory until a change to
// the team tables is heard (src/db/changes.ts; they notify every team), frozen so no caller can
// change the kept copy. The time limit is a backstop only.
const TEAM_TTL_MS = 5 * 60_000;

export async function teamById(db: Db, id: number): Promise<Team | null> {
  return cachedRead(db, { scope: id, key: 'team' }, { ttlMs: TEAM_TTL_MS }, async () => {
    const row = await db.selectFrom('team').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? Object.freeze(row) : null;
  });
}

export async function neighbourTeams(db: Db, teamId: number): Promise<readonly Team[]> {
  return cachedRead(db, { scope: teamId, key: 'team-neighbours' }, { ttlMs: TEAM_TTL_MS }, async () => {
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

/** The active coaches and team leads of a team (who can be in a block), by name. */
export async function teamCoaches(db: Db, teamId: number): Promise<{ id: number; name: string; email: string }[]> {
  return db
    .selectFrom('staff_user')
    .select(['id', 'name', 'email'])
    .where('team_id', '=', teamId)
    .where('active', '=', true)
    .where('role', 'in', ['coach', 'teamlead'])
    .orderBy('name')
    .execute();
}
