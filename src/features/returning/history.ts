// SQL for what is known about a returning person: the rows that are one person (each older
// plain sign-up wrote its own resident row), their lead coach and their last conversation.
// Every function takes the executor first.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { LastConversation } from '../../domain/routing.js';
import { emailHash } from '../../core/pseudonym.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An email address as rows are compared: trimmed, lower case. */
const emailKey = sql<string>`lower(trim(resident.email))`;

/**
 * The resident who signed up with this email address and postcode. When one person has more
 * resident rows (older sign-ups each wrote one), the one with the most recent request wins; the
 * others are found again by samePerson() when the link is opened.
 */
export async function residentByEmailAndPostcode(
  db: Db,
  email: string,
  postcode: string,
): Promise<{ id: number; name: string } | null> {
  const row = await db
    .selectFrom('resident')
    .select([
      'resident.id',
      'resident.name',
      sql<Date | null>`(select max(q.submitted_at) from request q where q.resident_id = resident.id)`.as('last_at'),
    ])
    .where(emailKey, '=', email.trim().toLowerCase())
    .where('resident.postcode', '=', postcode)
    .orderBy(sql`last_at desc nulls last`)
    .orderBy('resident.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name } : anonymisedByEmail(db, email, postcode);
}

/**
 * A resident anonymised by retention (core/anonymise.ts) keeps the keyed hash of their address
 * and the postcode's four figures: found by those when no row holds the address itself. No
 * name is known any more ('').
 */
async function anonymisedByEmail(
  db: Db,
  email: string,
  postcode: string,
): Promise<{ id: number; name: string } | null> {
  const hash = emailHash(email);
  if (!hash) return null;
  const row = await db
    .selectFrom('resident')
    .select([
      'resident.id',
      sql<Date | null>`(select max(q.submitted_at) from request q where q.resident_id = resident.id)`.as('last_at'),
    ])
    .where('resident.email_hash', '=', hash)
    .where('resident.anonymised_at', 'is not', null)
    .where('resident.postcode', '=', postcode.replace(/\s/g, '').slice(0, 4))
    .orderBy(sql`last_at desc nulls last`)
    .orderBy('resident.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, name: '' } : null;
}

/**
 * Every resident row of the person of `residentId`: the rows with the same email address
 * (trimmed, any case) and the same postcode, this one first, then newest request first. The
 * person proved they read that mailbox by opening the link, so all of them are their history.
 * A row without an email address stands alone.
 */
export async function samePerson(db: Db, residentId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('resident')
    .innerJoin('resident as me', (j) =>
      j
        .on('me.id', '=', residentId)
        .on(sql<boolean>`lower(trim(me.email)) = ${emailKey}`)
        .onRef('me.postcode', '=', 'resident.postcode'),
    )
    .select([
      'resident.id',
      sql<Date | null>`(select max(q.submitted_at) from request q where q.resident_id = resident.id)`.as('last_at'),
    ])
    .orderBy(sql`last_at desc nulls last`)
    .orderBy('resident.id', 'desc')
    .execute();
  return [residentId, ...rows.map((r) => r.id).filter((id) => id !== residentId)];
}

/** The first lead coach (regie) set on these resident rows, in their order. */
export async function leadOfRows(db: Db, residentIds: number[]): Promise<number | null> {
  const rows = await db
    .selectFrom('resident')
    .select(['id', 'lead_coach_id'])
    .where('id', 'in', residentIds)
    .where('lead_coach_id', 'is not', null)
    .execute();
  for (const id of residentIds) {
    const lead = rows.find((r) => r.id === id)?.lead_coach_id;
    if (lead) return lead;
  }
  return null;
}

/**
 * The coaches of the person's last conversation, held or booked (domain/routing.ts says why
 * both count): who went alone (if one did) and the block's coaches, those still working in
 * `teamId` first, and whether it is still ahead.
 */
export async function lastConversationOf(
  db: Db,
  residentIds: number[],
  teamId: number | null,
  now: Date,
): Promise<LastConversation | null> {
  const last = await db
    .selectFrom('appointment')
    .innerJoin('request', 'request.id', 'appointment.request_id')
    .select(['appointment.block_id', 'appointment.solo_coach_id', 'appointment.status', 'appointment.starts_at'])
    .where('request.resident_id', 'in', residentIds)
    .where('appointment.status', 'in', ['held', 'booked'])
    .orderBy('appointment.starts_at', 'desc')
    .orderBy('appointment.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last) return null;
  const coaches = await db
    .selectFrom('block_coach')
    .innerJoin('staff_user', 'staff_user.id', 'block_coach.coach_id')
    .select(['staff_user.id', 'staff_user.active', 'staff_user.team_id'])
    .where('block_coach.block_id', '=', last.block_id)
    .orderBy('staff_user.name')
    .execute();
  const working = (c: { active: boolean; team_id: number | null }) => c.active && c.team_id === teamId;
  const ids = [...coaches.filter(working), ...coaches.filter((c) => !working(c))].map((c) => c.id);
  return {
    soloCoachId: last.solo_coach_id,
    blockCoachIds: ids,
    upcoming: last.status === 'booked' && last.starts_at > now,
  };
}
