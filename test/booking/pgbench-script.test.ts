// The like-for-like write ceiling (test/bench/booking-ceiling.ts) runs src/core/booking.pgbench.sql
// with pgbench: the statements a booking sends, nothing else. This test books through the portal
// (the sign-up's pages, over HTTP) on a database that records every statement the portal sends,
// and checks the script holds exactly those statements, in that order, with parameters in the
// same places, so the script cannot drift from the code.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueryId, type KyselyPlugin } from 'kysely';
import { DateTime } from 'luxon';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';

const SCRIPT = new URL('../../src/core/booking.pgbench.sql', import.meta.url);
const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();

/** A statement with its parameters as `?` and its white space as single spaces. */
export function normalize(statement: string): string {
  return statement
    .replace(/\$\d+/g, '?')
    .replace(/(?<!:):[A-Za-z_]\w*/g, '?')
    .replace(/\s+/g, ' ')
    .replace(/\s*;\s*$/, '')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')')
    .trim();
}

/** The SQL statements of a pgbench script (meta-commands and comments left out). */
export function scriptStatements(text: string): string[] {
  // `\gset` ends a statement as `;` does (it keeps the result in variables); other
  // meta-commands and comments are not sent.
  const lines = text
    .split('\n')
    .map((l) => (l.trim().startsWith('\\gset') ? ';' : l))
    .filter((l) => !l.trim().startsWith('\\') && !l.trim().startsWith('--'))
    .join('\n');
  return lines
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

describe(`the booking's pgbench script (${onServer ? 'server' : 'embedded'} database)`, () => {
  let testDb: TestDb;
  let t: TestApp;
  let blockId: number;
  const sent: string[] = [];

  beforeAll(async () => {
    const base = await createTestDb();
    const executor = base.db.getExecutor();
    const record: KyselyPlugin = {
      transformQuery: ({ node }) => {
        sent.push(executor.compileQuery(node, createQueryId()).sql);
        return node;
      },
      transformResult: async ({ result }) => result,
    };
    testDb = { ...base, db: base.db.withPlugin(record) };
    t = await createTestApp({ testDb });
    const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6811ZZ' });
    const a = await makeStaff(t.app.db, team.id, { name: 'Fatima El Amrani' });
    const b = await makeStaff(t.app.db, team.id, { name: 'Jeroen Bakker' });
    blockId = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
  });
  afterAll(async () => {
    await t?.close();
    await testDb?.close();
  });

  it('holds exactly the statements the portal sends to book', async () => {
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12a' });
    await c.submit('/aanmelden/vraag', {
      question: 'Schulden',
      topics: ['money'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    await c.submit('/aanmelden/moment', { slot: `${blockId}_${at('2026-12-08T10:30').toISOString()}`, mode: 'home' });
    await c.submit('/aanmelden/gegevens', {
      name: 'Anna de Vries',
      email: 'anna@example.nl',
      phone: '',
      street: 'Steenstraat',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      consent: 'yes',
    });
    await c.get('/aanmelden/controleren');
    sent.splice(0);
    const res = await c.submit('/aanmelden/controleren', {});
    expect(res.headers.location).toBe('/aanmelden/bevestiging');

    // The booking: from locking the block to the audit event and the mails.
    const normalized = sent.map(normalize);
    const first = normalized.findIndex(
      (s) => s.startsWith('select') && s.endsWith('from "block" where "id" = ? for update'),
    );
    const last = normalized.findIndex((s) => s.startsWith('with logged as (insert into audit_event'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(last).toBeGreaterThan(first);
    const booking = normalized.slice(first, last + 1);
    const script = scriptStatements(readFileSync(SCRIPT, 'utf8'))
      .map(normalize)
      .filter((s) => !/^(begin|commit)$/i.test(s));
    expect(script).toEqual(booking);
  });
});
