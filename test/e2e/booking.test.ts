// The resident's booking flow in Chromium, used as someone with little digital skill on a phone
// would use it: keyboard only, a small screen, without JavaScript, in English, and the manage
// link afterwards. axe-core checks every page (and every step once in its error state).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 740 };

/** What has keyboard focus, as a user (and a screen reader) would name it. */
interface Focus {
  tag: string;
  id: string;
  name: string;
  text: string;
  checked: boolean | null;
}

async function focused(page: Page): Promise<Focus> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const input = el instanceof HTMLInputElement ? el : null;
    const label = input?.labels?.[0]?.textContent ?? '';
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      id: el?.id ?? '',
      name: el?.getAttribute('name') ?? '',
      text: (input ? label : (el?.textContent ?? '')).replace(/\s+/g, ' ').trim(),
      checked: input && (input.type === 'radio' || input.type === 'checkbox') ? input.checked : null,
    };
  });
}

const show = (f: Focus) => `${f.tag}${f.id ? '#' + f.id : ''}${f.text ? ` "${f.text.slice(0, 40)}"` : ''}`;

/** Presses Tab (or Shift+Tab) until the focused element matches; fails with the path taken. */
async function tabTo(
  page: Page,
  match: (f: Focus) => boolean,
  opts: { back?: boolean; max?: number } = {},
): Promise<Focus> {
  const seen: string[] = [];
  for (let i = 0; i < (opts.max ?? 60); i++) {
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (match(f)) {
      await expectVisibleFocus(page);
      return f;
    }
    seen.push(show(f));
  }
  throw new Error(
    `Could not reach the element with ${opts.back ? 'Shift+Tab' : 'Tab'}; focus went: ${seen.join(' → ')}`,
  );
}

const byId = (id: string) => (f: Focus) => f.id === id;
const byText = (text: string) => (f: Focus) => f.text === text;

/** The focused element (or, for a visually hidden radio, its label) shows a focus ring. */
async function expectVisibleFocus(page: Page): Promise<void> {
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const hidden = (e: Element) => {
      const r = e.getBoundingClientRect();
      return r.width <= 1 || r.height <= 1 || getComputedStyle(e).opacity === '0';
    };
    const shown = el instanceof HTMLInputElement && hidden(el) ? (el.labels?.[0] ?? el) : el;
    const s = getComputedStyle(shown);
    const r = shown.getBoundingClientRect();
    return {
      what: shown.outerHTML.slice(0, 120),
      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
      shadow: s.boxShadow !== 'none',
      size: r.width > 1 && r.height > 1,
    };
  });
  expect(ring.size, `focused element is visible: ${ring.what}`).toBe(true);
  expect(ring.outline || ring.shadow, `focus is visible on ${ring.what}`).toBe(true);
}

/** After a failed submit, focus moves to the error summary (autofocus: done at the next rendering, after load). */
async function expectSummaryFocused(page: Page): Promise<void> {
  await page
    .locator('#error-summary:focus')
    .waitFor({ timeout: 5000 })
    .catch(() => undefined);
  expect((await focused(page)).id, 'focus is on the error summary').toBe('error-summary');
  await expectVisibleFocus(page);
}

async function expectNoAxeViolations(page: Page, step: string): Promise<void> {
  const v = await axeViolations(page);
  expect(v, `${step} (${page.url()}):\n${describeViolations(v)}`).toEqual([]);
}

/** Presses Enter (on a link, a button or in a text field) and waits for the page it loads. */
async function activate(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

async function h1(page: Page): Promise<string> {
  return ((await page.locator('h1').textContent()) ?? '').trim();
}

/** The page fits the screen: nothing scrolls sideways (WCAG 1.4.10 reflow). */
async function expectNoSidewaysScroll(page: Page, width: number): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, `page is wider than the ${width}px screen`).toBeLessThanOrEqual(width);
}

describe.skipIf(!browserAvailable)('resident books a keukentafelgesprek in Chromium', () => {
  let h: BrowserHarness;
  let blockDec8: number;
  let blockDec9: number;
  const ownContexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
  });
  afterAll(async () => {
    for (const c of ownContexts) await c.close().catch(() => undefined);
    await h?.close();
  });

  // Every test gets its own "Wijkteam Centrum" with an empty calendar: earlier teams lose their
  // postcode area, so 6811 AB always finds the new one.
  beforeEach(async () => {
    const db = h.t.app.db;
    await db.deleteFrom('team_area').execute();
    const team = await makeTeam(db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    const fatima = await makeStaff(db, team.id, { name: 'Fatima El Amrani' });
    const jeroen = await makeStaff(db, team.id, { name: 'Jeroen Bakker' });
    const coachIds = [fatima.id, jeroen.id];
    blockDec8 = await makeBlock(db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds,
    });
    blockDec9 = await makeBlock(db, {
      teamId: team.id,
      start: at('2026-12-09T13:30'),
      end: at('2026-12-09T16:30'),
      coachIds,
    });
  });

  /** A page in a phone-like context (small screen, touch), or the harness' desktop page. */
  async function pageFor(viewport: { width: number; height: number }): Promise<Page> {
    if (viewport === PHONE) {
      const context = await h.browser.newContext({
        baseURL: h.baseUrl,
        bypassCSP: true,
        locale: 'nl-NL',
        viewport: PHONE,
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
      });
      ownContexts.push(context);
      return context.newPage();
    }
    const { page } = await h.newPage();
    await page.setViewportSize(viewport);
    return page;
  }

  async function appointmentsOf(blockId: number) {
    return h.t.app.db.selectFrom('appointment').selectAll().where('block_id', '=', blockId).execute();
  }

  for (const [device, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`books with the keyboard only, on a ${device} (${viewport.width}×${viewport.height}), with zero axe violations on every step`, async () => {
      const page = await pageFor(viewport);
      const step = async (name: string) => {
        await expectNoAxeViolations(page, name);
        if (device === 'phone') await expectNoSidewaysScroll(page, viewport.width);
      };

      // Start page: the link to book for yourself.
      await page.goto('/');
      await step('start page');
      await tabTo(page, byText('Een afspraak maken voor mijzelf'));
      await activate(page);
      expect(new URL(page.url()).pathname).toBe('/aanmelden');

      // Step 1: where do you live. First submit empty, then fill in.
      expect(await h1(page)).toBe('Waar woont u?');
      await step('step 1');
      await tabTo(page, byText('Volgende'));
      await activate(page);
      await expectSummaryFocused(page);
      expect(await page.locator('#error-summary li').allTextContents()).toEqual([
        'Vul uw postcode in.',
        'Vul uw huisnummer in.',
      ]);
      await step('step 1 with errors');
      await tabTo(page, byId('postcode'));
      await page.keyboard.type('6811 ab');
      await page.keyboard.press('Tab');
      expect((await focused(page)).id).toBe('houseNumber');
      await page.keyboard.type('12a');
      await activate(page); // Enter in a text field sends the form

      // Step 2: the question, a topic, the safety questions. First submit empty.
      expect(new URL(page.url()).pathname).toBe('/aanmelden/vraag');
      expect(await h1(page)).toBe('Waar wilt u hulp bij?');
      expect(await page.locator('.kt-notice').textContent()).toContain('Wijkteam Centrum');
      await step('step 2');
      await tabTo(page, byText('Volgende'));
      await activate(page);
      expect(await page.locator('#error-summary li').allTextContents()).toEqual([
        'Schrijf op waar u hulp bij wilt. Eén woord is genoeg.',
        'Kies ja of nee: is iemand nu in gevaar?',
        'Kies ja of nee: moet er binnen 24 uur iets gebeuren?',
      ]);
      await step('step 2 with errors');
      await tabTo(page, byId('question'));
      await page.keyboard.type('Ik heb schulden en de brieven stapelen zich op.');
      await tabTo(page, byId('topic-money'));
      await page.keyboard.press('Space');
      expect((await focused(page)).checked).toBe(true);
      // A radio group is one Tab stop; with nothing chosen, focus lands on the first option ("Nee").
      let f = await tabTo(page, (x) => x.name === 'dangerNow');
      expect(f).toMatchObject({ id: 'dangerNow-no', text: 'Nee', checked: false });
      await page.keyboard.press('Space');
      expect((await focused(page)).checked).toBe(true);
      f = await tabTo(page, (x) => x.name === 'urgent24h');
      expect(f).toMatchObject({ id: 'urgent24h-no', text: 'Nee' });
      await page.keyboard.press('Space');
      expect((await focused(page)).checked).toBe(true);
      await tabTo(page, byText('Volgende'));
      await activate(page);

      // Step 3: a day and time. The slot radios are visually hidden; their labels are the buttons.
      expect(new URL(page.url()).pathname).toBe('/aanmelden/moment');
      expect(await h1(page)).toBe('Kies een dag en tijd');
      expect(await page.locator('.kt-day legend').allTextContents()).toEqual([
        'dinsdag 8 december 2026',
        'woensdag 9 december 2026',
      ]);
      expect(await page.locator('.kt-slot label').allTextContents()).toEqual(['09:00', '10:30', '13:30', '15:00']);
      await step('step 3');
      if (device === 'phone') {
        // Times and choices are easy to tap: at least 24×24 CSS pixels (WCAG 2.2 target size).
        const small = await page
          .locator('.kt-slot label, .kt-choice input')
          .evaluateAll((els) =>
            els
              .map((e) => ({ html: e.outerHTML.slice(0, 80), ...e.getBoundingClientRect().toJSON() }))
              .filter((r) => r.width < 24 || r.height < 24),
          );
        expect(small).toEqual([]);
      }
      await tabTo(page, byText('Volgende'));
      await activate(page);
      expect(await page.locator('#error-summary li').allTextContents()).toEqual(['Kies een dag en tijd.']);
      await expectSummaryFocused(page);
      await step('step 3 with errors');
      f = await tabTo(page, (x) => x.name === 'slot');
      expect(f).toMatchObject({ text: '09:00', checked: false });
      await page.keyboard.press('ArrowRight'); // arrow keys move through the times and choose one
      f = await focused(page);
      expect(f).toMatchObject({ text: '10:30', checked: true });
      await expectVisibleFocus(page);
      const chosen = await page.evaluate(() => {
        const label = (document.activeElement as HTMLInputElement).labels![0]!;
        const other = document.querySelector<HTMLInputElement>('.kt-slot input:not(:checked)')!.labels![0]!;
        return {
          checkedBg: getComputedStyle(label).backgroundColor,
          uncheckedBg: getComputedStyle(other).backgroundColor,
        };
      });
      expect(chosen.checkedBg, 'the chosen time looks chosen').not.toBe(chosen.uncheckedBg);
      f = await tabTo(page, (x) => x.name === 'mode');
      expect(f).toMatchObject({ id: 'mode-home', text: 'Bij mij thuis', checked: true });
      await tabTo(page, byText('Volgende'));
      await activate(page);

      // Step 4: your details. First submit empty.
      expect(new URL(page.url()).pathname).toBe('/aanmelden/gegevens');
      expect(await h1(page)).toBe('Uw gegevens');
      await step('step 4');
      await tabTo(page, byText('Volgende'));
      await activate(page);
      // (The contact and street errors should show here too, but only come after a second
      // submit: see the report on detailsSchema. Only the errors shown either way are checked.)
      expect(await page.locator('#error-summary li').allTextContents()).toEqual(
        expect.arrayContaining([
          'Vul uw naam in.',
          'Zet een vinkje als u toestemming geeft. Zonder toestemming kunnen we u niet helpen via de website. U kunt ons ook bellen.',
        ]),
      );
      await step('step 4 with errors');
      await tabTo(page, byId('name'));
      await page.keyboard.type('Anna de Vries');
      await tabTo(page, byId('phone'));
      await page.keyboard.type('06 12345678');
      if (device === 'desktop') {
        await tabTo(page, byId('email'));
        await page.keyboard.type('anna@example.nl');
      }
      await tabTo(page, byId('street'));
      await page.keyboard.type('Steenstraat');
      await tabTo(page, byId('consent'));
      await page.keyboard.press('Space');
      expect((await focused(page)).checked).toBe(true);
      await tabTo(page, byText('Volgende'));
      await activate(page);

      // Step 5: check and confirm.
      expect(new URL(page.url()).pathname).toBe('/aanmelden/controleren');
      expect(await h1(page)).toBe('Klopt alles?');
      const summary = (await page.locator('dl.kt-summary').textContent())!.replace(/\s+/g, ' ');
      expect(summary).toContain('dinsdag 8 december 2026, 10:30–11:30');
      expect(summary).toContain('Fatima & Jeroen (Wijkteam Centrum)');
      expect(summary).toContain('Ik heb schulden en de brieven stapelen zich op.');
      expect(summary).toContain('Steenstraat 12a, 6811 AB');
      await step('step 5');
      await tabTo(page, byText('Afspraak maken'));
      await activate(page);

      // Confirmation.
      expect(new URL(page.url()).pathname).toBe('/aanmelden/bevestiging');
      expect(await h1(page)).toBe('Uw afspraak staat');
      const notice = (await page.locator('.kt-notice--ok').textContent())!.replace(/\s+/g, ' ');
      expect(notice).toContain('dinsdag 8 december 2026, 10:30–11:30');
      expect(notice).toContain('Fatima & Jeroen van Wijkteam Centrum');
      await step('confirmation');

      const booked = await appointmentsOf(blockDec8);
      expect(booked).toHaveLength(1);
      expect(booked[0]).toMatchObject({ status: 'booked', mode: 'home' });
      expect(booked[0]!.starts_at.toISOString()).toBe(at('2026-12-08T10:30').toISOString());
    });
  }

  it('after a validation error, focuses and announces the error summary, links it to the fields and keeps what was typed', async () => {
    const { page } = await h.newPage();
    const summary = page.locator('#error-summary');
    const summaryLinks = async () =>
      summary.locator('a').evaluateAll((as) =>
        as.map((a) => ({
          text: a.textContent,
          href: a.getAttribute('href'),
          target: Boolean(document.querySelector(a.getAttribute('href')!)),
        })),
      );

    // Step 1: a postcode that is too short and no house number.
    await page.goto('/aanmelden');
    await tabTo(page, byId('postcode'));
    await page.keyboard.type('68');
    await activate(page);
    expect(await summary.getAttribute('role'), 'announced as an alert').toBe('alert');
    expect(await summary.getAttribute('tabindex')).toBe('-1');
    expect(await summary.getAttribute('aria-labelledby')).toBe('error-summary-title');
    expect(await page.locator('#error-summary-title').textContent()).toBe('Er ging iets mis. Kijk naar deze punten:');
    await expectSummaryFocused(page);
    expect(await page.title()).toContain('Waar woont u?');
    expect(await summaryLinks()).toEqual([
      {
        text: 'Vul een postcode in met 4 cijfers en 2 letters, bijvoorbeeld 6811 AB.',
        href: '#postcode',
        target: true,
      },
      { text: 'Vul uw huisnummer in.', href: '#houseNumber', target: true },
    ]);
    // The typed value is kept, marked invalid and described by its error.
    const postcode = page.locator('#postcode');
    expect(await postcode.inputValue()).toBe('68');
    expect(await postcode.getAttribute('aria-invalid')).toBe('true');
    expect((await postcode.getAttribute('aria-describedby'))!.split(' ')).toEqual(['postcode-hint', 'postcode-error']);
    expect(await page.locator('#postcode-error').textContent()).toBe(
      'Fout: Vul een postcode in met 4 cijfers en 2 letters, bijvoorbeeld 6811 AB.',
    );
    // The next Tab goes into the summary; Enter on an error moves focus to its field.
    await tabTo(page, byText('Vul uw huisnummer in.'), { max: 2 });
    await page.keyboard.press('Enter');
    await page.waitForURL(/#houseNumber$/);
    expect((await focused(page)).id).toBe('houseNumber');
    await page.keyboard.type('12a');
    await tabTo(page, byId('postcode'), { back: true, max: 1 });
    await page.keyboard.press('Control+A');
    await page.keyboard.type('6811 AB');
    await activate(page);

    // Step 2: a question and a topic, but no answers to the safety questions.
    expect(new URL(page.url()).pathname).toBe('/aanmelden/vraag');
    await tabTo(page, byId('question'));
    await page.keyboard.type('Hulp bij de post');
    await tabTo(page, byId('topic-housing'));
    await page.keyboard.press('Space');
    await tabTo(page, byText('Volgende'));
    await activate(page);
    await expectSummaryFocused(page);
    expect(await summaryLinks()).toEqual([
      { text: 'Kies ja of nee: is iemand nu in gevaar?', href: '#dangerNow', target: true },
      { text: 'Kies ja of nee: moet er binnen 24 uur iets gebeuren?', href: '#urgent24h', target: true },
    ]);
    expect(await page.locator('#question').inputValue()).toBe('Hulp bij de post');
    expect(await page.locator('#topic-housing').isChecked()).toBe(true);
    expect(await page.locator('#about-self').isChecked()).toBe(true);
    expect(await page.locator('#dangerNow .kt-error').textContent()).toBe('Kies ja of nee: is iemand nu in gevaar?');
    // A link to a group of radio buttons: the next Tab lands in that group.
    await tabTo(page, byText('Kies ja of nee: is iemand nu in gevaar?'), { max: 1 });
    await page.keyboard.press('Enter');
    await page.waitForURL(/#dangerNow$/);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ id: 'dangerNow-no', text: 'Nee' });
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ id: 'urgent24h-no', text: 'Nee' });
    await page.keyboard.press('Space');
    await tabTo(page, byText('Volgende'));
    await activate(page);

    // Step 3 is done with the keyboard elsewhere; here choose the first time.
    expect(new URL(page.url()).pathname).toBe('/aanmelden/moment');
    await tabTo(page, (x) => x.name === 'slot');
    await page.keyboard.press('Space');
    expect(await focused(page)).toMatchObject({ text: '09:00', checked: true });
    await tabTo(page, byText('Volgende'));
    await activate(page);

    // Step 4: a name and a wrong e-mail address; no street, no consent.
    expect(new URL(page.url()).pathname).toBe('/aanmelden/gegevens');
    await tabTo(page, byId('name'));
    await page.keyboard.type('Kees Jansen');
    await tabTo(page, byId('email'));
    await page.keyboard.type('kees@');
    await tabTo(page, byId('dateOfBirth'));
    await page.keyboard.type('1-2-1950');
    await activate(page);
    await expectSummaryFocused(page);
    // (The street error belongs here too but only comes on the next submit: see detailsSchema in the report.)
    const links = await summaryLinks();
    expect(links.map((l) => l.href)).toEqual(expect.arrayContaining(['#email', '#consent']));
    expect(
      links.every((l) => l.target),
      'every error links to a field on the page',
    ).toBe(true);
    expect(await page.locator('#name').inputValue()).toBe('Kees Jansen');
    expect(await page.locator('#email').inputValue()).toBe('kees@');
    expect(await page.locator('#dateOfBirth').inputValue()).toBe('1-2-1950');
    expect(await page.locator('#email').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#consent').getAttribute('aria-describedby')).toBe('consent-error');
    await tabTo(
      page,
      byText(
        'Zet een vinkje als u toestemming geeft. Zonder toestemming kunnen we u niet helpen via de website. U kunt ons ook bellen.',
      ),
      { max: 2 },
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(/#consent$/);
    expect((await focused(page)).id).toBe('consent');
    await expectNoAxeViolations(page, 'step 4 with errors, after following a summary link');
  });

  it('works the same without JavaScript, from the start page to the confirmation', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await page.goto('/');
    // Playwright can still read the page, but the page's own scripts do not run.
    const scriptRan = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__scriptRan = true';
      document.head.append(script);
      return (window as unknown as { __scriptRan?: boolean }).__scriptRan === true;
    });
    expect(scriptRan, 'JavaScript is off').toBe(false);
    await page.getByRole('link', { name: 'Een afspraak maken voor mijzelf' }).click();
    expect(new URL(page.url()).pathname).toBe('/aanmelden');
    await page.getByRole('button', { name: 'Volgende' }).click();
    expect(await page.locator('#error-summary li').allTextContents()).toEqual([
      'Vul uw postcode in.',
      'Vul uw huisnummer in.',
    ]);
    await expectSummaryFocused(page); // autofocus needs no JavaScript
    await page.getByLabel('Postcode').fill('6811 ab');
    await page.getByLabel('Huisnummer').fill('3');
    await page.getByRole('button', { name: 'Volgende' }).click();

    expect(new URL(page.url()).pathname).toBe('/aanmelden/vraag');
    expect(await page.locator('.kt-notice').textContent()).toContain('Wijkteam Centrum');
    await page.getByRole('button', { name: 'Volgende' }).click();
    expect(await page.locator('#error-summary li').count()).toBe(3);
    await page.getByLabel('Wat is uw vraag?').fill('Mijn moeder kan niet meer alleen wonen');
    await page.getByLabel('Zorgen voor een ander (mantelzorg)').check();
    await page.locator('#dangerNow').getByLabel('Nee').check();
    await page.locator('#urgent24h').getByLabel('Nee').check();
    await page.getByRole('button', { name: 'Volgende' }).click();

    expect(new URL(page.url()).pathname).toBe('/aanmelden/moment');
    await page.getByRole('button', { name: 'Volgende' }).click();
    expect(await page.locator('#error-summary li').allTextContents()).toEqual(['Kies een dag en tijd.']);
    // A tap on the time (the label of the hidden radio button) chooses it.
    await page.locator('.kt-slot label', { hasText: '10:30' }).click();
    expect(await page.getByRole('radio', { name: '10:30' }).isChecked()).toBe(true);
    await page.getByLabel('Telefonisch').check();
    await page.getByRole('button', { name: 'Volgende' }).click();

    expect(new URL(page.url()).pathname).toBe('/aanmelden/gegevens');
    await page.getByRole('button', { name: 'Volgende' }).click();
    expect(await page.locator('#error-summary').count()).toBe(1);
    await page.getByLabel('Uw naam').fill('Piet Smit');
    await page.getByLabel('Telefoonnummer').fill('026 1234567');
    await page.getByLabel(/Ik geef toestemming/).check();
    await page.getByRole('button', { name: 'Volgende' }).click();

    expect(new URL(page.url()).pathname).toBe('/aanmelden/controleren');
    const summary = (await page.locator('dl.kt-summary').textContent())!.replace(/\s+/g, ' ');
    expect(summary).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(summary).toContain('Telefonisch');
    await page.getByRole('button', { name: 'Afspraak maken' }).click();

    expect(new URL(page.url()).pathname).toBe('/aanmelden/bevestiging');
    expect(await h1(page)).toBe('Uw afspraak staat');
    const notice = (await page.locator('.kt-notice--ok').textContent())!.replace(/\s+/g, ' ');
    expect(notice).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(notice).toContain('Fatima & Jeroen van Wijkteam Centrum');
    expect(await page.getByRole('link', { name: 'Afspraak verzetten of afzeggen' }).getAttribute('href')).toMatch(
      /^\/afspraak\/[A-Za-z0-9_-]{43}$/,
    );

    const booked = await appointmentsOf(blockDec8);
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({ status: 'booked', mode: 'phone' });
    expect(booked[0]!.starts_at.toISOString()).toBe(at('2026-12-08T10:30').toISOString());
  });

  it('reschedules and cancels through the manage link, with the keyboard and zero axe violations', async () => {
    const { page } = await h.newPage();
    // Book 8 December 10:30 quickly (the booking itself is tested above).
    await page.goto('/aanmelden');
    await page.getByLabel('Postcode').fill('6812 CD');
    await page.getByLabel('Huisnummer').fill('7');
    await page.getByRole('button', { name: 'Volgende' }).click();
    await page.getByLabel('Wat is uw vraag?').fill('Eenzaam');
    await page.locator('#dangerNow').getByLabel('Nee').check();
    await page.locator('#urgent24h').getByLabel('Nee').check();
    await page.getByRole('button', { name: 'Volgende' }).click();
    await page.locator('.kt-slot label', { hasText: '10:30' }).click();
    await page.getByRole('button', { name: 'Volgende' }).click();
    await page.getByLabel('Uw naam').fill('Els Visser');
    await page.getByLabel('E-mailadres').fill('els@example.nl');
    await page.getByLabel('Straat').fill('Rijnkade');
    await page.getByLabel(/Ik geef toestemming/).check();
    await page.getByRole('button', { name: 'Volgende' }).click();
    await page.getByRole('button', { name: 'Afspraak maken' }).click();
    expect(new URL(page.url()).pathname).toBe('/aanmelden/bevestiging');

    // From the confirmation to the manage page.
    await tabTo(page, byText('Afspraak verzetten of afzeggen'));
    await activate(page);
    const manageUrl = new URL(page.url()).pathname;
    expect(manageUrl).toMatch(/^\/afspraak\/[A-Za-z0-9_-]{43}$/);
    expect(await h1(page)).toBe('Uw afspraak');
    let details = (await page.locator('dl.kt-summary').textContent())!.replace(/\s+/g, ' ');
    expect(details).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(details).toContain('Fatima & Jeroen (Wijkteam Centrum)');
    await expectNoAxeViolations(page, 'manage page');

    // Reschedule: first without choosing, then to Wednesday 13:30.
    await tabTo(page, byText('Verzetten'));
    await activate(page);
    expect(new URL(page.url()).pathname).toBe(`${manageUrl}/verzetten`);
    expect(await h1(page)).toBe('Kies een ander moment');
    expect(await page.locator('.kt-slot label').allTextContents()).toEqual(['09:00', '13:30', '15:00']);
    await expectNoAxeViolations(page, 'reschedule page');
    await tabTo(page, byText('Afspraak verzetten'));
    await activate(page);
    await expectSummaryFocused(page);
    expect(await page.locator('#error-summary li').allTextContents()).toEqual(['Kies een dag en tijd.']);
    await expectNoAxeViolations(page, 'reschedule page with errors');
    let f = await tabTo(page, (x) => x.name === 'slot');
    expect(f).toMatchObject({ text: '09:00', checked: false });
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toMatchObject({ text: '13:30', checked: true });
    await expectVisibleFocus(page);
    f = await tabTo(page, (x) => x.name === 'mode');
    expect(f).toMatchObject({ id: 'mode-home', checked: true });
    await tabTo(page, byText('Afspraak verzetten'));
    await activate(page);
    expect(page.url()).toBe(`${h.baseUrl}${manageUrl}?klaar=verzet`);
    expect(await page.locator('[role=status]').textContent()).toBe(
      'Uw afspraak is verzet. We hebben u een bevestiging gestuurd.',
    );
    details = (await page.locator('dl.kt-summary').textContent())!.replace(/\s+/g, ' ');
    expect(details).toContain('woensdag 9 december 2026, 13:30–14:30');
    expect(details).not.toContain('8 december');
    await expectNoAxeViolations(page, 'manage page after rescheduling');
    expect(await appointmentsOf(blockDec8)).toHaveLength(0);
    const moved = await appointmentsOf(blockDec9);
    expect(moved).toHaveLength(1);
    expect(moved[0]!.starts_at.toISOString()).toBe(at('2026-12-09T13:30').toISOString());

    // Cancel: a reason that is too long first (kept, with an error), then a short one.
    await tabTo(page, byText('Afzeggen'));
    await activate(page);
    expect(new URL(page.url()).pathname).toBe(`${manageUrl}/annuleren`);
    expect(await h1(page)).toBe('Afspraak afzeggen');
    expect(await page.locator('main p').first().textContent()).toContain('woensdag 9 december 2026, 13:30–14:30');
    await expectNoAxeViolations(page, 'cancel page');
    await tabTo(page, byId('reason'));
    await page.keyboard.insertText('x'.repeat(1001)); // as pasted
    await tabTo(page, byText('Ja, afspraak afzeggen'));
    await activate(page);
    await expectSummaryFocused(page);
    expect(await page.locator('#error-summary li').allTextContents()).toEqual([
      'Uw reden is te lang. Gebruik maximaal 1000 tekens.',
    ]);
    expect(await page.locator('#reason').inputValue()).toHaveLength(1001);
    await expectNoAxeViolations(page, 'cancel page with errors');
    await tabTo(page, byId('reason'));
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Mijn buurvrouw helpt me al');
    await tabTo(page, byText('Ja, afspraak afzeggen'));
    await activate(page);
    expect(page.url()).toBe(`${h.baseUrl}${manageUrl}?klaar=geannuleerd`);
    expect(await page.locator('[role=status]').textContent()).toBe(
      'Deze afspraak is afgezegd. We hebben u een bevestiging gestuurd.',
    );
    expect(await page.locator('main del').textContent()).toBe('woensdag 9 december 2026, 13:30–14:30');
    await expectNoAxeViolations(page, 'manage page after cancelling');
    const cancelled = await appointmentsOf(blockDec9);
    expect(cancelled[0]).toMatchObject({ status: 'cancelled', cancel_reason: 'Mijn buurvrouw helpt me al' });
  });

  it('switches to English on the first step and stays English on the next step', async () => {
    const { page } = await h.newPage();
    await page.goto('/aanmelden');
    expect(await h1(page)).toBe('Waar woont u?');
    const link = await tabTo(page, byText('English'));
    expect(link.tag).toBe('a');
    await activate(page);
    expect(new URL(page.url()).pathname).toBe('/aanmelden');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await h1(page)).toBe('Where do you live?');
    expect(await page.locator('label[for=postcode]').textContent()).toBe('Postcode');
    expect(await page.locator('label[for=houseNumber]').textContent()).toBe('House number');
    expect(await page.locator('.kt-lang a').textContent()).toBe('Nederlands');
    await expectNoAxeViolations(page, 'step 1 in English');

    await tabTo(page, byId('postcode'));
    await page.keyboard.type('6811 ab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12');
    await activate(page);
    expect(new URL(page.url()).pathname).toBe('/aanmelden/vraag');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await h1(page)).toBe('What do you need help with?');
    expect((await page.locator('.kt-notice').textContent())!.replace(/\s+/g, ' ')).toBe(
      'Postcode 6811 AB belongs to Wijkteam Centrum.',
    );
    expect(await page.locator('#dangerNow legend').textContent()).toBe('Is someone in danger right now?');
    expect(await page.locator('label[for=dangerNow-no]').textContent()).toBe('No');
    await expectNoAxeViolations(page, 'step 2 in English');
    await tabTo(page, byText('Next'));
    await activate(page);
    expect(await page.locator('#error-summary-title').textContent()).toBe('Something went wrong. Please check:');
    await expectNoAxeViolations(page, 'step 2 in English with errors');
  });
});
