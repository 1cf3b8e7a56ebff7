// The embedded database's key and the start-up pass, as an operator meets them: `npm run seed`
// makes the key file (owner only) and stores the demo questions encrypted; a question left in
// plain text (stored before the upgrade) is encrypted when the portal starts; and
// `npm run question-key:rotate` moves every question to a new key named in QUESTION_KEYS.
// Clock-free: the commands run as child processes on a fixed clock (helpers/portal-process.ts).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { parseQuestionKeys } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { decryptText, formatTextKeys } from '../../src/core/secret-text.js';
import { freePort, runScript, startPortal, stopPortal } from '../helpers/portal-process.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kt-question-key-'));
const PLAIN = 'Een vraag van voor de versleuteling';

/** Opens the data folder's database (the portal stopped), runs `f`, closes it again. */
async function withDb<T>(f: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ kind: 'embedded', dataDir: path.join(dir, 'pg') });
  try {
    return await f(handle.db);
  } finally {
    await handle.close();
  }
}

const questions = (db: Awaited<ReturnType<typeof openDatabase>>['db']) =>
  db.selectFrom('request').select(['id', 'question']).orderBy('id').execute();

describe('the question key of the embedded database, from seed to start to rotation', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seeds encrypted, encrypts a plain question at start, and rotates to a new key', async () => {
    const seeded = await runScript('src/db/seed-cli.ts', [], dir);
    expect(seeded.code, seeded.stderr).toBe(0);
    const keyFile = path.join(dir, 'question-key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const k1 = parseQuestionKeys(readFileSync(keyFile, 'utf8').trim());
    const id = await withDb(async (db) => {
      const rows = await questions(db);
      expect(rows.length).toBeGreaterThan(100);
      for (const r of rows) expect(r.question).toMatch(/^kt1:k1:/);
      // A question stored before the upgrade, in plain text.
      await db.updateTable('request').set({ question: PLAIN }).where('id', '=', rows[0]!.id).execute();
      return rows[0]!.id;
    });

    const portal = startPortal(dir, await freePort());
    await portal.ready;
    expect(portal.output()).toContain('Encrypted 1 question(s) stored in plain text.');
    expect(await stopPortal(portal)).toBe(0);
    await withDb(async (db) => {
      const row = (await questions(db)).find((r) => r.id === id)!;
      expect(row.question).toMatch(/^kt1:k1:/);
      expect(decryptText(k1, row.question)).toBe(PLAIN);
      const plain = await sql<{
        n: number;
      }>`select count(*)::int as n from request where question not like 'kt1:%'`.execute(db);
      expect(plain.rows[0]!.n).toBe(0);
    });

    const k2 = parseQuestionKeys(`k2:${randomBytes(32).toString('base64')}`);
    const rotated = await runScript('src/db/question-key-cli.ts', [], dir, {
      QUESTION_KEYS: formatTextKeys([...k2, ...k1]),
    });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/Re-encrypted \d+ question\(s\)/);
    await withDb(async (db) => {
      const rows = await questions(db);
      for (const r of rows) expect(r.question).toMatch(/^kt1:k2:/);
      expect(decryptText(k2, rows.find((r) => r.id === id)!.question)).toBe(PLAIN);
    });
  });
});
