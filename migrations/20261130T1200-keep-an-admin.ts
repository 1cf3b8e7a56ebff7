// There is always an active admin: demoting, deactivating or deleting the last one is refused
// by the database itself. Changes that take an admin away wait for each other (an advisory
// lock), so two admins demoting each other at the same moment cannot both succeed.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function staff_keep_an_admin() returns trigger language plpgsql as $$
    begin
      if old.role = 'admin' and old.active and (tg_op = 'DELETE' or not (new.role = 'admin' and new.active)) then
        perform pg_advisory_xact_lock(hashtext('staff_keep_an_admin'));
        if not exists (select 1 from staff_user where role = 'admin' and active and id <> old.id) then
          raise exception 'at least one active admin must remain'
            using errcode = 'check_violation', constraint = 'staff_keep_an_admin';
        end if;
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`
    create trigger staff_keep_an_admin before update of role, active or delete on staff_user
    for each row execute function staff_keep_an_admin()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger staff_keep_an_admin on staff_user`.execute(db);
  await sql`drop function staff_keep_an_admin()`.execute(db);
}
