// All calendar math happens in Europe/Amsterdam with luxon; the database stores instants.
import { DateTime } from 'luxon';

export const ZONE = 'Europe/Amsterdam';

export function local(d: Date | string): DateTime {
  const dt = typeof d === 'string' ? DateTime.fromISO(d, { zone: ZONE }) : DateTime.fromJSDate(d, { zone: ZONE });
  return dt.setZone(ZONE);
}

/** A local date ('2026-12-08') and time ('10:00') in Amsterdam, as an instant. */
export function atLocal(date: string, time: string): DateTime {
  return DateTime.fromISO(`${date}T${time}`, { zone: ZONE });
}

export function isWeekend(d: DateTime): boolean {
  return d.weekday >= 6;
}

/** `n` working days (Monday to Friday) after `from`, at the same local time. */
export function addWorkingDays(from: DateTime, n: number): DateTime {
  let d = from;
  let left = n;
  while (left > 0) {
    d = d.plus({ days: 1 });
    if (!isWeekend(d)) left -= 1;
  }
  return d;
}

/** The first moment bookable: the start of the day `days` working days after `now`. */
export function earliestBookable(now: Date, minNoticeDays: number): DateTime {
  return addWorkingDays(local(now).startOf('day'), minNoticeDays);
}

/** The end of the booking horizon: the end of the day `days` calendar days after `now`. */
export function horizonEnd(now: Date, horizonDays: number): DateTime {
  return local(now).startOf('day').plus({ days: horizonDays }).endOf('day');
}

export interface Formatters {
  /** "dinsdag 8 december 2026" */
  date(d: Date | string): string;
  /** "di 8 dec" */
  shortDate(d: Date | string): string;
  /** "10:00" */
  time(d: Date | string): string;
  /** "dinsdag 8 december 2026, 10:00–11:00" */
  range(start: Date | string, end: Date | string): string;
}

/**
 * `fn` with its answers kept per instant. Pages show the same few hundred times over and over,
 * and formatting one in a time zone is costly; the memory is bounded (cleared when full).
 */
export function perInstant<T>(fn: (d: Date | string) => T, max = 5000): (d: Date | string) => T {
  const kept = new Map<number | string, T>();
  return (d) => {
    const key = typeof d === 'string' ? d : d.getTime();
    let v = kept.get(key);
    if (v === undefined) {
      if (kept.size >= max) kept.clear();
      v = fn(d);
      kept.set(key, v);
    }
    return v;
  };
}

function makeFormatters(locale: string): Formatters {
  const opts = { locale: locale === 'en' ? 'en-GB' : 'nl-NL' };
  const date = perInstant((d) => local(d).setLocale(opts.locale).toFormat('cccc d LLLL yyyy'));
  const time = perInstant((d) => local(d).toFormat('HH:mm'));
  return Object.freeze({
    date,
    shortDate: perInstant((d) => local(d).setLocale(opts.locale).toFormat('ccc d LLL')),
    time,
    range: (s: Date | string, e: Date | string) => `${date(s)}, ${time(s)}–${time(e)}`,
  });
}

const formattersByLocale = new Map<string, Formatters>();

/** Date and time texts in the resident's language, in Amsterdam time. */
export function formatters(locale: string): Formatters {
  let f = formattersByLocale.get(locale);
  if (!f) formattersByLocale.set(locale, (f = makeFormatters(locale)));
  return f;
}

/** The local calendar date of an instant, 'YYYY-MM-DD'. */
export const localDate = perInstant((d) => local(d).toISODate()!);
