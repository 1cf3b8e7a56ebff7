// The question inside a sign-up or referral draft (the draft table's json) is encrypted too,
// with the same keys as request.question: while someone fills in the form, a copy of the
// database does not reveal what they wrote. Everything else of a draft stays as it is; once the
// request is stored the draft keeps only its key (core/drafts.ts markStored), so no question is
// left behind in a draft after submission.
import type { Kysely } from 'kysely';
import type { TextKeys } from '../config.js';
import type { Database } from '../db/schema.js';
import { questionKeys } from './question-key.js';
import { SecretTextError, decryptText, encryptText, isSealedWith } from './secret-text.js';

type DraftData = Record<string, unknown>;

const isRecord = (v: unknown): v is DraftData => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The draft as it is stored: its question (when it has one) encrypted. */
export function sealDraftQuestion(data: unknown, keys: TextKeys = questionKeys()): unknown {
  if (!isRecord(data) || typeof data.question !== 'string' || data.question === '') return data;
  return { ...data, question: encryptText(keys, data.question) };
}

/**
 * The draft as the flow reads it: its question decrypted. A question that no key of the set can
 * read (its key was removed) makes the draft unreadable: null, and the flow starts again.
 */
export function openDraftQuestion(data: unknown, keys: TextKeys = questionKeys()): unknown | null {
  if (!isRecord(data) || typeof data.question !== 'string') return data;
  try {
    return { ...data, question: decryptText(keys, data.question) };
  } catch (err) {
    if (err instanceof SecretTextError) return null;
    throw err;
  }
}

/** Re-encrypts the question of every draft not written with the first key; answers how many. */
export async function resealDrafts(db: Kysely<Database>, keys: TextKeys): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('draft').select(['id', 'data']).forUpdate().execute();
    let changed = 0;
    for (const r of rows) {
      const data: unknown = typeof r.data === 'string' ? JSON.parse(r.data) : r.data;
      if (!isRecord(data) || typeof data.question !== 'string' || data.question === '') continue;
      if (isSealedWith(keys, data.question)) continue;
      const open = openDraftQuestion(data, keys);
      // A draft no key can read any more is of no use to anyone: it goes.
      if (open === null) await trx.deleteFrom('draft').where('id', '=', r.id).execute();
      else
        await trx
          .updateTable('draft')
          .set({ data: JSON.stringify(sealDraftQuestion(open, keys)) })
          .where('id', '=', r.id)
          .execute();
      changed += 1;
    }
    return changed;
  });
}
