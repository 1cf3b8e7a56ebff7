// A coach who left the team (deactivated, or moved to another team) while blocks were still to
// come is recorded as an absence of its own kind, 'departure', from that moment without a real
// end: the pages say "since <date>, left the team" instead of an end date years ahead.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table absence drop constraint absence_kind_check`.execute(db);
  await sql`alter table absence add constraint absence_kind_check check (kind in ('leave', 'sick', 'other', 'departure'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update absence set kind = 'other' where kind = 'departure'`.execute(db);
  await sql`alter table absence drop constraint absence_kind_check`.execute(db);
  await sql`alter table absence add constraint absence_kind_check check (kind in ('leave', 'sick', 'other'))`.execute(
    db,
  );
}
