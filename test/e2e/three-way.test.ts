// A huisarts books a 3-gesprek at the practice in Chromium, in Dutch and in English: the
// coaches' mail and agenda name the practice, the resident moves it with their own link (the
// practice is offered, already chosen) and the huisarts gets a mail with an updated calendar
// file (same UID, higher SEQUENCE) that ical.js reads. axe-core checks every page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import ICAL from 'ical.js';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { passwordHash, PASSWORD } from '../helpers/staff.js';
import { translator, type Locale } from '../../src/core/i18n.js';
import { formatters } from '../../src/domain/time.js';
import { renderOutbox } from '../helpers/outbox.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${step} (${page.url()}):\n${describeViolations(v)}`).toEqual([]);
}

async function press(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

const mainText = async (page: Page) => ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');

function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  const event = new ICAL.Event(vevent);
  const address = (v: unknown) =>
    String(v)
      .replace(/^mailto:/i, '')
      .toLowerCase();
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    location: event.location,
    start: event.startDate.toJSDate().toISOString(),
    organizer: address(vevent.getFirstPropertyValue('organizer')),
    attendees: vevent.getAllProperties('attendee').map((p) => address(p.getFirstValue())),
  };
}

describe.skipIf(!browserAvailable)('a huisarts books a 3-gesprek at the practice in Chromium', () => {
  let h: BrowserHarness;
  let teamEmail: string;
  let coach: { email: string };
  const blocks: Record<Locale, number> = { nl: 0, en: 0 };
  const days: Record<Locale, string> = { nl: '2026-12-08', en: '2026-12-09' };

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const db = h.t.app.db;
    const team = await makeTeam(db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    teamEmail = team.email;
    const fatima = await makeStaff(db, team.id, { name: 'Fatima El Amrani', passwordHash: await passwordHash() });
    const jeroen = await makeStaff(db, team.id, { name: 'Jeroen Bakker' });
    coach = fatima;
    for (const lang of ['nl', 'en'] as const) {
      blocks[lang] = await makeBlock(db, {
        teamId: team.id,
        start: at(`${days[lang]}T09:00`),
        end: at(`${days[lang]}T12:00`),
        coachIds: [fatima.id, jeroen.id],
      });
    }
  });
  afterAll(async () => h?.close());

  const slotKey = (lang: Locale, time: string) => `${blocks[lang]}_${at(`${days[lang]}T${time}`).toISOString()}`;
  const outbox = async () => {
    await renderOutbox(h.t.app);
    return h.t.app.db
      .selectFrom('outbox_message')
      .select(['id', 'to_address', 'subject', 'body_text', 'ics'])
      .orderBy('id')
      .execute();
  };

  for (const lang of ['nl', 'en'] as const) {
    it(`books, shows and moves it in ${lang === 'nl' ? 'Dutch' : 'English'}, with zero axe violations`, async () => {
      const t = translator(lang);
      const practice = `Huisartsenpraktijk De Linde ${lang}, Kerkstraat 1, Arnhem`;
      const referrerEmail = `sara.${lang}@delinde.nl`;
      const residentEmail = `anna.${lang}@example.nl`;
      const { page } = await h.newPage();

      // The huisarts refers and books at the practice.
      await page.goto(`/verwijzen?lang=${lang}`);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      await expectNoAxeViolations(page, 'about you');
      await page.locator('#kind-huisarts').check();
      await page.locator('[name=organisation]').fill('Huisartsenpraktijk De Linde');
      await page.locator('[name=referrerName]').fill('Dr. Sara Jansen');
      await page.locator('[name=referrerPhone]').fill('026 111 2222');
      await page.locator('[name=referrerEmail]').fill(referrerEmail);
      await press(page, t('common.next'));
      expect(new URL(page.url()).pathname).toBe('/verwijzen/toestemming');
      await page.locator('#consent-yes').check();
      await page.locator('#consentForm-spoken').check();
      await page.locator('[name=consentDate]').fill('20-11-2026');
      await page.locator('#feedback-yes').check();
      await press(page, t('common.next'));
      expect(new URL(page.url()).pathname).toBe('/verwijzen/inwoner');
      await page.locator('[name=name]').fill('Anna de Vries');
      await page.locator('[name=phone]').fill('06 12345678');
      await page.locator('[name=email]').fill(residentEmail);
      await page.locator('[name=postcode]').fill('6811 AB');
      await page.locator('[name=houseNumber]').fill('12');
      await page.locator('[name=street]').fill('Steenstraat');
      await press(page, t('common.next'));
      expect(new URL(page.url()).pathname).toBe('/verwijzen/vraag');
      await page.locator('[name=question]').fill('Zorgen over geld en slaap');
      await page.locator('#dangerNow-no').check();
      await page.locator('#urgent24h-no').check();
      await press(page, t('common.next'));
      expect(new URL(page.url()).pathname).toBe('/verwijzen/vervolg');
      await page.locator('input[name=next][value=book]').check();
      await press(page, t('common.next'));
      expect(new URL(page.url()).pathname).toBe('/verwijzen/moment');
      await page.locator(`input[name=slot][value="${slotKey(lang, '10:30')}"]`).check({ force: true });
      await page.locator('#place-referrer').check();
      await page.locator('[name=location]').fill(practice);
      await expectNoAxeViolations(page, 'moment');
      await press(page, t('common.next'));
      expect(new URL(page.url()).pathname).toBe('/verwijzen/controleren');
      await press(page, t('referral.check.submit'));
      expect(new URL(page.url()).pathname).toBe('/verwijzen/bevestiging');
      await expectNoAxeViolations(page, 'confirmation');

      const booked = await outbox();
      const appointment = await h.t.app.db
        .selectFrom('appointment')
        .select(['id', 'referrer_location'])
        .where('block_id', '=', blocks[lang])
        .executeTakeFirstOrThrow();
      expect(appointment.referrer_location).toBe(practice);

      // The coaches' mail (outbox) and agenda name the practice.
      const coachMail = booked.find((m) => m.to_address === coach.email && m.body_text?.includes(practice));
      expect(coachMail?.body_text).toContain(`Bij de verwijzer: ${practice}`);
      const staff = await h.newPage();
      await staff.page.goto(`/medewerker/agenda?week=2026-W50&lang=${lang}`);
      await staff.page.locator('[name=email]').fill(coach.email);
      await staff.page.locator('[name=password]').fill(PASSWORD);
      await press(staff.page, t('staff.login.submit'));
      if (!staff.page.url().includes('/medewerker/agenda')) await staff.page.goto('/medewerker/agenda?week=2026-W50');
      expect(await mainText(staff.page)).toContain(t('mail.placeLine.referrer', { address: practice }));
      await expectNoAxeViolations(staff.page, 'agenda');
      await staff.page.goto(`/medewerker/afspraken/${appointment.id}`);
      expect(await mainText(staff.page)).toContain(t('mail.placeLine.referrer', { address: practice }));
      await expectNoAxeViolations(staff.page, 'appointment page');

      // The resident moves it with their own link; the practice is offered and already chosen.
      const residentMail = booked.find((m) => m.to_address === residentEmail)!;
      const manage = /\/afspraak\/[A-Za-z0-9_-]{43}/.exec(residentMail.body_text!)![0];
      const firstReferrerIcs = parseIcs(booked.find((m) => m.to_address === referrerEmail)!.ics!);
      const lastBefore = booked.at(-1)!.id;
      const resident = await h.newPage();
      await resident.page.goto(`${manage}?lang=${lang}`);
      expect(await mainText(resident.page)).toContain(t('mail.placeLine.referrer', { address: practice }));
      await expectNoAxeViolations(resident.page, 'manage page');
      await resident.page.goto(`${manage}/verzetten`);
      const practiceChoice = resident.page.getByLabel(t('manage.atReferrer', { place: practice }));
      expect(await practiceChoice.isChecked()).toBe(true);
      await expectNoAxeViolations(resident.page, 'reschedule form');
      await resident.page.locator(`input[name=slot][value="${slotKey(lang, '09:00')}"]`).check({ force: true });
      await press(resident.page, t('manage.rescheduleSubmit'));
      expect(await mainText(resident.page)).toContain(t('manage.doneRescheduled'));
      expect(await mainText(resident.page)).toContain(t('mail.placeLine.referrer', { address: practice }));
      await expectNoAxeViolations(resident.page, 'manage page after the move');

      // The huisarts gets a mail with a valid updated calendar file.
      const toReferrer = (await outbox()).filter((m) => m.id > lastBefore && m.to_address === referrerEmail);
      expect(toReferrer).toHaveLength(1);
      const when = formatters(lang).range(at(`${days[lang]}T09:00`), at(`${days[lang]}T10:00`));
      expect(toReferrer[0]!.subject).toBe(t('mail.referrerChange.rescheduled.subject', { when }));
      const moved = parseIcs(toReferrer[0]!.ics!);
      expect(moved.uid).toBe(firstReferrerIcs.uid);
      expect(moved.sequence).toBeGreaterThan(firstReferrerIcs.sequence);
      expect(moved.method).toBe('REQUEST');
      expect(moved.location).toBe(practice);
      expect(moved.start).toBe(at(`${days[lang]}T09:00`).toISOString());
      expect(moved.organizer).toBe(teamEmail.toLowerCase());
      expect(moved.attendees).toEqual([referrerEmail]);
    });
  }
});
