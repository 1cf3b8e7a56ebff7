// In Chromium: the privacy officer finds a person, opens everything about them, prints the export,
// makes mistakes on the correction form, corrects, is refused erasure while a request is open,
// erases after it is closed, and reads the audit log; also without JavaScript. Zero axe-core
// violations (WCAG 2.1 AA) on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeLogin, PASSWORD } from '../helpers/staff.js';
import { at, deskWorld, NOW, type DeskWorld } from '../privacy/desk-world.js';

describe.skipIf(!browserAvailable)('privacy desk in Chromium', () => {
  let h: BrowserHarness;
  let w: DeskWorld;
  let email: string;

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    w = await deskWorld(h.t.app);
    email = (await makeLogin(h.t.app, null, 'privacy', 'Fenna Gegevens')).email;
  }, 120_000);
  afterAll(async () => h?.close());

  async function logIn(page: Page) {
    await page.goto('/medewerker/privacy');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL('**/medewerker/privacy');
  }

  async function noViolations(page: Page) {
    const v = await axeViolations(page);
    expect(v, describeViolations(v)).toEqual([]);
  }

  it('finds a person, shows everything about them and the printable export', async () => {
    const { page } = await h.newPage();
    await logIn(page);
    await noViolations(page);
    // A mistake first: too short a name.
    await page.getByLabel('Naam (een deel is genoeg)').check();
    await page.getByLabel('Wat zoekt u?').fill('Z');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await expect(page.locator('#q-error').textContent()).resolves.toContain('Vul minstens 2 letters');
    await expect(page.getByLabel('Wat zoekt u?').inputValue()).resolves.toBe('Z');
    await noViolations(page);
    await page.getByLabel('Wat zoekt u?').fill('zwanen');
    await page.getByRole('button', { name: 'Zoeken' }).click();
    await expect(page.locator('#results').textContent()).resolves.toBe('1 persoon gevonden');
    await noViolations(page);
    await page.getByRole('link', { name: w.anna.name }).click();
    await page.waitForURL(`**/medewerker/privacy/personen/${w.anna.residentId}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Gegevens van persoon nr. ${w.anna.residentId}`);
    await expect(page.locator('main').textContent()).resolves.toContain(w.anna.question);
    await expect(page.locator('main').textContent()).resolves.toContain('Coach Wilma Wijk (wijkcoach)');
    await noViolations(page);
    await page.getByRole('link', { name: /overzicht om te printen/ }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Inzage in uw gegevens');
    await expect(page.locator('main').textContent()).resolves.not.toContain(w.bram.name);
    await noViolations(page);
  });

  it('shows mistakes on the correction form next to the fields, and saves a good correction', async () => {
    const { page } = await h.newPage();
    await logIn(page);
    await page.goto(`/medewerker/privacy/personen/${w.anna.residentId}/corrigeren`);
    await noViolations(page);
    await page.getByLabel('E-mailadres').fill('anna@');
    await page.getByLabel('Geboortedatum').fill('31-02-1980');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await expect(page.locator('#error-summary').isVisible()).resolves.toBe(true);
    await expect(page.locator('#email-error').textContent()).resolves.toContain('Vul een e-mailadres in');
    await expect(page.locator('#dateOfBirth-error').textContent()).resolves.toContain('geboortedatum');
    await expect(page.locator('#reason-error').textContent()).resolves.toContain('Kies een reden.');
    await expect(page.getByLabel('E-mailadres').inputValue()).resolves.toBe('anna@');
    await noViolations(page);
    await page.getByLabel('E-mailadres').fill('anna.nieuw@voorbeeld.nl');
    await page.getByLabel('Geboortedatum').fill('14-03-1979');
    await page.getByLabel('De persoon vroeg erom (art. 16 AVG)').check();
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.waitForURL(/klaar=gecorrigeerd/);
    await expect(page.locator('[role="status"]').first().textContent()).resolves.toContain(
      'De gegevens zijn verbeterd.',
    );
    await noViolations(page);
  });

  it('refuses erasure while a request is open, erases once it is closed; also without JavaScript', async () => {
    const { page } = await h.newPage();
    await logIn(page);
    await page.goto(`/medewerker/privacy/personen/${w.anna.residentId}/wissen`);
    await expect(page.locator('#duty-open').textContent()).resolves.toContain('Het team moet die eerst afsluiten.');
    await noViolations(page);
    await h.t.app.db
      .updateTable('request')
      .set({ status: 'closed', closed_at: at('2026-11-20T12:00') })
      .where('id', '=', w.anna.requestId)
      .execute();
    const plain = (await h.newPage({ javaScriptEnabled: false })).page;
    await logIn(plain);
    await plain.goto(`/medewerker/privacy/personen/${w.anna.residentId}/wissen`);
    await plain.getByRole('button', { name: 'Alles wissen' }).click();
    await expect(plain.locator('#confirm-error').textContent()).resolves.toContain('Zet een vinkje');
    await page.goto(`/medewerker/privacy/personen/${w.anna.residentId}/wissen`);
    await page.getByRole('button', { name: 'Alles wissen' }).click();
    await noViolations(page);
    await plain.getByLabel('De persoon vroeg erom (art. 17 AVG)').check();
    await plain.getByLabel('Ik weet dat dit niet ongedaan kan worden gemaakt').check();
    await plain.getByRole('button', { name: 'Alles wissen' }).click();
    await plain.waitForURL(/klaar=gewist/);
    await expect(plain.locator('#erased').textContent()).resolves.toContain('zijn gewist op');
    await page.goto(`/medewerker/privacy/personen/${w.anna.residentId}`);
    await noViolations(page);
  });

  it('shows the audit log, filtered and paged, with the chain checked', async () => {
    const { page } = await h.newPage();
    await logIn(page);
    await page.getByRole('link', { name: 'Het logboek bekijken' }).click();
    await page.waitForURL('**/medewerker/privacy/logboek');
    await noViolations(page);
    await page.getByLabel('Persoon (nummer)').fill(String(w.bram.residentId));
    await page.getByLabel('Medewerker', { exact: true }).selectOption({ label: 'Coach Wilma Wijk (wijkcoach)' });
    await page.getByRole('button', { name: 'Laten zien' }).click();
    await page.waitForURL(/inwoner=/);
    await expect(page.locator('#entries').textContent()).resolves.toBe('1 regel');
    await noViolations(page);
    await page.getByLabel('Vanaf').fill('31-02-2026');
    await page.getByRole('button', { name: 'Laten zien' }).click();
    await expect(page.locator('#van-error').textContent()).resolves.toContain('Vul een datum in');
    await noViolations(page);
    await page.getByRole('button', { name: 'Controleren' }).click();
    await expect(page.locator('#chain').textContent()).resolves.toContain('Het logboek is in orde');
    await noViolations(page);
  });
});
