// Once a day every team's free capacity is noted (the first free moment a resident would see,
// and the free slots ahead), so the figures can show it over time: the capacity page shows only
// today. A periodic task (one run at a time across processes); a day already noted is left as is.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { teamFreeSlots } from '../../core/availability.js';
import { horizonEnd, localDate } from '../../domain/time.js';

/** "Free in the next 14 days", as the capacity page counts it. */
const SOON_DAYS = 14;

export async function noteCapacity(db: Kysely<Database>, now: Date): Promise<number> {
  const day = localDate(now);
  const teams = await db
    .selectFrom('team')
    .selectAll()
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('capacity_snapshot')
            .select('team_id')
            .whereRef('capacity_snapshot.team_id', '=', 'team.id')
            .where('capacity_snapshot.day', '=', day),
        ),
      ),
    )
    .orderBy('id')
    .execute();
  if (teams.length === 0) return 0;
  const soonEnd = horizonEnd(now, SOON_DAYS).toJSDate();
  const rows = [];
  for (const team of teams) {
    const slots = await teamFreeSlots(db, team, now);
    rows.push({
      team_id: team.id,
      day,
      first_free_at: slots[0]?.start ?? null,
      free_soon: slots.filter((s) => s.end <= soonEnd).length,
      free_ahead: slots.length,
      taken_at: now,
    });
  }
  const done = await db
    .insertInto('capacity_snapshot')
    .values(rows)
    .onConflict((oc) => oc.columns(['team_id', 'day']).doNothing())
    .executeTakeFirst();
  return Number(done.numInsertedOrUpdatedRows ?? 0);
}
