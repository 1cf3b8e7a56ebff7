// A coach in Chromium: logs in, opens the agenda and an appointment, marks "called before the
// visit", and registers nothing else. axe-core checks the agenda and the appointment page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeBlock, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { makeLogin, PASSWORD } from '../helpers/staff.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T08:00');

describe.skipIf(!browserAvailable)('a coach prepares a visit in Chromium', () => {
  let h: BrowserHarness;
  let email: string;
  let appointmentId: number;

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const db = h.t.app.db;
    const team = await makeTeam(db, { name: 'Wijkteam Centrum' });
    const me = await makeLogin(h.t.app, team.id, 'coach', 'Fatima El Amrani');
    const partner = await makeLogin(h.t.app, team.id, 'coach', 'Jeroen Bakker');
    email = me.email;
    const block = await makeBlock(db, {
      teamId: team.id,
      start: at('2026-11-24T09:00'),
      end: at('2026-11-24T12:00'),
      coachIds: [me.id, partner.id],
    });
    await makeBlock(db, {
      teamId: team.id,
      start: at('2026-11-26T13:00'),
      end: at('2026-11-26T16:00'),
      coachIds: [me.id, partner.id],
    });
    const resident = await db
      .insertInto('resident')
      .values({
        name: 'Anna de Vries',
        email: 'anna@example.nl',
        phone: '06 12345678',
        street: 'Steenstraat',
        house_number: '12a',
        postcode: '6811AB',
        city: 'Arnhem',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const request = await db
      .insertInto('request')
      .values({
        resident_id: resident.id,
        team_id: team.id,
        channel: 'online',
        question: 'Ik kom niet rond met mijn geld.',
        topics: ['money'],
        status: 'scheduled',
        urgent_24h: false,
        submitted_at: at('2026-11-20T09:00'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    appointmentId = (
      await db
        .insertInto('appointment')
        .values({
          request_id: request.id,
          block_id: block,
          starts_at: at('2026-11-24T10:30'),
          ends_at: at('2026-11-24T11:30'),
          manage_token_hash: newTokenHash(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => h?.close());

  it('logs in, reads the agenda and the question, and marks the call', async () => {
    const { page } = await h.newPage();
    await page.goto('/medewerker/agenda');
    // Sent to the login page first, and back to the agenda after.
    expect(page.url()).toContain('/medewerker/inloggen');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL('**/medewerker/agenda');
    await expect(page.locator('h1').textContent()).resolves.toBe('Mijn agenda');
    const agenda = await axeViolations(page);
    expect(agenda, describeViolations(agenda)).toEqual([]);

    // Today's appointment is the first link under "Vandaag".
    const today = page.locator('section[aria-labelledby="today-title"] a').first();
    await expect(today.textContent()).resolves.toContain('10:30–11:30: Anna de Vries');
    await today.click();
    await page.waitForURL(`**/medewerker/afspraken/${appointmentId}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Afspraak met Anna de Vries');
    await expect(page.locator('.kt-question').textContent()).resolves.toBe('Ik kom niet rond met mijn geld.');
    const appointment = await axeViolations(page);
    expect(appointment, describeViolations(appointment)).toEqual([]);

    // First without a note: the message at the field, and the error page passes axe too.
    await page.getByRole('button', { name: 'Opslaan: ik heb gebeld' }).click();
    await expect(page.locator('#callNote-error').textContent()).resolves.toContain(
      'Schrijf kort op wat er besproken is.',
    );
    const withError = await axeViolations(page);
    expect(withError, describeViolations(withError)).toEqual([]);

    await page.getByLabel('Wat is er besproken?').fill('Gebeld: afspraak blijft staan.');
    await page.getByRole('button', { name: 'Opslaan: ik heb gebeld' }).click();
    await page.waitForURL(`**/medewerker/afspraken/${appointmentId}?klaar=gebeld`);
    await expect(page.getByRole('status').first().textContent()).resolves.toContain(
      'Opgeslagen: u heeft de inwoner gebeld.',
    );
    await expect(page.locator('body').textContent()).resolves.toContain(
      'Gebeld op di 24 nov om 08:00: Gebeld: afspraak blijft staan.',
    );

    // Nothing else was registered.
    const row = await h.t.app.db
      .selectFrom('appointment')
      .selectAll()
      .where('id', '=', appointmentId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'booked',
      mode: 'home',
      outcome: null,
      solo_coach_id: null,
      call_note: 'Gebeld: afspraak blijft staan.',
    });
    const req = await h.t.app.db
      .selectFrom('request')
      .select(['status', 'closed_at', 'lead_coach_id'])
      .where('id', '=', row.request_id)
      .executeTakeFirstOrThrow();
    expect(req).toEqual({ status: 'scheduled', closed_at: null, lead_coach_id: null });
    const mails = await h.t.app.db.selectFrom('outbox_message').select('id').execute();
    expect(mails).toEqual([]);

    // The agenda now shows the call.
    await page.goto('/medewerker/agenda');
    await expect(page.locator('section[aria-labelledby="today-title"]').textContent()).resolves.toContain('gebeld');
  });

  it('the feed link page passes axe', async () => {
    const { page } = await h.newPage();
    await page.goto('/medewerker/inloggen');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL('**/medewerker');
    await page.goto('/medewerker/agenda/koppeling');
    await page.getByRole('button', { name: 'Maak een link' }).click();
    await page.waitForURL('**/medewerker/agenda/koppeling');
    const url = await page.getByLabel('Uw geheime link').inputValue();
    expect(url).toMatch(/\/agenda\/[A-Za-z0-9_-]{43}\.ics$/);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });
});
