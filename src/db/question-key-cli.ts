// npm run question-key:rotate: re-encrypts every stored question (and any stored in plain text)
// with the first key of QUESTION_KEYS (or of the key file in DATA_DIR). Rotation: put the new key
// first, keep the old one after it, run this, then remove the old key. In batches of 500, each one
// transaction: stopping half-way loses nothing, and running it again goes on where it stopped.
import { openDatabase } from './client.js';
import { lockEmbeddedOrExit } from './data-dir-lock.js';
import { configOrFail, fail, stopWith } from './cli-start.js';
import { questionsToReseal, resealQuestions } from '../core/question-key-rotate.js';
import { resealDrafts } from '../core/question-key-drafts.js';
import { SecretTextError } from '../core/secret-text.js';

stopWith('Stopped. Every finished batch is stored; run the command again to go on.');

const args = process.argv.slice(2);
if (args.length > 0) fail('Usage: npm run question-key:rotate');

const config = configOrFail();
const keys = config.questionKeys;
const lock = await lockEmbeddedOrExit(config, 'npm run question-key:rotate', 'Cannot rotate');
const handle = await openDatabase(config.database);
try {
  const before = await questionsToReseal(handle.db, keys);
  console.log(`Key "${keys[0]!.id}" writes. Questions to re-encrypt: ${before}.`);
  const run = await resealQuestions(handle.db, keys, {
    onBatch: (n) => before > 0 && console.log(`  ${n} of ${before}`),
  });
  const drafts = await resealDrafts(handle.db, keys);
  const left = await questionsToReseal(handle.db, keys);
  console.log(`Re-encrypted ${run.changed} question(s) and ${drafts} sign-up draft(s).`);
  if (left > 0) fail(`${left} question(s) were written meanwhile with another key; run the command again.`);
  const old = keys.slice(1).map((k) => `"${k.id}"`);
  console.log(
    old.length > 0
      ? `Every question uses key "${keys[0]!.id}" now: ${old.join(', ')} may be removed from QUESTION_KEYS once every portal process runs with the new first key.`
      : 'Every question uses this key.',
  );
} catch (err) {
  if (!(err instanceof SecretTextError)) throw err;
  // A question written with a key that is not in the set: its batch and the rest are left as they were.
  fail(`Cannot re-encrypt ${err.message}. Add that key to QUESTION_KEYS (after the first) and run again.`);
} finally {
  await handle.close();
  lock?.release();
}
