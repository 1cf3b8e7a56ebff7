// One fresh database per test file: embedded PGlite in memory by default, or a new database on
// the real server named by TEST_DATABASE_URL (created here, dropped after).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';

export interface TestDb {
  db: Kysely<Database>;
  kind: 'embedded' | 'server';
  /** The URL of this test's own database on the server (null when embedded). */
  url: string | null;
  close(): Promise<void>;
}

export const onServer = Boolean(process.env.TEST_DATABASE_URL);

async function adminQuery(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

export async function createTestDb(options: { migrate?: boolean; poolSize?: number } = {}): Promise<TestDb> {
  const migrate = options.migrate ?? true;
  if (!onServer) {
    const handle = await openDatabase({ kind: 'embedded', dataDir: null });
    if (migrate) await migrateToLatest(handle.db);
    return { db: handle.db, kind: 'embedded', url: null, close: handle.close };
  }
  const name = `kt_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'server', url: url.toString(), poolSize: options.poolSize ?? 60 });
  if (migrate) await migrateToLatest(handle.db);
  return {
    db: handle.db,
    kind: 'server',
    url: url.toString(),
    close: async () => {
      await handle.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}

/** Rows per table: the stored state, as someone reading the database would see its shape. */
export async function tableCounts(db: Kysely<Database>): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by table_name`.execute(
    db,
  );
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    out[table_name] = (
      await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)}`.execute(db)
    ).rows[0]!.n;
  }
  return out;
}
