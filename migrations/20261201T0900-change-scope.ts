// The change notifications (20261130T1600-change-notifications) say which blocks changed: a
// write to blocks, their coaches or appointments sends `<team>:<block id>,<block id>,…` on
// channel kt_change, so a process that keeps the team's free times recomputes only those blocks
// (src/db/changes.ts, src/core/availability.ts). Broader changes keep their payloads: `<team>`
// for a coach's name, status or team, `*` for the team tables and for emptying a table.
//
// One notification per statement and team (statement-level triggers with transition tables),
// not one per row; PostgreSQL drops a repeated identical payload within one transaction. A
// statement touching more than 200 blocks of one team says `<team>` alone: payloads stay far
// below PostgreSQL's limit of 8000 bytes.
import { sql, type Kysely } from 'kysely';

const EVENTS = [
  { op: 'insert', referencing: 'new table as new_rows' },
  { op: 'update', referencing: 'old table as old_rows new table as new_rows' },
  { op: 'delete', referencing: 'old table as old_rows' },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // Pairs of (team, block): one notification per team, naming its blocks (or the team alone).
  await sql`
    create function kt_notify_blocks(teams bigint[], ids bigint[]) returns void language plpgsql as $$
    declare
      r record;
    begin
      for r in
        select t, array_agg(distinct i order by i) as blocks
        from unnest(teams, ids) as u(t, i)
        where t is not null and i is not null
        group by t order by t
      loop
        if cardinality(r.blocks) > 200 then
          perform pg_notify('kt_change', r.t::text);
        else
          perform pg_notify('kt_change', r.t::text || ':' || array_to_string(r.blocks, ','));
        end if;
      end loop;
    end $$
  `.execute(db);

  // block: its team and id, before and after. Only the branch of the trigger's own event runs,
  // so each one names only the transition tables that event has.
  await sql`
    create function kt_blocks_changed() returns trigger language plpgsql as $$
    declare
      teams bigint[];
      ids bigint[];
    begin
      if tg_op = 'INSERT' then
        select array_agg(team_id), array_agg(id) into teams, ids from new_rows;
      elsif tg_op = 'DELETE' then
        select array_agg(team_id), array_agg(id) into teams, ids from old_rows;
      else
        select array_agg(team_id), array_agg(id) into teams, ids
        from (select team_id, id from old_rows union select team_id, id from new_rows) u;
      end if;
      perform kt_notify_blocks(teams, ids);
      return null;
    end $$
  `.execute(db);

  // block_coach and appointment: their blocks, with the team of each block.
  await sql`
    create function kt_block_rows_changed() returns trigger language plpgsql as $$
    declare
      teams bigint[];
      ids bigint[];
      touched bigint[];
    begin
      if tg_op = 'INSERT' then
        select array_agg(distinct block_id) into touched from new_rows;
      elsif tg_op = 'DELETE' then
        select array_agg(distinct block_id) into touched from old_rows;
      else
        select array_agg(distinct b) into touched
        from (select block_id as b from old_rows union select block_id from new_rows) u;
      end if;
      select array_agg(team_id), array_agg(id) into teams, ids from block where id = any(touched);
      perform kt_notify_blocks(teams, ids);
      return null;
    end $$
  `.execute(db);

  await sql`drop trigger block_changed on block`.execute(db);
  await sql`drop trigger block_coach_changed on block_coach`.execute(db);
  await sql`drop trigger appointment_changed on appointment`.execute(db);
  for (const [table, fn] of [
    ['block', 'kt_blocks_changed'],
    ['block_coach', 'kt_block_rows_changed'],
    ['appointment', 'kt_block_rows_changed'],
  ] as const) {
    for (const e of EVENTS) {
      await sql`
        create trigger ${sql.raw(`${table}_${e.op}_changed`)} after ${sql.raw(e.op)} on ${sql.table(table)}
          referencing ${sql.raw(e.referencing)}
          for each statement execute function ${sql.raw(fn)}()
      `.execute(db);
    }
  }
  await sql`drop function kt_block_changed(), kt_block_row_changed()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['block', 'block_coach', 'appointment']) {
    for (const e of EVENTS) {
      await sql`drop trigger if exists ${sql.raw(`${table}_${e.op}_changed`)} on ${sql.table(table)}`.execute(db);
    }
  }
  await sql`
    create function kt_block_changed() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'DELETE' then perform kt_notify_team(new.team_id); end if;
      if tg_op <> 'INSERT' then perform kt_notify_team(old.team_id); end if;
      return null;
    end $$
  `.execute(db);
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
  await sql`drop function kt_blocks_changed(), kt_block_rows_changed(), kt_notify_blocks(bigint[], bigint[])`.execute(
    db,
  );
}
