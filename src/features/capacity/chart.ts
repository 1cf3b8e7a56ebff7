// The capacity chart: per day booked (solid) and free (hatched) slots stacked, the end of the
// team's promise as a dashed line, and the days before the minimum notice on a grey background.
// Drawn as SVG by core/charts.ts and shown with views/partials/chart.eta; the per-day numbers
// are in the table beside it (views/capacity/index.eta).
import { barChart, type BarChartOptions } from '../../core/charts.js';
import type { Translate } from '../../core/i18n.js';
import { formatters, local } from '../../domain/time.js';
import type { Capacity, DayFigures } from './service.js';

export const CHART_ID = 'capacity-chart';

export interface CapacityFigure {
  svg: string;
  summary: string;
}

/** The chart's options (pure: tested without drawing). */
export function capacityChartOptions(c: Capacity, t: Translate, locale: string): BarChartOptions {
  const fmt = formatters(locale);
  const lang = locale === 'en' ? 'en-GB' : 'nl-NL';
  const days = c.days;
  const lastWithin = days.reduce((last, d, i) => (d.withinPromise ? i : last), -1);
  const firstBookable = days.findIndex((d) => d.bookable);
  const notBookable = firstBookable === -1 ? days.length : firstBookable;
  return {
    id: CHART_ID,
    title: t('capacity.chart.title'),
    description: t('capacity.chart.desc', {
      from: fmt.shortDate(c.from),
      to: fmt.shortDate(c.to),
      free: c.totals.free,
      booked: c.totals.booked,
    }),
    categories: days.map((d) => {
      const dt = local(d.date).setLocale(lang);
      return { key: d.date, label: `${dt.toFormat('ccc')}\n${dt.toFormat('d LLL')}` };
    }),
    series: [
      { key: 'booked', label: t('capacity.chart.booked'), values: days.map((d) => d.booked) },
      { key: 'free', label: t('capacity.chart.free'), values: days.map((d) => d.free), pattern: 'hatch' },
    ],
    stacked: true,
    yTitle: t('capacity.chart.yTitle'),
    boundaries:
      lastWithin >= 0 && lastWithin < days.length - 1
        ? [{ after: lastWithin, label: t('capacity.chart.promise', { days: c.team.promise_days }) }]
        : [],
    bands: notBookable > 0 ? [{ from: 0, to: notBookable - 1, label: t('capacity.chart.notBookable') }] : [],
  };
}

/** The text summary under the chart: the busiest and the emptiest days in words. */
export function capacitySummary(c: Capacity, t: Translate, locale: string): string {
  const fmt = formatters(locale);
  const most = c.days.reduce<DayFigures | null>((best, d) => (best === null || d.free > best.free ? d : best), null);
  const empty = c.days.filter((d) => d.free === 0).length;
  const parts = [
    t('capacity.chart.summaryTotals', { free: c.totals.free, booked: c.totals.booked, days: c.days.length }),
  ];
  if (most && most.free > 0)
    parts.push(t('capacity.chart.summaryMost', { day: fmt.shortDate(most.date), count: most.free }));
  parts.push(t('capacity.chart.summaryEmpty', { count: empty, days: c.days.length }));
  return parts.join(' ');
}

export async function capacityFigure(c: Capacity, t: Translate, locale: string): Promise<CapacityFigure> {
  return { svg: await barChart(capacityChartOptions(c, t, locale)), summary: capacitySummary(c, t, locale) };
}
