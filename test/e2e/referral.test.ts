// A school's IB-er refers a pupil's parent in Chromium and books a 3-gesprek at school.
// axe-core checks every step, and every step once in its error state; then the status page,
// the no-consent stop and the team lead's contact page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { makeLogin, PASSWORD } from '../helpers/staff.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${step} (${page.url()}):\n${describeViolations(v)}`).toEqual([]);
}

async function h1(page: Page): Promise<string> {
  return ((await page.locator('h1').textContent()) ?? '').trim();
}

async function next(page: Page, name = 'Volgende'): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name }).click()]);
}

async function errors(page: Page): Promise<string[]> {
  return page.locator('#error-summary li').allTextContents();
}

describe.skipIf(!browserAvailable)("a school refers a pupil's parent in Chromium", () => {
  let h: BrowserHarness;
  let teamId: number;
  let blockId: number;

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const db = h.t.app.db;
    const team = await makeTeam(db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    teamId = team.id;
    const fatima = await makeStaff(db, team.id, { name: 'Fatima El Amrani' });
    const jeroen = await makeStaff(db, team.id, { name: 'Jeroen Bakker' });
    blockId = await makeBlock(db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [fatima.id, jeroen.id],
    });
  });
  afterAll(async () => h?.close());

  it('an IB-er books a 3-gesprek at school, with zero axe violations on every step', async () => {
    const { page } = await h.newPage();
    await page.goto('/');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Iemand anders aanmelden' }).click()]);

    // Step 1: about you. Empty first, then a bad AGB code for a school.
    expect(new URL(page.url()).pathname).toBe('/verwijzen');
    expect(await h1(page)).toBe('Iemand aanmelden: over u');
    await expectNoAxeViolations(page, 'about you');
    await next(page);
    expect(await errors(page)).toEqual([
      'Kies wie u bent.',
      'Vul de naam van uw praktijk, school of organisatie in.',
      'Vul uw naam in.',
      'Vul uw telefoonnummer op het werk in.',
      'Vul uw e-mailadres op het werk in.',
    ]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('error-summary');
    await expectNoAxeViolations(page, 'about you with errors');
    await page.getByLabel('School', { exact: true }).check();
    await page.getByLabel('Intern begeleider (IB-er)').check();
    await page.getByLabel('Naam van uw praktijk, school of organisatie').fill('Basisschool De Regenboog');
    await page.getByLabel('Uw naam').fill('Marleen Visser');
    await page.getByLabel('Uw telefoonnummer op het werk').fill('026 222 3333');
    await page.getByLabel('Uw e-mailadres op het werk').fill('m.visser@regenboog.nl');
    await page.getByLabel(/AGB-code/).fill('1234');
    await next(page);
    expect(await errors(page)).toEqual(['Een AGB-code heeft 8 cijfers, bijvoorbeeld 01234567. Of laat het veld leeg.']);
    expect(await page.getByLabel('Uw naam').inputValue()).toBe('Marleen Visser');
    expect(await page.getByLabel('Intern begeleider (IB-er)').isChecked()).toBe(true);
    await page.getByLabel(/AGB-code/).fill('');
    await next(page);

    // Step 2: consent.
    expect(new URL(page.url()).pathname).toBe('/verwijzen/toestemming');
    await expectNoAxeViolations(page, 'consent');
    await page.getByLabel('Ja, de inwoner weet het en is het ermee eens').check();
    await page.getByLabel('Wanneer gaf de inwoner toestemming?').fill('');
    await next(page);
    expect(await errors(page)).toEqual([
      'Kies hoe de inwoner toestemming gaf.',
      'Vul in wanneer de inwoner toestemming gaf.',
      'Kies ja of nee: mogen wij u laten weten hoe het gaat?',
    ]);
    await expectNoAxeViolations(page, 'consent with errors');
    await page.getByLabel('Schriftelijk (op papier of per e-mail)').check();
    await page.getByLabel('Wanneer gaf de inwoner toestemming?').fill('23-11-2026');
    await page.getByLabel('Ja, de inwoner vindt terugkoppeling goed').check();
    await next(page);

    // Step 3: the parent.
    expect(new URL(page.url()).pathname).toBe('/verwijzen/inwoner');
    await expectNoAxeViolations(page, 'resident');
    await next(page);
    expect(await errors(page)).toContain('Vul de naam van de inwoner in.');
    await expectNoAxeViolations(page, 'resident with errors');
    await page.getByLabel('Naam van de inwoner').fill('Yasmina Bakkali');
    await page.getByLabel('Telefoonnummer van de inwoner').fill('06 11122233');
    await page.getByLabel('E-mailadres van de inwoner').fill('yasmina@example.nl');
    await page.getByLabel('Postcode').fill('6812 ab');
    await page.getByLabel('Huisnummer').fill('8');
    await page.getByLabel('Straat').fill('Sonsbeeksingel');
    await page.getByLabel('In welke taal wil de inwoner praten?').selectOption('ar');
    await page.getByLabel('De inwoner wil graag een tolk bij het gesprek').check();
    await next(page);

    // Step 4: the question and the safety questions.
    expect(new URL(page.url()).pathname).toBe('/verwijzen/vraag');
    expect(await page.locator('.kt-notice').textContent()).toContain('Wijkteam Centrum');
    await expectNoAxeViolations(page, 'question');
    await next(page);
    expect(await errors(page)).toEqual([
      'Schrijf op waar de inwoner hulp bij nodig heeft. Een paar woorden is genoeg.',
      'Kies ja of nee: is iemand nu in gevaar?',
      'Kies ja of nee: moet er binnen 24 uur iets gebeuren?',
    ]);
    await expectNoAxeViolations(page, 'question with errors');
    await page
      .getByLabel('Waar heeft de inwoner volgens u hulp bij nodig?')
      .fill('Zoon verzuimt veel; moeder is alleen en overbelast');
    await page.getByLabel(/Wat heeft u zelf al gedaan/).fill('Gesprek met moeder en leerplicht ingelicht');
    await page.locator('#dangerNow-no').check();
    await page.locator('#urgent24h-no').check();
    await next(page);

    // Step 5: book now.
    expect(new URL(page.url()).pathname).toBe('/verwijzen/vervolg');
    await expectNoAxeViolations(page, 'next step');
    await next(page);
    expect(await errors(page)).toEqual(['Kies: nu een afspraak maken, of het wijkteam laten bellen.']);
    await expectNoAxeViolations(page, 'next step with errors');
    await page.getByLabel('Nu een afspraak maken').check();
    await next(page);

    // Step 6: a time, at school, as a 3-gesprek. First without the school's address.
    expect(new URL(page.url()).pathname).toBe('/verwijzen/moment');
    expect(await page.locator('.kt-slot label').allTextContents()).toEqual(['09:00', '10:30']);
    await expectNoAxeViolations(page, 'moment');
    await page.getByText('10:30', { exact: true }).click();
    await page.getByLabel('Bij u op de praktijk of school (3-gesprek)').check();
    await next(page);
    expect(await errors(page)).toEqual([
      'Vul het adres van uw praktijk of school in. Dan weet het wijkteam waar het gesprek is.',
    ]);
    await expectNoAxeViolations(page, 'moment with errors');
    await page.getByLabel('Adres van uw praktijk of school').fill('Basisschool De Regenboog, Schoolstraat 1, Arnhem');
    await next(page);

    // Step 7: check and send.
    expect(new URL(page.url()).pathname).toBe('/verwijzen/controleren');
    const summary = (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
    expect(summary).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(summary).toContain('Basisschool De Regenboog, Schoolstraat 1, Arnhem');
    expect(summary).toContain('Marleen Visser (School, Intern begeleider (IB-er))');
    await expectNoAxeViolations(page, 'check');
    await next(page, 'Aanmelden en afspraak maken');

    // Confirmation: no manage link for the referrer; the status link instead.
    expect(new URL(page.url()).pathname).toBe('/verwijzen/bevestiging');
    expect(await h1(page)).toBe('De aanmelding is verstuurd');
    expect(await page.locator('a[href^="/afspraak/"]').count()).toBe(0);
    await expectNoAxeViolations(page, 'confirmation');
    await Promise.all([
      page.waitForEvent('load'),
      page.getByRole('link', { name: 'Stand van de aanmelding bekijken' }).click(),
    ]);
    expect(await page.locator('#status-now').textContent()).toContain('Afspraak gepland');
    expect(await page.locator('main').textContent()).not.toContain('Yasmina');
    await expectNoAxeViolations(page, 'status page');

    const appts = await h.t.app.db.selectFrom('appointment').selectAll().where('block_id', '=', blockId).execute();
    expect(appts).toHaveLength(1);
    expect(appts[0]).toMatchObject({
      status: 'booked',
      mode: 'office',
      referrer_joins: true,
      referrer_location: 'Basisschool De Regenboog, Schoolstraat 1, Arnhem',
    });
    expect(appts[0]!.starts_at.toISOString()).toBe(at('2026-12-08T10:30').toISOString());
    const referrer = await h.t.app.db.selectFrom('referrer').selectAll().executeTakeFirstOrThrow();
    expect(referrer).toMatchObject({ kind: 'school', school_role: 'ib', organisation: 'Basisschool De Regenboog' });
  });

  it('explains the stop without consent, and the danger page, with zero axe violations', async () => {
    const { page } = await h.newPage();
    await page.goto('/verwijzen');
    await page.getByLabel('Wijkverpleging').check();
    await page.getByLabel('Naam van uw praktijk, school of organisatie').fill('Buurtzorg Arnhem-Noord');
    await page.getByLabel('Uw naam').fill('Ilse de Boer');
    await page.getByLabel('Uw telefoonnummer op het werk').fill('06 99988877');
    await page.getByLabel('Uw e-mailadres op het werk').fill('ilse@buurtzorg.nl');
    await next(page);
    await page.locator('#consent-no').check();
    await next(page);
    expect(new URL(page.url()).pathname).toBe('/verwijzen/geen-toestemming');
    expect(await h1(page)).toBe('Zonder toestemming kunt u niemand aanmelden');
    await expectNoAxeViolations(page, 'no consent');
    await page.goto('/verwijzen/gevaar');
    expect(await page.locator('a[href="tel:112"]').count()).toBeGreaterThan(0);
    await expectNoAxeViolations(page, 'danger');
  });

  it('lets a team lead name a contact coach, with zero axe violations', async () => {
    const lead = await makeLogin(h.t.app, teamId, 'teamlead', 'Petra Teamleider');
    await makeLogin(h.t.app, teamId, 'coach', 'Sanne Visser');
    const { page } = await h.newPage();
    await page.goto('/medewerker/verwijzers');
    await page.getByLabel('E-mailadres').fill(lead.email);
    await page.getByLabel('Wachtwoord').fill(PASSWORD);
    await Promise.all([
      page.waitForURL('**/medewerker/verwijzers'),
      page.getByRole('button', { name: 'Inloggen' }).click(),
    ]);
    expect(await h1(page)).toBe('Vaste contactpersoon per verwijzer');
    await expectNoAxeViolations(page, 'contacts');
    await next(page, 'Opslaan');
    await expectNoAxeViolations(page, 'contacts with errors');
    await page.getByLabel('Praktijk, school of organisatie').fill('Basisschool De Regenboog');
    await page.getByLabel('Vaste contactpersoon').selectOption({ label: 'Sanne Visser' });
    await next(page, 'Opslaan');
    expect(await page.locator('table').textContent()).toContain('Sanne Visser');
    await expectNoAxeViolations(page, 'contacts saved');
  });
});
