// A resident who was helped before books again in Chromium, via "Ik heb al eerder contact
// gehad": asks for the link, opens it from the mail, asks only the new question, and gets the
// same coach. axe-core checks every page (and the form once in its error state).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { at, block, knownResident, linkFor, NEW_QUESTION, NOW, type Known } from '../returning/world.js';
import { newTokenHash } from '../helpers/fixtures.js';
import { passwordHash, PASSWORD } from '../helpers/staff.js';

async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${step} (${page.url()}):\n${describeViolations(v)}`).toEqual([]);
}

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(!browserAvailable)('a resident who was helped before books again in Chromium', () => {
  let h: BrowserHarness;
  let k: Known;

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    k = await knownResident(h.t.app);
    await block(h.t.app, k.teamId, '2026-12-08', [k.fatima.id, k.jeroen.id]);
    await block(h.t.app, k.teamId, '2026-12-09', [k.sanne.id, k.karim.id]);
  });
  afterAll(async () => h?.close());

  it('gets the same coach, with zero axe violations on every step', async () => {
    const { page } = await h.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Ik heb al eerder contact gehad' }).click();
    expect(new URL(page.url()).pathname).toBe('/opnieuw');
    await expectNoAxeViolations(page, 'returning form');

    // Empty first: messages at the fields, the summary focused.
    await page.getByRole('button', { name: 'Stuur mij een link' }).click();
    expect(await page.locator('#error-summary li').allTextContents()).toEqual([
      'Vul uw e-mailadres in.',
      'Vul uw postcode in.',
    ]);
    await expectNoAxeViolations(page, 'returning form with errors');
    await page.getByLabel('E-mailadres').fill(k.email);
    await page.getByLabel('Postcode').fill(`${k.postcode.slice(0, 4)} ${k.postcode.slice(4).toLowerCase()}`);
    await page.getByRole('button', { name: 'Stuur mij een link' }).click();
    expect(new URL(page.url()).pathname).toBe('/opnieuw/verstuurd');
    expect(await text(page, 'h1')).toBe('Kijk in uw e-mail');
    await expectNoAxeViolations(page, 'link sent');

    // The link from the mail.
    const token = await linkFor(h.t.app, k.email);
    await page.goto(`/opnieuw/${token}`);
    expect(await text(page, 'h1')).toBe('Welkom terug');
    await expectNoAxeViolations(page, 'link opened');
    await page.getByRole('button', { name: 'Verder met mijn nieuwe vraag' }).click();

    // Only the new question and the safety questions; the known coach is named.
    expect(new URL(page.url()).pathname).toBe('/aanmelden/vraag');
    expect(await text(page, '#returning-notice')).toContain('U krijgt weer een gesprek met Fatima.');
    expect(await page.locator('input[name=topics]').count()).toBe(0);
    expect(await page.locator('input[name=about]').count()).toBe(0);
    await expectNoAxeViolations(page, 'new question');
    await page.getByLabel('Wat is uw vraag?').fill(NEW_QUESTION);
    await page.locator('#dangerNow').getByLabel('Nee').check();
    await page.locator('#urgent24h').getByLabel('Nee').check();
    await page.getByRole('button', { name: 'Volgende' }).click();

    // Only Fatima's times: 8 December, not the other duo's 9 December.
    expect(new URL(page.url()).pathname).toBe('/aanmelden/moment');
    expect(await page.locator('.kt-day legend').allTextContents()).toEqual(['dinsdag 8 december 2026']);
    expect(await page.locator('.kt-slot label').allTextContents()).toEqual(['09:00', '10:30']);
    expect(await text(page, '#returning-notice')).toContain('Hieronder staan de vrije momenten van Fatima.');
    await expectNoAxeViolations(page, 'moment');
    await page.locator('.kt-slot label', { hasText: '10:30' }).click();
    await page.getByRole('button', { name: 'Volgende' }).click();

    // The details are filled in and can be changed.
    expect(new URL(page.url()).pathname).toBe('/aanmelden/gegevens');
    expect(await page.getByLabel('Uw naam').inputValue()).toBe('Anna de Vries');
    expect(await page.getByLabel('E-mailadres').inputValue()).toBe(k.email);
    expect(await page.getByLabel('Straat').inputValue()).toBe('Steenstraat');
    await expectNoAxeViolations(page, 'details');
    await page.getByLabel('Telefoonnummer').fill('06 87654321');
    await page.getByLabel(/Ik geef toestemming/).check();
    await page.getByRole('button', { name: 'Volgende' }).click();

    expect(new URL(page.url()).pathname).toBe('/aanmelden/controleren');
    const summary = await text(page, 'dl.kt-summary');
    expect(summary).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(summary).toContain('Fatima & Jeroen');
    await expectNoAxeViolations(page, 'check');
    await page.getByRole('button', { name: 'Afspraak maken' }).click();

    expect(new URL(page.url()).pathname).toBe('/aanmelden/bevestiging');
    expect(await text(page, '.kt-notice--ok')).toContain('Fatima & Jeroen');
    await expectNoAxeViolations(page, 'confirmation');

    const r = await h.t.app.db
      .selectFrom('request')
      .selectAll()
      .where('resident_id', '=', k.residentId)
      // The newest request: the one this sign-up stored (its question is stored encrypted).
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(r).toMatchObject({
      lead_coach_id: k.fatima.id,
      returning_resident: true,
      previous_request_id: k.oldRequestId,
      days_since_closure: 54,
      status: 'scheduled',
    });
    const resident = await h.t.app.db
      .selectFrom('resident')
      .select('phone')
      .where('id', '=', k.residentId)
      .executeTakeFirstOrThrow();
    expect(resident.phone).toBe('06 87654321');

    // The link worked once.
    await page.goto(`/opnieuw/${token}`);
    expect(await text(page, 'h1')).toBe('Deze link werkt niet meer');
    await expectNoAxeViolations(page, 'used link');
  });

  it('says plainly when the known coach is away and offers the duo partner, with zero axe violations', async () => {
    const away = await knownResident(h.t.app);
    await h.t.app.db
      .insertInto('absence')
      .values({
        staff_id: away.fatima.id,
        starts_at: at('2026-11-20T00:00'),
        ends_at: at('2027-01-31T00:00'),
        kind: 'sick',
      })
      .execute();
    await block(h.t.app, away.teamId, '2026-12-10', [away.jeroen.id, away.lotte.id]);
    const { page } = await h.newPage();
    await page.goto('/opnieuw');
    await page.getByLabel('E-mailadres').fill(away.email);
    await page.getByLabel('Postcode').fill(away.postcode);
    await page.getByRole('button', { name: 'Stuur mij een link' }).click();
    await page.goto(`/opnieuw/${await linkFor(h.t.app, away.email)}`);
    await page.getByRole('button', { name: 'Verder met mijn nieuwe vraag' }).click();
    const notice = await text(page, '#returning-notice');
    expect(notice).toContain('Fatima is er de komende weken niet.');
    expect(notice).toContain('U krijgt een gesprek met Jeroen.');
    await expectNoAxeViolations(page, 'new question, partner');
    await page.getByRole('button', { name: 'Volgende' }).click();
    await expectNoAxeViolations(page, 'new question with errors');
    await page.getByLabel('Wat is uw vraag?').fill(NEW_QUESTION);
    await page.locator('#dangerNow').getByLabel('Nee').check();
    await page.locator('#urgent24h').getByLabel('Nee').check();
    await page.getByRole('button', { name: 'Volgende' }).click();
    expect(await page.locator('.kt-day legend').allTextContents()).toEqual(['donderdag 10 december 2026']);
    expect(await text(page, '#returning-notice')).toContain('Hieronder staan de vrije momenten van Jeroen.');
    await expectNoAxeViolations(page, 'moment, partner');
  });

  it('shows staff a possible match to link, with zero axe violations', async () => {
    const db = h.t.app.db;
    const known = await knownResident(h.t.app);
    await db
      .updateTable('staff_user')
      .set({ password_hash: await passwordHash() })
      .where('id', '=', known.jeroen.id)
      .execute();
    const fresh = await db
      .insertInto('resident')
      .values({ name: 'Anna de Vries', phone: '06 12345678', postcode: known.postcode })
      .returning('id')
      .executeTakeFirstOrThrow();
    const req = await db
      .insertInto('request')
      .values({
        resident_id: fresh.id,
        team_id: known.teamId,
        channel: 'phone',
        question: NEW_QUESTION,
        status: 'scheduled',
        submitted_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const b = await block(h.t.app, known.teamId, '2026-12-11', [known.jeroen.id, known.sanne.id]);
    const appt = await db
      .insertInto('appointment')
      .values({
        request_id: req.id,
        block_id: b,
        starts_at: at('2026-12-11T09:00'),
        ends_at: at('2026-12-11T10:00'),
        manage_token_hash: newTokenHash(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { page } = await h.newPage();
    await page.goto(`/medewerker/afspraken/${appt.id}`);
    await page.getByLabel('E-mailadres').fill(known.jeroen.email);
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL(`**/medewerker/afspraken/${appt.id}`);
    expect(await text(page, '#matches-title')).toBe('Kennen we deze inwoner al?');
    await expectNoAxeViolations(page, 'appointment page with a possible match');
    await page.getByRole('button', { name: 'Koppelen aan deze inwoner' }).click();
    expect(await text(page, '#residentId-error')).toContain('Kies een van de inwoners in de lijst.');
    await expectNoAxeViolations(page, 'appointment page, link without a choice');
    await page.locator(`label[for=match-${known.residentId}]`).click();
    await page.getByRole('button', { name: 'Koppelen aan deze inwoner' }).click();
    await page.waitForURL(`**/medewerker/afspraken/${appt.id}?klaar=gekoppeld`);
    expect(await text(page, '#returning-mark')).toContain('54 dagen');
    await expectNoAxeViolations(page, 'appointment page after linking');
    expect(
      (await db.selectFrom('request').select('lead_coach_id').where('id', '=', req.id).executeTakeFirstOrThrow())
        .lead_coach_id,
    ).toBe(known.fatima.id);

    // And undone again: without the tick a message at the box, then the sign-up stands alone.
    expect(await text(page, '#split-title')).toBe('Is dit toch iemand anders?');
    await page.getByRole('button', { name: 'Loskoppelen' }).click();
    expect(await text(page, '#splitConfirm-field .kt-error')).toBe(
      'Vink aan dat deze aanmelding van iemand anders is.',
    );
    await expectNoAxeViolations(page, 'appointment page, unlink without the tick');
    await page.locator('label[for=splitConfirm]').click();
    await page.getByRole('button', { name: 'Loskoppelen' }).click();
    await page.waitForURL(`**/medewerker/afspraken/${appt.id}?klaar=losgekoppeld`);
    await expectNoAxeViolations(page, 'appointment page after unlinking');
    const after = await db
      .selectFrom('request')
      .select('resident_id')
      .where('id', '=', req.id)
      .executeTakeFirstOrThrow();
    expect(after.resident_id).not.toBe(known.residentId);
  });
});
