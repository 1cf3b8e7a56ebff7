// Reading what a step wrote to the audit log: take the last id before it, read the rows after.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';

export async function lastAuditId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirst();
  return row?.m ?? 0;
}

export function auditEventsSince(db: Kysely<Database>, after: number) {
  return db.selectFrom('audit_event').selectAll().where('id', '>', after).orderBy('id').execute();
}
