// What the staff appointment page shows about returning residents: the returning mark (with
// the days since the last closure) and residents of the team who look like this sign-up, so
// staff can link them. A match is only ever suggested; linking is a staff decision.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The parts of the appointment page's case row this needs. */
export interface CaseForMatch {
  resident_id: number;
  request_id: number;
  team_id: number;
  resident_name: string;
  email: string | null;
  phone: string | null;
  postcode: string | null;
}

export interface Match {
  id: number;
  name: string;
  postcode: string | null;
  by_email: boolean;
  by_phone: boolean;
  by_name: boolean;
  requests: number;
  last_at: Date;
  lead_coach_id: number | null;
  lead_name: string | null;
}

/** The last 9 digits: 06 12345678, +31 6 12345678 and 0031612345678 are one number. */
export function phoneKey(phone: string | null): string | null {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length >= 9 ? digits.slice(-9) : null;
}

/**
 * Other residents with a request in the same team and the same email address, the same phone
 * number, or the same postcode and name. Newest first, at most ten.
 */
export async function possibleMatches(db: Db, c: CaseForMatch): Promise<Match[]> {
  const email = c.email?.trim().toLowerCase() || null;
  const phone = phoneKey(c.phone);
  const name = c.resident_name.trim().toLowerCase();
  const digits = sql`regexp_replace(coalesce(r.phone, ''), '[^0-9]', '', 'g')`;
  const byEmail = email ? sql<boolean>`coalesce(lower(r.email) = ${email}, false)` : sql<boolean>`false`;
  const byPhone = phone
    ? sql<boolean>`(length(${digits}) >= 9 and right(${digits}, 9) = ${phone})`
    : sql<boolean>`false`;
  const byName = c.postcode
    ? sql<boolean>`coalesce(r.postcode = ${c.postcode} and lower(trim(r.name)) = ${name}, false)`
    : sql<boolean>`false`;
  const inTeam = sql`q.resident_id = r.id and q.team_id = ${c.team_id}`;
  const rows = await db
    .selectFrom('resident as r')
    .select([
      'r.id',
      'r.name',
      'r.postcode',
      byEmail.as('by_email'),
      byPhone.as('by_phone'),
      byName.as('by_name'),
      sql<number>`(select count(*) from request q where ${inTeam})`.as('requests'),
      sql<Date>`(select max(q.submitted_at) from request q where ${inTeam})`.as('last_at'),
      sql<
        number | null
      >`coalesce((select q.lead_coach_id from request q where ${inTeam} order by q.submitted_at desc, q.id desc limit 1), r.lead_coach_id)`.as(
        'lead_coach_id',
      ),
    ])
    .where('r.id', '!=', c.resident_id)
    .where(sql<boolean>`(${byEmail} or ${byPhone} or ${byName})`)
    .where(sql<boolean>`exists (select 1 from request q where ${inTeam})`)
    .orderBy(sql`last_at desc`)
    .limit(10)
    .execute();
  const leads = rows.map((r) => r.lead_coach_id).filter((x): x is number => x !== null);
  const names = new Map(
    leads.length
      ? (await db.selectFrom('staff_user').select(['id', 'name']).where('id', 'in', leads).execute()).map((s) => [
          s.id,
          s.name,
        ])
      : [],
  );
  return rows.map((r) => ({
    ...r,
    requests: Number(r.requests),
    last_at: new Date(r.last_at),
    lead_name: r.lead_coach_id === null ? null : (names.get(r.lead_coach_id) ?? null),
  }));
}

/** The returning mark of the request and the note of the last lead handover. */
export async function returningMark(db: Db, requestId: number) {
  return db
    .selectFrom('request as q')
    .leftJoin('request as p', 'p.id', 'q.previous_request_id')
    .select([
      'q.returning_resident',
      'q.days_since_closure',
      'q.previous_request_id',
      'q.lead_note',
      'p.closed_at as previous_closed_at',
      'p.status as previous_status',
    ])
    .where('q.id', '=', requestId)
    .executeTakeFirstOrThrow();
}

/** Everything the appointment page shows about returning: the mark and the possible matches. */
export async function returningPanel(db: Db, c: CaseForMatch) {
  return { mark: await returningMark(db, c.request_id), matches: await possibleMatches(db, c) };
}
