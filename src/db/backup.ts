// Backups of the embedded database: a tar.gz of its folder, made by PGlite (dumpDataDir) and
// loaded by PGlite again (loadDataDir). Used by npm run backup and npm run restore.
import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { cp } from 'node:fs/promises';
import type { Database } from './schema.js';

export interface BackupSummary {
  teams: number;
  staff: number;
  requests: number;
  appointments: number;
  booked: number;
  /** The last migration the backup's schema has; null for a database the portal never used. */
  schema: string | null;
}

async function openPGlite(options: { dataDir?: string; loadDataDir?: Blob }): Promise<PGlite> {
  const [{ PGlite }, { btree_gist }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gist'),
  ]);
  return PGlite.create({ ...options, extensions: { btree_gist } });
}

async function summarize(pg: PGlite): Promise<BackupSummary> {
  const known = await pg.query<{ t: string | null }>("select to_regclass('public.kysely_migration')::text as t");
  if (!known.rows[0]?.t) return { teams: 0, staff: 0, requests: 0, appointments: 0, booked: 0, schema: null };
  const counts = await pg.query<BackupSummary>(`
    select (select count(*)::int from team) as teams,
           (select count(*)::int from staff_user) as staff,
           (select count(*)::int from request) as requests,
           (select count(*)::int from appointment) as appointments,
           (select count(*)::int from appointment where status = 'booked') as booked,
           (select max(name) from kysely_migration) as schema`);
  return counts.rows[0]!;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function describeSummary(s: BackupSummary): string {
  if (s.schema === null) return 'an empty database';
  return `${count(s.teams, 'team')}, ${s.staff} staff, ${count(s.requests, 'request')}, ${count(s.appointments, 'appointment')} (${s.booked} booked), schema ${s.schema}`;
}

function asBlob(data: Buffer): Blob {
  return new Blob([new Uint8Array(data)], { type: 'application/x-gzip' });
}

/** A tar.gz of the database in `pgDir`. No other process may have the folder open. */
export async function dumpFolder(pgDir: string): Promise<Buffer> {
  const pg = await openPGlite({ dataDir: pgDir });
  try {
    // Writes every change into the data files, so the copy needs no recovery when loaded.
    await pg.exec('checkpoint');
    return Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer());
  } finally {
    await pg.close();
  }
}

/** Opens a backup in a throwaway database in memory and counts what it holds. */
export async function inspectBackup(data: Buffer): Promise<BackupSummary> {
  const pg = await openPGlite({ loadDataDir: asBlob(data) });
  try {
    return await summarize(pg);
  } finally {
    await pg.close();
  }
}

/** Loads a backup into `pgDir`, a folder that must not hold a database yet. */
export async function restoreInto(data: Buffer, pgDir: string): Promise<BackupSummary> {
  const pg = await openPGlite({ dataDir: pgDir, loadDataDir: asBlob(data) });
  try {
    const summary = await summarize(pg);
    await pg.exec('checkpoint');
    return summary;
  } finally {
    await pg.close();
  }
}

/**
 * In the running portal: copies its database folder to `target` at a moment no query runs.
 * Holding the one embedded connection makes other queries wait (PGlite writes only while a
 * query runs), and a checkpoint first puts every committed change in the data files.
 */
export async function copyWhileQuiet(db: Kysely<Database>, pgDir: string, target: string): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`checkpoint`.execute(conn);
    await cp(pgDir, target, { recursive: true });
  });
}
