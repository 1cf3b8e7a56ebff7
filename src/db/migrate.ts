import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const migrationFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

// Imports each migration from this module (not from inside kysely), so the TypeScript loader
// that runs the app (tsx, or vitest in tests) also loads the migrations.
class FolderProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    const files = readdirSync(migrationFolder)
      .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .sort();
    for (const file of files) {
      const mod = (await import(pathToFileURL(path.join(migrationFolder, file)).href)) as Migration;
      out[file.replace(/\.(ts|js)$/, '')] = { up: mod.up, ...(mod.down ? { down: mod.down } : {}) };
    }
    return out;
  }
}

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: new FolderProvider(),
  });
}

function check(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${cause}`, { cause: result.error });
  }
  return result;
}

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  return check(await migrator(db).migrateToLatest());
}

/** Undo every migration, newest first (used by tests that prove `down` works). */
export async function migrateDownAll(db: Kysely<any>): Promise<void> {
  const m = migrator(db);
  for (;;) {
    const result = check(await m.migrateDown());
    if (!result.results || result.results.length === 0) return;
  }
}

/** Migrations in the folder that the database has not run yet (empty: the schema is current). */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const names = readdirSync(migrationFolder)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.replace(/\.(ts|js)$/, ''));
  const done = await sql<{ name: string }>`select name from kysely_migration`.execute(db).then(
    (r) => new Set(r.rows.map((row) => row.name)),
    (err: unknown) => {
      // No migration table yet: nothing has run.
      if ((err as { code?: string }).code === '42P01') return new Set<string>();
      throw err;
    },
  );
  return names.filter((n) => !done.has(n)).sort();
}
