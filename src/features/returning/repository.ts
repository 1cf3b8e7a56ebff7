// SQL for returning residents: the one-time links, what is known about a resident who comes
// back (their rows, their last request, the last conversation, the coaches), and the marks on a new
// request. Every function takes the executor first.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Holds a lock on one address hash until the transaction ends. */
export async function lockAddress(trx: Transaction<Database>, emailHash: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${emailHash}, 0))`.execute(trx);
}

export async function linksSince(db: Db, emailHash: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('return_link')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email_hash', '=', emailHash)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertLink(
  db: Db,
  l: { tokenHash: string; residentId: number | null; emailHash: string; expiresAt: Date; now: Date },
): Promise<void> {
  await db
    .insertInto('return_link')
    .values({
      token_hash: l.tokenHash,
      resident_id: l.residentId,
      email_hash: l.emailHash,
      expires_at: l.expiresAt,
      created_at: l.now,
    })
    .execute();
}

/** A link that can still be used: mailed to a known resident, unused, not expired. */
export async function usableLink(
  db: Db,
  tokenHash: string,
  now: Date,
): Promise<{ id: number; residentId: number } | null> {
  const row = await db
    .selectFrom('return_link')
    .select(['id', 'resident_id'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('resident_id', 'is not', null)
    .executeTakeFirst();
  return row && row.resident_id !== null ? { id: row.id, residentId: row.resident_id } : null;
}

/** Uses the link up; null when it was used or expired meanwhile (a link works once). */
export async function useLink(db: Db, tokenHash: string, now: Date): Promise<number | null> {
  const row = await db
    .updateTable('return_link')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('resident_id', 'is not', null)
    .returning('resident_id')
    .executeTakeFirst();
  return row?.resident_id ?? null;
}

export async function residentById(db: Db, id: number) {
  return (await db.selectFrom('resident').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

/** The most recent request of the resident (or of all rows of one person), other than `except`. */
export async function lastRequestOf(db: Db, residentId: number | number[], except?: number) {
  const ids = Array.isArray(residentId) ? residentId : [residentId];
  let q = db
    .selectFrom('request')
    .select(['id', 'team_id', 'about', 'status', 'closed_at', 'lead_coach_id', 'submitted_at'])
    .where('resident_id', 'in', ids);
  if (except !== undefined) q = q.where('id', '!=', except);
  return (await q.orderBy('submitted_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst()) ?? null;
}

/** The coaches of the known coach's most recent block that has begun (else the next one). */
export async function recentBlockCoaches(db: Db, coachId: number, now: Date): Promise<number[]> {
  const pick = async (past: boolean) =>
    db
      .selectFrom('block_coach')
      .innerJoin('block', 'block.id', 'block_coach.block_id')
      .select('block.id')
      .where('block_coach.coach_id', '=', coachId)
      .where('block.solo', '=', false)
      .where('block.starts_at', past ? '<=' : '>', now)
      .orderBy('block.starts_at', past ? 'desc' : 'asc')
      .limit(1)
      .executeTakeFirst();
  const block = (await pick(true)) ?? (await pick(false));
  if (!block) return [];
  const rows = await db
    .selectFrom('block_coach')
    .select('coach_id')
    .where('block_id', '=', block.id)
    .orderBy('coach_id')
    .execute();
  return rows.map((r) => r.coach_id);
}

export async function staffById(db: Db, id: number) {
  return (
    (await db
      .selectFrom('staff_user')
      .select(['id', 'name', 'email', 'active', 'team_id', 'role'])
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

/** Absences of a staff member that overlap [from, to). */
export async function absencesBetween(db: Db, staffId: number, from: Date, to: Date) {
  return db
    .selectFrom('absence')
    .select(['starts_at', 'ends_at'])
    .where('staff_id', '=', staffId)
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .execute();
}

/** Marks a request as coming from a returning resident. */
export async function markReturning(
  db: Db,
  requestId: number,
  previousRequestId: number | null,
  daysSinceClosure: number | null,
): Promise<void> {
  await db
    .updateTable('request')
    .set({ returning_resident: true, previous_request_id: previousRequestId, days_since_closure: daysSinceClosure })
    .where('id', '=', requestId)
    .execute();
}

/** The resident's lead coach, unless they already have one. */
export async function setLeadIfNone(db: Db, residentId: number, coachId: number): Promise<void> {
  await db
    .updateTable('resident')
    .set({ lead_coach_id: coachId })
    .where('id', '=', residentId)
    .where('lead_coach_id', 'is', null)
    .execute();
}
