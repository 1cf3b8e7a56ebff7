// Retention (issue 17): the municipality's settings (one row per key: the retention terms and
// what else applies to the whole portal), and what the retention job marks. A resident keeps
// keyed hashes of their e-mail address and phone number (core/pseudonym.ts: the key is in the
// configuration, not here, so the app fills them, and the job fills rows written before) that
// outlive anonymisation; a resident and a request say when they were anonymised; a mail says
// when its text was purged, and may then have neither body nor payload.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table setting (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz,
      updated_by int references staff_user (id) on delete set null
    )`.execute(db);
  await sql`create index setting_updated_by on setting (updated_by)`.execute(db);

  await sql`alter table resident add column email_hash text, add column phone_hash text,
    add column anonymised_at timestamptz`.execute(db);
  // An anonymised resident has neither address nor phone number any more.
  await sql`alter table resident drop constraint resident_check`.execute(db);
  await sql`alter table resident add constraint resident_contact
    check (email is not null or phone is not null or anonymised_at is not null)`.execute(db);
  await sql`create index resident_email_hash on resident (email_hash)`.execute(db);
  await sql`create index resident_phone_hash on resident (phone_hash)`.execute(db);
  // A changed address or number makes its hash stale: cleared here unless the same statement
  // writes a new one (the retention job fills it again). Anonymising keeps the hashes, and so
  // does an anonymised row (no address left) that gets its address again.
  await sql`
    create function resident_hashes_follow() returns trigger language plpgsql as $$
    begin
      if new.anonymised_at is not null then
        return new;
      end if;
      if old.email is not null and new.email is distinct from old.email
         and new.email_hash is not distinct from old.email_hash then
        new.email_hash := null;
      end if;
      if old.phone is not null and new.phone is distinct from old.phone
         and new.phone_hash is not distinct from old.phone_hash then
        new.phone_hash := null;
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger resident_hashes_follow before update of email, phone on resident
      for each row execute function resident_hashes_follow()`.execute(db);

  await sql`alter table request add column anonymised_at timestamptz`.execute(db);
  await sql`create index request_not_anonymised on request (closed_at) where anonymised_at is null`.execute(db);

  await sql`alter table outbox_message add column purged_at timestamptz`.execute(db);
  await sql`alter table outbox_message drop constraint outbox_message_body_or_payload`.execute(db);
  await sql`
    alter table outbox_message add constraint outbox_message_body_or_payload
      check (body_text is not null or (kind is not null and payload is not null) or purged_at is not null)`.execute(db);
  await sql`create index outbox_message_unpurged on outbox_message (sent_at) where purged_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index outbox_message_unpurged`.execute(db);
  await sql`delete from outbox_message where body_text is null and (kind is null or payload is null)`.execute(db);
  await sql`alter table outbox_message drop constraint outbox_message_body_or_payload`.execute(db);
  await sql`
    alter table outbox_message add constraint outbox_message_body_or_payload
      check (body_text is not null or (kind is not null and payload is not null))`.execute(db);
  await sql`alter table outbox_message drop column purged_at`.execute(db);
  await sql`drop index request_not_anonymised`.execute(db);
  await sql`alter table request drop column anonymised_at`.execute(db);
  await sql`drop trigger resident_hashes_follow on resident`.execute(db);
  await sql`drop function resident_hashes_follow()`.execute(db);
  await sql`delete from resident where email is null and phone is null`.execute(db);
  await sql`alter table resident drop constraint resident_contact`.execute(db);
  await sql`alter table resident add constraint resident_check check (email is not null or phone is not null)`.execute(
    db,
  );
  await sql`alter table resident drop column email_hash, drop column phone_hash, drop column anonymised_at`.execute(db);
  await sql`drop table setting`.execute(db);
}
