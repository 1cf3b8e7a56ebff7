// Light pages: what a first and a repeat visit of the start page and the calendar page cost on the
// wire in Chromium (headers and compressed bodies, from the DevTools protocol), against budgets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { browserAvailable, startHarness, type BrowserHarness } from './browser.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { measureVisits, type Visit } from '../bench/page-weight.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

const FIRST_VISIT_BUDGET = 60 * 1024;
const REPEAT_VISIT_BUDGET = 10 * 1024;

const show = (v: Visit) =>
  `${(v.bytes / 1024).toFixed(1)} kB (${v.responses
    .map((r) => `${new URL(r.url).pathname} ${r.cached ? 'cache' : `${r.bytes} B`}`)
    .join(', ')})`;

describe.skipIf(!browserAvailable)('page weight in Chromium', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startHarness({ now: () => NOW });
    const db = h.t.app.db;
    const team = await makeTeam(db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    const coachIds = [(await makeStaff(db, team.id)).id, (await makeStaff(db, team.id)).id];
    // Two weeks of mornings and afternoons: a full calendar page.
    for (let day = 0; day < 14; day++) {
      const date = DateTime.fromJSDate(NOW)
        .setZone('Europe/Amsterdam')
        .plus({ days: day + 1 });
      if (date.weekday > 5) continue;
      for (const [from, to] of [
        ['09:00', '12:00'],
        ['13:00', '16:30'],
      ] as const) {
        const d = date.toISODate();
        await makeBlock(db, { teamId: team.id, start: at(`${d}T${from}`), end: at(`${d}T${to}`), coachIds });
      }
    }
  });
  afterAll(async () => h?.close());

  it('stays within 60 kB for a first visit and 10 kB for a repeat visit, start page and calendar', async () => {
    const v = await measureVisits(h.browser, h.baseUrl, '6811 AB');
    console.log(
      [
        `start page, first visit:    ${show(v.startFirst)}`,
        `start page, repeat visit:   ${show(v.startRepeat)}`,
        `calendar page, first visit: ${show(v.calendarFirst)}`,
        `calendar page, repeat visit: ${show(v.calendarRepeat)}`,
      ].join('\n'),
    );
    // The measurement sees the page and both stylesheets, and the repeat visit takes them from the cache.
    for (const first of [v.startFirst, v.calendarFirst]) {
      expect(first.responses.filter((r) => r.url.includes('/static/') && r.bytes > 0)).toHaveLength(2);
    }
    for (const repeat of [v.startRepeat, v.calendarRepeat]) {
      expect(repeat.responses.some((r) => r.url.includes('/static/') && r.bytes > 0)).toBe(false);
      expect(repeat.bytes).toBeGreaterThan(500);
    }
    expect(v.calendarSlots).toBeGreaterThan(30);
    const calendarHtml = v.calendarFirst.responses.find((r) => r.url.endsWith('/aanmelden/moment'));
    expect(calendarHtml?.bytes).toBeGreaterThan(0);
    expect(v.startFirst.bytes).toBeLessThanOrEqual(FIRST_VISIT_BUDGET);
    expect(v.calendarFirst.bytes).toBeLessThanOrEqual(FIRST_VISIT_BUDGET);
    expect(v.startRepeat.bytes).toBeLessThanOrEqual(REPEAT_VISIT_BUDGET);
    expect(v.calendarRepeat.bytes).toBeLessThanOrEqual(REPEAT_VISIT_BUDGET);
  });
});
