// Bytes on the wire for a first and a repeat visit of the start page and the calendar page (the
// booking flow's step 3), measured in Chromium: the sum of encodedDataLength of every response the
// page loads (headers and compressed bodies), from the DevTools protocol.
//   tsx test/bench/page-weight.ts http://127.0.0.1:3000 [postcode]
// needs a running portal whose postcode (default 6811 AB, in the demo data) has free times.
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface PageWeight {
  startFirstKb: number;
  startRepeatKb: number;
  calendarFirstKb: number;
  calendarRepeatKb: number;
}

export interface Visit {
  bytes: number;
  /** Each response: address, bytes on the wire, and whether it came from the browser's cache. */
  responses: { url: string; bytes: number; cached: boolean }[];
}

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

/** Opens url in the page and adds up what came over the network for it. */
export async function visit(page: Page, cdp: CDPSession, url: string): Promise<Visit> {
  const responses = new Map<string, { url: string; bytes: number; cached: boolean }>();
  const onResponse = (e: { requestId: string; response: { url: string; fromDiskCache?: boolean } }) => {
    responses.set(e.requestId, { url: e.response.url, bytes: 0, cached: e.response.fromDiskCache === true });
  };
  const onCached = (e: { requestId: string }) => {
    const r = responses.get(e.requestId);
    if (r) r.cached = true;
  };
  const onFinished = (e: { requestId: string; encodedDataLength: number }) => {
    const r = responses.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  };
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.requestServedFromCache', onCached);
  cdp.on('Network.loadingFinished', onFinished);
  try {
    await page.goto(url, { waitUntil: 'load' });
    // Let the last loadingFinished events arrive.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
  } finally {
    cdp.off('Network.responseReceived', onResponse);
    cdp.off('Network.requestServedFromCache', onCached);
    cdp.off('Network.loadingFinished', onFinished);
  }
  const list = [...responses.values()].map((r) => (r.cached ? { ...r, bytes: 0 } : r));
  return { bytes: list.reduce((s, r) => s + r.bytes, 0), responses: list };
}

/** Steps 1 and 2 of the booking flow, as a resident fills them in, to reach the calendar page. */
export async function walkToCalendar(page: Page, base: string, postcode: string): Promise<string> {
  await page.goto(`${base}/aanmelden`);
  await page.getByLabel('Postcode').fill(postcode);
  await page.getByLabel('Huisnummer').fill('12');
  await page.getByRole('button', { name: 'Volgende' }).click();
  await page.getByLabel('Wat is uw vraag?').fill('Ik heb schulden en de brieven stapelen zich op.');
  await page.locator('#dangerNow').getByLabel('Nee').check();
  await page.locator('#urgent24h').getByLabel('Nee').check();
  await page.getByRole('button', { name: 'Volgende' }).click();
  await page.waitForURL(/\/aanmelden\/moment$/);
  return page.url();
}

export interface Visits {
  startFirst: Visit;
  startRepeat: Visit;
  calendarFirst: Visit;
  calendarRepeat: Visit;
  /** Free times on the calendar page (a check that it was the real page). */
  calendarSlots: number;
}

/** First (empty cache) and repeat visits of both pages, in a fresh browser context. */
export async function measureVisits(browser: Browser, base: string, postcode = '6811 AB'): Promise<Visits> {
  const context = await browser.newContext({ locale: 'nl-NL' });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.clearBrowserCache');
    const startFirst = await visit(page, cdp, `${base}/`);
    const startRepeat = await visit(page, cdp, `${base}/`);
    const calendar = await walkToCalendar(page, base, postcode);
    await cdp.send('Network.clearBrowserCache');
    const calendarFirst = await visit(page, cdp, calendar);
    const calendarRepeat = await visit(page, cdp, calendar);
    const calendarSlots = await page.locator('input[name=slot]').count();
    return { startFirst, startRepeat, calendarFirst, calendarRepeat, calendarSlots };
  } finally {
    await context.close();
  }
}

/** The figures for the bench, in kB (1024 bytes) transferred. */
export async function pageWeight(base: string, postcode?: string): Promise<PageWeight> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const v = await measureVisits(browser, base, postcode);
    return {
      startFirstKb: kb(v.startFirst.bytes),
      startRepeatKb: kb(v.startRepeat.bytes),
      calendarFirstKb: kb(v.calendarFirst.bytes),
      calendarRepeatKb: kb(v.calendarRepeat.bytes),
    };
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const base = process.argv[2] ?? 'http://127.0.0.1:3000';
  console.log(JSON.stringify(await pageWeight(base, process.argv[3]), null, 2));
}
