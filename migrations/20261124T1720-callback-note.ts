// A call-back request that a coach has handled: what was agreed on the phone and who called.
// The request keeps status 'callback' (first_contact_at says it was handled) until the team
// books an appointment, so the queue can still show it as "called back, no appointment yet".
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table request
      add column callback_note text check (length(callback_note) <= 2000),
      add column callback_by integer references staff_user(id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table request drop column callback_note, drop column callback_by`.execute(db);
}
