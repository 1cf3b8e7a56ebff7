// The privacy statement in Chromium: zero axe-core violations (WCAG 2.1 AA) in Dutch and English,
// headings in order, reached from the start page's footer with the keyboard only, readable
// without JavaScript, and no sideways scrolling on a 320 px wide screen (WCAG 1.4.10) or a
// 640 px wide one (a 1280 px window zoomed to 200%). And the link the statement gives for
// withdrawing consent: the manage page's consent section, withdrawn with the keyboard only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { Client, TEST_NOW } from '../helpers/app.js';
import { issueManageLink } from '../../src/core/managed-appointment.js';
import { makeWorld, referAndBook } from '../referral/world.js';

async function h1(page: Page): Promise<string> {
  return ((await page.locator('h1').textContent()) ?? '').trim();
}

describe.skipIf(!browserAvailable)('privacy statement in Chromium', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness({ now: () => TEST_NOW });
  });
  afterAll(async () => h?.close());

  it('has one h1, headings in order and zero axe violations, in Dutch and English', async () => {
    const { page } = await h.newPage();
    const res = await page.goto('/privacy');
    expect(res?.status()).toBe(200);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await h1(page)).toBe('Privacyverklaring');
    const levels = await page
      .locator('main :is(h1, h2, h3, h4, h5, h6)')
      .evaluateAll((hs) => hs.map((x) => Number(x.tagName.slice(1))));
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
    const nl = await axeViolations(page);
    expect(nl, describeViolations(nl)).toEqual([]);

    await page.getByRole('link', { name: 'English' }).click();
    expect(await h1(page)).toBe('Privacy statement');
    expect(await page.getByRole('heading', { name: 'Figures for the municipal council' }).count()).toBe(1);
    const en = await axeViolations(page);
    expect(en, describeViolations(en)).toEqual([]);
  });

  it('is reached from the start page footer with the keyboard only, and leads back to the start', async () => {
    const { page } = await h.newPage();
    await page.goto('/');
    const seen: string[] = [];
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement as HTMLAnchorElement | null;
        return { href: el?.getAttribute('href') ?? '', text: el?.textContent?.trim() ?? '' };
      });
      seen.push(f.text);
      reached = f.href === '/privacy';
      if (reached) expect(f.text).toBe('Privacyverklaring');
    }
    expect(reached, `focus went: ${seen.join(' → ')}`).toBe(true);
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe('/privacy');
    expect(await h1(page)).toBe('Privacyverklaring');
    await page.getByRole('link', { name: 'Naar de startpagina' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('reads the same without JavaScript, with the FG to mail and call', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await page.goto('/');
    await page.getByRole('link', { name: 'Privacyverklaring' }).click();
    expect(new URL(page.url()).pathname).toBe('/privacy');
    expect(await h1(page)).toBe('Privacyverklaring');
    const main = page.locator('main');
    expect(await main.getByRole('link', { name: 'fg@gemeente.example.nl' }).count()).toBe(1);
    expect(await main.getByRole('link', { name: '14 026' }).count()).toBe(1);
  });

  for (const width of [320, 640]) {
    it(`fits a ${width} px wide screen without sideways scrolling, in Dutch and English`, async () => {
      const { page } = await h.newPage();
      await page.setViewportSize({ width, height: 720 });
      for (const url of ['/privacy', '/privacy?lang=en']) {
        await page.goto(url);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(scrollWidth, `${url} is wider than the ${width} px screen`).toBeLessThanOrEqual(width);
      }
    });
  }

  it('lets a resident withdraw consent on the manage page with the keyboard, with zero axe violations', async () => {
    const app = h.t.app;
    const w = await makeWorld(app);
    const booked = await referAndBook(new Client(app), w.slot('09:00'));
    expect(booked.headers.location).toBe('/verwijzen/bevestiging');
    const appt = await app.db.selectFrom('appointment').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const token = await app.db.transaction().execute((trx) => issueManageLink(trx, appt.id, TEST_NOW));

    const { page } = await h.newPage();
    await page.goto(`/afspraak/${token}`);
    expect(await page.getByRole('heading', { name: 'Wat hoort de verwijzer?' }).count()).toBe(1);
    const before = await axeViolations(page);
    expect(before, describeViolations(before)).toEqual([]);
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Toestemming intrekken');
    }
    expect(reached).toBe(true);
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).search).toBe('?klaar=toestemming');
    expect(await page.getByRole('status').first().textContent()).toContain('Uw toestemming is ingetrokken.');
    const after = await axeViolations(page);
    expect(after, describeViolations(after)).toEqual([]);
    const row = await app.db
      .selectFrom('request')
      .select('consent_feedback')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.consent_feedback).toBe(false);
  });
});
