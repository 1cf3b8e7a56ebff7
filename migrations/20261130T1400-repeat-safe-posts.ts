// A form posted twice (a double click, or the browser sending it again after an answer that
// never came because the process died) must not store the same thing twice. Sign-ups have their
// idempotency key and blocks their exclusion constraint; an absence (one person, one period) and
// a postcode area (one team, one range) get a unique index here, and the code finds the stored
// row instead. Exact repeats stored before are double posts: the first one is kept.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    delete from absence a using absence b
    where a.staff_id = b.staff_id and a.starts_at = b.starts_at and a.ends_at = b.ends_at and a.id > b.id`.execute(db);
  await sql`create unique index absence_once on absence (staff_id, starts_at, ends_at)`.execute(db);
  await sql`
    delete from team_area a using team_area b
    where a.team_id = b.team_id and a.postcode_from = b.postcode_from and a.postcode_to = b.postcode_to and a.id > b.id`.execute(
    db,
  );
  await sql`create unique index team_area_once on team_area (team_id, postcode_from, postcode_to)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index team_area_once`.execute(db);
  await sql`drop index absence_once`.execute(db);
}
