// Every outbox message gets its own Message-ID when it is written, so the same row always goes
// out with the same Message-ID: a message sent again after a crash is recognisable as the same
// mail (mail clients and the receiving server can fold it), and counting deliveries per row is
// possible. Existing rows get one too.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox_message add column message_key uuid not null default gen_random_uuid()`.execute(db);
  await sql`alter table outbox_message add constraint outbox_message_key_unique unique (message_key)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox_message drop column message_key`.execute(db);
}
