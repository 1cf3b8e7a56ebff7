// The like-for-like write ceiling: pgbench runs the booking's own statements
// (src/core/booking.pgbench.sql, kept equal to what the portal sends by
// test/booking/pgbench-script.test.ts) with -M extended on a migrated database, each transaction
// booking the one slot of its own prepared block. HTTP bookings/s as a share of this says how much
// of a booking's cost is the portal's own (HTTP, sessions, rendering) rather than the database's.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { loadConfig } from '../../src/config.js';
import { encryptText } from '../../src/core/secret-text.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../src/core/booking.pgbench.sql', import.meta.url));
const START = '2026-12-08T09:00:00.000Z';
const END = '2026-12-08T10:00:00.000Z';
const NOW = '2026-11-24T09:00:00.000Z';

export interface CeilingOptions {
  clients?: number;
  threads?: number;
  /** Bookings per client: every one gets its own block, prepared beforehand. */
  perClient?: number;
}

/**
 * Migrates the (empty) database at `url`, prepares one team with a block per booking (two coaches
 * each, all at the same time: coaches never share a block), and runs the script with pgbench.
 */
export async function bookingCeiling(
  pgBin: string,
  url: string,
  opts: CeilingOptions = {},
): Promise<{ tps: number; latencyMs: number }> {
  const clients = opts.clients ?? 8;
  const threads = opts.threads ?? 2;
  const perClient = opts.perClient ?? 400;
  const vars = await prepare(url, clients * perClient);
  const u = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  const conn = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username) || 'postgres'];
  const defines = Object.entries({ ...vars, per_client: String(perClient) }).flatMap(([k, v]) => ['-D', `${k}=${v}`]);
  const debug = Boolean(process.env.CEILING_DEBUG);
  const args = [
    ...(debug ? ['-r'] : []),
    '-n',
    '-M',
    'extended',
    '-f',
    SCRIPT,
    '-c',
    String(clients),
    '-j',
    String(threads),
  ];
  const { stdout } = await run(
    `${pgBin}/pgbench`,
    [...args, '-t', String(perClient), ...defines, ...conn, u.pathname.slice(1)],
    {
      env,
      timeout: 600_000,
    },
  );
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
  const latency = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
  const done = /number of transactions actually processed: (\d+)\/(\d+)/.exec(stdout);
  if (!tps || !done || done[1] !== done[2]) throw new Error(`pgbench did not finish every booking:\n${stdout}`);
  // CEILING_DEBUG=1: pgbench's report with each statement's latency.
  if (debug) console.log(stdout);
  return { tps: Number(tps), latencyMs: Number(latency) };
}

/** The rows the script books against; returns the script's -D variables. */
async function prepare(url: string, blocks: number): Promise<Record<string, string>> {
  const handle = await openDatabase({ kind: 'server', url, poolSize: 2 });
  try {
    const db = handle.db;
    await migrateToLatest(db);
    const team = await sql<{ id: number }>`
      insert into team (slug, name, phone, email, office_address)
      values ('ceiling', 'Wijkteam Plafond', '026 000 0000', 'plafond@example.nl', 'Wijkcentrum, Arnhem') returning id`.execute(
      db,
    );
    const teamId = team.rows[0]!.id;
    const staff = await sql<{ id: number }>`
      insert into staff_user (team_id, name, email, role) values (${teamId}, 'Ilse Dekker', 'ilse@example.nl', 'teamlead')
      returning id`.execute(db);
    const referrer = await sql<{ id: number }>`
      insert into referrer (kind, organisation, name) values ('huisarts', 'Praktijk De Linde', 'Dr. Sara Jansen')
      returning id`.execute(db);
    const first = await sql<{ id: number }>`
      insert into block (team_id, starts_at, ends_at, slot_minutes, buffer_minutes)
      select ${teamId}, ${START}::timestamptz, ${END}::timestamptz, 60, 0 from generate_series(1, ${blocks})
      returning id`.execute(db);
    const blockIds = first.rows.map((r) => r.id).sort((a, b) => a - b);
    if (blockIds[blockIds.length - 1]! - blockIds[0]! !== blocks - 1) throw new Error('block ids are not consecutive');
    await sql`
      with coach as (
        insert into staff_user (team_id, name, email, role)
        select ${teamId}, 'Coach ' || i, 'coach' || i || '@example.nl', 'coach' from generate_series(0, ${2 * blocks - 1}) i
        returning id
      ), numbered as (select id, row_number() over (order by id) - 1 as i from coach)
      insert into block_coach (block_id, coach_id, period)
      select ${blockIds[0]!}::int + (i / 2)::int, id, tstzrange(${START}::timestamptz, ${END}::timestamptz) from numbered`.execute(
      db,
    );
    await sql`analyze`.execute(db);
    return {
      n: '0',
      first_block: String(blockIds[0]),
      team: String(teamId),
      staff: String(staff.rows[0]!.id),
      referrer: String(referrer.rows[0]!.id),
      yes: 'true',
      no: 'false',
      name: 'Anna de Vries',
      phone: '06 12345678',
      postcode: '6811AB',
      house: '12a',
      street: 'Steenstraat',
      city: 'Arnhem',
      dob: '1980-05-01',
      language: 'nl',
      interpreter: 'false',
      locale: 'nl',
      channel: 'online',
      // Stored as the portal stores it: encrypted (core/secret-text.ts), the same length.
      question: encryptText(loadConfig({ NODE_ENV: 'test' }).questionKeys, 'Schulden en een brief van de woningbouw'),
      topics: '{money}',
      about: 'self',
      companion: 'mijn zus',
      now: NOW,
      start: START,
      end: END,
      mode: 'home',
      action: 'booking_created',
      subject: 'request',
      detail: '{"channel":"online"}',
      kind: 'appointment',
      subject_resident: 'Uw afspraak met het wijkteam: dinsdag 8 december 2026, 10:00–11:00',
      subject_coach: 'Nieuwe afspraak in uw blok: dinsdag 8 december 2026, 10:00–11:00',
      // Keyed hashes as core/pseudonym.ts writes them: 64 hex characters.
      email_hash: 'a'.repeat(64),
      phone_hash: 'b'.repeat(64),
    };
  } finally {
    await handle.close();
  }
}

// `tsx test/bench/booking-ceiling.ts <admin-url>`: the ceiling on its own, on a new database.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { createDatabase } = await import('./postgres.js');
  const adminUrl = process.argv[2] ?? process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('give an admin URL or TEST_DATABASE_URL');
  const target = await createDatabase(adminUrl, 'kt_ceiling');
  try {
    const r = await bookingCeiling(process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin', target.url);
    console.log(`booking ceiling: ${r.tps.toFixed(0)} tps, latency ${r.latencyMs} ms`);
  } finally {
    await target.drop();
  }
}
