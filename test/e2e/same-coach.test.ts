// The same coach without staff work, in Chromium, in Dutch and in English: a resident books a
// first conversation through the real sign-up pages, comes back before it took place via
// "I have been in contact before" (the link from the mail), and is offered the coach of the
// booked conversation and told why, with no staff member doing anything. axe-core checks every
// page.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { block, knownResident, linkFor, NOW } from '../returning/world.js';

async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${step} (${page.url()}):\n${describeViolations(v)}`).toEqual([]);
}

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** A text of the locale files, with its {placeholders} filled in. */
function tr(lang: 'nl' | 'en', key: string, params: Record<string, string> = {}): string {
  const [file, ...path] = key.split('.');
  let v: unknown = JSON.parse(readFileSync(`src/locales/${lang}/${file}.json`, 'utf8'));
  for (const p of path) v = (v as Record<string, unknown>)[p];
  return String(v).replace(/\{(\w+)\}/g, (_m, name: string) => params[name] ?? `{${name}}`);
}

const D3 = '2026-12-03';

describe.skipIf(!browserAvailable)('the same coach without staff work, in Chromium', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
  });
  afterAll(async () => h?.close());

  for (const lang of ['nl', 'en'] as const) {
    it(`(${lang}) books, comes back via the mailed link and gets the coach of the booked conversation`, async () => {
      const k = await knownResident(h.t.app);
      const email = `bram-${lang}@example.nl`;
      await block(h.t.app, k.teamId, D3, [k.karim.id, k.sanne.id]);
      await block(h.t.app, k.teamId, '2026-12-04', [k.fatima.id, k.jeroen.id]);
      const next = () => page.getByRole('button', { name: tr(lang, 'common.next') }).click();
      const { page } = await h.newPage();
      await page.goto(`/?lang=${lang}`);

      // The first sign-up, through the real booking pages.
      await page.goto('/aanmelden');
      await page.locator('#postcode').fill(k.postcode);
      await page.locator('#houseNumber').fill('3');
      await expectNoAxeViolations(page, 'where');
      await next();
      expect(new URL(page.url()).pathname).toBe('/aanmelden/vraag');
      await page.locator('#question').fill('Ik heb schulden');
      await page.locator('label[for=topic-money]').click();
      await page.locator('label[for=about-self]').click();
      await page.locator('label[for=dangerNow-no]').click();
      await page.locator('label[for=urgent24h-no]').click();
      await expectNoAxeViolations(page, 'question');
      await next();
      expect(new URL(page.url()).pathname).toBe('/aanmelden/moment');
      await page.locator('.kt-day').first().locator('.kt-slot label', { hasText: '09:00' }).click();
      await page.locator('label[for=mode-home]').click();
      await expectNoAxeViolations(page, 'moment');
      await next();
      expect(new URL(page.url()).pathname).toBe('/aanmelden/gegevens');
      await page.locator('#name').fill('Bram Jansen');
      await page.locator('#email').fill(email);
      await page.locator('#phone').fill('06 11223344');
      await page.locator('#street').fill('Rijnkade');
      await page.locator('#city').fill('Arnhem');
      await page.locator('#consent').check();
      await expectNoAxeViolations(page, 'details');
      await next();
      expect(new URL(page.url()).pathname).toBe('/aanmelden/controleren');
      expect(await text(page, 'dl.kt-summary')).toContain('Karim & Sanne');
      await page.getByRole('button', { name: tr(lang, 'booking.check.submit') }).click();
      expect(new URL(page.url()).pathname).toBe('/aanmelden/bevestiging');
      await expectNoAxeViolations(page, 'confirmation');
      const first = await h.t.app.db
        .selectFrom('request')
        .innerJoin('resident', 'resident.id', 'request.resident_id')
        .select(['request.id', 'request.resident_id', 'request.lead_coach_id'])
        .where('resident.email', '=', email)
        .executeTakeFirstOrThrow();
      expect(first.lead_coach_id).toBeNull();

      // Before that conversation: back via /opnieuw and the link in the mail.
      await page.goto('/opnieuw');
      await page.locator('#email').fill(email);
      await page.locator('#postcode').fill(k.postcode);
      await expectNoAxeViolations(page, 'returning form');
      await page.getByRole('button', { name: tr(lang, 'returning.form.submit') }).click();
      expect(new URL(page.url()).pathname).toBe('/opnieuw/verstuurd');
      await page.goto(`/opnieuw/${await linkFor(h.t.app, email)}`);
      await expectNoAxeViolations(page, 'link opened');
      await page.getByRole('button', { name: tr(lang, 'returning.open.submit') }).click();

      // Karim is named, and why; no staff member set anything.
      expect(new URL(page.url()).pathname).toBe('/aanmelden/vraag');
      const notice = await text(page, '#returning-notice');
      expect(notice).toContain(tr(lang, 'returning.route.why.upcoming', { name: 'Karim' }));
      expect(notice).toContain(tr(lang, 'returning.route.knownUpcoming', { name: 'Karim' }));
      expect(notice).not.toContain(tr(lang, 'returning.route.unknown', { team: '' }).slice(0, 20));
      await expectNoAxeViolations(page, 'new question');
      await page.locator('#question').fill('Mijn zoon wil niet naar school');
      await page.locator('label[for=dangerNow-no]').click();
      await page.locator('label[for=urgent24h-no]').click();
      await next();

      // Only Karim's free time: the other half of the block of 3 December.
      expect(new URL(page.url()).pathname).toBe('/aanmelden/moment');
      expect(await page.locator('.kt-slot label').allTextContents()).toEqual(['10:30']);
      expect(await text(page, '#returning-notice')).toContain(tr(lang, 'returning.route.times', { name: 'Karim' }));
      await expectNoAxeViolations(page, 'moment, same coach');
      await page.locator('.kt-slot label', { hasText: '10:30' }).click();
      await page.locator('label[for=mode-home]').click();
      await next();
      expect(new URL(page.url()).pathname).toBe('/aanmelden/gegevens');
      expect(await page.locator('#name').inputValue()).toBe('Bram Jansen');
      await page.locator('#consent').check();
      await next();
      expect(new URL(page.url()).pathname).toBe('/aanmelden/controleren');
      await page.getByRole('button', { name: tr(lang, 'booking.check.submit') }).click();
      expect(new URL(page.url()).pathname).toBe('/aanmelden/bevestiging');
      await expectNoAxeViolations(page, 'confirmation, same coach');

      const second = await h.t.app.db
        .selectFrom('request')
        .selectAll()
        .where('resident_id', '=', first.resident_id)
        .where('id', '!=', first.id)
        .executeTakeFirstOrThrow();
      expect(second).toMatchObject({
        lead_coach_id: k.karim.id,
        returning_resident: true,
        previous_request_id: first.id,
        status: 'scheduled',
      });
      // Nothing was done by staff: no audit event with a staff member for these requests.
      const byStaff = await h.t.app.db
        .selectFrom('audit_event')
        .select('action')
        .where('subject_type', '=', 'request')
        .where('subject_id', 'in', [first.id, second.id])
        .where('actor_staff_id', 'is not', null)
        .execute();
      expect(byStaff).toEqual([]);
    });
  }
});
