// SQL of the retention job: what each term makes due (the same condition for the dry run's
// counts and the run itself), in batches. Every function takes the executor first.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Db } from '../../core/db.js';

export interface Cutoffs {
  mailBodies: Date;
  cancelledSignups: Date;
  closedRequests: Date;
  audit: Date;
}

type RequestQuery = SelectQueryBuilder<Database, 'request', object>;

/** No contact after signing up: nobody reached them and no conversation took place. */
const noContact = (eb: ExpressionBuilder<Database, 'request'>) =>
  eb.and([
    eb('request.first_contact_at', 'is', null),
    eb('request.callback_done_at', 'is', null),
    eb.not(
      eb.exists(
        eb
          .selectFrom('appointment')
          .select('appointment.id')
          .whereRef('appointment.request_id', '=', 'request.id')
          .where((a) => a.or([a('appointment.status', '=', 'held'), a('appointment.outcome', '=', 'held')])),
      ),
    ),
  ]);

/** Cancelled sign-ups with no later contact whose last change is before the cutoff. */
export function dueCancelled(db: Db, before: Date): RequestQuery {
  return db
    .selectFrom('request')
    .where('request.anonymised_at', 'is', null)
    .where('request.status', '=', 'cancelled')
    .where((eb) => noContact(eb))
    .where(sql<Date>`coalesce(request.closed_at, request.submitted_at)`, '<', before);
}

/**
 * Closed requests (and cancelled ones after some contact) closed before the cutoff. Never an
 * open request: a safety-flagged one is only ever taken here, once closed.
 */
export function dueClosed(db: Db, before: Date): RequestQuery {
  return db
    .selectFrom('request')
    .where('request.anonymised_at', 'is', null)
    .where('request.closed_at', 'is not', null)
    .where('request.closed_at', '<', before)
    .where((eb) =>
      eb.or([
        eb('request.status', '=', 'closed'),
        eb.and([eb('request.status', '=', 'cancelled'), eb.not(noContact(eb))]),
      ]),
    );
}

/** Sent (or given up) mails whose text is still kept, sent before the cutoff. */
export function dueMails(db: Db, before: Date) {
  return db
    .selectFrom('outbox_message')
    .where('purged_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'sent'), eb('sent_at', '<', before)]),
        eb.and([eb('status', '=', 'failed'), eb('created_at', '<', before)]),
      ]),
    );
}

/** Residents written without their keyed hashes (before there were any, or by a path without the key). */
export function dueHashes(db: Db) {
  return db
    .selectFrom('resident')
    .where('anonymised_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('email', 'is not', null), eb('email_hash', 'is', null)]),
        eb.and([eb('phone', 'is not', null), eb('phone_hash', 'is', null)]),
      ]),
    );
}

export async function countOf(q: RequestQuery): Promise<number> {
  const row = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Per team: how many requests each query makes due. */
export async function perTeam(q: RequestQuery): Promise<{ teamId: number | null; n: number }[]> {
  const rows = await q
    .select((eb) => ['request.team_id', eb.fn.countAll<string>().as('n')])
    .groupBy('request.team_id')
    .execute();
  return rows.map((r) => ({ teamId: r.team_id, n: Number(r.n) }));
}

export async function nextIds(q: RequestQuery, batch: number): Promise<number[]> {
  const rows = await q.select('request.id').orderBy('request.id').limit(batch).execute();
  return rows.map((r) => r.id);
}

/** Purges one batch of due mails' text: who, when and what kind stay. */
export async function purgeMails(db: Db, before: Date, now: Date, batch: number): Promise<number> {
  const ids = dueMails(db, before).select('id').orderBy('id').limit(batch);
  const rows = await db
    .updateTable('outbox_message')
    .set({ body_text: null, body_html: null, ics: null, payload: null, purged_at: now })
    .where('id', 'in', ids)
    .returning('id')
    .execute();
  return rows.length;
}

export async function mailCount(db: Db, before: Date): Promise<number> {
  const row = await dueMails(db, before)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function hashCount(db: Db): Promise<number> {
  const row = await dueHashes(db)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function residentsWithoutHashes(db: Db, afterId: number, batch: number) {
  return dueHashes(db)
    .select(['id', 'email', 'phone', 'email_hash', 'phone_hash'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(batch)
    .execute();
}

/** As core/audit-chain.ts's pruneAudit counts: the entries older than `before` from the chain's start on. */
/** Writes the keyed hashes of these residents in one statement. */
export async function setHashes(
  db: Db,
  rows: { id: number; emailHash: string | null; phoneHash: string | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  const values = sql.join(rows.map((r) => sql`(${r.id}::int, ${r.emailHash}::text, ${r.phoneHash}::text)`));
  await sql`
    update resident set email_hash = v.e, phone_hash = v.p
      from (values ${values}) as v(id, e, p)
     where resident.id = v.id`.execute(db);
}

export async function auditCount(db: Db, before: Date): Promise<number> {
  const { rows } = await sql<{ n: string | number }>`
    select count(*) as n from audit_event
     where at < ${before}
       and id < coalesce((select min(id) from audit_event where at >= ${before}), 9223372036854775807)`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

export async function teamNames(db: Db): Promise<Map<number, string>> {
  const rows = await db.selectFrom('team').select(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
