// A coach leaves, in Chromium, in Dutch and in English: the admin deactivates the coach, is led to
// the coach's blocks, moves the next appointment to another duo and cancels the other block
// (mails in the outbox), and the coach's times are gone from the residents' calendar.
// axe-core checks every page, also the choices in their error state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeLogin, PASSWORD } from '../helpers/staff.js';
import { mailsTo, makeWorld, NOW } from '../staff/blocks-world.js';

async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${step} (${page.url()}):\n${describeViolations(v)}`).toEqual([]);
}

const TEXTS = {
  nl: {
    departure: 'Vertrek van Fatima El Amrani: blokken regelen',
    choose: 'Kies wat er met dit blok gebeurt.',
    done: 'Opgeslagen. De wijkcoaches en de inwoners krijgen een e-mail.',
    day1: 'dinsdag 1 december 2026',
    day3: 'donderdag 3 december 2026',
  },
  en: {
    departure: 'Fatima El Amrani is leaving: handle the blocks',
    choose: 'Choose what happens to this block.',
    done: 'Saved. The coaches and the residents get an e-mail.',
    day1: 'Tuesday 1 December 2026',
    day3: 'Thursday 3 December 2026',
  },
} as const;

describe.skipIf(!browserAvailable)('a coach leaves, in Chromium', () => {
  let h: BrowserHarness;
  let adminEmail: string;
  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    adminEmail = (await makeLogin(h.t.app, null, 'admin', 'Beheer Gemeente')).email;
  });
  afterAll(async () => h?.close());

  /** The days the public calendar offers for a postcode. */
  async function offeredDays(page: Page, postcode: string): Promise<string[]> {
    await page.goto('/aanmelden');
    await page.locator('[name=postcode]').fill(postcode);
    await page.locator('[name=houseNumber]').fill('3');
    await page.locator('main button[type=submit]').click();
    await page.locator('[name=question]').fill('Ik heb hulp nodig');
    await page.locator('#dangerNow-no').check();
    await page.locator('#urgent24h-no').check();
    await page.locator('main button[type=submit]').first().click();
    expect(new URL(page.url()).pathname).toBe('/aanmelden/moment');
    return page.locator('.kt-day legend').allTextContents();
  }

  for (const [lang, postcode] of [
    ['nl', '6811'],
    ['en', '6812'],
  ] as const) {
    it(`${lang}: deactivates a coach, handles their blocks, and their times are gone`, async () => {
      const x = TEXTS[lang];
      const db = h.t.app.db;
      const w = await makeWorld(h.t.app);
      await db
        .insertInto('team_area')
        .values({ team_id: w.team.id, postcode_from: `${postcode}AA`, postcode_to: `${postcode}ZZ` })
        .execute();
      const b1 = await w.block([w.fatima, w.jeroen], '2026-12-01T09:00', '2026-12-01T12:00');
      const b2 = await w.block([w.fatima, w.jeroen], '2026-12-02T09:00', '2026-12-02T12:00');
      await w.block([w.sanne, w.mohamed], '2026-12-03T09:00', '2026-12-03T12:00');
      const next = await w.book(b1, '2026-12-01T09:00');

      const resident = (await h.newPage()).page;
      await resident.goto(`/?lang=${lang}`);
      expect(await offeredDays(resident, `${postcode} AB`)).toContain(x.day1);

      const { page } = await h.newPage();
      await page.goto(`/medewerker/inloggen?lang=${lang}`);
      await page.locator('#email').fill(adminEmail);
      await page.locator('#password').fill(PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL('**/medewerker');
      await page.goto(`/medewerker/beheer/medewerkers/${w.fatima.id}`);
      await expectNoAxeViolations(page, 'account');
      await page.locator('#active').uncheck();
      await page.locator('main button[type=submit]').first().click();
      expect(new URL(page.url()).pathname).toMatch(/^\/medewerker\/afwezigheid\/vertrek\/\d+$/);
      expect(((await page.locator('h1').textContent()) ?? '').trim()).toBe(x.departure);
      await expectNoAxeViolations(page, 'departure');

      // The coach's times are gone at once, before anything is handled.
      const days = await offeredDays(resident, `${postcode} AB`);
      expect(days).not.toContain(x.day1);
      expect(days).toContain(x.day3);

      // Only the first block chosen: the other gets its message, the choice stays.
      await page.locator(`#action_${b1}-move`).check();
      await page.locator('main form button[type=submit]').click();
      expect(await page.locator(`#action_${b2}-error`).textContent()).toContain(x.choose);
      expect(await page.locator(`#action_${b1}-move`).isChecked()).toBe(true);
      await expectNoAxeViolations(page, 'departure with an error');

      await page.locator(`#action_${b2}-cancel`).check();
      await page.locator('main form button[type=submit]').click();
      expect(await page.locator('.kt-notice--ok').textContent()).toContain(x.done);
      await expectNoAxeViolations(page, 'departure handled');

      const moved = await db
        .selectFrom('appointment')
        .innerJoin('block', 'block.id', 'appointment.block_id')
        .select(['block.id', 'appointment.status'])
        .where('appointment.id', '=', next.id)
        .executeTakeFirstOrThrow();
      expect(moved.status).toBe('booked');
      expect(moved.id).not.toBe(b1);
      expect((await mailsTo(h.t.app, next.email)).length).toBeGreaterThan(0);
      expect((await mailsTo(h.t.app, w.jeroen.email)).length).toBeGreaterThan(0);
      expect(await offeredDays(resident, `${postcode} AB`)).not.toContain(x.day1);
    });
  }

  it('the new pages pass axe: the partner change with its warning, the lead task in the queue', async () => {
    const db = h.t.app.db;
    const w = await makeWorld(h.t.app);
    const b = await w.block([w.fatima, w.jeroen], '2026-12-08T09:00', '2026-12-08T12:00');
    await db
      .insertInto('absence')
      .values({
        staff_id: w.sanne.id,
        starts_at: NOW,
        ends_at: new Date(NOW.getTime() + 30 * 86_400_000),
        kind: 'leave',
      })
      .execute();
    const a = await w.book(b, '2026-12-08T09:00');
    const req = await db
      .selectFrom('request')
      .select('resident_id')
      .where('id', '=', a.requestId)
      .executeTakeFirstOrThrow();
    await db.updateTable('resident').set({ lead_coach_id: w.mohamed.id }).where('id', '=', req.resident_id).execute();
    await db.updateTable('staff_user').set({ active: false }).where('id', '=', w.mohamed.id).execute();

    const { page } = await h.newPage();
    await page.goto('/medewerker/inloggen');
    await page.locator('#email').fill(w.fatima.email);
    await page.locator('#password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/medewerker');
    await page.goto(`/medewerker/blokken/${b}/partner`);
    await expectNoAxeViolations(page, 'partner');
    await page.locator('main form button[type=submit]').click();
    expect(await page.locator('#partner-error').count()).toBe(1);
    await expectNoAxeViolations(page, 'partner with an error');
    await page.locator('#partner').selectOption(String(w.sanne.id));
    await page.locator('main form button[type=submit]').click();
    expect(await page.locator('#absent-warning').count()).toBe(1);
    await expectNoAxeViolations(page, 'partner with the absence warning');
    await page.locator('#confirmAbsent').check();
    await page.locator('main form button[type=submit]').click();
    expect(new URL(page.url()).pathname).toBe('/medewerker/blokken');

    await page.goto('/medewerker/wachtrij');
    expect(await page.locator(`#lead-task-${a.requestId}`).count()).toBe(1);
    await expectNoAxeViolations(page, 'queue with the lead task');
    await page.locator(`#lead-task-${a.requestId} button[type=submit]`).click();
    expect(await page.locator(`#lead-${a.requestId}-error`).count()).toBe(1);
    await expectNoAxeViolations(page, 'queue with the lead task in error');
  });
});
