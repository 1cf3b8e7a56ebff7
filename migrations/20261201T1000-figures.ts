// Figures for team leads and the council (issue 16): every step of a request has its own moment.
// Most steps already had one (submitted_at, scheduled_at, plan_at, closed_at, and per appointment
// created_at, starts_at with its outcome, cancelled_at); what was missing is when a call-back was
// asked for and when it took place (first_contact_at is also set by the first conversation).
// Existing rows get them only where the data says so: a request asked for a call-back when it
// is or was in the call-back queue (status 'callback', someone called, or the audit trail says
// so); it was called when someone is recorded as having called. Unknown stays null.
//
// Also: the result "solved at the table", the role 'beleid' (municipal policy staff: figures of
// every team, no cases), a daily note of every team's free capacity (first free moment and free
// time ahead, so the figures can show it over time), and indexes for reading a period.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table request add column callback_requested_at timestamptz, add column callback_done_at timestamptz`.execute(
    db,
  );
  await sql`
    update request set callback_requested_at = submitted_at
     where status = 'callback' or callback_by is not null
        or exists (select 1 from audit_event a
                    where a.action = 'callback_requested' and a.subject_type = 'request' and a.subject_id = request.id)`.execute(
    db,
  );
  await sql`update request set callback_done_at = first_contact_at where callback_by is not null`.execute(db);
  await sql`alter table request add constraint request_callback_order
    check (callback_done_at is null or callback_requested_at is not null)`.execute(db);

  await sql`alter table appointment drop constraint appointment_result_check`.execute(db);
  await sql`alter table appointment add constraint appointment_result_check
    check (result in ('solved', 'advice_only', 'plan_made', 'referred_on', 'support_continues'))`.execute(db);

  await sql`alter table staff_user drop constraint staff_user_role_check`.execute(db);
  await sql`alter table staff_user add constraint staff_user_role_check
    check (role in ('coach', 'teamlead', 'frontoffice', 'admin', 'beleid'))`.execute(db);

  await sql`
    create table capacity_snapshot (
      team_id int not null references team (id) on delete cascade,
      day date not null,
      first_free_at timestamptz,
      free_soon int not null check (free_soon >= 0),
      free_ahead int not null check (free_ahead >= 0),
      taken_at timestamptz not null,
      primary key (team_id, day)
    )`.execute(db);

  await sql`create index request_team_submitted on request (team_id, submitted_at)`.execute(db);
  await sql`create index request_submitted on request (submitted_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index request_submitted`.execute(db);
  await sql`drop index request_team_submitted`.execute(db);
  await sql`drop table capacity_snapshot`.execute(db);
  await sql`update staff_user set role = 'frontoffice', active = false where role = 'beleid'`.execute(db);
  await sql`alter table staff_user drop constraint staff_user_role_check`.execute(db);
  await sql`alter table staff_user add constraint staff_user_role_check
    check (role in ('coach', 'teamlead', 'frontoffice', 'admin'))`.execute(db);
  await sql`update appointment set result = 'advice_only' where result = 'solved'`.execute(db);
  await sql`alter table appointment drop constraint appointment_result_check`.execute(db);
  await sql`alter table appointment add constraint appointment_result_check
    check (result in ('advice_only', 'plan_made', 'referred_on', 'support_continues'))`.execute(db);
  await sql`alter table request drop constraint request_callback_order`.execute(db);
  await sql`alter table request drop column callback_requested_at, drop column callback_done_at`.execute(db);
}
