// The privacy desk's reads: a person found by email, phone or name, and every row about one
// person (resident, requests, appointments, referrers, mails, return links, audit entries).
import { sql } from 'kysely';
import type { Db } from '../../core/db.js';
import type { Search } from './schemas.js';

/** How many people a search lists at most (a name search may find many). */
export const SEARCH_LIMIT = 100;

export interface Found {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  created_at: Date;
  teams: string | null;
  last_submitted_at: Date | null;
}

/** People that fit the search, newest first; an anonymised person has nothing left to find. */
export async function searchResidents(db: Db, s: Search): Promise<Found[]> {
  const digits = sql<string>`regexp_replace(coalesce(r.phone, ''), '[^0-9]', '', 'g')`;
  const like = `%${s.value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const where =
    s.kind === 'email'
      ? sql`lower(trim(r.email)) = ${s.value}`
      : s.kind === 'phone'
        ? sql`right(${digits}, 9) = ${s.value}`
        : sql`r.name ilike ${like}`;
  const rows = await sql<Found>`
    select r.id, r.name, r.email, r.phone, r.created_at,
           (select string_agg(distinct t.name, ', ') from request q join team t on t.id = q.team_id
             where q.resident_id = r.id) as teams,
           (select max(q.submitted_at) from request q where q.resident_id = r.id) as last_submitted_at
      from resident r
     where ${where} and r.anonymised_at is null
     order by r.created_at desc, r.id desc
     limit ${SEARCH_LIMIT + 1}`.execute(db);
  return rows.rows;
}

export async function residentById(db: Db, id: number) {
  return db.selectFrom('resident').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function requestsOf(db: Db, residentId: number) {
  return db
    .selectFrom('request as q')
    .leftJoin('team as t', 't.id', 'q.team_id')
    .leftJoin('staff_user as lead', 'lead.id', 'q.lead_coach_id')
    .leftJoin('staff_user as closer', 'closer.id', 'q.closed_by')
    .selectAll('q')
    .select(['t.name as team_name', 'lead.name as lead_coach_name', 'closer.name as closed_by_name'])
    .where('q.resident_id', '=', residentId)
    .orderBy('q.submitted_at')
    .orderBy('q.id')
    .execute();
}

export async function appointmentsOf(db: Db, residentId: number) {
  return db
    .selectFrom('appointment as a')
    .innerJoin('request as q', 'q.id', 'a.request_id')
    .select([
      'a.id',
      'a.request_id',
      'a.starts_at',
      'a.ends_at',
      'a.mode',
      'a.status',
      'a.cancel_reason',
      'a.cancelled_at',
      'a.outcome',
      'a.outcome_at',
      'a.result',
      'a.called_at',
      'a.call_note',
      'a.referrer_joins',
      'a.referrer_location',
      'a.created_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('block_coach as bc')
        .innerJoin('staff_user as s', 's.id', 'bc.coach_id')
        .select(sql<string>`string_agg(s.name, ', ' order by s.name)`.as('n'))
        .whereRef('bc.block_id', '=', 'a.block_id')
        .where('bc.active', '=', true)
        .as('coaches'),
    )
    .where('q.resident_id', '=', residentId)
    .orderBy('a.starts_at')
    .orderBy('a.id')
    .execute();
}

export async function referrersOf(db: Db, residentId: number) {
  return db
    .selectFrom('referrer as f')
    .select(['f.id', 'f.kind', 'f.organisation', 'f.name', 'f.phone', 'f.email', 'f.school_role', 'f.created_at'])
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('request as q')
          .select('q.id')
          .whereRef('q.referrer_id', '=', 'f.id')
          .where('q.resident_id', '=', residentId),
      ),
    )
    .orderBy('f.id')
    .execute();
}

/** Mails to the person: who, when, what kind, the subject; never the body (it may hold a link). */
export async function mailsTo(db: Db, email: string | null, appointmentIds: number[]) {
  const address = (email ?? '').trim().toLowerCase();
  if (!address && appointmentIds.length === 0) return [];
  return db
    .selectFrom('outbox_message')
    .select(['id', 'to_address', 'subject', 'kind', 'status', 'created_at', 'sent_at'])
    .where(({ or, eb }) =>
      or([
        ...(address ? [eb(sql`lower(trim(to_address))`, '=', address)] : []),
        ...(appointmentIds.length
          ? [
              eb.and([
                eb(sql`payload->>'role'`, '=', 'resident'),
                eb(sql`(payload->'view'->>'id')::int`, 'in', appointmentIds),
              ]),
            ]
          : []),
      ]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function returnLinksOf(db: Db, residentId: number) {
  return db
    .selectFrom('return_link')
    .select(['id', 'created_at', 'expires_at', 'used_at'])
    .where('resident_id', '=', residentId)
    .orderBy('id')
    .execute();
}
