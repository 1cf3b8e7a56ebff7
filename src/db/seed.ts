// Demo data: an Arnhem-like municipality with 8 wijkteams, their postcode areas (6811–6846),
// coaches in duos, blocks on weekday mornings and afternoons for the next 3 weeks, some booked.
// Deterministic (a seeded random generator), so a demo looks the same every time. The parts
// are in seed/; the blocks are written here, a few hundred rows per statement.
import { hash } from '@node-rs/argon2';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { local } from '../domain/time.js';
import { periodLiteral } from './period.js';
import { seededDice } from './seed/random.js';
import { insertTeams } from './seed/teams.js';
import { coachCounts, demoLogins, insertCoaches, insertOfficeStaff } from './seed/staff.js';
import { planBlocks, type PlannedBlock } from './seed/blocks.js';
import { insertBookedAppointments, type SeededBlock } from './seed/appointments.js';
import { insertWaitingRequests } from './seed/queue.js';
import { insertHistory } from './seed/history.js';

export { demoLogins };

export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('team')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

export interface SeedOptions {
  /** Share of slots to book (0–1). */
  bookedShare?: number;
  weeks?: number;
  /**
   * Blocks per duo per week, on distinct weekday half-days (at most 10). Absent: about three
   * (each weekday a duo works with a chance of 60%), as in the demo.
   */
  blocksPerDuoPerWeek?: number;
  /** Coaches in all (even numbers per team, spread in proportion). Absent: 154, as listed. */
  coaches?: number;
  /** Sign-ups per year in the history before now (for the figures). Absent: 4000; 0: none. */
  historyPerYear?: number;
  /** Months of history. Absent: 12. */
  historyMonths?: number;
}

/** Rows per statement: few round trips, well under PostgreSQL's 65,535 parameters. */
const CHUNK = 500;

/** The blocks and their duos in a few statements (one per CHUNK blocks, as insertBlock writes them). */
async function insertBlocks(trx: Kysely<Database>, planned: PlannedBlock[]): Promise<SeededBlock[]> {
  const blocks: SeededBlock[] = [];
  for (let i = 0; i < planned.length; i += CHUNK) {
    const part = planned.slice(i, i + CHUNK);
    const rows = await trx
      .insertInto('block')
      .values(
        part.map((p) => ({
          team_id: p.duo.teamId,
          starts_at: p.start.toJSDate(),
          ends_at: p.end.toJSDate(),
          solo: false,
          slot_minutes: 60,
          buffer_minutes: 30,
          location_kind: 'home' as const,
        })),
      )
      .returning(['id', 'team_id', 'starts_at'])
      .execute();
    part.forEach((p, j) => {
      const row = rows[j];
      const start = p.start.toJSDate();
      if (!row || row.team_id !== p.duo.teamId || row.starts_at.getTime() !== start.getTime()) {
        throw new Error('demo data: blocks came back in another order than written');
      }
      blocks.push({ id: row.id, teamId: row.team_id, start });
    });
    await trx
      .insertInto('block_coach')
      .values(
        part.flatMap((p, j) => {
          const period = periodLiteral(p.start.toJSDate(), p.end.toJSDate());
          return [p.duo.a, p.duo.b].map((coach_id) => ({ block_id: rows[j]!.id, coach_id, period }));
        }),
      )
      .execute();
  }
  return blocks;
}

export async function seedDemo(db: Kysely<Database>, now: Date, options: SeedOptions = {}): Promise<void> {
  const dice = seededDice(20261124);
  const perTeam = coachCounts(options.coaches);
  const passwordHash = await hash(demoLogins.password);

  await db.transaction().execute(async (trx) => {
    const teamIds = await insertTeams(trx);
    const duos = await insertCoaches(trx, teamIds, perTeam, passwordHash, dice);
    const centrum = teamIds.get('centrum')!;
    await insertOfficeStaff(trx, centrum, passwordHash);
    const today = local(now).startOf('day');
    const planned = planBlocks(today, options.weeks ?? 3, duos, options.blocksPerDuoPerWeek, dice);
    const blocks = await insertBlocks(trx, planned);
    await insertBookedAppointments(trx, blocks, now, options.bookedShare ?? 0.3, dice);
    await insertWaitingRequests(trx, now, centrum);
    const perYear = options.historyPerYear ?? 4000;
    // Its own dice: the demo above stays the same with or without a history.
    const months = options.historyMonths ?? 12;
    if (perYear > 0) await insertHistory(trx, { now, months, requestsPerYear: perYear, duos, seed: 20261201 });
  });
  await sql`analyze`.execute(db);
}
