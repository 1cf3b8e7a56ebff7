// Data model v1. What must never happen is made impossible here:
// - a coach in two overlapping active blocks (exclusion constraint on block_coach);
// - two active appointments overlapping within one block (exclusion constraint on appointment);
// - two active appointments for one request, or one sign-up stored twice (unique indexes).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists btree_gist`.execute(db);

  await sql`
    create table team (
      id integer generated always as identity primary key,
      slug text not null unique check (slug ~ '^[a-z0-9-]+$'),
      name text not null,
      phone text not null,
      email text not null,
      office_address text not null,
      horizon_days integer not null default 21 check (horizon_days between 1 and 120),
      min_notice_days integer not null default 1 check (min_notice_days between 0 and 30),
      promise_days integer not null default 14 check (promise_days between 1 and 120),
      free_slot_threshold integer not null default 10 check (free_slot_threshold >= 0),
      reminder_days integer not null default 2 check (reminder_days between 0 and 14),
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table team_neighbour (
      team_id integer not null references team(id) on delete cascade,
      neighbour_id integer not null references team(id) on delete cascade,
      primary key (team_id, neighbour_id),
      check (team_id <> neighbour_id)
    )`.execute(db);

  // Postcode ranges: 'from' and 'to' are full postcodes (4 digits + 2 letters), so a
  // 4-digit range 6811–6812 is stored as 6811AA–6812ZZ.
  await sql`
    create table team_area (
      id integer generated always as identity primary key,
      team_id integer not null references team(id) on delete cascade,
      postcode_from text not null check (postcode_from ~ '^[1-9][0-9]{3}[A-Z]{2}$'),
      postcode_to text not null check (postcode_to ~ '^[1-9][0-9]{3}[A-Z]{2}$'),
      check (postcode_from <= postcode_to)
    )`.execute(db);
  await sql`create index team_area_range on team_area (postcode_from, postcode_to)`.execute(db);

  await sql`
    create table staff_user (
      id integer generated always as identity primary key,
      team_id integer references team(id),
      name text not null,
      email text not null,
      password_hash text,
      role text not null check (role in ('coach', 'teamlead', 'frontoffice', 'admin')),
      active boolean not null default true,
      expertise text[] not null default '{}',
      ical_token_hash text unique,
      failed_logins integer not null default 0,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      check (role not in ('coach', 'teamlead') or team_id is not null)
    )`.execute(db);
  await sql`create unique index staff_user_email on staff_user (lower(email))`.execute(db);

  await sql`
    create table block (
      id integer generated always as identity primary key,
      team_id integer not null references team(id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      solo boolean not null default false,
      slot_minutes integer not null default 60 check (slot_minutes between 15 and 240),
      buffer_minutes integer not null default 30 check (buffer_minutes between 0 and 120),
      location_kind text not null default 'home' check (location_kind in ('home', 'office', 'school')),
      status text not null default 'active' check (status in ('active', 'cancelled')),
      series_id uuid,
      created_by integer references staff_user(id),
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index block_team_time on block (team_id, starts_at) where status = 'active'`.execute(db);
  await sql`create index block_series on block (series_id) where series_id is not null`.execute(db);

  // The coaches of a block. period and active mirror the block, kept in step by the code that
  // changes blocks, so the database itself refuses a coach in two places at once.
  await sql`
    create table block_coach (
      block_id integer not null references block(id) on delete cascade,
      coach_id integer not null references staff_user(id),
      period tstzrange not null,
      active boolean not null default true,
      primary key (block_id, coach_id),
      constraint block_coach_no_overlap exclude using gist (coach_id with =, period with &&) where (active)
    )`.execute(db);
  await sql`create index block_coach_coach on block_coach (coach_id)`.execute(db);

  await sql`
    create table resident (
      id integer generated always as identity primary key,
      name text not null,
      email text,
      phone text,
      postcode text,
      house_number text,
      street text,
      city text,
      date_of_birth date,
      language text not null default 'nl',
      interpreter boolean not null default false,
      mail_locale text not null default 'nl' check (mail_locale in ('nl', 'en')),
      lead_coach_id integer references staff_user(id),
      created_at timestamptz not null default now(),
      check (email is not null or phone is not null)
    )`.execute(db);
  await sql`create index resident_email on resident (lower(email))`.execute(db);

  await sql`
    create table referrer (
      id integer generated always as identity primary key,
      kind text not null check (kind in ('huisarts', 'poh_ggz', 'jeugdarts', 'school', 'wijkverpleging', 'veilig_thuis', 'woningcorporatie', 'other')),
      organisation text not null,
      name text not null,
      phone text,
      email text,
      agb_code text check (agb_code ~ '^[0-9]{8}$'),
      created_at timestamptz not null default now()
    )`.execute(db);

  // One row per question. A timestamp per step makes waiting-time figures computable whatever
  // definition a municipality uses.
  await sql`
    create table request (
      id integer generated always as identity primary key,
      resident_id integer not null references resident(id),
      team_id integer references team(id),
      referrer_id integer references referrer(id),
      channel text not null check (channel in ('online', 'referrer', 'phone', 'walkin')),
      question text not null check (length(question) between 1 and 5000),
      topics text[] not null default '{}',
      about text not null default 'self' check (about in ('self', 'child', 'partner', 'parent', 'other')),
      danger_now boolean not null default false,
      urgent_24h boolean not null default false,
      safety_flag boolean not null default false,
      status text not null default 'new' check (status in ('new', 'callback', 'scheduled', 'held', 'closed', 'cancelled')),
      companion text,
      consent_processing_at timestamptz,
      consent_referrer_form text check (consent_referrer_form in ('spoken', 'written', 'none_veilig_thuis')),
      consent_referrer_at timestamptz,
      consent_feedback boolean not null default false,
      no_consent_reason text,
      lead_coach_id integer references staff_user(id),
      idempotency_key text unique,
      submitted_at timestamptz not null default now(),
      assigned_at timestamptz,
      scheduled_at timestamptz,
      first_contact_at timestamptz,
      plan_at timestamptz,
      closed_at timestamptz,
      close_note text
    )`.execute(db);
  await sql`create index request_team_status on request (team_id, status)`.execute(db);
  await sql`create index request_resident on request (resident_id)`.execute(db);

  await sql`
    create table appointment (
      id integer generated always as identity primary key,
      request_id integer not null references request(id),
      block_id integer not null references block(id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      mode text not null default 'home' check (mode in ('home', 'office', 'phone', 'video')),
      status text not null default 'booked' check (status in ('booked', 'cancelled', 'held', 'no_show')),
      manage_token_hash text not null unique,
      cancel_reason text,
      cancelled_at timestamptz,
      reminder_sent_at timestamptz,
      created_at timestamptz not null default now(),
      check (ends_at > starts_at),
      constraint appointment_no_overlap exclude using gist (
        block_id with =, tstzrange(starts_at, ends_at) with &&
      ) where (status = 'booked')
    )`.execute(db);
  await sql`create unique index appointment_one_active_per_request on appointment (request_id) where status = 'booked'`.execute(
    db,
  );
  await sql`create index appointment_block on appointment (block_id) where status = 'booked'`.execute(db);

  await sql`
    create table outbox_message (
      id integer generated always as identity primary key,
      to_address text not null,
      subject text not null,
      body_text text not null,
      body_html text,
      ics text,
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts integer not null default 0,
      -- New messages are due at once, whatever clock the sender uses.
      next_attempt_at timestamptz not null default '-infinity',
      last_error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    )`.execute(db);
  await sql`create index outbox_due on outbox_message (next_attempt_at) where status = 'pending'`.execute(db);

  await sql`
    create table audit_event (
      id integer generated always as identity primary key,
      at timestamptz not null default now(),
      actor_staff_id integer references staff_user(id),
      action text not null,
      subject_type text,
      subject_id integer,
      team_id integer references team(id),
      detail jsonb not null default '{}'
    )`.execute(db);
  await sql`create index audit_event_action on audit_event (action, at)`.execute(db);

  // Work in progress of a public flow (the sign-up steps), so nothing personal lives in cookies.
  await sql`
    create table draft (
      id uuid primary key,
      data jsonb not null default '{}',
      expires_at timestamptz not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'draft',
    'audit_event',
    'outbox_message',
    'appointment',
    'request',
    'referrer',
    'resident',
    'block_coach',
    'block',
    'staff_user',
    'team_area',
    'team_neighbour',
    'team',
  ]) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}
