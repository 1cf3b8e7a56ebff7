// The database tells every portal process when a team's calendar changed (src/db/changes.ts):
// each committed write to the tables free times and teams are read from sends a notification on
// channel kt_change with the team's id, or '*' when every team may be touched (the team tables
// themselves, which are small and change rarely). PostgreSQL sends it at commit, never for a
// rollback, and sends one notification per team per transaction however many rows changed.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function kt_notify_team(team bigint) returns void language plpgsql as $$
    begin
      if team is not null then
        perform pg_notify('kt_change', team::text);
      end if;
    end $$
  `.execute(db);

  // block: its team, before and after (a block never moves team today, but it costs nothing).
  await sql`
    create function kt_block_changed() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'DELETE' then perform kt_notify_team(new.team_id); end if;
      if tg_op <> 'INSERT' then perform kt_notify_team(old.team_id); end if;
      return null;
    end $$
  `.execute(db);

  // block_coach and appointment: the team of their block.
  await sql`
    create function kt_block_row_changed() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'DELETE' then
        perform kt_notify_team((select team_id from block where id = new.block_id));
      end if;
      if tg_op <> 'INSERT' then
        perform kt_notify_team((select team_id from block where id = old.block_id));
      end if;
      return null;
    end $$
  `.execute(db);

  // staff_user: a coach's name, status or team (their blocks' free times and the duo shown).
  await sql`
    create function kt_staff_changed() returns trigger language plpgsql as $$
    begin
      perform kt_notify_team(new.team_id);
      perform kt_notify_team(old.team_id);
      return null;
    end $$
  `.execute(db);

  await sql`
    create function kt_all_teams_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('kt_change', '*');
      return null;
    end $$
  `.execute(db);

  await sql`
    create trigger block_changed after insert or update or delete on block
      for each row execute function kt_block_changed()
  `.execute(db);
  for (const table of ['block_coach', 'appointment']) {
    await sql`
      create trigger ${sql.raw(`${table}_changed`)} after insert or update or delete on ${sql.table(table)}
        for each row execute function kt_block_row_changed()
    `.execute(db);
  }
  await sql`
    create trigger staff_user_changed after update of name, active, team_id, role on staff_user
      for each row
      when (old.name is distinct from new.name or old.active is distinct from new.active
        or old.team_id is distinct from new.team_id or old.role is distinct from new.role)
      execute function kt_staff_changed()
  `.execute(db);
  for (const table of ['team', 'team_area', 'team_neighbour']) {
    await sql`
      create trigger ${sql.raw(`${table}_changed`)} after insert or update or delete on ${sql.table(table)}
        for each statement execute function kt_all_teams_changed()
    `.execute(db);
  }
  // Emptying a table at once (tests, a restore by hand) forgets everything too.
  for (const table of ['block', 'block_coach', 'appointment', 'team', 'team_area', 'team_neighbour']) {
    await sql`
      create trigger ${sql.raw(`${table}_emptied`)} after truncate on ${sql.table(table)}
        for each statement execute function kt_all_teams_changed()
    `.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['block', 'block_coach', 'appointment', 'team', 'team_area', 'team_neighbour']) {
    await sql`drop trigger if exists ${sql.raw(`${table}_changed`)} on ${sql.table(table)}`.execute(db);
    await sql`drop trigger if exists ${sql.raw(`${table}_emptied`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop trigger if exists staff_user_changed on staff_user`.execute(db);
  await sql`drop function kt_all_teams_changed(), kt_staff_changed(), kt_block_row_changed(), kt_block_changed()`.execute(
    db,
  );
  await sql`drop function kt_notify_team(bigint)`.execute(db);
}
