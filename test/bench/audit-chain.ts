// What the audit log's hash chain costs a booking. pgbench runs the booking's own statements
// (booking-ceiling.ts) on two fresh databases of one PostgreSQL server: one as migrated (every
// audit entry is sealed at commit: it waits for the chain's lock and is hashed), one with the
// seal switched off. Prints bookings per second and latency for both, a few rounds each, alternating;
// nothing is asserted. Also times verifying a long log.
//   npx tsx test/bench/audit-chain.ts postgres://postgres@127.0.0.1:5432/postgres [clients]
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { verifyAuditChain } from '../../src/core/audit-chain.js';
import { bookingCeiling } from './booking-ceiling.js';

const admin = process.argv[2] ?? process.env.TEST_DATABASE_URL;
if (!admin) throw new Error('Usage: npx tsx test/bench/audit-chain.ts <postgres server url> [clients]');
const clients = Number(process.argv[3] ?? 8);
const ROUNDS = 3;
const pgBin = process.env.PG_BIN ?? path.dirname('/usr/bin/pgbench');

async function adminQuery(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function freshDb(chain: boolean): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `kt_bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const u = new URL(admin!);
  u.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'server', url: u.toString(), poolSize: 2 });
  await migrateToLatest(handle.db);
  if (!chain) {
    await sql`alter table audit_event disable trigger audit_event_seal`.execute(handle.db);
    await sql`alter table audit_event disable trigger audit_event_new`.execute(handle.db);
  }
  await handle.close();
  return { url: u.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

const results: Record<'chain' | 'plain', { tps: number; latencyMs: number }[]> = { chain: [], plain: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of round % 2 === 0 ? (['plain', 'chain'] as const) : (['chain', 'plain'] as const)) {
    const db = await freshDb(kind === 'chain');
    try {
      results[kind].push(await bookingCeiling(pgBin, db.url, { clients, perClient: 200 }));
    } finally {
      await db.drop();
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const kind of ['plain', 'chain'] as const) {
  const r = results[kind];
  console.log(
    `${kind.padEnd(6)} ${clients} clients: median ${median(r.map((x) => x.tps)).toFixed(0)} bookings/s, ` +
      `${median(r.map((x) => x.latencyMs)).toFixed(2)} ms (rounds: ${r.map((x) => x.tps.toFixed(0)).join(', ')})`,
  );
}

// Verifying: 100,000 entries, read in batches.
const db = await freshDb(true);
const handle = await openDatabase({ kind: 'server', url: db.url, poolSize: 2 });
try {
  await sql`insert into audit_event (action, detail) select 'bench', jsonb_build_object('n', g)
    from generate_series(1, 100000) g`.execute(handle.db);
  const started = performance.now();
  const r = await verifyAuditChain(handle.db);
  const ms = performance.now() - started;
  console.log(
    `verify: ${r.checked} entries in ${(ms / 1000).toFixed(2)} s (ok: ${r.ok}), heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`,
  );
} finally {
  await handle.close();
  await db.drop();
}
