// Rules the database keeps by itself, whatever code writes the rows:
// - block_coach.period is a copy of its block's time (the exclusion constraint block_coach_no_overlap
//   needs it on the same row); triggers set it from the block, and move it when the block moves.
// - A booked appointment lies inside its block (appointment_within_block), whether the appointment
//   or the block changes. Cancelled, held and no-show appointments no longer hold time in the
//   block, so changing a block may leave them outside, as the blocks feature allows.
// - Every foreign key column leads an index, so joins, filters and the checks PostgreSQL runs when
//   a referenced row is deleted do not scan the whole table.
import { sql, type Kysely } from 'kysely';

/** [table, columns]: the foreign keys without an index (a partial index does not count). */
const fkIndexes: [string, string[]][] = [
  ['absence', ['created_by']],
  ['appointment', ['block_id']],
  ['appointment', ['booked_by']],
  ['appointment', ['request_id']],
  ['appointment', ['solo_coach_id']],
  ['audit_event', ['actor_staff_id']],
  // Read per team and by time.
  ['audit_event', ['team_id', 'at']],
  ['block', ['created_by']],
  ['block', ['team_id']],
  ['referrer_contact', ['coach_id']],
  ['referrer_contact', ['updated_by']],
  ['request', ['callback_by']],
  ['request', ['closed_by']],
  ['request', ['lead_coach_id']],
  ['request', ['previous_request_id']],
  ['request', ['referrer_id']],
  ['resident', ['lead_coach_id']],
  ['return_link', ['resident_id']],
  ['staff_user', ['team_id']],
  ['team_neighbour', ['neighbour_id']],
];

const indexName = (table: string, columns: string[]) => `${table}_${columns[0]}`;

export async function up(db: Kysely<any>): Promise<void> {
  // Copies that drifted before the database kept them are brought in line first.
  await sql`
    update block_coach bc set period = tstzrange(b.starts_at, b.ends_at)
    from block b
    where b.id = bc.block_id and bc.period is distinct from tstzrange(b.starts_at, b.ends_at)`.execute(db);

  // A booked appointment outside its block is a real booking at a time nobody keeps free: which
  // of the two is right cannot be decided here, so the migration stops and names them.
  const outside = await sql<{ id: number }>`
    select a.id from appointment a join block b on b.id = a.block_id
    where a.status = 'booked' and (a.starts_at < b.starts_at or a.ends_at > b.ends_at)
    order by a.id`.execute(db);
  if (outside.rows.length) {
    throw new Error(
      `booked appointments outside their block, fix them first: ${outside.rows.map((r) => r.id).join(', ')}`,
    );
  }

  // The block row is locked (for share) so a concurrent change of the block's times waits for
  // this row, and then moves it too; without the lock its update would not see this row yet.
  // An unknown block keeps the given period, so the foreign key reports the real mistake.
  await sql`
    create function block_coach_period_from_block() returns trigger language plpgsql as $$
    declare
      b record;
    begin
      select starts_at, ends_at into b from block where id = new.block_id for share;
      if found then
        new.period := tstzrange(b.starts_at, b.ends_at);
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger block_coach_period_from_block before insert or update of block_id, period, active on block_coach
    for each row execute function block_coach_period_from_block()`.execute(db);

  // Inactive rows move too, so a coach made active again holds the block's current time.
  await sql`
    create function block_moves_its_coaches() returns trigger language plpgsql as $$
    begin
      update block_coach set period = tstzrange(new.starts_at, new.ends_at) where block_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger block_moves_its_coaches after update of starts_at, ends_at on block
    for each row when (old.starts_at is distinct from new.starts_at or old.ends_at is distinct from new.ends_at)
    execute function block_moves_its_coaches()`.execute(db);

  // Constraint triggers, deferrable: a transaction that moves a block and its appointments
  // together may `set constraints appointment_within_block deferred`. The rows are read again,
  // because a deferred check runs at commit, when they may have changed since.
  await sql`
    create function appointment_within_block() returns trigger language plpgsql as $$
    declare
      a record;
      b record;
    begin
      select block_id, starts_at, ends_at into a from appointment where id = new.id and status = 'booked';
      if not found then
        return null;
      end if;
      -- For share: the block's times cannot change until this booking is committed or gone.
      select starts_at, ends_at into b from block where id = a.block_id for share;
      if found and (a.starts_at < b.starts_at or a.ends_at > b.ends_at) then
        raise exception 'appointment % lies outside its block %', new.id, a.block_id
          using errcode = 'check_violation', constraint = 'appointment_within_block';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger appointment_within_block after insert or update of block_id, starts_at, ends_at, status on appointment
    deferrable initially immediate
    for each row when (new.status = 'booked') execute function appointment_within_block()`.execute(db);

  await sql`
    create function block_holds_its_appointments() returns trigger language plpgsql as $$
    declare
      b record;
      outside integer;
    begin
      select starts_at, ends_at into b from block where id = new.id;
      if not found then
        return null;
      end if;
      select id into outside from appointment
      where block_id = new.id and status = 'booked' and (starts_at < b.starts_at or ends_at > b.ends_at)
      order by starts_at limit 1;
      if found then
        raise exception 'block % would leave booked appointment % outside it', new.id, outside
          using errcode = 'check_violation', constraint = 'appointment_within_block';
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger appointment_within_block after update of starts_at, ends_at on block
    deferrable initially immediate
    for each row when (old.starts_at is distinct from new.starts_at or old.ends_at is distinct from new.ends_at)
    execute function block_holds_its_appointments()`.execute(db);

  for (const [table, columns] of fkIndexes) {
    await sql`create index ${sql.id(indexName(table, columns))} on ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))})`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of [...fkIndexes].reverse()) {
    await sql`drop index ${sql.id(indexName(table, columns))}`.execute(db);
  }
  await sql`drop trigger appointment_within_block on block`.execute(db);
  await sql`drop function block_holds_its_appointments()`.execute(db);
  await sql`drop trigger appointment_within_block on appointment`.execute(db);
  await sql`drop function appointment_within_block()`.execute(db);
  await sql`drop trigger block_moves_its_coaches on block`.execute(db);
  await sql`drop function block_moves_its_coaches()`.execute(db);
  await sql`drop trigger block_coach_period_from_block on block_coach`.execute(db);
  await sql`drop function block_coach_period_from_block()`.execute(db);
}
