// Referrals (verwijzers): what a referrer adds to a request, the secret status link the
// referrer gets (only its hash), the one feedback mail, the team's contact coach per referring
// organisation, and the 3-gesprek: an appointment the referrer joins, possibly at the practice
// or school.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table referrer
      add column school_role text check (school_role in ('ib', 'teacher', 'care_coordinator')),
      add column mail_locale text not null default 'nl' check (mail_locale in ('nl', 'en'))`.execute(db);

  // referrer_done: what the referrer already did (free text, read by the team only).
  // referrer_feedback_at/kind: the one status mail to the referrer, sent at most once.
  await sql`
    alter table request
      add column referrer_token_hash text unique,
      add column referrer_done text check (length(referrer_done) <= 2000),
      add column referrer_feedback_at timestamptz,
      add column referrer_feedback_kind text check (referrer_feedback_kind in ('held', 'not_reached', 'closed')),
      add constraint request_no_consent_reason check (consent_referrer_form is distinct from 'none_veilig_thuis' or coalesce(length(no_consent_reason), 0) between 1 and 2000)`.execute(
    db,
  );

  // A 3-gesprek: the referrer joins. At the practice or school, the mode is 'office' and the
  // place is the referrer's address, never the team's office. The address counts only while
  // the mode is 'office': a later change to home, phone or video (by the resident or the team)
  // simply leaves it unused.
  await sql`
    alter table appointment
      add column referrer_joins boolean not null default false,
      add column referrer_location text check (length(referrer_location) between 1 and 300),
      add constraint appointment_referrer_location check (referrer_location is null or referrer_joins)`.execute(db);

  await sql`
    create table referrer_contact (
      id integer generated always as identity primary key,
      team_id integer not null references team(id) on delete cascade,
      organisation text not null check (length(organisation) between 1 and 200),
      organisation_key text not null,
      coach_id integer not null references staff_user(id),
      phone text check (length(phone) <= 30),
      updated_by integer references staff_user(id),
      created_at timestamptz not null default now(),
      unique (team_id, organisation_key)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table referrer_contact`.execute(db);
  await sql`
    alter table appointment
      drop constraint appointment_referrer_location, drop column referrer_location, drop column referrer_joins`.execute(
    db,
  );
  await sql`
    alter table request
      drop constraint request_no_consent_reason, drop column referrer_feedback_kind, drop column referrer_feedback_at,
      drop column referrer_done, drop column referrer_token_hash`.execute(db);
  await sql`alter table referrer drop column mail_locale, drop column school_role`.execute(db);
}
