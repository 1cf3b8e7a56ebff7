// A mail on the booking's hot path is written later: the booking's transaction stores WHAT to send
// (`kind` and a small `payload`: the appointment's facts as they were when the mail was queued,
// the recipient, and where the mail carries a link the plain manage token), and the worker renders
// the body and calendar file just before sending. Other mails keep their rendered body. A row has
// a body, or a kind with a payload; the worker removes a secret from the payload once sent.
// Also on that path: a plain sign-up looks for a resident it surely belongs to by email or phone
// (core/resident-reuse.ts); these indexes keep that look-up from reading every resident.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox_message add column kind text, add column payload jsonb`.execute(db);
  await sql`alter table outbox_message alter column body_text drop not null`.execute(db);
  await sql`
    alter table outbox_message add constraint outbox_message_body_or_payload
      check (body_text is not null or (kind is not null and payload is not null))`.execute(db);
  await sql`create index resident_email_same on resident (lower(trim(email)))`.execute(db);
  await sql`
    create index resident_phone_same on resident (right(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), 9))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index resident_phone_same`.execute(db);
  await sql`drop index resident_email_same`.execute(db);
  await sql`delete from outbox_message where body_text is null`.execute(db);
  await sql`alter table outbox_message drop constraint outbox_message_body_or_payload`.execute(db);
  await sql`alter table outbox_message alter column body_text set not null`.execute(db);
  await sql`alter table outbox_message drop column kind, drop column payload`.execute(db);
}
