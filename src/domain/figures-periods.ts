// Periods for the figures: a month, quarter or year, or chosen dates, as whole local days in
// Amsterdam, half-open [from, to); and the period before it to compare with.
import type { Period } from './figures-model.js';
import { local } from './time.js';

export type PeriodKind = 'month' | 'quarter' | 'year';

/** The month, quarter or year that holds the local date `date` ('2026-11-30'). */
export function periodOf(kind: PeriodKind, date: string): Period {
  const start = local(date).startOf(kind);
  return { from: start.toJSDate(), to: start.plus({ [`${kind}s`]: 1 }).toJSDate() };
}

/** From the start of `fromDate` to the end of `toDateInclusive` (local dates, 'YYYY-MM-DD'). */
export function customPeriod(fromDate: string, toDateInclusive: string): Period {
  return {
    from: local(fromDate).startOf('day').toJSDate(),
    to: local(toDateInclusive).startOf('day').plus({ days: 1 }).toJSDate(),
  };
}

/**
 * The period before `p`: the previous month, quarter or year; for chosen dates ('custom') the same
 * number of local days just before it (a week across a clock change is still 7 days).
 */
export function previousPeriod(p: Period, kind: PeriodKind | 'custom'): Period {
  const from = local(p.from).startOf('day');
  if (kind === 'custom') {
    const days = Math.round(local(p.to).startOf('day').diff(from, 'days').days);
    return { from: from.minus({ days }).toJSDate(), to: from.toJSDate() };
  }
  return {
    from: from
      .minus({ [`${kind}s`]: 1 })
      .startOf(kind)
      .toJSDate(),
    to: from.toJSDate(),
  };
}

/** Whether instant `d` lies in the period [from, to). */
export function inPeriod(d: Date | null, p: Period): d is Date {
  if (d === null) return false;
  const t = d.getTime();
  return t >= p.from.getTime() && t < p.to.getTime();
}
