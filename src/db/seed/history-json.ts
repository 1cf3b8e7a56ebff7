// Many rows in one statement with one parameter: the rows as JSON, unpacked by the database
// (json_populate_recordset). A statement with thousands of parameters costs the embedded
// database more to take in than the rows cost to write.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Inserts `rows` (all with the same keys) into `table`; answers each row's id and the column
 * `check` as written back (to make sure they came back in the order written).
 */
export async function insertAsJson(
  db: Kysely<Database>,
  table: keyof Database,
  rows: Record<string, unknown>[],
  check: string | null,
): Promise<{ id: number; check: unknown }[]> {
  if (rows.length === 0) return [];
  const cols = sql.join(Object.keys(rows[0]!).map((c) => sql.ref(c)));
  const back = check === null ? sql`` : sql`returning id, ${sql.ref(check)} as check`;
  const { rows: out } = await sql<{ id: number; check: unknown }>`
    insert into ${sql.table(table)} (${cols})
    select ${cols} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)
    ${back}`.execute(db);
  return out;
}
