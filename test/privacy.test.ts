// Private by default: a whole booking, a manage visit and a staff password reset write no
// personal data and no secret link to the logs, even at debug level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { buildApp } from '../src/app.js';
import type { FastifyInstance } from 'fastify';
import { Client, testConfig } from './helpers/app.js';
import { createTestDb, type TestDb } from './helpers/db.js';
import { makeBlock, makeStaff, makeTeam } from './helpers/fixtures.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();

describe('logs', () => {
  let db: TestDb;
  let app: FastifyInstance;
  const lines: string[] = [];
  let blockId: number;

  beforeAll(async () => {
    db = await createTestDb();
    app = await buildApp(testConfig({ logLevel: 'debug' }), {
      db: db.db,
      mailWorker: false,
      now: () => at('2026-11-24T10:00'),
      logStream: { write: (l) => void lines.push(l) },
    });
    await app.ready();
    const team = await makeTeam(app.db, { from: '6811AA', to: '6814ZZ' });
    const a = await makeStaff(app.db, team.id, { email: 'coach.secret@example.nl' });
    const b = await makeStaff(app.db, team.id);
    blockId = await makeBlock(app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('hold no names, contact details, questions or tokens', async () => {
    const c = new Client(app);
    await c.submit('/aanmelden', { postcode: '6811 ab', houseNumber: '7' });
    await c.submit('/aanmelden/vraag', {
      question: 'Geheime vraag over schulden',
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    await c.submit('/aanmelden/moment', { slot: `${blockId}_${at('2026-12-08T09:00').toISOString()}`, mode: 'home' });
    await c.submit('/aanmelden/gegevens', {
      name: 'Zeynep Privé',
      email: 'zeynep.prive@example.nl',
      phone: '0687654321',
      street: 'Verborgenstraat',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '17-03-1961',
      companion: 'Mantelzorger Marco',
      consent: 'yes',
    });
    const done = await c.submit('/aanmelden/controleren', {});
    expect(done.headers.location).toBe('/aanmelden/bevestiging');
    const conf = await c.get('/aanmelden/bevestiging');
    const token = /\/afspraak\/([A-Za-z0-9_-]{43})/.exec(conf.body)![1]!;
    expect((await c.get(`/afspraak/${token}?x=zeynep.prive@example.nl`)).statusCode).toBe(200);
    await c.submit('/medewerker/wachtwoord-vergeten', { email: 'coach.secret@example.nl' });

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    expect(log).toContain('"url":"/afspraak/[token]"');
    for (const secret of [
      'Zeynep',
      'zeynep.prive',
      '0687654321',
      'Verborgenstraat',
      'Geheime vraag',
      'Mantelzorger',
      '17-03-1961',
      '1961-03-17',
      'coach.secret',
      token,
      'kt_session=',
    ]) {
      expect(log, `"${secret}" in the logs`).not.toContain(secret);
    }
  });
});
