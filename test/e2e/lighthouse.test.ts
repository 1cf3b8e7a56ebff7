// Lighthouse (mobile profile: a mid-range phone on a slow 4G line, simulated) on the start page,
// the calendar page and the confirmation after a booking: performance at least 95, accessibility
// 100. Chromium is the one browser tests use; under CI a missing Chromium fails (browser.ts).
// Clock-free: scores of pages on a fixed portal clock; no date logic is checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import lighthouse from 'lighthouse';
import { chromium, type Browser } from 'playwright-core';
import { browserAvailable, CHROMIUM, startHarness, type BrowserHarness } from './browser.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { walkToCalendar } from '../bench/page-weight.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Scores {
  performance: number;
  accessibility: number;
  failed: string[];
  /** The page Lighthouse ended on (not a redirect to the flow's first step). */
  path: string;
}

describe.skipIf(!browserAvailable)('Lighthouse, mobile', () => {
  let h: BrowserHarness;
  let browser: Browser;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const db = h.t.app.db;
    const team = await makeTeam(db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    const coachIds = [(await makeStaff(db, team.id)).id, (await makeStaff(db, team.id)).id];
    for (const day of ['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-08'])
      await makeBlock(db, { teamId: team.id, start: at(`${day}T09:00`), end: at(`${day}T16:30`), coachIds });
    port = await freePort();
    // Lighthouse drives this browser over its debugging port.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [`--remote-debugging-port=${port}`, '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function audit(url: string, cookie?: string): Promise<Scores> {
    const result = await lighthouse(url, {
      port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility'],
      // The confirmation belongs to the session that booked; storage is kept, the cookie sent.
      ...(cookie ? { extraHeaders: { Cookie: cookie }, disableStorageReset: true } : {}),
    });
    const lhr = result!.lhr;
    const failed = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
      .map((a) => `${a.id}: ${a.title}`);
    const scores = {
      performance: lhr.categories.performance!.score ?? 0,
      accessibility: lhr.categories.accessibility!.score ?? 0,
      failed,
      path: new URL(lhr.finalDisplayedUrl).pathname,
    };
    console.log(
      `Lighthouse ${new URL(url).pathname}: performance ${Math.round(scores.performance * 100)}, ` +
        `accessibility ${Math.round(scores.accessibility * 100)}` +
        ` (FCP ${lhr.audits['first-contentful-paint']?.displayValue}, LCP ${lhr.audits['largest-contentful-paint']?.displayValue}, TBT ${lhr.audits['total-blocking-time']?.displayValue}, CLS ${lhr.audits['cumulative-layout-shift']?.displayValue})`,
    );
    return scores;
  }

  /**
   * Accessibility must be 100 on every run. Lighthouse's performance score varies with what else
   * the machine is doing (its simulated phone is 4 times slower than this CPU, busy or not), so as
   * its documentation advises, a run below 95 is repeated twice and the median of the three counts.
   */
  async function expectGood(url: string, path: string, cookie?: string) {
    const runs = [await audit(url, cookie)];
    if (runs[0]!.performance < 0.95) runs.push(await audit(url, cookie), await audit(url, cookie));
    for (const s of runs) {
      expect(s.path).toBe(path);
      expect(s.accessibility, s.failed.join('\n')).toBe(1);
    }
    const median = runs.map((s) => s.performance).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    expect(median, runs[0]!.failed.join('\n')).toBeGreaterThanOrEqual(0.95);
  }

  it('scores the start page', async () => {
    await expectGood(`${h.baseUrl}/`, '/');
  }, 180_000);

  it('scores the calendar page and the confirmation after a booking', async () => {
    const { page, context } = await h.newPage();
    const calendar = await walkToCalendar(page, h.baseUrl, '6811 AB');
    expect(await page.locator('input[name=slot]').count()).toBeGreaterThan(10);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await expectGood(calendar, '/aanmelden/moment', cookie);

    await page.locator('.kt-slot label').first().click();
    await page.getByRole('button', { name: 'Volgende' }).click();
    await page.getByLabel('Uw naam').fill('Els Visser');
    await page.getByLabel('E-mailadres').fill('els@example.nl');
    await page.getByLabel('Straat').fill('Rijnkade');
    await page.getByLabel(/Ik geef toestemming/).check();
    await page.getByRole('button', { name: 'Volgende' }).click();
    await page.getByRole('button', { name: 'Afspraak maken' }).click();
    await page.waitForURL(/\/aanmelden\/bevestiging$/);
    expect(await page.locator('h1').textContent()).toBe('Uw afspraak staat');
    const booked = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    await expectGood(page.url(), '/aanmelden/bevestiging', booked);
  }, 360_000);
});
