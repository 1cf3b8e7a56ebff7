// The figures as files for the council and the municipality's own tools: a CSV for Dutch Excel and
// a JSON document for BI tools (the spreadsheet is in export-xlsx.ts). Pure functions: a report
// in, text or an object out. Every export shows the same rows as the page (FigureRow), rounded
// the same way (format.ts), and never the number behind a suppressed figure.
import { stringify } from 'csv-stringify/sync';
import type { FigureReport, FigureRow, FigureUnit, Period } from '../../domain/figures-model.js';
import type { Locale, Translate } from '../../core/i18n.js';
import {
  csvNumber,
  firstDay,
  groupText,
  lastDay,
  scopeText,
  shownNumber,
  side,
  unitText,
  waitingDefinitionHelp,
  waitingDefinitionText,
} from './format.js';

/** Counts under this are suppressed (shown as "< 5"). */
export const SUPPRESSION_THRESHOLD = 5;

/** The columns of the table, in order (CSV and the spreadsheet's first sheet). */
export const COLUMNS = [
  'group',
  'figure',
  'value',
  'previous',
  'unit',
  'periodFrom',
  'periodTo',
  'scope',
  'waitingDefinition',
  'definition',
] as const;

/** One side of a figure in an export: its number as shown, "suppressed", or nothing. */
export type ExportValue = number | 'suppressed' | null;

/** One row of the exported table, before it is written as CSV or spreadsheet cells. */
export interface ExportRow {
  key: string;
  unit: FigureUnit;
  group: string;
  figure: string;
  value: ExportValue;
  previous: ExportValue;
  unitText: string;
  periodFrom: string;
  periodTo: string;
  scope: string;
  waitingDefinition: string;
  definition: string;
}

function exportValue(row: FigureRow, which: 'value' | 'previous'): ExportValue {
  const { value, suppressed } = side(row, which);
  if (suppressed) return 'suppressed';
  return value === null ? null : shownNumber(row.unit, value);
}

/** The rows of the table every tabular export writes, with their texts in the reader's language. */
export function exportRows(report: FigureReport, t: Translate): ExportRow[] {
  const common = {
    periodFrom: firstDay(report.period),
    periodTo: lastDay(report.period),
    scope: scopeText(report.scope, t),
    waitingDefinition: waitingDefinitionText(report.definition, t),
  };
  return report.rows.map((row) => ({
    key: row.key,
    unit: row.unit,
    group: groupText(row.group, t),
    figure: t(`figures.rows.${row.key}`),
    value: exportValue(row, 'value'),
    previous: exportValue(row, 'previous'),
    unitText: unitText(row.unit, t),
    ...common,
    definition: t(`figures.definitions.${row.group}`),
  }));
}

/** A text cell Excel would read as a formula (=, +, -, @, tab, return at the start) gets a quote first. */
export function safeText(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

function csvValue(v: ExportValue, unit: FigureUnit, locale: Locale, t: Translate): string {
  if (v === 'suppressed') return t('figures.suppressed');
  if (v === null) return '';
  // v is already the shown number; a share's percentage is written with the locale's decimal sign.
  return csvNumber(unit, v, locale);
}

/**
 * The figures as CSV for Dutch Excel: UTF-8 with a byte order mark, ";" between cells, CRLF line
 * ends, one row per figure. Numbers use the locale's decimal sign ("12,5"); a share is written as a
 * percentage ("87,5"); a suppressed figure as "< 5"; no value as an empty cell.
 */
export function figuresCsv(report: FigureReport, locale: Locale, t: Translate): string {
  const header = COLUMNS.map((c) => t(`figuresexport.columns.${c}`));
  const body = exportRows(report, t).map((r) => [
    safeText(r.group),
    safeText(r.figure),
    csvValue(r.value, r.unit, locale, t),
    csvValue(r.previous, r.unit, locale, t),
    safeText(r.unitText),
    r.periodFrom,
    r.periodTo,
    safeText(r.scope),
    safeText(r.waitingDefinition),
    safeText(r.definition),
  ]);
  return stringify([header, ...body], { bom: true, delimiter: ';', record_delimiter: 'windows' });
}

export interface JsonPeriod {
  /** Start, inclusive (an instant). */
  from: string;
  /** End, exclusive: the start of the day after the last day (an instant). */
  to: string;
  firstDay: string;
  lastDay: string;
}

export interface FiguresJson {
  /** The language of the texts (labels, definitions). */
  locale: Locale;
  period: JsonPeriod;
  previousPeriod: JsonPeriod;
  scope: { kind: 'team' | 'municipality'; teamId: number | null; name: string; text: string };
  waitingDefinition: { from: 'signup' | 'contact'; days: 'calendar' | 'working'; text: string; explanation: string };
  generatedAt: string;
  suppression: { rule: string; threshold: number };
  figures: {
    key: string;
    group: string;
    label: string;
    unit: FigureUnit;
    value: number | null;
    suppressed: boolean;
    previous: number | null;
    previousSuppressed: boolean;
    definition: string;
  }[];
}

function jsonPeriod(p: Period): JsonPeriod {
  return { from: p.from.toISOString(), to: p.to.toISOString(), firstDay: firstDay(p), lastDay: lastDay(p) };
}

/**
 * The figures for the municipality's BI tools: numbers as numbers (a share as a fraction 0..1,
 * unrounded), periods as instants and local days, and for a suppressed figure `null` with
 * `suppressed: true`, never its number.
 */
export function figuresJson(report: FigureReport, locale: Locale, t: Translate): FiguresJson {
  const { scope, definition } = report;
  return {
    locale,
    period: jsonPeriod(report.period),
    previousPeriod: jsonPeriod(report.previous),
    scope: {
      kind: scope.kind,
      teamId: scope.kind === 'team' ? scope.teamId : null,
      name: scope.name,
      text: scopeText(scope, t),
    },
    waitingDefinition: {
      from: definition.from,
      days: definition.days,
      text: waitingDefinitionText(definition, t),
      explanation: waitingDefinitionHelp(definition, t),
    },
    generatedAt: report.generatedAt.toISOString(),
    suppression: { rule: t('figures.suppressedNote'), threshold: SUPPRESSION_THRESHOLD },
    figures: report.rows.map((row) => ({
      key: row.key,
      group: row.group,
      label: t(`figures.rows.${row.key}`),
      unit: row.unit,
      value: row.suppressed ? null : row.value,
      suppressed: row.suppressed,
      previous: row.previousSuppressed ? null : row.previous,
      previousSuppressed: row.previousSuppressed,
      definition: t(`figures.definitions.${row.group}`),
    })),
  };
}
