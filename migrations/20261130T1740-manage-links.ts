// More than one working manage link per appointment. The link of the booking mail stays the
// appointment's own (`appointment.manage_token_hash`); a later mail that needs a link (the team
// moved the appointment, a resident asked for their link again) gets a new one here, so the
// link in every earlier mail keeps working. Only hashes are stored.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table manage_link (
      token_hash text primary key,
      appointment_id integer not null references appointment(id) on delete cascade,
      created_at timestamptz not null default now()
    )
  `.execute(db);
  await sql`create index manage_link_appointment_idx on manage_link (appointment_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table manage_link`.execute(db);
}
