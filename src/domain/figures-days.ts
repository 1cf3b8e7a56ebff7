// Counting days between two instants for the figures: calendar days and working days, by LOCAL
// date in Europe/Amsterdam, so a week across a clock change is still 7 days. Fast enough for the
// figures of years of sign-ups: an instant becomes a local day number (days since 1970-01-01)
// through a table of offsets per UTC day, and working days are a difference of two lookups in a
// table of working days counted once per year.
import { local } from './time.js';

const DAY_MS = 86_400_000;
/** Shifts day numbers far above zero so modulo arithmetic never sees a negative number. */
const SHIFT_WEEKS = 100_000;

/**
 * The Amsterdam offset in minutes per UTC day number, from `offsetsFrom` on, filled a block of
 * days at a time when first asked (UNKNOWN before that). A day the clocks change holds CHANGES and
 * its change is kept in `changes`. Assumes at most one change in BLOCK days, as in every zone that
 * changes twice a year.
 */
const UNKNOWN = 1e9;
const CHANGES = -1e9;
const BLOCK = 32;
let offsetsFrom = 0;
let offsets = new Float64Array(0);
const changes = new Map<number, { at: number; before: number; after: number }>();

const offsetAt = (ms: number) => local(new Date(ms)).offset;

function grow(utcDay: number): void {
  const from = Math.min(offsets.length ? offsetsFrom : utcDay, utcDay) - BLOCK * 12;
  const to = Math.max(offsetsFrom + offsets.length, utcDay) + BLOCK * 12;
  const start = from - (((from % BLOCK) + BLOCK) % BLOCK);
  const grown = new Float64Array(to - start + BLOCK - ((to - start) % BLOCK)).fill(UNKNOWN);
  if (offsets.length) grown.set(offsets, offsetsFrom - start);
  offsets = grown;
  offsetsFrom = start;
}

/** The first millisecond in [lo, hi] with offset `after` (the offset at lo differs). */
function changeIn(lo: number, hi: number, after: number): number {
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid) === after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Fills the block of BLOCK days that holds index `i` of `offsets`. */
function fillBlock(i: number): void {
  const first = i - (i % BLOCK);
  const startMs = (offsetsFrom + first) * DAY_MS;
  const before = offsetAt(startMs);
  const after = offsetAt(startMs + BLOCK * DAY_MS - 1);
  offsets.fill(before, first, first + BLOCK);
  if (before === after) return;
  const at = changeIn(startMs, startMs + BLOCK * DAY_MS - 1, after);
  const day = Math.floor(at / DAY_MS) - offsetsFrom;
  offsets.fill(after, day + 1, first + BLOCK);
  offsets[day] = CHANGES;
  changes.set(day + offsetsFrom, { at, before, after });
}

function offsetMinutes(ms: number): number {
  const utcDay = Math.floor(ms / DAY_MS);
  if (utcDay < offsetsFrom || utcDay >= offsetsFrom + offsets.length) grow(utcDay);
  const i = utcDay - offsetsFrom;
  if (offsets[i] === UNKNOWN) fillBlock(i);
  const off = offsets[i]!;
  if (off !== CHANGES) return off;
  const change = changes.get(utcDay)!;
  return ms < change.at ? change.before : change.after;
}

/** The local (Amsterdam) date of an instant as a day number: days since 1970-01-01. */
export function localDayNumber(d: Date): number {
  const ms = d.getTime();
  return Math.floor((ms + offsetMinutes(ms) * 60_000) / DAY_MS);
}

/**
 * The instant `months` calendar months after `d` at the same local time, as milliseconds; the day
 * is kept, or the last day of a shorter month (31 August + 6 months = 28 or 29 February), like
 * luxon's plus({ months }), without making a luxon object.
 */
export function plusLocalMonths(d: Date, months: number): number {
  const ms = d.getTime();
  const offset = offsetMinutes(ms);
  const wall = ms + offset * 60_000;
  const date = new Date(wall);
  const month = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(month / 12);
  const m = ((month % 12) + 12) % 12;
  const day = Math.min(date.getUTCDate(), new Date(Date.UTC(year, m + 1, 0)).getUTCDate());
  const target = Date.UTC(year, m, day) + (((wall % DAY_MS) + DAY_MS) % DAY_MS);
  // From a local time to an instant as luxon does it: start from the offset of `d`.
  let instant = target - offset * 60_000;
  const o2 = offsetMinutes(instant);
  if (o2 === offset) return instant;
  instant -= (o2 - offset) * 60_000;
  const o3 = offsetMinutes(instant);
  return o2 === o3 ? instant : target - Math.min(o2, o3) * 60_000;
}

/** A day number as an ISO date, 'YYYY-MM-DD'. */
export function dayNumberToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** An ISO date 'YYYY-MM-DD' as a day number. */
export function isoToDayNumber(iso: string): number {
  return Math.floor(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS);
}

/** Day of the week of a day number: 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return ((day + 3 + SHIFT_WEEKS * 7) % 7) + 1;
}

/** Easter Sunday of a year (anonymous Gregorian algorithm, Meeus/Jones/Butcher) as a day number. */
export function easterDay(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const dayOfMonth = ((h + l - 7 * m + 114) % 31) + 1;
  return Math.floor(Date.UTC(year, month - 1, dayOfMonth) / DAY_MS);
}

const holidaysByYear = new Map<number, number[]>();

/**
 * The Dutch public holidays of a year as day numbers: Nieuwjaarsdag, Tweede Paasdag, Koningsdag
 * (27 April, 26 April when the 27th is a Sunday), Bevrijdingsdag (5 May, only in lustrum years:
 * year % 5 === 0), Hemelvaartsdag, Tweede Pinksterdag, Eerste and Tweede Kerstdag. Goede Vrijdag is
 * not a general day off, so it is not in the list.
 */
export function publicHolidays(year: number): number[] {
  let days = holidaysByYear.get(year);
  if (!days) {
    const date = (month: number, d: number) => Math.floor(Date.UTC(year, month - 1, d) / DAY_MS);
    const easter = easterDay(year);
    const kingsDay = weekdayOf(date(4, 27)) === 7 ? date(4, 26) : date(4, 27);
    days = [date(1, 1), easter + 1, kingsDay, easter + 39, easter + 50, date(12, 25), date(12, 26)];
    if (year % 5 === 0) days.push(date(5, 5));
    days.sort((x, y) => x - y);
    holidaysByYear.set(year, days);
  }
  return days;
}

/** Whether an ISO date ('2026-12-25') is a Dutch public holiday (see publicHolidays). */
export function isPublicHoliday(isoDate: string): boolean {
  return publicHolidays(Number(isoDate.slice(0, 4))).includes(isoToDayNumber(isoDate));
}

const yearOf = (day: number) => new Date(day * DAY_MS).getUTCFullYear();
const firstOfYear = (year: number) => Math.floor(Date.UTC(year, 0, 1) / DAY_MS);

/**
 * Working days before each day number, from `workingFrom` on (whole years), built when first asked
 * and grown when a day outside it is asked: a count is then two lookups.
 */
let workingFrom = 0;
let workingBefore = new Int32Array(0);

function buildWorkingDays(fromYear: number, toYear: number): void {
  workingFrom = firstOfYear(fromYear);
  const to = firstOfYear(toYear + 1);
  const off = new Uint8Array(to - workingFrom);
  for (let year = fromYear; year <= toYear; year += 1) {
    for (const h of publicHolidays(year)) off[h - workingFrom] = 1;
  }
  workingBefore = new Int32Array(to - workingFrom + 1);
  for (let i = 0; i < off.length; i += 1) {
    const isWorking = weekdayOf(workingFrom + i) <= 5 && !off[i];
    workingBefore[i + 1] = workingBefore[i]! + (isWorking ? 1 : 0);
  }
}

function workingDaysBefore(day: number): number {
  let i = day - workingFrom;
  if (i < 0 || i >= workingBefore.length) {
    const years = workingBefore.length ? [yearOf(workingFrom), yearOf(workingFrom + workingBefore.length - 2)] : [];
    buildWorkingDays(Math.min(...years, yearOf(day) - 1), Math.max(...years, yearOf(day) + 1));
    i = day - workingFrom;
  }
  return workingBefore[i]!;
}

/** Working days (Monday to Friday, no public holiday) after day `a`, up to and including day `b`. */
export function workingDaysBetween(a: number, b: number): number {
  if (b <= a) return 0;
  return workingDaysBefore(b + 1) - workingDaysBefore(a + 1);
}

/**
 * Days from `start` to `end`, by local date in Amsterdam (never by counting 24-hour periods):
 * - 'calendar': the number of dates from the start's date to the end's date (the same day is 0);
 * - 'working': the Mondays to Fridays after the start's date up to and including the end's date,
 *   without public holidays (see publicHolidays).
 * Never negative: an end before the start counts 0.
 */
export function countDays(start: Date, end: Date, days: 'calendar' | 'working'): number {
  const a = localDayNumber(start);
  const b = localDayNumber(end);
  if (b <= a) return 0;
  return days === 'calendar' ? b - a : workingDaysBetween(a, b);
}
