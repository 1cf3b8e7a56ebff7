// Counting calendar and working days for the figures by local date in Amsterdam: across the two
// clock changes, around public holidays, against a slow day-by-day reference, and fast enough for
// years of sign-ups.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { countDays, isPublicHoliday } from '../../src/domain/figures.js';
import { dayNumberToIso, localDayNumber } from '../../src/domain/figures-days.js';

const ZONE = 'Europe/Amsterdam';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const calendar = (a: string, b: string) => countDays(at(a), at(b), 'calendar');
const working = (a: string, b: string) => countDays(at(a), at(b), 'working');

describe('public holidays', () => {
  it('are the general Dutch days off, with Easter computed per year', () => {
    const y2026 = ['2026-01-01', '2026-04-06', '2026-04-27', '2026-05-14', '2026-05-25', '2026-12-25', '2026-12-26'];
    for (const d of y2026) expect(isPublicHoliday(d), d).toBe(true);
    // Goede Vrijdag, Eerste Paasdag/Pinksterdag (Sundays, not in the list), an ordinary day.
    for (const d of ['2026-04-03', '2026-04-05', '2026-05-24', '2026-06-02']) expect(isPublicHoliday(d), d).toBe(false);
    // 2027: Easter on 28 March, so Tweede Paasdag 29 March, Hemelvaart 6 May, Tweede Pinksterdag 17 May.
    for (const d of ['2027-03-29', '2027-05-06', '2027-05-17', '2027-04-27']) expect(isPublicHoliday(d), d).toBe(true);
  });

  it('move Koningsdag to the 26th when the 27th is a Sunday', () => {
    expect(isPublicHoliday('2025-04-26')).toBe(true);
    expect(isPublicHoliday('2025-04-27')).toBe(false);
    expect(isPublicHoliday('2031-04-26')).toBe(true);
    expect(isPublicHoliday('2031-04-27')).toBe(false);
  });

  it('hold Bevrijdingsdag only in lustrum years', () => {
    expect(isPublicHoliday('2025-05-05')).toBe(true);
    expect(isPublicHoliday('2030-05-05')).toBe(true);
    expect(isPublicHoliday('2026-05-05')).toBe(false);
    expect(working('2025-05-02T10:00', '2025-05-06T10:00')).toBe(1); // Fri → Tue, Mon 5 May off
    expect(working('2026-05-04T10:00', '2026-05-05T10:00')).toBe(1); // a working day in 2026
  });
});

describe('countDays', () => {
  it('counts the same local day as 0 and never goes below 0', () => {
    expect(calendar('2026-06-01T00:00', '2026-06-01T23:59')).toBe(0);
    expect(working('2026-06-01T00:00', '2026-06-01T23:59')).toBe(0);
    expect(calendar('2026-06-03T10:00', '2026-06-01T10:00')).toBe(0);
    expect(working('2026-06-03T10:00', '2026-06-01T10:00')).toBe(0);
  });

  it('counts by local date across the end of summer time (25 October 2026)', () => {
    // Friday 23 October to Monday 2 November: 10 dates; working days Mon 26–Fri 30 and Mon 2.
    expect(calendar('2026-10-23T10:00', '2026-11-02T10:00')).toBe(10);
    expect(working('2026-10-23T10:00', '2026-11-02T10:00')).toBe(6);
    // Late and early in the day: 02 Nov 00:30 local is still 1 November in UTC.
    expect(calendar('2026-10-23T23:30', '2026-11-02T00:30')).toBe(10);
    expect(working('2026-10-23T23:30', '2026-11-02T00:30')).toBe(6);
    // The night the clocks go back, both 02:30s.
    expect(calendar('2026-10-24T23:59', '2026-10-25T02:30')).toBe(1);
    expect(countDays(new Date('2026-10-25T00:30:00Z'), new Date('2026-10-25T01:30:00Z'), 'calendar')).toBe(0);
  });

  it('counts by local date across the start of summer time (29 March 2026)', () => {
    expect(calendar('2026-03-27T23:30', '2026-03-30T00:15')).toBe(3);
    expect(working('2026-03-27T23:30', '2026-03-30T00:15')).toBe(1);
    expect(calendar('2026-03-28T12:00', '2026-03-29T12:00')).toBe(1); // 23 hours, one date
    expect(calendar('2026-03-23T09:00', '2026-04-02T09:00')).toBe(10);
    expect(working('2026-03-23T09:00', '2026-04-02T09:00')).toBe(8);
  });

  it('leaves out public holidays that fall on a weekday', () => {
    // Christmas 2026: Fri 25 off, Sat 26 is a weekend day anyway.
    expect(working('2026-12-23T10:00', '2026-12-28T10:00')).toBe(2); // Thu 24, Mon 28
    expect(calendar('2026-12-23T10:00', '2026-12-28T10:00')).toBe(5);
    // Koningsdag on Saturday 26 April 2025 takes no working day.
    expect(working('2025-04-25T10:00', '2025-04-28T10:00')).toBe(1);
    // Hemelvaart Thursday 14 May 2026.
    expect(working('2026-05-13T10:00', '2026-05-15T10:00')).toBe(1);
    // Goede Vrijdag counts, Tweede Paasdag does not: Fri 3, Tue 7 April 2026.
    expect(working('2026-04-02T10:00', '2026-04-07T10:00')).toBe(2);
    // Across the new year: Thu 1 January 2026 off.
    expect(working('2025-12-31T10:00', '2026-01-02T10:00')).toBe(1);
    // A holiday on the start date itself does not matter: only days after it count.
    expect(working('2026-12-25T10:00', '2026-12-29T10:00')).toBe(2);
  });

  it('agrees with a slow day-by-day count over 2026 and 2027', () => {
    // Independent reference: luxon walks the dates one by one; the holidays are written out.
    const holidays = new Set([
      '2026-01-01', '2026-04-06', '2026-04-27', '2026-05-14', '2026-05-25', '2026-12-25', '2026-12-26',
      '2027-01-01', '2027-03-29', '2027-04-27', '2027-05-06', '2027-05-17', '2027-12-25', '2027-12-26',
    ]); // prettier-ignore
    const dates: { early: Date; late: Date; working: boolean }[] = [];
    for (let d = DateTime.fromISO('2026-01-01', { zone: ZONE }); d.year < 2028; d = d.plus({ days: 1 })) {
      dates.push({
        early: d.set({ hour: 0, minute: 30 }).toJSDate(),
        late: d.set({ hour: 23, minute: 30 }).toJSDate(),
        working: d.weekday <= 5 && !holidays.has(d.toISODate()!),
      });
    }
    let checked = 0;
    for (let i = 0; i < dates.length; i += 1) {
      for (let j = i; j < dates.length; j += 1 + ((i * 7 + j) % 5)) {
        let expected = 0;
        for (let k = i + 1; k <= j; k += 1) if (dates[k]!.working) expected += 1;
        const start = i % 2 ? dates[i]!.late : dates[i]!.early;
        const end = j % 2 ? dates[j]!.early : dates[j]!.late;
        expect(countDays(start, end, 'calendar')).toBe(j - i);
        expect(countDays(start, end, 'working')).toBe(expected);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(80_000);
  });

  it('finds the local date of any instant, also in the hour the clocks change', () => {
    const cases: [string, string][] = [
      ['2026-03-29T00:59:59Z', '2026-03-29'],
      ['2026-03-28T22:59:59Z', '2026-03-28'],
      ['2026-03-28T23:00:00Z', '2026-03-29'],
      ['2026-10-24T21:59:59Z', '2026-10-24'],
      ['2026-10-24T22:00:00Z', '2026-10-25'],
      ['2026-10-25T22:59:59Z', '2026-10-25'],
      ['2026-10-25T23:00:00Z', '2026-10-26'],
    ];
    for (const [instant, date] of cases) expect(dayNumberToIso(localDayNumber(new Date(instant))), instant).toBe(date);
    // Instants every 26 hours and 40 minutes from 1990 to 2090, against luxon.
    for (let ms = Date.parse('1990-01-01T00:00:00Z'); ms < Date.parse('2090-01-01T00:00:00Z'); ms += 96_000_000) {
      const d = new Date(ms);
      expect(dayNumberToIso(localDayNumber(d))).toBe(DateTime.fromJSDate(d, { zone: ZONE }).toISODate());
    }
  });

  it('counts 100,000 pairs over five years (the time is printed)', () => {
    const from = Date.parse('2022-01-01T00:00:00Z');
    const span = 5 * 365 * 86_400_000;
    const pairs: [Date, Date][] = [];
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let i = 0; i < 100_000; i += 1) {
      const a = from + Math.floor(next() * span);
      pairs.push([new Date(a), new Date(a + Math.floor(next() * 60 * 86_400_000))]);
    }
    // Warm up (JIT, the per-day offsets), then measure.
    for (const [a, b] of pairs) countDays(a, b, 'working');
    const t0 = performance.now();
    let sum = 0;
    for (let i = 0; i < pairs.length; i += 1)
      sum += countDays(pairs[i]![0], pairs[i]![1], i % 2 ? 'working' : 'calendar');
    const ms = performance.now() - t0;
    expect(sum).toBeGreaterThan(0);
    // Printed, not asserted: timing belongs to the bench (test/bench), the machines are noisy.
    console.info(`countDays: 100,000 calls in ${ms.toFixed(1)} ms`);
  });
});
