// A resident who comes back with a new question: the one-time link mailed from /opnieuw (only
// its hash; resident_id is null when the typed details matched nobody, so a match and a
// non-match leave the same kind of row), and the marks on a request that the return-after-
// closure figure needs. lead_note: the note written when the lead role (regie) is handed over.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table return_link (
      id integer generated always as identity primary key,
      token_hash text not null unique,
      resident_id integer references resident(id) on delete cascade,
      email_hash text not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index return_link_email on return_link (email_hash, created_at)`.execute(db);

  await sql`
    alter table request
      add column returning_resident boolean not null default false,
      add column previous_request_id integer references request(id),
      add column days_since_closure integer check (days_since_closure >= 0),
      add column lead_note text check (length(lead_note) <= 2000)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table request
      drop column lead_note, drop column days_since_closure, drop column previous_request_id, drop column returning_resident`.execute(
    db,
  );
  await sql`drop table return_link`.execute(db);
}
