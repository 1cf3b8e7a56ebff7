// QUESTION_KEYS for config.ts: the keys the residents' questions are encrypted with at rest
// (core/secret-text.ts). The first key writes, all of them read. Without QUESTION_KEYS: a fixed
// key in tests, a refusal in production on a server database, else the key file in DATA_DIR.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One key of the questions' encryption: its id (named in every value it wrote) and 32 bytes. */
export interface TextKey {
  id: string;
  key: Buffer;
}

/** Keys in order: the first writes, all read. Never empty. */
export type TextKeys = readonly TextKey[];

/** Makes the error config.ts throws (its ConfigError) from what is wrong. */
type Fail = (why: string) => Error;

const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;

/**
 * QUESTION_KEYS: `id:base64-of-32-bytes`, several separated by commas. The message names the key's
 * id, never the key.
 */
export function parseQuestionKeys(text: string, fail: Fail = (why) => new Error(`Invalid configuration: ${why}`)) {
  const bad = (why: string) => fail(`QUESTION_KEYS ${why}`);
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw bad('must hold at least one key, as id:base64-of-32-bytes');
  const keys = parts.map((part) => {
    const at = part.indexOf(':');
    const id = at > 0 ? part.slice(0, at) : '';
    if (!KEY_ID.test(id)) throw bad('keys must start with an id of 1-16 letters, digits, - or _, then a colon');
    const key = Buffer.from(part.slice(at + 1), 'base64');
    if (key.length !== 32) throw bad(`key "${id}" must be 32 bytes, written in base64`);
    return { id, key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw bad('names two keys with the same id');
  return Object.freeze(keys) as TextKeys;
}

/** The fixed key of the test runs (NODE_ENV=test without QUESTION_KEYS). */
const TEST_QUESTION_KEYS = `test:${Buffer.alloc(32, 7).toString('base64')}`;

/**
 * The key file in DATA_DIR (made on first start, readable by the owner only): the embedded
 * database's default, so a copy of the database folder alone does not hold the key. A copy of
 * the whole DATA_DIR does: set QUESTION_KEYS to keep it elsewhere.
 */
function questionKeysFromDataDir(dataDir: string, fail: Fail): TextKeys {
  const file = path.join(dataDir, 'question-key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process made it first: read that one.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return parseQuestionKeys(readFileSync(file, 'utf8').trim(), (why) => fail(`${why} (in ${file})`));
}

export function questionKeysOf(
  e: { QUESTION_KEYS?: string | undefined; NODE_ENV: string; DATABASE_URL?: string | undefined },
  dataDir: string,
  fail: Fail,
): TextKeys {
  if (e.QUESTION_KEYS) return parseQuestionKeys(e.QUESTION_KEYS, fail);
  if (e.NODE_ENV === 'test') return parseQuestionKeys(TEST_QUESTION_KEYS, fail);
  if (e.DATABASE_URL && e.NODE_ENV === 'production') {
    throw fail(
      "QUESTION_KEYS is required when DATABASE_URL is set in production (the key that encrypts the residents' questions; see README, Encryption at rest)",
    );
  }
  return questionKeysFromDataDir(dataDir, fail);
}
