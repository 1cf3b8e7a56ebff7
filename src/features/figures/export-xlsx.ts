// The figures as a spreadsheet (exceljs): sheet 1 the table (the same columns as the CSV, numbers
// as real numbers with a number format, "< 5" where suppressed), sheet 2 the definitions. No
// formulas: every cell is a value, so what the council reads is what the portal computed.
// exceljs (~25 MB once loaded) is imported on the first export only: a portal serving residents
// never pays for it.
import type ExcelJS from 'exceljs';
import type { FigureReport, FigureUnit } from '../../domain/figures-model.js';
import { local } from '../../domain/time.js';
import type { Locale, Translate } from '../../core/i18n.js';
import { groupText, periodText, scopeText, waitingDefinitionHelp, waitingDefinitionText } from './format.js';
import { COLUMNS, exportRows, type ExportRow, type ExportValue } from './export.js';

/** How each unit's number is shown (Excel shows the decimal sign of the reader's own settings). */
const NUMBER_FORMATS: Record<FigureUnit, string> = { count: '#,##0', days: '0.0', hours: '0.0', share: '0%' };

/** Width of each column of the table, in characters. */
const WIDTHS: Record<(typeof COLUMNS)[number], number> = {
  group: 28,
  figure: 50,
  value: 12,
  previous: 16,
  unit: 10,
  periodFrom: 13,
  periodTo: 18,
  scope: 28,
  waitingDefinition: 40,
  definition: 80,
};

const HEADER_ROW = 2;
const FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6ECF2' } };

function setValue(cell: ExcelJS.Cell, v: ExportValue, unit: FigureUnit, t: Translate): void {
  if (v === null) return;
  if (v === 'suppressed') {
    cell.value = t('figures.suppressed');
    cell.alignment = { horizontal: 'right' };
    return;
  }
  cell.value = v;
  cell.numFmt = NUMBER_FORMATS[unit];
}

function tableRow(sheet: ExcelJS.Worksheet, r: ExportRow, t: Translate): void {
  const row = sheet.addRow([
    r.group,
    r.figure,
    null,
    null,
    r.unitText,
    r.periodFrom,
    r.periodTo,
    r.scope,
    r.waitingDefinition,
    r.definition,
  ]);
  setValue(row.getCell(3), r.value, r.unit, t);
  setValue(row.getCell(4), r.previous, r.unit, t);
}

function figuresSheet(wb: ExcelJS.Workbook, report: FigureReport, locale: Locale, t: Translate): void {
  const sheet = wb.addWorksheet(t('figuresexport.sheet.figures'), {
    views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW }],
  });
  sheet.columns = COLUMNS.map((c) => ({ key: c, width: WIDTHS[c] }));
  const title = t('figuresexport.sheet.title', {
    scope: scopeText(report.scope, t),
    period: periodText(report.period, locale),
  });
  sheet.getCell(1, 1).value = title;
  sheet.getCell(1, 1).font = { bold: true, size: 14 };
  sheet.mergeCells(1, 1, 1, COLUMNS.length);
  const header = sheet.getRow(HEADER_ROW);
  header.values = COLUMNS.map((c) => t(`figuresexport.columns.${c}`));
  header.font = { bold: true };
  header.eachCell((cell) => (cell.fill = FILL));
  const rows = exportRows(report, t);
  for (const r of rows) tableRow(sheet, r, t);
  sheet.autoFilter = {
    from: { row: HEADER_ROW, column: 1 },
    to: { row: HEADER_ROW + rows.length, column: COLUMNS.length },
  };
}

function definitionsSheet(wb: ExcelJS.Workbook, report: FigureReport, locale: Locale, t: Translate): void {
  const sheet = wb.addWorksheet(t('figuresexport.sheet.definitions'));
  sheet.columns = [
    { key: 'topic', width: 34 },
    { key: 'text', width: 100 },
  ];
  const header = sheet.addRow([t('figuresexport.sheet.topic'), t('figuresexport.sheet.text')]);
  header.font = { bold: true };
  header.eachCell((cell) => (cell.fill = FILL));
  const groups = [...new Set(report.rows.map((r) => r.group))];
  for (const g of groups) sheet.addRow([groupText(g, t), t(`figures.definitions.${g}`)]);
  sheet.addRow([]);
  const made = local(report.generatedAt)
    .setLocale(locale === 'en' ? 'en-GB' : 'nl-NL')
    .toFormat('d LLLL yyyy, HH:mm');
  sheet.addRow([t('figuresexport.columns.scope'), scopeText(report.scope, t)]);
  sheet.addRow([t('figuresexport.sheet.period'), periodText(report.period, locale)]);
  sheet.addRow([t('figuresexport.sheet.previousPeriod'), periodText(report.previous, locale)]);
  const waiting = `${waitingDefinitionText(report.definition, t)}. ${waitingDefinitionHelp(report.definition, t)}`;
  sheet.addRow([t('figuresexport.sheet.waitingDefinition'), waiting]);
  sheet.addRow([t('figuresexport.sheet.suppression'), t('figures.suppressedNote')]);
  sheet.addRow([t('figuresexport.sheet.generatedAt'), made]);
  sheet.getColumn(1).font = { bold: true };
  sheet.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  sheet.getColumn(1).alignment = { vertical: 'top' };
}

/** The figures as an .xlsx workbook: the table and the definitions, in the reader's language. */
export async function figuresXlsx(report: FigureReport, locale: Locale, t: Translate): Promise<Buffer> {
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'Keukentafel';
  wb.created = report.generatedAt;
  wb.modified = report.generatedAt;
  figuresSheet(wb, report, locale, t);
  definitionsSheet(wb, report, locale, t);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
