// The other ways through the sign-up: danger now, urgent call-back, a postcode outside every
// area, a team without free time (neighbour's calendar, waiting-list alarm), and reminders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { openQuestion } from '../../src/core/question-key.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
let clock = at('2026-11-24T10:00');

async function toQuestion(c: Client, postcode: string) {
  const res = await c.submit('/aanmelden', { postcode, houseNumber: '1' });
  expect(res.statusCode).toBe(303);
}

describe('sign-up paths', () => {
  let t: TestApp;
  let centrum: Awaited<ReturnType<typeof makeTeam>>;
  let noord: Awaited<ReturnType<typeof makeTeam>>;
  let blockId: number;
  const count = async (table: 'request' | 'appointment' | 'resident') =>
    Number(
      (
        await t.app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
    centrum = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    noord = await makeTeam(t.app.db, { name: 'Wijkteam Noord', from: '6815AA', to: '6818ZZ' });
    const oost = await makeTeam(t.app.db, { name: 'Wijkteam Oost', from: '6821AA', to: '6823ZZ' });
    await t.app.db
      .insertInto('team_neighbour')
      .values([{ team_id: noord.id, neighbour_id: oost.id }])
      .execute();
    const a = await makeStaff(t.app.db, centrum.id, { name: 'Fatima El Amrani' });
    const b = await makeStaff(t.app.db, centrum.id, { name: 'Jeroen Bakker' });
    blockId = await makeBlock(t.app.db, {
      teamId: centrum.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
    const c = await makeStaff(t.app.db, oost.id, { name: 'Samira Bouzid' });
    const d = await makeStaff(t.app.db, oost.id, { name: 'Kees Visser' });
    await makeBlock(t.app.db, {
      teamId: oost.id,
      start: at('2026-12-02T13:30'),
      end: at('2026-12-02T16:30'),
      coachIds: [c.id, d.id],
    });
  });
  afterAll(async () => t.close());

  it('danger now: shows 112 and Veilig Thuis and books nothing', async () => {
    const c = new Client(t.app);
    await toQuestion(c, '6811AB');
    const res = await c.submit('/aanmelden/vraag', {
      question: 'Hij slaat me',
      about: 'self',
      dangerNow: 'yes',
      urgent24h: 'no',
    });
    expect(res.headers.location).toBe('/aanmelden/gevaar');
    const page = await c.get('/aanmelden/gevaar');
    expect(page.body).toContain('tel:112');
    expect(page.body).toContain('0800-2000');
    expect(await count('request')).toBe(0);
    // No calendar reachable from here without answering "no".
    for (const step of ['/aanmelden/moment', '/aanmelden/gegevens', '/aanmelden/controleren']) {
      const res = await c.get(step);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/aanmelden/gevaar');
    }
  });

  it('urgent within 24 hours: a call-back request, the team mailed at once, no calendar', async () => {
    const before = await count('request');
    const c = new Client(t.app);
    await toQuestion(c, '6811AB');
    const res = await c.submit('/aanmelden/vraag', {
      question: 'Ik word morgen uit huis gezet',
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'yes',
    });
    expect(res.headers.location).toBe('/aanmelden/terugbellen');
    expect((await c.get('/aanmelden/moment')).headers.location).toBe('/aanmelden/terugbellen');
    const bad = await c.submit('/aanmelden/terugbellen', { name: 'Piet', phone: '12' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Vul een telefoonnummer in, bijvoorbeeld 06 12345678');
    expect(bad.body).toContain('value="Piet"');
    expect(await count('request')).toBe(before);
    const ok = await c.submit('/aanmelden/terugbellen', { name: 'Piet', phone: '06 12345678' });
    expect(ok.headers.location).toBe('/aanmelden/bevestiging');
    const conf = await c.get('/aanmelden/bevestiging');
    expect(conf.body).toContain('We bellen u vandaag nog');
    const req = await t.app.db.selectFrom('request').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(req).toMatchObject({ status: 'callback', urgent_24h: true, safety_flag: true, team_id: centrum.id });
    const appts = await t.app.db.selectFrom('appointment').where('request_id', '=', req.id).selectAll().execute();
    expect(appts).toHaveLength(0);
    const mail = await t.app.db
      .selectFrom('outbox_message')
      .where('to_address', '=', centrum.email)
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(mail.subject).toContain('DRINGEND');
    expect(mail.body_text).not.toContain('uit huis gezet');
  });

  it('a postcode outside every area is not a dead end: phone number and an unassigned sign-up', async () => {
    const c = new Client(t.app);
    await toQuestion(c, '9999ZZ');
    const q = await c.get('/aanmelden/vraag');
    expect(q.body).toContain('hoort niet bij een van onze wijkteams');
    expect(q.body).toContain('14 026');
    const res = await c.submit('/aanmelden/vraag', {
      question: 'Hulp bij geld',
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    expect(res.headers.location).toBe('/aanmelden/gegevens');
    const det = await c.submit('/aanmelden/gegevens', {
      name: 'Ali',
      phone: '0612345678',
      email: '',
      street: '',
      city: '',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      consent: 'yes',
    });
    expect(det.headers.location).toBe('/aanmelden/controleren');
    const done = await c.submit('/aanmelden/controleren', {});
    expect(done.headers.location).toBe('/aanmelden/bevestiging');
    expect((await c.get('/aanmelden/bevestiging')).body).toContain('Uw aanmelding is verstuurd');
    const req = await t.app.db.selectFrom('request').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(req).toMatchObject({ team_id: null, status: 'new' });
    // Stored encrypted (core/secret-text.ts).
    expect(openQuestion(req.question)).toBe('Hulp bij geld');
  });

  it('a team without free time offers the neighbour team and records the waiting-list alarm', async () => {
    const c = new Client(t.app);
    await toQuestion(c, '6815AB');
    await c.submit('/aanmelden/vraag', { question: 'Eenzaam', about: 'self', dangerNow: 'no', urgent24h: 'no' });
    const page = await c.get('/aanmelden/moment');
    expect(page.body).toContain('Wijkteam Noord heeft de komende weken geen vrije tijd meer');
    expect(page.body).toContain('Wijkteam Oost werkt in de buurt');
    expect(page.body).toContain('woensdag 2 december 2026');
    expect(page.body).toContain('href="/aanmelden/terugbellen"');
    const alarm = await t.app.db.selectFrom('audit_event').where('action', '=', 'no_capacity').selectAll().execute();
    expect(alarm).toHaveLength(1);
    expect(alarm[0]!.team_id).toBe(noord.id);
    // Stamped with the app's clock, so the team's figures count it in the right period.
    expect(alarm[0]!.at.toISOString()).toBe(clock.toISOString());
    await c.get('/aanmelden/moment');
    expect(
      await t.app.db.selectFrom('audit_event').where('action', '=', 'no_capacity').selectAll().execute(),
    ).toHaveLength(1);
  });

  it('sends a reminder 2 days before, once, and not when booked inside that window', async () => {
    const book = async (slotIso: string, email: string) => {
      const c = new Client(t.app);
      await toQuestion(c, '6811AB');
      await c.submit('/aanmelden/vraag', { question: 'Vraag', about: 'self', dangerNow: 'no', urgent24h: 'no' });
      await c.submit('/aanmelden/moment', { slot: `${blockId}_${at(slotIso).toISOString()}`, mode: 'phone' });
      await c.submit('/aanmelden/gegevens', {
        name: 'Bewoner',
        phone: '',
        email,
        street: '',
        city: '',
        language: 'nl',
        dateOfBirth: '',
        companion: '',
        consent: 'yes',
      });
      const res = await c.submit('/aanmelden/controleren', {});
      expect(res.headers.location).toBe('/aanmelden/bevestiging');
    };
    await book('2026-12-08T09:00', 'early@example.nl');
    const reminders = () =>
      t.app.db.selectFrom('outbox_message').where('subject', 'like', 'Herinnering%').select('to_address').execute();
    expect((await t.app.jobs.runOnce()).reminders).toBe(0);
    // Booked 47.5 hours ahead, inside the 2-day window: no reminder for this one.
    clock = at('2026-12-06T11:00');
    await book('2026-12-08T10:30', 'late@example.nl');
    clock = at('2026-12-06T11:30');
    expect((await t.app.jobs.runOnce()).reminders).toBe(1);
    expect((await t.app.jobs.runOnce()).reminders).toBe(0);
    expect(await reminders()).toEqual([{ to_address: 'early@example.nl' }]);
    clock = at('2026-11-24T10:00');
  });
});
