// The statements on the draft table; core/drafts.ts decides when they run and keeps the copies
// in memory. Data is stored as JSON text, the expiry as an instant.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Db } from './db.js';
import { openDraftQuestion, sealDraftQuestion } from './question-key-drafts.js';

/** A draft that has not expired, or null. */
export async function readDraft(db: Db, id: string, now: Date): Promise<{ id: string; data: unknown } | null> {
  const row = await db
    .selectFrom('draft')
    .select(['id', 'data'])
    .where('id', '=', id)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return null;
  // The question inside is stored encrypted (core/question-key-drafts.ts).
  const data = openDraftQuestion(row.data);
  return data === null ? null : { id: row.id, data };
}

export async function insertDraft(db: Db, id: string, data: unknown, expires: Date): Promise<void> {
  await db
    .insertInto('draft')
    .values({ id, data: JSON.stringify(sealDraftQuestion(data)), expires_at: expires })
    .execute();
}

export async function updateDraft(db: Db, id: string, data: unknown, expires: Date): Promise<void> {
  await db
    .updateTable('draft')
    .set({ data: JSON.stringify(sealDraftQuestion(data)), expires_at: expires })
    .where('id', '=', id)
    .execute();
}

/** New data, same expiry: answers that expiry, or null when the draft is gone. */
export async function replaceDraftData(db: Db, id: string, data: unknown): Promise<Date | null> {
  const row = await db
    .updateTable('draft')
    .set({ data: JSON.stringify(sealDraftQuestion(data)) })
    .where('id', '=', id)
    .returning('expires_at')
    .executeTakeFirst();
  return row?.expires_at ?? null;
}

export async function deleteDraft(db: Db, id: string): Promise<void> {
  await db.deleteFrom('draft').where('id', '=', id).execute();
}

/** Deletes the drafts that expired by `now`; answers how many. */
export async function deleteExpiredDrafts(db: Db, now: Date): Promise<number> {
  const { numDeletedRows } = await db.deleteFrom('draft').where('expires_at', '<=', now).executeTakeFirst();
  return Number(numDeletedRows);
}

/** Runs `write`, and with `also` both in one transaction (so they are stored together or not at all). */
export async function writeWith(
  db: Kysely<Database>,
  also: ((trx: Transaction<Database>) => Promise<void>) | undefined,
  write: (db: Db) => Promise<void>,
): Promise<void> {
  if (!also) return write(db);
  await db.transaction().execute(async (trx) => {
    await write(trx);
    await also(trx);
  });
}
