// Looks through every row of every table for given strings: proof that a secret or a person's
// details are nowhere they should not be. Each row is read as its JSON text, so every column
// counts (json, arrays and text alike).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';

export interface Finding {
  table: string;
  needle: string;
  row: string;
}

/** Every table of the schema, except the migration bookkeeping. */
export async function tableNames(db: Kysely<Database>): Promise<string[]> {
  const r = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
      and table_name not like 'kysely_%'
    order by table_name`.execute(db);
  return r.rows.map((x) => x.name);
}

/**
 * Rows that hold any of the needles (case-insensitive), per table. `skip` leaves out columns
 * where a needle belongs (for example a token's hash column, or the question's own column).
 */
export async function scanTables(
  db: Kysely<Database>,
  needles: string[],
  skip: Record<string, string[]> = {},
): Promise<Finding[]> {
  const wanted = needles.filter((n) => n.length > 0).map((n) => n.toLowerCase());
  const found: Finding[] = [];
  for (const table of await tableNames(db)) {
    const r = await sql<{ row: Record<string, unknown> }>`select to_jsonb(t) as row from ${sql.table(table)} t`.execute(
      db,
    );
    for (const { row } of r.rows) {
      const kept = { ...row };
      for (const c of skip[table] ?? []) delete kept[c];
      const text = JSON.stringify(kept).toLowerCase();
      for (const n of wanted) if (text.includes(n)) found.push({ table, needle: n, row: text.slice(0, 300) });
    }
  }
  return found;
}
