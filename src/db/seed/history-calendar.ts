// The days of a seeded history in Europe/Amsterdam, worked out once: each day's start, whether it
// is a day off, and its slot times. A year of stories asks for tens of thousands of local times;
// computing each in the time zone would cost seconds, so only the days the clocks change are
// asked of luxon again.
import type { DateTime } from 'luxon';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Weekends, Christmas, New Year and King's Day: no sign-ups taken, no conversations. */
export function isDayOff(d: DateTime): boolean {
  if (d.weekday >= 6) return true;
  const md = d.month * 100 + d.day;
  return md === 1225 || md === 1226 || md === 101 || md === 427;
}

/** The conversations' start times (minutes after midnight): two per half-day block. */
export const SLOT_MINUTES = [9 * 60, 10 * 60 + 30, 13 * 60 + 30, 15 * 60] as const;

export interface CalendarDay {
  date: DateTime;
  start: number;
  off: boolean;
  /** Month * 100 + day, for the seasons. */
  md: number;
  weekday: number;
  /** Whether the clocks change on this day (local times are asked of luxon). */
  irregular: boolean;
}

export class HistoryCalendar {
  readonly days: CalendarDay[] = [];

  constructor(from: DateTime, to: DateTime) {
    this.extend(from.startOf('day'), to);
  }

  private extend(from: DateTime, to: DateTime): void {
    for (let d = from; d <= to; d = d.plus({ days: 1 })) {
      const start = d.toMillis();
      this.days.push({
        date: d,
        start,
        off: isDayOff(d),
        md: d.month * 100 + d.day,
        weekday: d.weekday,
        irregular: d.plus({ days: 1 }).toMillis() - start !== DAY,
      });
    }
  }

  /** The day at index i (the calendar grows when asked beyond its end). */
  day(i: number): CalendarDay {
    if (i >= this.days.length) {
      const last = this.days[this.days.length - 1]!.date;
      this.extend(last.plus({ days: 1 }), last.plus({ days: Math.max(60, i - this.days.length + 60) }));
    }
    return this.days[i]!;
  }

  /** The index of the day an instant falls in (it must not lie before the first day). */
  indexOf(ms: number): number {
    let [lo, hi] = [0, this.days.length - 1];
    if (ms >= this.days[hi]!.start) {
      while (ms >= this.day(hi + 1).start) hi += 1;
      return hi;
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.days[mid]!.start <= ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The instant `minutes` after local midnight of day i. */
  at(i: number, minutes: number): number {
    const d = this.day(i);
    if (!d.irregular) return d.start + minutes * MINUTE;
    return d.date.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
  }

  /** The first working day at least `days` after the day of `ms`. */
  workingDayAfter(ms: number, days: number): number {
    let i = this.indexOf(ms) + Math.max(1, Math.round(days));
    while (this.day(i).off) i += 1;
    return i;
  }
}
