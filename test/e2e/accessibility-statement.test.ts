// The accessibility statement in Chromium: zero axe-core violations (WCAG 2.1 AA) in Dutch and
// English, reached from the start page's footer with the keyboard only, readable without
// JavaScript, and the claim it makes about small screens: the start page, the first step of the
// sign-up and the statement itself fit a 320 px wide screen (WCAG 1.4.10) and a 640 px wide one
// (a 1280 px window zoomed to 200%) without sideways scrolling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';
import { TEST_NOW } from '../helpers/app.js';

async function h1(page: Page): Promise<string> {
  // The long Dutch word carries a soft hyphen, so it can break on a small screen.
  return ((await page.locator('h1').textContent()) ?? '').replace(/\u00AD/g, '').trim();
}

describe.skipIf(!browserAvailable)('accessibility statement in Chromium', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness({ now: () => TEST_NOW });
  });
  afterAll(async () => h?.close());

  it('has one h1, headings in order and zero axe violations, in Dutch and English', async () => {
    const { page } = await h.newPage();
    const res = await page.goto('/toegankelijkheid');
    expect(res?.status()).toBe(200);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await h1(page)).toBe('Toegankelijkheidsverklaring');
    const levels = await page
      .locator('main :is(h1, h2, h3, h4, h5, h6)')
      .evaluateAll((hs) => hs.map((x) => Number(x.tagName.slice(1))));
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
    const nl = await axeViolations(page);
    expect(nl, describeViolations(nl)).toEqual([]);

    await page.getByRole('link', { name: 'English' }).click();
    expect(await h1(page)).toBe('Accessibility statement');
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
      reached = f.href === '/toegankelijkheid';
      if (reached) expect(f.text).toBe('Toegankelijkheid');
    }
    expect(reached, `focus went: ${seen.join(' → ')}`).toBe(true);
    await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe('/toegankelijkheid');
    expect(await h1(page)).toBe('Toegankelijkheidsverklaring');
    await page.getByRole('link', { name: 'Naar de startpagina' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('reads the same without JavaScript', async () => {
    const { page } = await h.newPage({ javaScriptEnabled: false });
    await page.goto('/');
    await page.getByRole('link', { name: 'Toegankelijkheid' }).click();
    expect(new URL(page.url()).pathname).toBe('/toegankelijkheid');
    expect(await h1(page)).toBe('Toegankelijkheidsverklaring');
    expect(await page.locator('main').getByRole('link', { name: '14 026' }).count()).toBe(1);
  });

  for (const width of [320, 640]) {
    it(`fits a ${width} px wide screen without sideways scrolling: start page, first step, statement`, async () => {
      const { page } = await h.newPage();
      await page.setViewportSize({ width, height: 720 });
      for (const url of ['/', '/aanmelden', '/toegankelijkheid']) {
        await page.goto(url);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(scrollWidth, `${url} is wider than the ${width} px screen`).toBeLessThanOrEqual(width);
      }
    });
  }
});
