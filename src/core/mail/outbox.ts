// All mail goes through the outbox: a row written in the same transaction as the change it
// reports, sent later by the worker. A message is never lost when SMTP is down: it stays
// pending and is retried with backoff.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, NewOutboxMessage } from '../../db/schema.js';
import { SECRET_KEYS, type RenderedMail, type StoredMail } from './later.js';
import { redactedColumn } from './outbox-redact.js';

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
export async function enqueueMails(
  trx: Transaction<Database> | Kysely<Database>,
  mails: OutgoingMail[],
): Promise<void> {
  if (mails.length === 0) return;
  const rows: NewOutboxMessage[] = mails.map((m) => ({
    to_address: m.to,
    subject: m.subject,
    body_text: m.text,
    body_html: m.html ?? null,
    ics: m.ics ?? null,
  }));
  await trx.insertInto('outbox_message').values(rows).execute();
}

/** Backoff after n failed attempts: 10 s, 20 s, 40 s … at most one hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(10 * 2 ** Math.max(0, attempts - 1), 3600);
}

/** A claimed row: a rendered body, or a kind and payload the worker renders (later.ts). */
export interface DueMessage extends StoredMail {
  attempts: number;
  message_key: string;
}

/** A claimed message with its body written: what the sender sends. */
export type ReadyMessage = RenderedMail & { id: number; message_key: string };

/**
 * How long a claim holds. Short, so that messages claimed by a process that died are picked up
 * again within seconds; the sender renews it while it works through a batch (renewClaim).
 */
export const CLAIM_SECONDS = 20;

/**
 * Claims due messages by pushing their next attempt forward by the lease, so a second worker
 * (another process on the same server) skips them while this one sends.
 */
export async function claimDue(db: Kysely<Database>, now: Date, limit: number): Promise<DueMessage[]> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('outbox_message')
      .select([
        'id',
        'to_address',
        'subject',
        'body_text',
        'body_html',
        'ics',
        'kind',
        'payload',
        'attempts',
        'message_key',
      ])
      .where('status', '=', 'pending')
      // A new message starts at -infinity: due at once, whatever the clock says.
      .where('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length > 0)
      await renewClaim(
        trx,
        rows.map((r) => r.id),
        now,
      );
    return rows;
  });
}

/** Extends the claim on messages this worker still has to send. */
export async function renewClaim(db: Kysely<Database>, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox_message')
    .set({ next_attempt_at: new Date(now.getTime() + CLAIM_SECONDS * 1000) })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Hands claimed messages back at once (the sender stopped early), without counting an attempt;
 * `error` is kept on the first one, so an operator can see why mail waits.
 */
export async function releaseClaim(db: Kysely<Database>, ids: number[], now: Date, error?: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox_message')
    .set({ next_attempt_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'pending')
    .execute();
  if (error !== undefined) {
    await db
      .updateTable('outbox_message')
      .set({ last_error: error.slice(0, 500) })
      .where('id', '=', ids[0]!)
      .execute();
  }
}

/**
 * Marks one message sent, right after the SMTP server accepted it: a crash after this point
 * never sends it again, and one before it sends at most this message again. A secret in a
 * payload (the manage token of a mail rendered later) is not kept once the mail is out, nor the
 * secret part of a link in a stored body.
 */
export async function markSent(db: Kysely<Database>, id: number, now: Date): Promise<void> {
  await db
    .updateTable('outbox_message')
    .set((eb) => ({
      status: 'sent',
      sent_at: now,
      attempts: eb('attempts', '+', 1),
      last_error: null,
      payload: sql<Record<string, unknown>>`payload - array[${sql.join(SECRET_KEYS.map((k) => sql.lit(k)))}]::text[]`,
      // A stored body keeps no working secret link once sent (outbox-redact.ts).
      body_text: redactedColumn('body_text'),
      body_html: redactedColumn('body_html'),
      ics: redactedColumn('ics'),
    }))
    .where('id', '=', id)
    .execute();
}

export async function markFailedAttempt(
  db: Kysely<Database>,
  msg: DueMessage,
  now: Date,
  error: string,
): Promise<void> {
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
