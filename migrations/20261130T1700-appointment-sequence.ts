// The SEQUENCE of an appointment's calendar entries (RFC 5545/5546): a counter stored per
// appointment that the database raises itself on every change a calendar shows, so no code path
// can forget it. It goes up when the time, the way of meeting (mode, the referrer's place), the
// block, the status or the coach going alone changes, and when the coaches of its block change.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table appointment add column sequence integer not null default 0`.execute(db);

  await sql`
    create function kt_appointment_sequence() returns trigger language plpgsql as $$
    begin
      if new.starts_at is distinct from old.starts_at
        or new.ends_at is distinct from old.ends_at
        or new.mode is distinct from old.mode
        or new.block_id is distinct from old.block_id
        or new.status is distinct from old.status
        or new.solo_coach_id is distinct from old.solo_coach_id
        or new.referrer_location is distinct from old.referrer_location then
        new.sequence := old.sequence + 1;
      end if;
      return new;
    end $$
  `.execute(db);
  await sql`
    create trigger appointment_sequence before update on appointment
    for each row execute function kt_appointment_sequence()
  `.execute(db);

  // Another coach in the block (or one fewer): the booked appointments of that block change too.
  // A row rewritten only for its period (it follows its block's times) is not a change of coaches.
  await sql`
    create function kt_block_coach_sequence() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.coach_id = old.coach_id and new.block_id = old.block_id
        and new.active = old.active then
        return null;
      end if;
      if tg_op <> 'DELETE' then
        update appointment set sequence = sequence + 1 where block_id = new.block_id and status = 'booked';
      end if;
      if tg_op <> 'INSERT' and (tg_op = 'DELETE' or old.block_id <> new.block_id) then
        update appointment set sequence = sequence + 1 where block_id = old.block_id and status = 'booked';
      end if;
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger block_coach_sequence after insert or update or delete on block_coach
    for each row execute function kt_block_coach_sequence()
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists block_coach_sequence on block_coach`.execute(db);
  await sql`drop function if exists kt_block_coach_sequence()`.execute(db);
  await sql`drop trigger if exists appointment_sequence on appointment`.execute(db);
  await sql`drop function if exists kt_appointment_sequence()`.execute(db);
  await sql`alter table appointment drop column if exists sequence`.execute(db);
}
