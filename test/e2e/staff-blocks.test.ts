// In Chromium: a coach logs in, plans a duo block, and a resident then sees its times on the
// public calendar. axe-core checks every staff page of blocks and absence, also in its error
// and conflict states.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeBlock, makeRequest, makeStaff, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { makeLogin, PASSWORD } from '../helpers/staff.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${step} (${page.url()}):\n${describeViolations(v)}`).toEqual([]);
}

async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: button, exact: true }).click()]);
}

describe.skipIf(!browserAvailable)('a coach plans a duo block in Chromium', () => {
  let h: BrowserHarness;
  let fatima: { email: string; id: number };
  let teamId: number;

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const db = h.t.app.db;
    const team = await makeTeam(db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    teamId = team.id;
    fatima = await makeLogin(h.t.app, team.id, 'coach', 'Fatima El Amrani');
    await makeStaff(db, team.id, { name: 'Jeroen Bakker' });
  });
  afterAll(async () => h?.close());

  it('logs in, plans a block for 3 December, and a resident sees 09:00 and 10:30 that day', async () => {
    const { page } = await h.newPage();
    await page.goto('/medewerker/blokken');
    expect(new URL(page.url()).pathname).toBe('/medewerker/inloggen');
    await page.getByLabel('E-mailadres').fill(fatima.email);
    await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
    await submit(page, 'Inloggen');
    expect(new URL(page.url()).pathname).toBe('/medewerker/blokken');
    expect(await page.locator('h1').textContent()).toBe('Blokken');
    await expectNoAxeViolations(page, 'blocks, empty');

    await page.getByRole('link', { name: 'Nieuw blok plannen' }).click();
    await page.waitForURL(/\/medewerker\/blokken\/nieuw$/);
    await expectNoAxeViolations(page, 'new block');
    // First without a date and a partner: the errors, focused summary, nothing saved.
    await page.getByLabel('Datum').fill('');
    await submit(page, 'Blok plannen');
    expect(await page.locator('#error-summary li').allTextContents()).toEqual([
      'Vul een datum in.',
      "Kies een duo-partner, of zet een vinkje bij 'alleen'.",
    ]);
    await expectNoAxeViolations(page, 'new block with errors');

    await page.getByLabel('Datum').fill('2026-12-03');
    await page.getByLabel('Begintijd').fill('09:00');
    await page.getByLabel('Eindtijd').fill('12:00');
    await page.getByLabel('Duo-partner').selectOption({ label: 'Jeroen Bakker' });
    await submit(page, 'Blok plannen');
    expect(new URL(page.url()).pathname).toBe('/medewerker/blokken');
    expect(await page.locator('.kt-notice--ok').textContent()).toBe('Het blok is gepland.');
    const row = (await page.locator('tbody tr').first().textContent())!.replace(/\s+/g, ' ');
    expect(row).toContain('do 3 dec, 09:00–12:00');
    expect(row).toContain('Jeroen Bakker');
    expect(row).toContain('0 geboekt, 2 vrij');
    await expectNoAxeViolations(page, 'blocks with one block');

    // The same block again: the database refuses, the page names the block.
    await page.goto('/medewerker/blokken/nieuw');
    await page.getByLabel('Datum').fill('2026-12-03');
    await page.getByLabel('Begintijd').fill('11:00');
    await page.getByLabel('Eindtijd').fill('13:00');
    await page.getByLabel('Duo-partner').selectOption({ label: 'Jeroen Bakker' });
    await submit(page, 'Blok plannen');
    expect(await page.locator('#error-summary').textContent()).toContain(
      'U heeft al een blok op donderdag 3 december 2026, 09:00–12:00 (samen met Jeroen Bakker).',
    );
    await expectNoAxeViolations(page, 'new block with a conflict');

    // A resident of the area books: the block's times are on the calendar.
    const resident = await h.newPage();
    const r = resident.page;
    await r.goto('/aanmelden');
    await r.locator('#postcode').fill('6811 AB');
    await r.locator('#houseNumber').fill('12');
    await submit(r, 'Volgende');
    expect(new URL(r.url()).pathname).toBe('/aanmelden/vraag');
    await r.locator('#question').fill('Ik heb hulp nodig met mijn post.');
    await r.locator('#dangerNow-no').check();
    await r.locator('#urgent24h-no').check();
    await submit(r, 'Volgende');
    expect(new URL(r.url()).pathname).toBe('/aanmelden/moment');
    expect(await r.locator('.kt-day legend').allTextContents()).toEqual(['donderdag 3 december 2026']);
    expect(await r.locator('.kt-slot label').allTextContents()).toEqual(['09:00', '10:30']);
  });

  it('has zero axe violations on the change, cancel and absence pages', async () => {
    const db = h.t.app.db;
    const sanne = await makeStaff(db, teamId, { name: 'Sanne Visser' });
    const mohamed = await makeStaff(db, teamId, { name: 'Mohamed Yilmaz' });
    const blockId = await makeBlock(db, {
      teamId,
      start: at('2026-12-10T09:00'),
      end: at('2026-12-10T12:00'),
      coachIds: [fatima.id, sanne.id],
    });
    await makeBlock(db, {
      teamId,
      start: at('2026-12-10T09:00'),
      end: at('2026-12-10T12:00'),
      coachIds: [mohamed.id],
      solo: true,
    });
    const request = await makeRequest(db, teamId);
    await db
      .insertInto('appointment')
      .values({
        request_id: request.id,
        block_id: blockId,
        starts_at: at('2026-12-10T09:00'),
        ends_at: at('2026-12-10T10:00'),
        manage_token_hash: newTokenHash(),
      })
      .execute();

    const { page } = await h.newPage();
    await page.goto('/medewerker/inloggen');
    await page.getByLabel('E-mailadres').fill(fatima.email);
    await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
    await submit(page, 'Inloggen');

    await page.goto(`/medewerker/blokken/${blockId}/wijzigen`);
    expect(await page.locator('h1').textContent()).toBe('Blok wijzigen');
    await expectNoAxeViolations(page, 'change block');
    await page.getByLabel('Eindtijd').fill('09:30');
    await submit(page, 'Wijzigingen opslaan');
    expect(await page.locator('#error-summary li').allTextContents()).toEqual([
      'Het blok is korter dan één gesprek. Maak het blok langer of het gesprek korter.',
    ]);
    await expectNoAxeViolations(page, 'change block with errors');

    await page.goto(`/medewerker/blokken/${blockId}/annuleren`);
    expect(await page.locator('legend').first().textContent()).toContain('donderdag 10 december 2026, 09:00–10:00');
    await expectNoAxeViolations(page, 'cancel block');
    await submit(page, 'Ja, annuleren');
    expect(await page.locator('#error-summary li').allTextContents()).toEqual(['Kies: verzetten of afzeggen.']);
    await expectNoAxeViolations(page, 'cancel block with errors');

    await page.goto('/medewerker/afwezigheid');
    await expectNoAxeViolations(page, 'absence list');
    await page.getByRole('link', { name: 'Afwezigheid doorgeven' }).click();
    await page.waitForURL(/\/nieuw$/);
    await expectNoAxeViolations(page, 'new absence');
    await submit(page, 'Doorgeven');
    expect(await page.locator('#error-summary li').allTextContents()).toEqual([
      'Vul in vanaf welke datum u afwezig bent.',
      'Vul in tot en met welke datum u afwezig bent.',
      'Kies de soort afwezigheid.',
    ]);
    await expectNoAxeViolations(page, 'new absence with errors');
    await page.getByLabel('Vanaf', { exact: true }).fill('2026-12-10');
    await page.getByLabel('Tot en met', { exact: true }).fill('2026-12-10');
    await page.getByLabel('verlof').check();
    await submit(page, 'Doorgeven');
    expect(await page.locator('h1').textContent()).toBe('Afwezigheid van Fatima El Amrani');
    expect(await page.locator(`[name="action_${blockId}"]`).count()).toBe(4);
    await expectNoAxeViolations(page, 'absence with its blocks');
    await submit(page, 'Opslaan');
    expect(await page.locator('#error-summary li').allTextContents()).toEqual(['Kies wat er met dit blok gebeurt.']);
    await expectNoAxeViolations(page, 'absence with errors');
    await page.getByLabel('Sanne Visser gaat alleen').check();
    await submit(page, 'Opslaan');
    expect(await page.locator('.kt-notice--ok').textContent()).toBe(
      'Opgeslagen. De wijkcoaches en de inwoners krijgen een e-mail.',
    );
    await expectNoAxeViolations(page, 'absence handled');
  });
});
