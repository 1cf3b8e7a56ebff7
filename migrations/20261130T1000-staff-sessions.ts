// Sessions the server can end: every staff session carries the person's session_version, and
// raising it (log-out, a new password, deactivation, a change of role, team or address) ends
// all of that person's sessions at once.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_user add column session_version integer not null default 1 check (session_version >= 1)`.execute(
    db,
  );
  await sql`create index staff_token_staff on staff_token (staff_id, kind, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index staff_token_staff`.execute(db);
  await sql`alter table staff_user drop column session_version`.execute(db);
}
