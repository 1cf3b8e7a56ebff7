// Re-encrypts the stored questions with the key that writes now (the first of the set): after a
// new key was put first (rotation), and once after an upgrade for questions stored before
// encryption existed. In batches, each one transaction; safe to stop and run again, since a row
// already written with the first key is skipped.
import { sql, type Kysely } from 'kysely';
import type { TextKeys } from '../config.js';
import type { Database } from '../db/schema.js';
import { SEALED_PREFIX, SecretTextError, decryptText, encryptText } from './secret-text.js';

export interface SealRun {
  /** Rows re-encrypted (or encrypted for the first time). */
  changed: number;
}

const BATCH = 500;

/** A question in clear, or an error naming the request (a key missing from the set, a damaged value). */
function readable(keys: TextKeys, r: { id: number; question: string }): string {
  try {
    return decryptText(keys, r.question);
  } catch (err) {
    if (err instanceof SecretTextError) throw new SecretTextError(`request ${r.id}: ${err.message}`);
    throw err;
  }
}

/** Questions that do not start with the prefix (compared as text: a key id may hold a LIKE wildcard). */
const notStartingWith = (prefix: string) => sql<boolean>`left(question, ${prefix.length}) <> ${prefix}`;

/**
 * Every question not yet written with the first key: `only: 'plain'` takes only those stored
 * before encryption (the start-up's pass), `all` also those of an older key (the rotation).
 */
export async function resealQuestions(
  db: Kysely<Database>,
  keys: TextKeys,
  options: { only?: 'plain' | 'all'; batch?: number; onBatch?: (changed: number) => void } = {},
): Promise<SealRun> {
  const current = `${SEALED_PREFIX}${keys[0]!.id}:`;
  const batch = options.batch ?? BATCH;
  let changed = 0;
  let after = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('request')
        .select(['id', 'question'])
        .where('id', '>', after)
        .where(notStartingWith(options.only === 'plain' ? SEALED_PREFIX : current))
        .orderBy('id')
        .limit(batch)
        .forUpdate()
        .execute();
      if (rows.length > 0) {
        // One statement per batch: each row's question, read with any key and written with the first.
        const values = rows.map((r) => sql`(${r.id}::int, ${encryptText(keys, readable(keys, r))}::text)`);
        await sql`update request set question = v.q from (values ${sql.join(values)}) as v(id, q)
          where request.id = v.id`.execute(trx);
      }
      after = rows.at(-1)?.id ?? after;
      return rows.length;
    });
    changed += n;
    options.onBatch?.(changed);
    if (n < batch) return { changed };
  }
}

/** How many questions are not yet written with the first key (plain, or an older key). */
export async function questionsToReseal(db: Kysely<Database>, keys: TextKeys): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from request where ${notStartingWith(`${SEALED_PREFIX}${keys[0]!.id}:`)}`.execute(db);
  return r.rows[0]!.n;
}

/**
 * At start-up, after the migrations: questions stored before encryption existed (or by the demo
 * data, which is written as plain rows) are encrypted with the first key. Idempotent and cheap
 * when there is nothing left: one scan that finds no row. Questions of an older key are left to
 * `npm run question-key:rotate`, so a start never rewrites the whole table unasked.
 */
export async function sealPlainQuestions(db: Kysely<Database>, keys: TextKeys): Promise<number> {
  return (await resealQuestions(db, keys, { only: 'plain' })).changed;
}
