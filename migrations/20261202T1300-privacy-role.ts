// The privacy desk (issue 17): the role 'privacy' for the municipality's privacy officer (FG).
// They find, export, correct and erase the data of one person on request (AVG art. 15–17) and
// read the audit log; they see no agenda, queue, figures or admin pages.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table staff_user drop constraint staff_user_role_check`.execute(db);
  await sql`alter table staff_user add constraint staff_user_role_check
    check (role in ('coach', 'teamlead', 'frontoffice', 'admin', 'beleid', 'privacy'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update staff_user set role = 'frontoffice', active = false where role = 'privacy'`.execute(db);
  await sql`alter table staff_user drop constraint staff_user_role_check`.execute(db);
  await sql`alter table staff_user add constraint staff_user_role_check
    check (role in ('coach', 'teamlead', 'frontoffice', 'admin', 'beleid'))`.execute(db);
}
