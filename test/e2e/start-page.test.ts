import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, browserAvailable, describeViolations, startHarness, type BrowserHarness } from './browser.js';

describe.skipIf(!browserAvailable)('start page in Chromium', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('loads with zero axe-core violations (WCAG 2.1 AA), in Dutch and English', async () => {
    const { page } = await h.newPage();
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Hulp van het wijkteam');
    const nl = await axeViolations(page);
    expect(nl, describeViolations(nl)).toEqual([]);
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Help from the neighbourhood team');
    const en = await axeViolations(page);
    expect(en, describeViolations(en)).toEqual([]);
  });

  it('starts with a skip link that moves focus to the content', async () => {
    const { page } = await h.newPage();
    await page.goto('/');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    expect(focused).toBe('Naar de inhoud');
    await page.keyboard.press('Enter');
    expect(page.url()).toMatch(/#main$/);
  });

  it('uses the stylesheets (NL Design System CSS loads)', async () => {
    const { page } = await h.newPage();
    await page.goto('/');
    const loaded = await page.evaluate(() =>
      Array.from(document.styleSheets).map((s) => s.href?.replace(location.origin, '')),
    );
    expect(loaded).toEqual([
      expect.stringMatching(/^\/static\/nlds\.\w{12}\.css$/),
      expect.stringMatching(/^\/static\/css\/app\.\w{12}\.css$/),
    ]);
    const family = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    expect(family.length).toBeGreaterThan(0);
  });
});
