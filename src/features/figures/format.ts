// How a figure is written, the same on the page and in every export (CSV, XLSX, JSON): the number
// each unit is rounded to, the text a reader sees ("20.000", "12,5", "87%", "< 5", "–"), the change
// against the previous period, the period ("1 t/m 30 november 2026") and whose figures they are.
// Everything is computed from the rounded number (`shownNumber`), so the page, the CSV and the
// spreadsheet never round one value two ways.
import type { FigureRow, FigureScope, FigureUnit, Period, WaitingDefinition } from '../../domain/figures-model.js';
import type { DateTime } from 'luxon';
import { local } from '../../domain/time.js';
import { translator, type Locale, type Translate } from '../../core/i18n.js';

const tags: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

/** Shown when there is no value (and it is not suppressed). */
export const NO_VALUE = '–';
/** The minus sign of a change (U+2212, not a hyphen). */
const MINUS = '\u2212';

/** Digits after the decimal point of a unit as stored in the exports (a share: of its percentage). */
const EXPORT_DECIMALS: Record<FigureUnit, number> = { count: 0, days: 1, hours: 1, share: 1 };

/** `x` rounded half up to `decimals` digits after the point. */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // never -0
}

/**
 * The number as every export holds it: a count as a whole number, days and hours to one decimal,
 * a share as a fraction whose percentage has one decimal (0.875 = 87,5%).
 */
export function shownNumber(unit: FigureUnit, value: number): number {
  if (unit === 'share') return roundTo(roundTo(value * 100, EXPORT_DECIMALS.share) / 100, 4);
  return roundTo(value, EXPORT_DECIMALS[unit]);
}

/** The side of a row asked for: its value and whether it is suppressed. */
export function side(row: FigureRow, which: 'value' | 'previous'): { value: number | null; suppressed: boolean } {
  return which === 'value'
    ? { value: row.value, suppressed: row.suppressed }
    : { value: row.previous, suppressed: row.previousSuppressed };
}

/** The number written in a CSV cell: no thousands separator, the locale's decimal sign, shares as percentages. */
export function csvNumber(unit: FigureUnit, value: number, locale: Locale): string {
  const n = shownNumber(unit, value);
  const digits = EXPORT_DECIMALS[unit];
  return new Intl.NumberFormat(tags[locale], {
    useGrouping: false,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(unit === 'share' ? n * 100 : n);
}

/** A share as a whole percentage, from the exported number (so it agrees with the spreadsheet's 0%). */
function wholePercent(value: number): number {
  return Math.round(roundTo(shownNumber('share', value) * 100, EXPORT_DECIMALS.share));
}

function plainNumber(unit: Exclude<FigureUnit, 'share'>, n: number, locale: Locale): string {
  const digits = unit === 'count' ? 0 : 1;
  return new Intl.NumberFormat(tags[locale], { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    n,
  );
}

/**
 * A figure as a reader sees it: counts as whole numbers with a thousands separator ("20.000"),
 * days and hours with one decimal ("12,5"), shares as whole percentages ("87%"), a suppressed
 * figure as "< 5" and no value as "–".
 */
export function displayValue(row: FigureRow, which: 'value' | 'previous', locale: Locale, t: Translate): string {
  const { value, suppressed } = side(row, which);
  if (suppressed) return t('figures.suppressed');
  if (value === null) return NO_VALUE;
  if (row.unit === 'share') {
    return new Intl.NumberFormat(tags[locale], { style: 'percent', maximumFractionDigits: 0 }).format(
      wholePercent(value) / 100,
    );
  }
  return plainNumber(row.unit, shownNumber(row.unit, value), locale);
}

/**
 * The change against the previous period, computed from the numbers as shown (so "12,5" against
 * "10,0" says "+2,5 dagen"): "+3", "−2,5 dagen", "+4 procentpunt", "0". "–" when either side has
 * no value or is suppressed.
 */
export function changeText(row: FigureRow, locale: Locale, t: Translate): string {
  if (row.value === null || row.previous === null || row.suppressed || row.previousSuppressed) return NO_VALUE;
  let diff: number;
  let text: (n: string) => string;
  if (row.unit === 'share') {
    diff = wholePercent(row.value) - wholePercent(row.previous);
    text = (n) => t('figuresexport.change.share', { n });
  } else {
    const unit = row.unit;
    diff = roundTo(shownNumber(unit, row.value) - shownNumber(unit, row.previous), EXPORT_DECIMALS[unit]);
    text = unit === 'count' ? (n) => n : (n) => t(`figuresexport.change.${unit}`, { n });
  }
  const sign = diff > 0 ? '+' : diff < 0 ? MINUS : '';
  const digits = row.unit === 'days' || row.unit === 'hours' ? 1 : 0;
  const abs = new Intl.NumberFormat(tags[locale], {
    minimumFractionDigits: diff === 0 ? 0 : digits,
    maximumFractionDigits: digits,
  }).format(Math.abs(diff));
  return text(sign + abs);
}

/** The first local day of a period, as an ISO date. */
export function firstDay(period: Period): string {
  return local(period.from).toISODate()!;
}

/**
 * The start of the last local day of a period. Its end is exclusive: the start of the day after
 * (or, for a period still running, the present moment, whose day is the last one).
 */
function lastLocalDay(period: Period): DateTime {
  return local(period.to).minus({ milliseconds: 1 }).startOf('day');
}

/** The last local day of a period, as an ISO date. */
export function lastDay(period: Period): string {
  return lastLocalDay(period).toISODate()!;
}

/** "1 t/m 30 november 2026", "1 oktober t/m 31 december 2026"; in English "1–30 November 2026". */
export function periodText(period: Period, locale: Locale): string {
  const first = local(period.from).setLocale(tags[locale]);
  const last = lastLocalDay(period).setLocale(tags[locale]);
  const full = 'd LLLL yyyy';
  if (first.hasSame(last, 'day')) return first.toFormat(full);
  const t = translator(locale);
  if (first.hasSame(last, 'month')) {
    return t('figuresexport.period.sameMonth', { from: first.toFormat('d'), to: last.toFormat(full) });
  }
  const from = first.hasSame(last, 'year') ? first.toFormat('d LLLL') : first.toFormat(full);
  return t('figuresexport.period.range', { from, to: last.toFormat(full) });
}

/** Whose figures: the team's name, or the municipality's with "alle teams". */
export function scopeText(scope: FigureScope, t: Translate): string {
  return t(`figuresexport.scope.${scope.kind}`, { name: scope.name });
}

/** The unit as a column says it ("aantal", "dagen", "uren", "procent"). */
export function unitText(unit: FigureUnit, t: Translate): string {
  return t(`figuresexport.units.${unit}`);
}

/** The name of a group of figures (as the figures name it); its key when there is no name for it. */
export function groupText(group: string, t: Translate): string {
  try {
    return t(`figures.groups.${group}`);
  } catch {
    return group;
  }
}

/** How waiting time was counted, in a few words: "Vanaf de aanmelding, werkdagen". */
export function waitingDefinitionText(def: WaitingDefinition, t: Translate): string {
  const days = t(`figures.definition.days.${def.days}`);
  return t('figuresexport.waitingDefinition', {
    from: t(`figures.definition.from.${def.from}`),
    days: days.charAt(0).toLowerCase() + days.slice(1),
  });
}

/** How waiting time was counted, explained in full sentences (where it starts, which days count). */
export function waitingDefinitionHelp(def: WaitingDefinition, t: Translate): string {
  return `${t(`figures.definitionHelp.from.${def.from}`)} ${t(`figures.definitionHelp.days.${def.days}`)}`;
}

/** The value with its unit where a label does not say it: "16,0 dagen" (counts and shares as displayValue). */
export function valueWithUnit(row: FigureRow, locale: Locale, t: Translate): string {
  const v = displayValue(row, 'value', locale, t);
  return !row.suppressed && row.value !== null && (row.unit === 'days' || row.unit === 'hours')
    ? `${v} ${unitText(row.unit, t)}`
    : v;
}
