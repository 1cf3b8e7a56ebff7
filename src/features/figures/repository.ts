// SQL for the figures. Every function takes the executor first. The figures are computed in
// domain/figures.ts from one row of facts per request (the moment of every step it went
// through), so every view and export counts alike.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { RequestFacts, Result } from '../../domain/figures-model.js';

/** Which requests to read: of one team (or all), submitted before `to`, and still relevant after `since`. */
export interface FactsWindow {
  teamId: number | null;
  /** Requests submitted from here on are read (and older ones still open, or closed after `closedSince`). */
  submittedSince: Date;
  closedSince: Date;
  /** Requests submitted before here (later sign-ups of the same residents count for return after closure). */
  to: Date;
}

interface FactsRow {
  id: number;
  team_id: number | null;
  resident_id: number;
  channel: RequestFacts['channel'];
  returning_resident: boolean;
  referrer_kind: string | null;
  urgent_24h: boolean;
  // Moments as epoch milliseconds: a number is read several times faster than a timestamptz.
  submitted_at: number;
  callback_requested_at: number | null;
  callback_done_at: number | null;
  plan_at: number | null;
  closed_at: number | null;
  status: string;
  first_booked: number | null;
  first_held: number | null;
  first_result: Result | null;
  /** Epoch milliseconds, comma-separated (text: the same on both databases). */
  no_shows: string | null;
  /** "<epoch ms>:<r|s>", comma-separated: cancelled by the resident or registered by staff. */
  cancels: string | null;
}

const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
const at = (n: number | null): Date | null => (n === null ? null : new Date(n));
const epochs = (s: string | null): Date[] => (s ? s.split(',').map((v) => new Date(Number(v))) : []);

export async function requestFacts(db: Kysely<Database>, w: FactsWindow): Promise<RequestFacts[]> {
  const team = w.teamId === null ? sql`true` : sql`r.team_id = ${w.teamId}`;
  const query = sql<FactsRow>`
    select r.id, r.team_id, r.resident_id, r.channel, r.returning_resident, ref.kind as referrer_kind,
      r.urgent_24h, ${ms('r.submitted_at')} as submitted_at, ${ms('r.callback_requested_at')} as callback_requested_at,
      ${ms('r.callback_done_at')} as callback_done_at, ${ms('r.plan_at')} as plan_at, ${ms('r.closed_at')} as closed_at,
      r.status, ${ms('a.first_booked')} as first_booked, ${ms('a.first_held')} as first_held, a.first_result,
      a.no_shows, a.cancels
    from request r
    left join referrer ref on ref.id = r.referrer_id
    left join lateral (
      select min(created_at) as first_booked,
        min(starts_at) filter (where status = 'held') as first_held,
        (array_agg(result order by starts_at) filter (where status = 'held'))[1] as first_result,
        string_agg((extract(epoch from starts_at) * 1000)::bigint::text, ',') filter (where status = 'no_show')
          as no_shows,
        string_agg((extract(epoch from coalesce(cancelled_at, outcome_at)) * 1000)::bigint::text
          || case when outcome = 'cancelled' then ':s' else ':r' end, ',') filter (where status = 'cancelled')
          as cancels
      from appointment where request_id = r.id
    ) a on true
    where ${team} and r.submitted_at < ${w.to}
      and (r.submitted_at >= ${w.submittedSince} or r.closed_at is null or r.closed_at >= ${w.closedSince})
    order by r.id`;
  // Years of requests make the plan look costly enough for PostgreSQL's JIT compiler, which
  // then spends longer compiling than the query takes to run (measured: 250 of 580 ms).
  const { rows } = await db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx);
    return query.execute(trx);
  });
  return rows.map((r): RequestFacts => ({
    id: r.id,
    teamId: r.team_id,
    residentId: r.resident_id,
    channel: r.channel,
    returning: r.returning_resident,
    referrerKind: r.referrer_kind,
    urgent: r.urgent_24h,
    submittedAt: new Date(r.submitted_at),
    callbackRequestedAt: at(r.callback_requested_at),
    callbackDoneAt: at(r.callback_done_at),
    firstBookedAt: at(r.first_booked),
    firstConversationAt: at(r.first_held),
    firstResult: r.first_result,
    planAt: at(r.plan_at),
    closedAt: r.status === 'closed' || r.status === 'cancelled' ? at(r.closed_at) : null,
    withdrawn: r.status === 'cancelled',
    noShowsAt: epochs(r.no_shows),
    cancellationsAt: (r.cancels ? r.cancels.split(',') : []).map((c) => {
      const [at, by] = c.split(':');
      return { at: new Date(Number(at)), by: by === 's' ? ('staff' as const) : ('resident' as const) };
    }),
  }));
}

export async function teamList(db: Kysely<Database>): Promise<{ id: number; name: string; promise_days: number }[]> {
  return db.selectFrom('team').select(['id', 'name', 'promise_days']).orderBy('name').execute();
}

/**
 * The daily notes of free capacity in [fromDay, toDay] (local dates), gathered in the database:
 * per week (or per month, for long periods) the longest wait until the first free time over the
 * teams (null: some team had no free time at all), and each team's latest note.
 */
export async function capacityNotes(
  db: Kysely<Database>,
  teamId: number | null,
  range: { fromDay: string; toDay: string; per: 'week' | 'month' },
) {
  const team = teamId === null ? sql`true` : sql`team_id = ${teamId}`;
  const unit = range.per === 'week' ? sql`'week'` : sql`'month'`;
  const waits = sql`(first_free_at at time zone 'Europe/Amsterdam')::date - day`;
  const { rows: series } = await sql<{ start: string; days: number | null; none: boolean }>`
    select to_char(date_trunc(${unit}, day), 'YYYY-MM-DD') as start, max(${waits}) as days,
      bool_or(first_free_at is null) as none
    from capacity_snapshot
    where ${team} and day >= ${range.fromDay} and day <= ${range.toDay}
    group by 1 order by 1`.execute(db);
  const { rows: latest } = await sql<{ team_id: number; day: string; days: number | null; free_soon: number }>`
    select distinct on (team_id) team_id, to_char(day, 'YYYY-MM-DD') as day, ${waits} as days, free_soon
    from capacity_snapshot
    where ${team} and day >= ${range.fromDay} and day <= ${range.toDay}
    order by team_id, day desc`.execute(db);
  return {
    series: series.map((r) => ({ start: r.start, days: r.none ? null : r.days })),
    latest: new Map(latest.map((r) => [r.team_id, r])),
  };
}

/** Waiting-list alarms (a resident found no free time) per team in [from, to). */
export async function alarmsPerTeam(db: Kysely<Database>, teamId: number | null, from: Date, to: Date) {
  let q = db
    .selectFrom('audit_event')
    .select((eb) => ['team_id', eb.fn.countAll<string>().as('n')])
    .where('action', '=', 'no_capacity')
    .where('at', '>=', from)
    .where('at', '<', to)
    .groupBy('team_id');
  if (teamId !== null) q = q.where('team_id', '=', teamId);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.team_id, Number(r.n)]));
}
