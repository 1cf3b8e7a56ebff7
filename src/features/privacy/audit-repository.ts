// The audit log as the privacy desk reads it: every entry about one person (their record, their
// requests and appointments: also who viewed their case), and the filtered, paged log.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../../core/db.js';
import type { LogFilter } from './schemas.js';

export const LOG_PAGE_SIZE = 50;
/** A CSV export holds at most this many entries (the filter narrows it). */
export const LOG_EXPORT_LIMIT = 100_000;

export interface LogEntry {
  id: number;
  at: Date;
  action: string;
  actor_staff_id: number | null;
  staff_name: string | null;
  staff_role: string | null;
  subject_type: string | null;
  subject_id: number | null;
  team_id: number | null;
  team_name: string | null;
  detail: Record<string, unknown>;
}

/** Entries about the resident: their own record, their requests, their appointments. */
function aboutResident(residentId: number): Expression<SqlBool> {
  return sql<SqlBool>`(
    (e.subject_type = 'resident' and e.subject_id = ${residentId})
    or (e.subject_type = 'request' and e.subject_id in (select q.id from request q where q.resident_id = ${residentId}))
    or (e.subject_type = 'appointment' and e.subject_id in
         (select a.id from appointment a join request q on q.id = a.request_id where q.resident_id = ${residentId})))`;
}

function base(db: Db) {
  return db
    .selectFrom('audit_event as e')
    .leftJoin('staff_user as s', 's.id', 'e.actor_staff_id')
    .leftJoin('team as t', 't.id', 'e.team_id')
    .select([
      'e.id',
      'e.at',
      'e.action',
      'e.actor_staff_id',
      's.name as staff_name',
      's.role as staff_role',
      'e.subject_type',
      'e.subject_id',
      'e.team_id',
      't.name as team_name',
      'e.detail',
    ]);
}

/** Every audit entry about one person, oldest first. */
export async function auditAbout(db: Db, residentId: number): Promise<LogEntry[]> {
  return (await base(db).where(aboutResident(residentId)).orderBy('e.at').orderBy('e.id').execute()) as LogEntry[];
}

function filtered(db: Db, f: LogFilter) {
  let q = base(db);
  if (f.residentId !== null) q = q.where(aboutResident(f.residentId));
  if (f.staffId !== null) q = q.where('e.actor_staff_id', '=', f.staffId);
  if (f.action !== null) q = q.where('e.action', '=', f.action);
  // Days in Amsterdam time, both included.
  if (f.from !== null) q = q.where(sql<SqlBool>`e.at >= (${f.from}::date)::timestamp at time zone 'Europe/Amsterdam'`);
  if (f.to !== null) q = q.where(sql<SqlBool>`e.at < (${f.to}::date + 1)::timestamp at time zone 'Europe/Amsterdam'`);
  return q;
}

/** One page of the log, newest first, and whether there is a next page. */
export async function logPage(db: Db, f: LogFilter): Promise<{ rows: LogEntry[]; more: boolean; total: number }> {
  const rows = (await filtered(db, f)
    .orderBy('e.at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(LOG_PAGE_SIZE + 1)
    .offset((f.page - 1) * LOG_PAGE_SIZE)
    .execute()) as LogEntry[];
  const count = await filtered(db, f)
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows: rows.slice(0, LOG_PAGE_SIZE), more: rows.length > LOG_PAGE_SIZE, total: Number(count.n) };
}

/** The whole filtered log for the CSV file, newest first. */
export async function logAll(db: Db, f: LogFilter): Promise<LogEntry[]> {
  return (await filtered(db, f)
    .orderBy('e.at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(LOG_EXPORT_LIMIT)
    .execute()) as LogEntry[];
}

/** The choices of the filter: staff who appear in the log, and the actions it holds. */
export async function logChoices(db: Db) {
  const staff = await db
    .selectFrom('staff_user')
    .select(['id', 'name', 'role'])
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('audit_event').select('id').whereRef('audit_event.actor_staff_id', '=', 'staff_user.id')),
    )
    .orderBy('name')
    .execute();
  const actions = await db.selectFrom('audit_event').select('action').distinct().orderBy('action').execute();
  return { staff, actions: actions.map((a) => a.action) };
}
