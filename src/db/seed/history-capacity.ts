// A seeded history's daily notes of every team's free capacity (the first free moment mostly 3–15
// working days ahead, beyond 21 while the team runs late) and the waiting-list alarms of those late
// periods (audit events 'no_capacity': a resident found no free time).
import type { Insertable, Kysely } from 'kysely';
import type { CapacitySnapshotTable, Database } from '../schema.js';
import { local } from '../../domain/time.js';
import { between } from './history-fate.js';
import { HistoryCalendar } from './history-calendar.js';
import type { LatePeriod } from './history-model.js';
import type { Dice } from './random.js';

export interface CapacityOptions {
  now: Date;
  months: number;
  teams: { id: number; weight: number }[];
  late: LatePeriod[];
  dice: Dice;
}

function workingDaysAhead(cal: HistoryCalendar, i: number, n: number): number {
  let d = i;
  for (let left = n; left > 0;) {
    d += 1;
    if (!cal.day(d).off) left -= 1;
  }
  return d;
}

/** Every team's note for every day of the history before today (taken at 6:00), and the alarms. */
export function capacitySnapshots(o: CapacityOptions): {
  snapshots: Insertable<CapacitySnapshotTable>[];
  alarms: { teamId: number; at: Date }[];
} {
  const snapshots: Insertable<CapacitySnapshotTable>[] = [];
  const alarms: { teamId: number; at: Date }[] = [];
  const mean = o.teams.reduce((s, t) => s + t.weight, 0) / Math.max(1, o.teams.length);
  const today = local(o.now).startOf('day');
  const cal = new HistoryCalendar(today.minus({ months: o.months }), today.plus({ days: 60 }));
  // Up to yesterday: today's note is the portal's own to take.
  for (let i = 0; cal.days[i]!.start < today.toMillis(); i++) {
    const day = cal.days[i]!;
    const takenAt = new Date(cal.at(i, 6 * 60));
    for (const t of o.teams) {
      const late = o.late.some((p) => p.teamId === t.id && p.from <= takenAt && takenAt < p.to);
      const size = t.weight / mean;
      const ahead = late ? 22 + Math.floor(o.dice.random() * 9) : 3 + Math.floor(o.dice.random() * 13);
      const first = cal.at(workingDaysAhead(cal, i, ahead), o.dice.pick([540, 630, 810, 900]));
      snapshots.push({
        team_id: t.id,
        day: day.date.toISODate()!,
        first_free_at: new Date(first),
        free_soon: late ? 0 : Math.round(size * (ahead <= 10 ? between(o.dice, 8, 30) : between(o.dice, 1, 8))),
        free_ahead: Math.round(size * (late ? between(o.dice, 4, 20) : between(o.dice, 30, 110))),
        taken_at: takenAt,
      });
      if (!late || day.off) continue;
      for (let k = Math.floor(o.dice.random() * 4); k > 0; k--) {
        alarms.push({ teamId: t.id, at: new Date(cal.at(i, 8 * 60 + Math.floor(o.dice.random() * 720))) });
      }
    }
  }
  return { snapshots, alarms };
}

const CHUNK = 500;

/** Writes the notes (a day already noted for a team is left as it is) and the alarms. */
export async function insertCapacity(
  db: Kysely<Database>,
  rows: { snapshots: Insertable<CapacitySnapshotTable>[]; alarms: { teamId: number; at: Date }[] },
): Promise<void> {
  for (let i = 0; i < rows.snapshots.length; i += CHUNK) {
    await db
      .insertInto('capacity_snapshot')
      .values(rows.snapshots.slice(i, i + CHUNK))
      .onConflict((oc) => oc.columns(['team_id', 'day']).doNothing())
      .execute();
  }
  for (let i = 0; i < rows.alarms.length; i += CHUNK) {
    await db
      .insertInto('audit_event')
      .values(
        rows.alarms.slice(i, i + CHUNK).map((a) => ({
          at: a.at,
          action: 'no_capacity',
          team_id: a.teamId,
          detail: JSON.stringify({ offeredTeamId: null }),
        })),
      )
      .execute();
  }
}
