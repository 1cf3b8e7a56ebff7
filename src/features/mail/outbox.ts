// All mail goes through the outbox: a row written in the same transaction as the change it
// reports, sent later by the worker. A message is never lost when SMTP is down: it stays
// pending and is retried with backoff.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewOutboxMessage } from '../../db/schema.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  ics?: string | null;
}

export async function enqueueMail(trx: Transaction<Database> | Kysely<Database>, mail: OutgoingMail): Promise<number> {
  const row: NewOutboxMessage = {
    to_address: mail.to,
    subject: mail.subject,
    body_text: mail.text,
    body_html: mail.html ?? null,
    ics: mail.ics ?? null,
  };
  const { id } = await trx.insertInto('outbox_message').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Several messages in one statement, in the given order (ids ascend in that order). */
export async function enqueueMails(trx: Transaction<Database> | Kysely<Database>, mails: OutgoingMail[]): Promise<void> {
  if (mails.length === 0) return;
  const rows: NewOutboxMessage[] = mails.map((m) => ({ to_address: m.to, subject: m.subject, body_text: m.text, body_html: m.html ?? null, ics: m.ics ?? null }));
  await trx.insertInto('outbox_message').values(rows).execute();
}

/** Backoff after n failed attempts: 10 s, 20 s, 40 s … at most one hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(10 * 2 ** Math.max(0, attempts - 1), 3600);
}

export interface DueMessage {
  id: number;
  to_address: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  ics: string | null;
  attempts: number;
}

/**
 * Claims due messages by pushing their next attempt forward, so a second worker (another
 * process on the same server) skips them while this one sends.
 */
export async function claimDue(db: Kysely<Database>, now: Date, limit: number): Promise<DueMessage[]> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('outbox_message')
      .select(['id', 'to_address', 'subject', 'body_text', 'body_html', 'ics', 'attempts'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length > 0) {
      await trx
        .updateTable('outbox_message')
        .set({ next_attempt_at: sql`${now}::timestamptz + interval '5 minutes'` })
        .where('id', 'in', rows.map((r) => r.id))
        .execute();
    }
    return rows;
  });
}

export async function markSentMany(db: Kysely<Database>, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox_message')
    .set((eb) => ({ status: 'sent', sent_at: now, attempts: eb('attempts', '+', 1), last_error: null }))
    .where('id', 'in', ids)
    .execute();
}

export async function markFailedAttempt(db: Kysely<Database>, msg: DueMessage, now: Date, error: string): Promise<void> {
  const attempts = msg.attempts + 1;
  await db
    .updateTable('outbox_message')
    .set({
      attempts,
      last_error: error.slice(0, 500),
      next_attempt_at: new Date(now.getTime() + backoffSeconds(attempts) * 1000),
    })
    .where('id', '=', msg.id)
    .execute();
}
