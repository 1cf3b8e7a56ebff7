// Login, the staff start page and the administration pages in Chromium: usable by keyboard,
// zero axe-core violations (WCAG 2.1 AA), also in their error states.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeTeam } from '../helpers/fixtures.js';
import { makeLogin, PASSWORD } from '../helpers/staff.js';
import type { Page } from 'playwright-core';

const NOW = DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Amsterdam' }).toJSDate();

async function expectAccessible(page: Page, label: string) {
  const v = await axeViolations(page);
  expect(v, `${label}: ${describeViolations(v)}`).toEqual([]);
}

describe.skipIf(!browserAvailable)('staff login and administration in Chromium', () => {
  let h: BrowserHarness;
  let adminEmail: string;
  let adminId: number;
  let teamId: number;
  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    teamId = (await makeTeam(h.t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' })).id;
    const admin = await makeLogin(h.t.app, null, 'admin', 'Beheer Gemeente');
    adminEmail = admin.email;
    adminId = admin.id;
  });
  afterAll(async () => h?.close());

  it('logs in by keyboard, with an accessible error state first', async () => {
    const { page } = await h.newPage();
    await page.goto('/medewerker');
    expect(page.url()).toContain('/medewerker/inloggen');
    await expectAccessible(page, 'login');
    await page.getByLabel('E-mailadres').fill(adminEmail);
    await page.getByLabel('Wachtwoord', { exact: true }).fill('wrong password');
    await page.keyboard.press('Enter');
    await expect(page.locator('.kt-error-summary').textContent()).resolves.toContain(
      'Het e-mailadres of het wachtwoord klopt niet.',
    );
    await expectAccessible(page, 'login with error');
    await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/medewerker');
    await expect(page.locator('h1').textContent()).resolves.toBe('Overzicht voor medewerkers');
    await expectAccessible(page, 'staff home');
    await page.goto('/medewerker/wachtwoord-vergeten');
    await expectAccessible(page, 'forgot password');
  });

  it('changes the password by keyboard, with an accessible error state first', async () => {
    const email = (await makeLogin(h.t.app, teamId, 'coach', 'Bas Jansen')).email;
    const { page } = await h.newPage();
    await page.goto('/medewerker/inloggen');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/medewerker');
    await page.getByRole('link', { name: 'Wachtwoord wijzigen' }).click();
    await expectAccessible(page, 'change password');
    await page.getByLabel('Huidig wachtwoord').fill('niet goed');
    await page.getByLabel('Nieuw wachtwoord').fill('een nieuw lang wachtwoord');
    await page.getByLabel('Herhaal het nieuwe wachtwoord').fill('een nieuw lang wachtwoord');
    await page.keyboard.press('Enter');
    await expect(page.locator('.kt-error-summary').textContent()).resolves.toContain(
      'Het huidige wachtwoord klopt niet.',
    );
    await expectAccessible(page, 'change password with error');
    await page.getByLabel('Huidig wachtwoord').fill(PASSWORD);
    await page.getByLabel('Nieuw wachtwoord').fill('een nieuw lang wachtwoord');
    await page.getByLabel('Herhaal het nieuwe wachtwoord').fill('een nieuw lang wachtwoord');
    await page.keyboard.press('Enter');
    await expect(page.locator('#changed').textContent()).resolves.toContain('Uw wachtwoord is gewijzigd.');
    await expectAccessible(page, 'password changed');
  });

  it('shows the administration pages without violations, also with errors', async () => {
    const { page } = await h.newPage();
    await page.goto('/medewerker/inloggen');
    await page.getByLabel('E-mailadres').fill(adminEmail);
    await page.getByLabel('Wachtwoord', { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/medewerker');
    for (const url of [
      '/medewerker/beheer',
      `/medewerker/beheer/teams/${teamId}`,
      '/medewerker/beheer/teams/nieuw',
      '/medewerker/beheer/medewerkers',
      '/medewerker/beheer/medewerkers/nieuw',
      `/medewerker/beheer/medewerkers/${adminId}`,
    ]) {
      await page.goto(url);
      await expectAccessible(page, url);
    }
    await page.goto('/medewerker/beheer/medewerkers/nieuw');
    await page.getByRole('button', { name: 'Aanmaken en uitnodigen' }).click();
    await expect(page.locator('.kt-error-summary').isVisible()).resolves.toBe(true);
    await expectAccessible(page, 'new staff with errors');
    await page.goto(`/medewerker/beheer/teams/${teamId}`);
    await page.getByLabel('Van postcode').fill('68');
    await page.getByRole('button', { name: 'Gebied toevoegen' }).click();
    await expect(page.locator('#from-error').textContent()).resolves.toContain('Vul 4 cijfers in');
    await expectAccessible(page, 'team with area error');
  });
});
