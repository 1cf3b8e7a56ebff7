// The first calendar read after a write, for a big team: 300 coaches (150 duos), 8 weeks of
// blocks, 30% of them with a booking. Another pool (as another portal process) books a free time
// or cancels one; once this process heard the change, the next read of the team's free times is
// timed (teamFreeSlots and the distinct times the page shows). Also: the same read after a change
// to the whole team (everything read again), and the calendar's throughput while 5 bookings/s
// come in, against calm.
//
//   TEST_DATABASE_URL=… npx tsx test/bench/first-after-write.ts   (or without: a throwaway cluster)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { teamFreeSlots } from '../../src/core/availability.js';
import { feedOf } from '../../src/db/changes.js';
import { openDatabase } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database, Team } from '../../src/db/schema.js';
import { distinctTimes, type Slot } from '../../src/domain/slots.js';
import { createDatabase, startPostgres } from './postgres.js';
import { percentile } from './scenarios.js';

export interface FirstAfterWrite {
  coaches: number;
  blocks: number;
  freeSlots: number;
  /** The first read after a booking or a cancel (ms). */
  p50: number;
  p99: number;
  /** The first read after a change to the whole team (ms). */
  wholeP50: number;
  wholeP99: number;
  /** Calendar reads per second, calm and with 5 bookings/s, and their ratio. */
  calmPerSecond: number;
  busyPerSecond: number;
  busyShare: number;
}

// A Monday; the team's blocks start the next day and run for 8 weeks.
const NOW = new Date('2027-01-04T07:00:00Z');

async function seedBigTeam(db: Kysely<Database>, coaches: number): Promise<Team> {
  const team = await db
    .insertInto('team')
    .values({
      slug: 'groot',
      name: 'Wijkteam Groot',
      phone: '026 000 0000',
      email: 'groot@example.nl',
      office_address: 'Wijkcentrum',
      horizon_days: 56,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const ids = (
    await sql<{ id: number }>`insert into staff_user (team_id, name, email, role)
      select ${team.id}, 'Coach ' || i, 'coach' || i || '@bench.example.nl', 'coach'
      from generate_series(1, ${coaches}) i returning id`.execute(db)
  ).rows.map((r) => r.id);
  // Each duo: every weekday morning, Monday and Wednesday afternoon (7 blocks a week).
  for (let d = 0; d + 1 < ids.length; d += 2) {
    await sql`
      with b as (
        insert into block (team_id, starts_at, ends_at)
        select ${team.id}, (day + h.s) at time zone 'Europe/Amsterdam', (day + h.e) at time zone 'Europe/Amsterdam'
        from generate_series(date '2027-01-05', date '2027-01-05' + 55, interval '1 day') day,
          (values (time '09:00', time '12:00', false), (time '13:30', time '16:30', true)) h(s, e, afternoon)
        where extract(isodow from day) < 6 and (not h.afternoon or extract(isodow from day) in (1, 3))
        returning id, starts_at, ends_at)
      insert into block_coach (block_id, coach_id, period)
      select b.id, c, tstzrange(b.starts_at, b.ends_at) from b, unnest(array[${ids[d]!}::int, ${ids[d + 1]!}::int]) c
    `.execute(db);
  }
  const resident = await db
    .insertInto('resident')
    .values({ name: 'Bench', email: 'bench@example.nl' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`
    with picked as (
      select id, starts_at, row_number() over (order by id) rn from block where team_id = ${team.id} and id % 10 < 3),
    req as (
      insert into request (resident_id, team_id, channel, question, idempotency_key)
      select ${resident.id}, ${team.id}, 'online', 'Bench', 'bench-' || rn from picked returning id),
    numbered as (select id, row_number() over (order by id) rn from req)
    insert into appointment (request_id, block_id, starts_at, ends_at, manage_token_hash)
    select n.id, p.id, p.starts_at, p.starts_at + interval '60 minutes', md5('bench' || p.id)
    from picked p join numbered n using (rn)
  `.execute(db);
  await sql`analyze`.execute(db);
  return team;
}

/**
 * Books a free time (or cancels the last booking), as another portal process would: one
 * statement on its own connection, so this process spends next to nothing on the writing.
 */
function writerOf(client: pg.Client, team: Team, residentId: number) {
  let n = 0;
  const mine: number[] = [];
  return async (free: readonly Slot[], cancel: boolean): Promise<void> => {
    const last = mine.pop();
    if (cancel && last !== undefined) {
      await client.query(`update appointment set status = 'cancelled' where id = $1`, [last]);
      return;
    }
    const slot = free[(n * 7919) % free.length]!;
    n += 1;
    const { rows } = await client.query<{ id: number }>(
      `with r as (insert into request (resident_id, team_id, channel, question) values ($1, $2, 'online', 'Bench') returning id)
       insert into appointment (request_id, block_id, starts_at, ends_at, manage_token_hash)
       select r.id, $3, $4, $5, $6 from r returning id`,
      [residentId, team.id, slot.blockId, slot.start, slot.end, `bench-${n}-${slot.blockId}-${slot.start.getTime()}`],
    );
    mine.push(rows[0]!.id);
  };
}

async function readsPerSecond(db: Kysely<Database>, team: Team, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) {
    distinctTimes(await teamFreeSlots(db, team, NOW));
    n += 1;
    // Let the notifications and the writer's timer in, as a server between requests.
    if (n % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  return (n * 1000) / ms;
}

export async function firstAfterWrite(
  adminUrl: string,
  o: { coaches?: number; repeat?: number; log?: (line: string) => void } = {},
): Promise<FirstAfterWrite> {
  const coaches = o.coaches ?? 300;
  const repeat = o.repeat ?? 200;
  const log = o.log ?? (() => undefined);
  const database = await createDatabase(adminUrl, 'kt_first_after_write');
  const app = await openDatabase({ kind: 'server', url: database.url, poolSize: 4 });
  const other = new pg.Client({ connectionString: database.url });
  await other.connect();
  try {
    await migrateToLatest(app.db);
    const team = await seedBigTeam(app.db, coaches);
    const blocks = Number((await sql<{ n: number }>`select count(*)::int n from block`.execute(app.db)).rows[0]!.n);
    const resident = await app.db
      .insertInto('resident')
      .values({ name: 'Bench', email: 'bench@example.nl' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const write = writerOf(other, team, resident.id);
    const feed = feedOf(app.db)!;
    const heard = new Set<string>();
    const changed = feed.changed.bind(feed);
    feed.changed = (payload: string) => {
      if (payload.startsWith('bench-')) heard.add(payload);
      changed(payload);
    };
    let syncs = 0;
    // Notifications arrive in commit order: once this one is heard, so is every write before it.
    const settle = async () => {
      const token = `bench-${++syncs}`;
      await other.query(`select pg_notify('kt_change', $1)`, [token]);
      while (!heard.has(token)) await new Promise((r) => setTimeout(r, 1));
    };
    const timedRead = async () => {
      const t = performance.now();
      distinctTimes(await teamFreeSlots(app.db, team, NOW));
      return performance.now() - t;
    };
    const free = await teamFreeSlots(app.db, team, NOW);
    log(`${coaches} coaches, ${blocks} blocks, ${free.length} free times over 8 weeks`);

    const afterWrite: number[] = [];
    for (let i = 0; i < repeat; i++) {
      await write(await teamFreeSlots(app.db, team, NOW), i % 2 === 1);
      await settle();
      afterWrite.push(await timedRead());
    }
    const whole: number[] = [];
    for (let i = 0; i < Math.max(10, repeat / 10); i++) {
      await other.query(`select pg_notify('kt_change', $1)`, [String(team.id)]);
      await settle();
      whole.push(await timedRead());
    }

    // Calm and busy seconds in turn, so a noisy neighbour on the machine weighs on both alike.
    let [calm, busy, bookings] = [0, 0, 0];
    for (let round = 0; round < 5; round++) {
      calm += await readsPerSecond(app.db, team, 1_000);
      const timer = setInterval(() => {
        bookings += 1;
        void teamFreeSlots(app.db, team, NOW).then((f) => write(f, bookings % 2 === 0));
      }, 200);
      busy += await readsPerSecond(app.db, team, 1_000);
      clearInterval(timer);
      await new Promise((r) => setTimeout(r, 100));
    }
    const [calmPerSecond, busyPerSecond] = [calm / 5, busy / 5];
    return {
      coaches,
      blocks,
      freeSlots: free.length,
      p50: percentile(afterWrite, 50),
      p99: percentile(afterWrite, 99),
      wholeP50: percentile(whole, 50),
      wholeP99: percentile(whole, 99),
      calmPerSecond,
      busyPerSecond,
      busyShare: busyPerSecond / calmPerSecond,
    };
  } finally {
    await other.end();
    await app.close();
    await database.drop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const server = await startPostgres(repo);
  try {
    const r = await firstAfterWrite(server.adminUrl, { log: (l) => console.log(l) });
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`first read after a booking or cancel: p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`);
    console.log(`first read after a change to the whole team: p50 ${ms(r.wholeP50)}, p99 ${ms(r.wholeP99)}`);
    console.log(
      `calendar reads/s: calm ${Math.round(r.calmPerSecond)}, with 5 bookings/s ${Math.round(r.busyPerSecond)} (${(100 * r.busyShare).toFixed(0)}%)`,
    );
  } finally {
    await server.stop();
  }
}
