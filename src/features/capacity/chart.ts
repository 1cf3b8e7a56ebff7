// Geometry of the capacity chart: stacked bars per day (booked solid, free hatched), drawn as
// an inline SVG by views/capacity/chart.eta. Pure, so the numbers can be tested without HTML.
import { local } from '../../domain/time.js';
import type { DayFigures } from './service.js';

export const CHART = { left: 36, right: 12, top: 40, plot: 160, bottom: 44, step: 44, bar: 28 } as const;

export interface Bar {
  date: string;
  x: number;
  /** Top of the booked part and its height (solid). */
  bookedY: number;
  bookedH: number;
  /** Top of the free part and its height (hatched), stacked on the booked part. */
  freeY: number;
  freeH: number;
  free: number;
  booked: number;
  weekday: string;
  day: string;
  bookable: boolean;
}

export interface ChartModel {
  width: number;
  height: number;
  plotTop: number;
  baseline: number;
  max: number;
  ticks: { value: number; y: number }[];
  bars: Bar[];
  /** x of the dashed line after the last day within the team's promise (null: all within). */
  promiseX: number | null;
  /** The days before the minimum notice (residents cannot book them), as one shaded band. */
  noticeBand: { x: number; width: number } | null;
}

function niceMax(n: number): number {
  if (n <= 4) return 4;
  const step = n <= 10 ? 2 : n <= 20 ? 5 : 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / step) * step;
}

export function chartModel(days: DayFigures[], locale: string): ChartModel {
  const max = niceMax(Math.max(0, ...days.map((d) => d.free + d.booked)));
  const baseline = CHART.top + CHART.plot;
  const scale = (v: number) => (v / max) * CHART.plot;
  const lang = locale === 'en' ? 'en-GB' : 'nl-NL';
  const bars = days.map((d, i): Bar => {
    const x = CHART.left + i * CHART.step + (CHART.step - CHART.bar) / 2;
    const bookedH = scale(d.booked);
    const freeH = scale(d.free);
    const dt = local(d.date).setLocale(lang);
    return {
      date: d.date,
      x,
      bookedY: baseline - bookedH,
      bookedH,
      freeY: baseline - bookedH - freeH,
      freeH,
      free: d.free,
      booked: d.booked,
      weekday: dt.toFormat('ccc'),
      day: dt.toFormat('d LLL'),
      bookable: d.bookable,
    };
  });
  const lastWithin = days.reduce((last, d, i) => (d.withinPromise ? i : last), -1);
  const promiseX = lastWithin >= 0 && lastWithin < days.length - 1 ? CHART.left + (lastWithin + 1) * CHART.step : null;
  const notBookable = days.findIndex((d) => d.bookable);
  const band = notBookable === -1 ? days.length : notBookable;
  return {
    width: CHART.left + days.length * CHART.step + CHART.right,
    height: baseline + CHART.bottom,
    plotTop: CHART.top,
    baseline,
    max,
    ticks: [0, max / 2, max].filter((v) => Number.isInteger(v)).map((value) => ({ value, y: baseline - scale(value) })),
    bars,
    promiseX,
    noticeBand: band > 0 ? { x: CHART.left, width: band * CHART.step } : null,
  };
}
