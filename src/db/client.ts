// Opens the database: a real PostgreSQL server when a URL is given, else embedded PGlite in a
// folder (or in memory for tests). Both return the same value types: int8 and numeric as
// numbers, date as 'YYYY-MM-DD' text, timestamptz as Date.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import type { Database } from './schema.js';
import { PGliteDialect } from './pglite-dialect.js';
import { ChangeWatch, registerWatch, watchedDialect } from './changes.js';

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(NUMERIC, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);

export type DbTarget =
  | { kind: 'server'; url: string; poolSize?: number }
  | { kind: 'embedded'; dataDir: string | null };

export interface DbHandle {
  db: Kysely<Database>;
  kind: DbTarget['kind'];
  close(): Promise<void>;
}

export async function openDatabase(target: DbTarget): Promise<DbHandle> {
  if (target.kind === 'server') {
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      application_name: 'keukentafel',
    });
    // An idle connection that the server closes (restart, failover) must not crash the process:
    // the pool drops it and opens a new one on the next query.
    pool.on('error', (err) => {
      console.warn(`database connection lost: ${err.message}`);
    });
    pool.on('connect', (client) => {
      void client.query("set time zone 'UTC'");
    });
    const watch = new ChangeWatch();
    const db = new Kysely<Database>({ dialect: watchedDialect(new PostgresDialect({ pool }), watch) });
    registerWatch(db, watch);
    return { db, kind: 'server', close: () => db.destroy() };
  }
  // Loaded only when used: the embedded database's code costs ~40 MB of memory in a server
  // that talks to PostgreSQL.
  const [{ PGlite }, { btree_gist }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/btree_gist')]);
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const pglite = await PGlite.create(target.dataDir ?? undefined, {
    extensions: { btree_gist },
    parsers: {
      [INT8]: (v: string) => Number(v),
      [NUMERIC]: (v: string) => Number(v),
      [DATE]: (v: string) => v,
    },
  });
  await pglite.exec("set time zone 'UTC'");
  const watch = new ChangeWatch();
  const db = new Kysely<Database>({ dialect: watchedDialect(new PGliteDialect(pglite), watch) });
  registerWatch(db, watch);
  return { db, kind: 'embedded', close: () => db.destroy() };
}
