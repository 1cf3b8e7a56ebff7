// "Never start over" in Chromium, in Dutch and in English: "Wijzigen" on the check page opens that
// one step with every answer shown and comes straight back; a stale form (its token tampered
// with) and a lost session (the cookies cleared mid-flow) keep what the resident typed and say
// what to do. axe-core checks every page on the way: zero violations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

const TEXTS = {
  nl: { expired: 'Uw sessie is verlopen', check: 'Klopt alles?', lostKept: 'Wat u net invulde, hebben we bewaard.' },
  en: {
    expired: 'Your session has expired',
    check: 'Is everything correct?',
    lostKept: 'We saved what you just filled in.',
  },
} as const;

async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${step} (${page.url()}):\n${describeViolations(v)}`).toEqual([]);
}

const path = (page: Page) => {
  const u = new URL(page.url());
  return `${u.pathname}${u.search}`;
};
const next = (page: Page) => page.locator('main form[method=post] button[type=submit]').last().click();

describe.skipIf(!browserAvailable)('never start over, in Chromium', () => {
  let h: BrowserHarness;

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const team = await makeTeam(h.t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    const a = await makeStaff(h.t.app.db, team.id, { name: 'Fatima El Amrani', email: 'fatima@example.nl' });
    const b = await makeStaff(h.t.app.db, team.id, { name: 'Jeroen Bakker', email: 'jeroen@example.nl' });
    await makeBlock(h.t.app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T17:00'),
      coachIds: [a.id, b.id],
    });
  });
  afterAll(async () => h?.close());

  /** From the start to the check page, every answer given. */
  async function toCheck(page: Page, lang: 'nl' | 'en', time = '10:30') {
    await page.goto(`/aanmelden?lang=${lang}`);
    await expectNoAxeViolations(page, 'where');
    await page.fill('#postcode', '6811 AB');
    await page.fill('#houseNumber', '12a');
    await next(page);
    await page.fill('#question', 'Ik heb schulden');
    await page.check('#topic-money');
    await page.check('#dangerNow-no');
    await page.check('#urgent24h-no');
    await next(page);
    await page.locator('.kt-slot label', { hasText: time }).click();
    await next(page);
    await page.fill('#name', 'Anna de Vries');
    await page.fill('#email', 'anna@example.nl');
    await page.fill('#street', 'Steenstraat');
    await page.check('#consent');
    await next(page);
    expect(path(page)).toBe('/aanmelden/controleren');
    expect(await page.locator('h1').textContent()).toBe(TEXTS[lang].check);
    await expectNoAxeViolations(page, 'check');
  }

  /** Loses the session cookie as a browser that cleared its cookies; the language stays chosen. */
  async function loseSession(context: BrowserContext, lang: 'nl' | 'en') {
    await context.clearCookies();
    await context.addCookies([{ name: 'lang', value: lang, url: h.baseUrl }]);
  }

  for (const lang of ['nl', 'en'] as const) {
    it(`${lang}: "Wijzigen" keeps every answer and returns to the check page`, async () => {
      const { page } = await h.newPage();
      await toCheck(page, lang);

      await page.click('a[href="/aanmelden/moment?terug=controleren"]');
      expect(await page.locator('input[name=slot]:checked').count()).toBe(1);
      expect(await page.locator('input[name=slot]:checked + label').textContent()).toBe('10:30');
      expect(await page.isChecked('#mode-home')).toBe(true);
      await expectNoAxeViolations(page, 'moment again');
      await page.locator('.kt-slot label', { hasText: '12:00' }).click();
      await next(page);
      expect(path(page)).toBe('/aanmelden/controleren');
      expect(await page.locator('main').textContent()).toContain('12:00');

      await page.click('a[href="/aanmelden/vraag?terug=controleren"]');
      expect(await page.inputValue('#question')).toBe('Ik heb schulden');
      expect(await page.isChecked('#topic-money')).toBe(true);
      expect(await page.isChecked('#dangerNow-no')).toBe(true);
      await expectNoAxeViolations(page, 'question again');
      await page.fill('#question', 'Ik heb schulden en een brief');
      await next(page);
      expect(path(page)).toBe('/aanmelden/controleren');
      expect(await page.locator('main').textContent()).toContain('Ik heb schulden en een brief');

      await page.click('a[href="/aanmelden/gegevens?terug=controleren"]');
      expect(await page.inputValue('#name')).toBe('Anna de Vries');
      expect(await page.isChecked('#consent')).toBe(true);
      await expectNoAxeViolations(page, 'details again');
      await next(page);
      expect(path(page)).toBe('/aanmelden/controleren');
    });

    it(`${lang}: a stale form keeps what was typed and says what to do`, async () => {
      const { page } = await h.newPage();
      await toCheck(page, lang);
      await page.click('a[href="/aanmelden/vraag?terug=controleren"]');
      await page.fill('#question', 'Net getypt');
      // The page was open too long: its token is no longer valid.
      await page.evaluate(() => {
        (document.querySelector('input[name=_csrf]') as HTMLInputElement).value = 'no-longer-valid';
      });
      await next(page);
      expect(await page.locator('#stale h2').textContent()).toBe(TEXTS[lang].expired);
      expect(await page.inputValue('#question')).toBe('Net getypt');
      expect(await page.isChecked('#dangerNow-no')).toBe(true);
      await expectNoAxeViolations(page, 'stale form');
      await next(page);
      expect(path(page)).toBe('/aanmelden/controleren');
      expect(await page.locator('main').textContent()).toContain('Net getypt');
    });

    it(`${lang}: a lost session keeps the question and says so`, async () => {
      const { page, context } = await h.newPage();
      await toCheck(page, lang);
      await page.click('a[href="/aanmelden/vraag?terug=controleren"]');
      await page.fill('#question', 'Mijn vraag blijft');
      await loseSession(context, lang);
      await next(page);
      expect(await page.locator('#stale h2').textContent()).toBe(TEXTS[lang].expired);
      expect(await page.inputValue('#question')).toBe('Mijn vraag blijft');
      await expectNoAxeViolations(page, 'stale form, session lost');
      await next(page);
      expect(path(page)).toBe('/aanmelden?verlopen=1&terug=controleren');
      expect(await page.locator('#lost').textContent()).toContain(TEXTS[lang].lostKept);
      await expectNoAxeViolations(page, 'start again, told why');
      await page.fill('#postcode', '6811 AB');
      await page.fill('#houseNumber', '12a');
      await next(page);
      // The question is kept; the time is chosen again, then the details, then the check page.
      expect(path(page)).toBe('/aanmelden/moment?terug=controleren');
      await expectNoAxeViolations(page, 'moment after a lost session');
      await page.locator('.kt-slot label', { hasText: '13:30' }).click();
      await next(page);
      expect(path(page)).toBe('/aanmelden/gegevens?terug=controleren');
      await page.fill('#name', 'Anna de Vries');
      await page.fill('#email', 'anna@example.nl');
      await page.fill('#street', 'Steenstraat');
      await page.check('#consent');
      await next(page);
      expect(path(page)).toBe('/aanmelden/controleren');
      expect(await page.locator('main').textContent()).toContain('Mijn vraag blijft');
    });
  }

  it('out of every area: the phone number is asked, the municipality number shown; zero axe violations', async () => {
    const { page } = await h.newPage();
    await page.goto('/aanmelden');
    await page.fill('#postcode', '9999 ZZ');
    await page.fill('#houseNumber', '1');
    await next(page);
    await page.fill('#question', 'Ik woon net buiten de stad');
    await page.check('#dangerNow-no');
    await page.check('#urgent24h-no');
    await next(page);
    expect(path(page)).toBe('/aanmelden/gegevens');
    await page.fill('#name', 'Bram');
    await page.fill('#email', 'bram@example.nl');
    await page.check('#consent');
    await next(page);
    expect(await page.locator('#phone-error').textContent()).toContain('Vul uw telefoonnummer in.');
    expect(await page.inputValue('#email')).toBe('bram@example.nl');
    await expectNoAxeViolations(page, 'details, phone missing');
    await page.fill('#phone', '06 12345678');
    await page.check('#consent');
    await next(page);
    expect(await page.locator('#unassigned').textContent()).toContain('We bellen u op 06 12345678');
    expect(await page.locator('#unassigned a[href="tel:14026"]').textContent()).toBe('14 026');
    await expectNoAxeViolations(page, 'check, out of area');
    await next(page);
    expect(await page.locator('#unassigned a[href="tel:14026"]').textContent()).toBe('14 026');
    await expectNoAxeViolations(page, 'confirmation, out of area');
  });

  it('an existing appointment is named on the check page; its link goes by mail; the cancelled mail rebooks', async () => {
    const first = (await h.newPage()).page;
    await toCheck(first, 'nl', '15:00');
    await next(first);
    expect(path(first)).toBe('/aanmelden/bevestiging');
    const { page } = await h.newPage();
    await toCheck(page, 'nl', '13:30');
    expect(await page.locator('#existing h2').textContent()).toBe('Heeft u al een afspraak?');
    await expectNoAxeViolations(page, 'check with an existing appointment');
    await page.locator('#existing button').click();
    expect(await page.locator('#existing').textContent()).toContain('We hebben een e-mail gestuurd');
    await expectNoAxeViolations(page, 'check, link mailed');

    // Cancel the first one; its mail's link opens a new sign-up with the question filled in.
    // The link on the confirmation page keeps working beside the one mailed just now.
    const old = await first.locator('main a[href^="/afspraak/"]').first().getAttribute('href');
    expect((await first.goto(old!))!.status()).toBe(200);
    const renewed = await h.t.app.db
      .selectFrom('outbox_message')
      .select('body_text')
      .where('to_address', '=', 'anna@example.nl')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const manage = /(\/afspraak\/[A-Za-z0-9_-]{43})/.exec(renewed.body_text!)![1]!;
    await first.goto(`${manage}/annuleren`);
    await first.locator('main form[method=post] button[type=submit]').last().click();
    const mail = await h.t.app.db
      .selectFrom('outbox_message')
      .select('body_text')
      .where('subject', 'like', '%afgezegd%')
      .executeTakeFirstOrThrow();
    const link = /(\/aanmelden\/nieuw\/\S+)/.exec(mail.body_text!)![1]!;
    const again = (await h.newPage()).page;
    await again.goto(link);
    await expectNoAxeViolations(again, 'rebook page');
    await next(again);
    expect(path(again)).toBe('/aanmelden/vraag');
    expect(await again.inputValue('#question')).toBe('Ik heb schulden');
  });
});
