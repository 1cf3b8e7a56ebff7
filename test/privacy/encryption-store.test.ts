// The residents' questions encrypted at rest, on the real database: a booking stores only the
// encrypted question and the staff page shows it in clear; the draft holds it encrypted while the
// form is filled in and not at all once sent; questions stored in plain text before are encrypted
// at start-up; rotation from key a to key b re-encrypts every question (in batches, safe to stop
// and run again), after which key a can go and everything still reads.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuestionKeys, type TextKeys } from '../../src/config.js';
import { resealQuestions, sealPlainQuestions, questionsToReseal } from '../../src/core/question-key-rotate.js';
import { resealDrafts } from '../../src/core/question-key-drafts.js';
import { useQuestionKeys } from '../../src/core/question-key.js';
import { decryptText, encryptText, formatTextKeys } from '../../src/core/secret-text.js';
import { Client, createTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { makeWorld, NOW, type World } from '../referral/world.js';

const QUESTION = 'Mijn huisbaas dreigt met uitzetting en ik durf het niemand te vertellen';
const TEST_KEYS = testConfig().questionKeys;
const keyText = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

async function signUpUntilCheck(c: Client, w: World, question = QUESTION): Promise<void> {
  expect((await c.submit('/aanmelden', { postcode: '6812 AB', houseNumber: '3' })).headers.location).toBe(
    '/aanmelden/vraag',
  );
  const q = { question, topics: ['money'], about: 'self', dangerNow: 'no', urgent24h: 'no' };
  expect((await c.submit('/aanmelden/vraag', q)).headers.location).toBe('/aanmelden/moment');
  expect((await c.submit('/aanmelden/moment', { slot: w.slot('09:00'), mode: 'home' })).headers.location).toBe(
    '/aanmelden/gegevens',
  );
  const details = {
    name: 'Sam de Wit',
    email: `sam-${randomBytes(3).toString('hex')}@example.nl`,
    phone: '',
    street: 'Rijnkade',
    city: 'Arnhem',
    language: 'nl',
    dateOfBirth: '',
    companion: '',
    consent: 'yes',
  };
  expect((await c.submit('/aanmelden/gegevens', details)).headers.location).toBe('/aanmelden/controleren');
}

const draftTexts = async (t: TestApp) =>
  (
    await t.app.db
      .selectFrom('draft')
      .select(sql<string>`data::text`.as('d'))
      .execute()
  ).map((r) => r.d);

const storedQuestions = async (t: TestApp) =>
  (await t.app.db.selectFrom('request').select(['id', 'question']).orderBy('id').execute()).map((r) => r.question);

describe(`questions encrypted at rest (${onServer ? 'server' : 'embedded'} database)`, () => {
  let t: TestApp;
  let w: World;
  let appointmentId: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    w = await makeWorld(t.app);
  });
  afterAll(async () => t?.close());

  it('the draft holds the question encrypted while the form is filled in, and not at all once sent', async () => {
    const c = new Client(t.app);
    await signUpUntilCheck(c, w);
    const during = await draftTexts(t);
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/"question": ?"kt1:test:/);
    expect(during[0]).not.toContain('huisbaas');
    // The check page reads it back in clear.
    expect((await c.get('/aanmelden/controleren')).body).toContain(QUESTION);

    expect((await c.submit('/aanmelden/controleren', {})).headers.location).toBe('/aanmelden/bevestiging');
    const after = await draftTexts(t);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toContain('question');
    expect(Object.keys(JSON.parse(after[0]!) as object).sort()).toEqual(['bookedRequestId', 'key']);
  });

  it('stores only the encrypted question; the staff page shows it in clear', async () => {
    const [stored] = await storedQuestions(t);
    expect(stored).toMatch(/^kt1:test:/);
    expect(stored).not.toContain('huisbaas');
    expect(decryptText(TEST_KEYS, stored!)).toBe(QUESTION);

    appointmentId = (await t.app.db.selectFrom('appointment').select('id').executeTakeFirstOrThrow()).id;
    const coach = await makeLogin(t.app, w.teamId, 'coach');
    const page = await (await loggedIn(t.app, coach.email)).get(`/medewerker/afspraken/${appointmentId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(QUESTION);
  });

  it('a question stored in plain text before is read as it is, and encrypted by the start-up pass (once)', async () => {
    const plain = 'Oude vraag zonder versleuteling';
    const req = await t.app.db.selectFrom('request').select('id').executeTakeFirstOrThrow();
    await t.app.db.updateTable('request').set({ question: plain }).where('id', '=', req.id).execute();
    const coach = await makeLogin(t.app, w.teamId, 'coach');
    const staff = await loggedIn(t.app, coach.email);
    expect((await staff.get(`/medewerker/afspraken/${appointmentId}`)).body).toContain(plain);

    expect(await sealPlainQuestions(t.app.db, TEST_KEYS)).toBe(1);
    const [stored] = await storedQuestions(t);
    expect(stored).toMatch(/^kt1:test:/);
    expect(decryptText(TEST_KEYS, stored!)).toBe(plain);
    expect(await sealPlainQuestions(t.app.db, TEST_KEYS)).toBe(0);
    expect((await staff.get(`/medewerker/afspraken/${appointmentId}`)).body).toContain(plain);
  });
});

describe(`rotating the key (${onServer ? 'server' : 'embedded'} database)`, () => {
  let testDb: TestDb;
  const A = parseQuestionKeys(keyText('a'));
  const B = parseQuestionKeys(keyText('b'));
  const BA: TextKeys = [...B, ...A];
  const questions = ['Vraag een', 'Vraag twee', 'Vraag drie', 'Vraag vier', 'Vraag vijf'];

  beforeAll(async () => {
    testDb = await createTestDb();
  });
  afterAll(async () => {
    useQuestionKeys(TEST_KEYS);
    await testDb?.close();
  });

  it('from a to b: in batches, safe to stop and run again; both keys read meanwhile, b alone after', async () => {
    // One booking while key a wrote, three more questions of key a and one legacy plain question.
    const t = await createTestApp({ testDb, config: { questionKeys: A }, now: () => NOW });
    const w = await makeWorld(t.app);
    const c = new Client(t.app);
    await signUpUntilCheck(c, w, questions[0]);
    expect((await c.submit('/aanmelden/controleren', {})).headers.location).toBe('/aanmelden/bevestiging');
    const template = await t.app.db.selectFrom('request').selectAll().executeTakeFirstOrThrow();
    for (const [i, q] of questions.slice(1).entries()) {
      const { id: _id, ...rest } = template;
      await t.app.db
        .insertInto('request')
        .values({
          ...rest,
          question: i === 0 ? q : encryptText(A, q),
          idempotency_key: `rotation-${i}`,
        })
        .execute();
    }
    // A draft in progress, written with key a.
    const open = new Client(t.app);
    expect((await open.submit('/aanmelden', { postcode: '6812 AB', houseNumber: '3' })).statusCode).toBe(303);
    await open.submit('/aanmelden/vraag', {
      question: 'Nog niet verstuurd',
      topics: ['money'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    await t.close();

    expect(await questionsToReseal(testDb.db, BA)).toBe(5);
    // Stopped after the first batch of two: that batch is stored, the rest untouched.
    await expect(
      resealQuestions(testDb.db, BA, {
        batch: 2,
        onBatch: () => {
          throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect(await questionsToReseal(testDb.db, BA)).toBe(3);
    // Meanwhile every question reads with both keys.
    const mixed = (await testDb.db.selectFrom('request').select('question').execute()).map((r) => r.question);
    expect(mixed.filter((q) => q.startsWith('kt1:b:'))).toHaveLength(2);
    expect(mixed.map((q) => decryptText(BA, q)).sort()).toEqual([...questions].sort());

    // Run again: it goes on where it stopped, in batches.
    const batches: number[] = [];
    expect((await resealQuestions(testDb.db, BA, { batch: 2, onBatch: (n) => batches.push(n) })).changed).toBe(3);
    expect(batches).toEqual([2, 3]);
    expect(await questionsToReseal(testDb.db, BA)).toBe(0);
    expect((await resealQuestions(testDb.db, BA)).changed).toBe(0);
    expect(await resealDrafts(testDb.db, BA)).toBe(1);
    expect(await resealDrafts(testDb.db, BA)).toBe(0);

    // Key a removed: b alone reads everything, the staff page and the draft included.
    const rows = await testDb.db.selectFrom('request').select('question').execute();
    for (const r of rows) expect(r.question).toMatch(/^kt1:b:/);
    expect(rows.map((r) => decryptText(B, r.question)).sort()).toEqual([...questions].sort());
    const after = await createTestApp({ testDb, config: { questionKeys: B }, now: () => NOW });
    try {
      const appointment = await after.app.db.selectFrom('appointment').select('id').executeTakeFirstOrThrow();
      const coach = await makeLogin(after.app, w.teamId, 'coach');
      const page = await (await loggedIn(after.app, coach.email)).get(`/medewerker/afspraken/${appointment.id}`);
      expect(page.body).toContain('Vraag een');
      const draft = await after.app.db
        .selectFrom('draft')
        .select(sql<string>`data::text`.as('d'))
        .execute();
      expect(draft.some((d) => d.d.includes('kt1:b:'))).toBe(true);
    } finally {
      await after.close();
    }
  });

  it.runIf(onServer)('npm run question-key:rotate does the same from the command line', async () => {
    const C = parseQuestionKeys(keyText('c'));
    const env = {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: testDb.url!,
      QUESTION_KEYS: formatTextKeys([...C, ...B]),
      LOG_LEVEL: 'silent',
    };
    const run = promisify(execFile);
    const { stdout } = await run('npm', ['run', '--silent', 'question-key:rotate'], { env, timeout: 60_000 });
    expect(stdout).toContain('Key "c" writes. Questions to re-encrypt: 5.');
    expect(stdout).toContain('Re-encrypted 5 question(s) and 1 sign-up draft(s).');
    expect(stdout).toContain('"b" may be removed');
    const rows = await testDb.db.selectFrom('request').select('question').execute();
    expect(rows.map((r) => decryptText(C, r.question)).sort()).toEqual([...questions].sort());

    // Without key c it cannot read what c wrote: it says so, exits 1, and changes nothing.
    const failed = await run('npm', ['run', '--silent', 'question-key:rotate'], {
      env: { ...env, QUESTION_KEYS: formatTextKeys(A) },
      timeout: 60_000,
    }).catch((err: { code: number; stderr: string }) => err);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(
      /Cannot re-encrypt request \d+: encrypted text uses key "c", which is not among the loaded keys/,
    );
    const same = await testDb.db.selectFrom('request').select('question').execute();
    expect(same.map((r) => r.question).sort()).toEqual(rows.map((r) => r.question).sort());
  });
});
