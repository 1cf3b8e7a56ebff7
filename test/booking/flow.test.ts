// The resident's whole sign-up flow through app.inject(), with CSRF, on the real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { renderOutbox } from '../helpers/outbox.js';
import { openQuestion } from '../../src/core/question-key.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

describe('resident books a keukentafelgesprek', () => {
  let t: TestApp;
  let teamId: number;
  let blockId: number;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    teamId = team.id;
    const a = await makeStaff(t.app.db, team.id, { name: 'Fatima El Amrani', email: 'fatima@example.nl' });
    const b = await makeStaff(t.app.db, team.id, { name: 'Jeroen Bakker', email: 'jeroen@example.nl' });
    blockId = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
  });
  afterAll(async () => t.close());

  it('walks from postcode to confirmation and sends the mail', async () => {
    const c = new Client(t.app);
    let res = await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12a' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/aanmelden/vraag');
    res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('Wijkteam Centrum');
    res = await c.submit('/aanmelden/vraag', {
      question: 'Schulden',
      topics: ['money'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    expect(res.headers.location).toBe('/aanmelden/moment');
    res = await c.get('/aanmelden/moment');
    expect(res.body).toContain('dinsdag 8 december 2026');
    expect(res.body).toContain('09:00');
    expect(res.body).toContain('10:30');
    const slot = `${blockId}_${at('2026-12-08T10:30').toISOString()}`;
    res = await c.submit('/aanmelden/moment', { slot, mode: 'home' });
    expect(res.headers.location).toBe('/aanmelden/gegevens');
    res = await c.submit('/aanmelden/gegevens', {
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
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/aanmelden/controleren');
    res = await c.get('/aanmelden/controleren');
    expect(res.body).toContain('Schulden');
    expect(res.body).toContain('Fatima &amp; Jeroen');
    res = await c.submit('/aanmelden/controleren', {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/aanmelden/bevestiging');
    res = await c.get('/aanmelden/bevestiging');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(res.body).toContain('Fatima &amp; Jeroen');
    expect(res.body).toMatch(/href="\/afspraak\/[A-Za-z0-9_-]{43}"/);

    const appts = await t.app.db.selectFrom('appointment').selectAll().execute();
    expect(appts).toHaveLength(1);
    expect(appts[0]!.starts_at.toISOString()).toBe(at('2026-12-08T10:30').toISOString());
    const req = await t.app.db.selectFrom('request').selectAll().executeTakeFirstOrThrow();
    expect(req).toMatchObject({
      team_id: teamId,
      channel: 'online',
      topics: ['money'],
      status: 'scheduled',
    });
    // The question is stored encrypted (core/secret-text.ts).
    expect(openQuestion(req.question)).toBe('Schulden');
    await renderOutbox(t.app);
    const mails = await t.app.db
      .selectFrom('outbox_message')
      .select(['to_address', 'subject', 'body_text', 'ics'])
      .orderBy('id')
      .execute();
    expect(mails.map((m) => m.to_address)).toEqual(['anna@example.nl', 'fatima@example.nl', 'jeroen@example.nl']);
    expect(mails[0]!.body_text).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(mails[0]!.ics).toContain('BEGIN:VEVENT');
    for (const coachMail of mails.slice(1)) expect(coachMail.body_text).not.toContain('Schulden');
    // The draft forgets what was typed and keeps only its key, for a repeated submit.
    const drafts = await t.app.db.selectFrom('draft').selectAll().execute();
    expect(drafts).toHaveLength(1);
    expect(Object.keys(drafts[0]!.data).sort()).toEqual(['bookedRequestId', 'key']);
  });
});
