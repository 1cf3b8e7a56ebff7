// Wrong passwords are counted per typed address, known or not, so a stranger cannot tell a
// staff address from an unknown one by when it locks. A locked account is opened again by the
// right password plus a link mailed to the person ('unlock' links). The per-account counters
// on staff_user go.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table login_throttle (
      key_hash text primary key,
      failures integer not null default 0 check (failures >= 0),
      locked_until timestamptz,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index login_throttle_updated on login_throttle (updated_at)`.execute(db);
  await sql`alter table staff_token drop constraint staff_token_kind_check`.execute(db);
  await sql`alter table staff_token add constraint staff_token_kind_check check (kind in ('reset', 'invite', 'unlock'))`.execute(
    db,
  );
  await sql`alter table staff_user drop column failed_logins, drop column locked_until`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_user add column failed_logins integer not null default 0, add column locked_until timestamptz`.execute(
    db,
  );
  await sql`delete from staff_token where kind = 'unlock'`.execute(db);
  await sql`alter table staff_token drop constraint staff_token_kind_check`.execute(db);
  await sql`alter table staff_token add constraint staff_token_kind_check check (kind in ('reset', 'invite'))`.execute(
    db,
  );
  await sql`drop table login_throttle`.execute(db);
}
