// What coaches, team leads and the front office record: one-time links for password reset
// and invitations, absences, and what happened around an appointment (called before the
// visit, who went, outcome and result).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table staff_token (
      id integer generated always as identity primary key,
      staff_id integer not null references staff_user(id) on delete cascade,
      kind text not null check (kind in ('reset', 'invite')),
      token_hash text not null unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table absence (
      id integer generated always as identity primary key,
      staff_id integer not null references staff_user(id) on delete cascade,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      kind text not null check (kind in ('leave', 'sick', 'other')),
      note text,
      created_by integer references staff_user(id),
      created_at timestamptz not null default now(),
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index absence_staff on absence (staff_id, starts_at)`.execute(db);

  await sql`
    alter table appointment
      add column called_at timestamptz,
      add column call_note text,
      add column solo_coach_id integer references staff_user(id),
      add column outcome text check (outcome in ('held', 'no_show', 'cancelled')),
      add column outcome_at timestamptz,
      add column result text check (result in ('advice_only', 'plan_made', 'referred_on', 'support_continues')),
      add column booked_by integer references staff_user(id)`.execute(db);

  await sql`alter table request add column closed_by integer references staff_user(id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table request drop column closed_by`.execute(db);
  await sql`
    alter table appointment
      drop column called_at, drop column call_note, drop column solo_coach_id, drop column outcome,
      drop column outcome_at, drop column result, drop column booked_by`.execute(db);
  await sql`drop table absence`.execute(db);
  await sql`drop table staff_token`.execute(db);
}
