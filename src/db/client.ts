// Opens the database: a real PostgreSQL server when a URL is given, else embedded PGlite in a
// folder (or in memory for tests). Both return the same value types: int8 and numeric as
// numbers, date as 'YYYY-MM-DD' text, timestamptz as Date.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Database } from './schema.js';
import { PGliteDialect } from './pglite-dialect.js';
import { CHANGE_CHANNEL, ChangeFeed, registerFeed } from './changes.js';
import { preparedName } from './prepared.js';

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(NUMERIC, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);

export type DbTarget =
  { kind: 'server'; url: string; poolSize?: number } | { kind: 'embedded'; dataDir: string | null };

export interface DbHandle {
  db: Kysely<Database>;
  kind: DbTarget['kind'];
  close(): Promise<void>;
}

/** How the server pool is used right now, and connection errors since start (for /metrics). */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  connectionErrors: number;
}

const poolStatsOf = new WeakMap<Kysely<Database>, () => PoolStats>();

/** Pool figures of a server database; null for the embedded one (a single connection). */
export function poolStats(db: Kysely<Database>): PoolStats | null {
  return poolStatsOf.get(db)?.() ?? null;
}

export async function openDatabase(target: DbTarget): Promise<DbHandle> {
  if (target.kind === 'server') {
    let connectionErrors = 0;
    const pool = new pg.Pool({
      connectionString: target.url,
      max: target.poolSize ?? 10,
      // One connection stays open while the portal is quiet, so it keeps hearing changes.
      min: 1,
      application_name: 'keukentafel',
      // Set in the start-up message, so every connection has it before its first query.
      options: '-c TimeZone=UTC',
      // A database that does not answer (failover, network) fails the request within seconds
      // instead of keeping it waiting; the error page says to try again.
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
    });
    // A connection that the server closes (restart, failover) must never crash the process.
    // Idle ones report here; the pool drops them and opens new ones on the next query.
    pool.on('error', (err) => {
      connectionErrors += 1;
      console.warn(`database connection lost: ${err.message}`);
    });
    // A connection in use (inside a transaction, between two statements) reports on the client
    // itself: without a listener Node would treat it as an uncaught error. The statement that
    // was running fails, the request answers 503, and pg does not return the client to the pool.
    const feed = new ChangeFeed();
    pool.on('connect', (client) => {
      client.on('error', (err) => {
        connectionErrors += 1;
        console.warn(`database connection lost while in use: ${err.message}`);
      });
      // Every connection hears the changes (src/db/changes.ts). Queued before the pool hands the
      // connection out, so it listens before its first statement.
      client.on('notification', (n) => feed.changed(n.payload ?? ''));
      // Statements marked with keepPrepared (db/prepared.ts) go by name: parsed once per connection.
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      client.query = ((...args: unknown[]) => {
        const [text, values] = args;
        const name = args.length === 2 && typeof text === 'string' ? preparedName(text) : undefined;
        return name ? query({ name, text, values }) : query(...args);
      }) as typeof client.query;
      client.query(`LISTEN ${CHANGE_CHANNEL}`).then(
        () => {
          feed.listening();
          client.once('end', () => feed.deaf());
        },
        () => undefined,
      );
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    registerFeed(db, feed);
    poolStatsOf.set(db, () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      connectionErrors,
    }));
    return { db, kind: 'server', close: () => db.destroy() };
  }
  return openEmbedded(target.dataDir);
}

/**
 * Settings of the embedded database, given at every start. PostgreSQL's default of 128 MB
 * shared buffers was the largest part of the portal's memory, for a database of some 10 MB
 * (the demo data) that is read from the operating system's file cache all the same.
 */
export const EMBEDDED_SETTINGS = [
  '-c',
  'shared_buffers=16MB',
  '-c',
  'temp_buffers=2MB',
  '-c',
  'wal_buffers=512kB',
  '-c',
  'maintenance_work_mem=8MB',
  '-c',
  'work_mem=2MB',
];

/**
 * Creates a new embedded database folder (initdb) in a process of its own that ends when the
 * folder is made. Making the folder takes several hundred MB, which a process does not give
 * back; the portal then opens the finished folder like on any later start.
 */
async function initEmbedded(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const module = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script =
    'const { PGlite } = require(process.argv[1]); PGlite.create(process.argv[2]).then((pg) => pg.close());';
  await promisify(execFile)(process.execPath, ['-e', script, module, dataDir], { env: {} });
}

async function openEmbedded(dataDir: string | null): Promise<DbHandle> {
  // Loaded only when used: the embedded database's code costs ~40 MB of memory in a server
  // that talks to PostgreSQL.
  const [{ PGlite }, { btree_gist }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gist'),
  ]);
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    await initEmbedded(dataDir);
  }
  const pglite = await PGlite.create(dataDir ?? undefined, {
    extensions: { btree_gist },
    startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS],
    parsers: {
      [INT8]: (v: string) => Number(v),
      [NUMERIC]: (v: string) => Number(v),
      [DATE]: (v: string) => v,
    },
  });
  await pglite.exec("set time zone 'UTC'");
  const feed = new ChangeFeed();
  await pglite.listen(CHANGE_CHANNEL, (payload) => feed.changed(payload));
  feed.listening();
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  registerFeed(db, feed);
  return { db, kind: 'embedded', close: () => db.destroy() };
}
