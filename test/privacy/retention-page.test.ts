// The retention terms page in Chromium: an administrator opens it from the admin start page,
// posts a bad term (the summary lists it, the message is at the field, the typed values stay),
// then good terms; axe-core finds no violation on the page, with and without errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  axeViolations,
  browserAvailable,
  describeViolations,
  startHarness,
  type BrowserHarness,
} from '../e2e/browser.js';
import { makeLogin, PASSWORD } from '../helpers/staff.js';
import { loadRetention } from '../../src/core/retention-settings.js';
import { at, makeCase, monthsBefore, world } from './retention-world.js';

const NOW = at('2027-06-15T10:00');

async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${step} (${page.url()}):\n${describeViolations(v)}`).toEqual([]);
}

describe.skipIf(!browserAvailable)('the retention terms page in Chromium', () => {
  let h: BrowserHarness;
  let email: string;

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const w = await world(h.t.app.db, 'Wijkteam Noord');
    await makeCase(h.t.app.db, w, {
      tag: 'browser',
      status: 'cancelled',
      submittedAt: monthsBefore(NOW, 5),
      closedAt: monthsBefore(NOW, 5),
    });
    email = (await makeLogin(h.t.app, null, 'admin', 'Beheer Gemeente')).email;
  });
  afterAll(async () => h?.close());

  it('shows the terms and the dry run, and keeps a bad term next to its message', async () => {
    const { page } = await h.newPage();
    await page.goto('/medewerker/inloggen');
    await page.locator('#email').fill(email);
    await page.locator('#password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/medewerker');
    await page.goto('/medewerker/beheer');
    await page.getByRole('link', { name: 'Bewaartermijnen' }).click();
    expect(new URL(page.url()).pathname).toBe('/medewerker/beheer/bewaartermijnen');
    expect(await page.locator('td[data-count="cancelledSignupsAnonymised"]').textContent()).toBe('1');
    await expectNoAxeViolations(page, 'retention page');

    await page.getByLabel('Tekst van verstuurde e-mails (dagen)').fill('100');
    await page.getByLabel('Logboek (jaren)').fill('10');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    expect(await page.locator('#error-summary li').allTextContents()).toEqual([
      'Vul een getal in van 1 tot en met 90.',
    ]);
    expect(await page.locator('#mailBodyDays-error').textContent()).toContain('Vul een getal in van 1 tot en met 90.');
    expect(await page.locator('#mailBodyDays').inputValue()).toBe('100');
    expect(await page.locator('#auditYears').inputValue()).toBe('10');
    await expectNoAxeViolations(page, 'retention page with an error');

    await page.getByLabel('Tekst van verstuurde e-mails (dagen)').fill('30');
    await page.getByLabel('Afgemelde aanmeldingen zonder contact (maanden)').fill('6');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    expect(await page.locator('[role=status]').first().textContent()).toContain('De bewaartermijnen zijn opgeslagen.');
    expect(await page.locator('td[data-count="cancelledSignupsAnonymised"]').textContent()).toBe('0');
    expect(await loadRetention(h.t.app.db)).toEqual({
      mailBodyDays: 30,
      cancelledSignupMonths: 6,
      closedRequestMonths: 12,
      auditYears: 10,
    });
    await expectNoAxeViolations(page, 'retention page saved');
  });
});
