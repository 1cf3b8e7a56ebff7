// In Chromium: a team lead and a beleid user open the figures on a year of history, change the
// period with the form (also with JavaScript off), open a chart's table by keyboard, and make a
// mistake on the form; zero axe-core violations (WCAG 2.1 AA) on every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeTeam } from '../helpers/fixtures.js';
import { makeLogin, PASSWORD } from '../helpers/staff.js';
import { insertHistory } from '../../src/db/seed/history.js';

const NOW = DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Amsterdam' }).toJSDate();

describe.skipIf(!browserAvailable)('figures in Chromium', () => {
  let h: BrowserHarness;
  let leadEmail: string;
  let beleidEmail: string;

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const db = h.t.app.db;
    const duos: { teamId: number; a: number; b: number }[] = [];
    for (const name of ['Wijkteam Noord', 'Wijkteam Zuid']) {
      const team = await makeTeam(db, { name });
      for (let i = 0; i < 3; i++) {
        const a = await makeLogin(h.t.app, team.id, 'coach');
        const b = await makeLogin(h.t.app, team.id, 'coach');
        duos.push({ teamId: team.id, a: a.id, b: b.id });
      }
      if (name === 'Wijkteam Noord') leadEmail = (await makeLogin(h.t.app, team.id, 'teamlead')).email;
    }
    await db
      .transaction()
      .execute((trx) => insertHistory(trx, { now: NOW, months: 12, requestsPerYear: 800, duos, seed: 16 }));
    beleidEmail = (await makeLogin(h.t.app, null, 'beleid', 'Beleid Gemeente')).email;
  }, 120_000);
  afterAll(async () => h?.close());

  async function logIn(page: Page, email: string) {
    await page.goto('/medewerker/cijfers');
    await page.getByLabel('E-mailadres').fill(email);
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL('**/medewerker/cijfers');
  }

  async function noViolations(page: Page) {
    const v = await axeViolations(page);
    expect(v, describeViolations(v)).toEqual([]);
  }

  it('shows a team lead their team, with charts, definitions and exports, and a quarter chosen by keyboard', async () => {
    const { page } = await h.newPage();
    await logIn(page, leadEmail);
    await expect(page.locator('h1').textContent()).resolves.toBe('Cijfers: Wijkteam Noord');
    // October 2026, the last full month.
    await expect(page.locator('#period').textContent()).resolves.toContain('1 t/m 31 oktober 2026');
    expect(await page.getByRole('img', { name: /Wachttijd tot het eerste gesprek/ }).count()).toBe(1);
    expect(await page.getByRole('img', { name: /Dagen tot de eerste vrije tijd/ }).count()).toBe(1);
    expect(await page.locator('table[data-group]').count()).toBeGreaterThanOrEqual(9);
    expect(await page.locator('.kt-definition').count()).toBeGreaterThanOrEqual(10);
    const median = (await page.locator('#key-figures dd[data-key="waiting.median"]').textContent())!;
    expect(median).toMatch(/^\d+,\d dagen$|^< 5$/);
    await noViolations(page);

    // The chart's table opens from the keyboard.
    const summary = page.locator('.kt-chart-table summary').first();
    await summary.focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('.kt-chart-table').first().getAttribute('open')).resolves.toBe('');
    await noViolations(page);

    await page.getByLabel('Soort periode').selectOption('kwartaal');
    await page.getByLabel('Kwartaal', { exact: true }).selectOption('3');
    await page.getByLabel('Jaar', { exact: true }).selectOption('2026');
    await page.getByRole('button', { name: 'Toon cijfers' }).press('Enter');
    await page.waitForURL(/periode=kwartaal/);
    await expect(page.locator('#period').textContent()).resolves.toContain('1 juli t/m 30 september 2026');
    // Three months: the sign-ups per month are charted too.
    expect(await page.getByRole('img', { name: /Aanmeldingen per maand/ }).count()).toBe(1);
    await noViolations(page);
    const csv = await page.locator('#exports a').first().getAttribute('href');
    expect(csv).toContain('/medewerker/cijfers/export.csv?periode=kwartaal');
  });

  it('shows a beleid user all teams, a year, and a mistake next to its field, also without JavaScript', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await logIn(page, beleidEmail);
    await expect(page.locator('h1').textContent()).resolves.toBe('Cijfers: Gemeente Arnhem, alle teams');
    await expect(page.locator('#capacity-table tbody tr').count()).resolves.toBe(2);
    await page.getByLabel('Soort periode').selectOption('jaar');
    await page.getByLabel('Jaar', { exact: true }).selectOption('2026');
    await page.getByLabel('Wachttijd telt vanaf').selectOption('contact');
    await page.getByLabel('Tellen in').selectOption('werk');
    await page.getByRole('button', { name: 'Toon cijfers' }).click();
    await page.waitForURL(/periode=jaar/);
    await expect(page.locator('#running').isVisible()).resolves.toBe(true);
    await expect(page.locator('#definition-in-use').textContent()).resolves.toMatch(
      /vanaf het eerste contact, in werkdagen/,
    );

    // The same form with a mistake, checked with axe (which needs JavaScript).
    const js = (await h.newPage()).page;
    await logIn(js, beleidEmail);
    await noViolations(js);
    await js.getByLabel('Soort periode').selectOption('eigen');
    await js.getByLabel('Van (eerste dag)').fill('31-02-2026');
    await js.getByLabel('Tot en met (laatste dag)').fill('');
    await js.getByRole('button', { name: 'Toon cijfers' }).click();
    await js.waitForURL(/periode=eigen/);
    await expect(js.locator('#error-summary').isVisible()).resolves.toBe(true);
    await expect(js.locator('#van-error').textContent()).resolves.toContain('Dit is geen datum');
    await expect(js.locator('#tot-error').textContent()).resolves.toContain('Vul de laatste dag in');
    await expect(js.getByLabel('Van (eerste dag)').inputValue()).resolves.toBe('31-02-2026');
    await noViolations(js);
  });
});
