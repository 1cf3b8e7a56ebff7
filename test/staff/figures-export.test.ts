// The figures as the page shows them and as files (CSV for Dutch Excel, XLSX, JSON): built from a
// report made by hand, read back with csv-parse and exceljs, and compared row by row with the
// text the page shows (displayValue). Also the texts for a value, a change and a period, on a
// fixed calendar (the clock changes, month ends, a quarter, a year).
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { FigureReport, FigureRow, Period } from '../../src/domain/figures-model.js';
import { translator, type Locale, type Translate } from '../../src/core/i18n.js';
import { changeText, displayValue, periodText, scopeText } from '../../src/features/figures/format.js';
import { figuresCsv, figuresJson } from '../../src/features/figures/export.js';
import { figuresXlsx } from '../../src/features/figures/export-xlsx.js';

const ZONE = 'Europe/Amsterdam';
/** The local start of a day, as an instant. */
const day = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).startOf('day').toJSDate();
/** A period of whole local days, the last one included. */
const days = (first: string, last: string): Period => ({
  from: day(first),
  to: DateTime.fromISO(last, { zone: ZONE }).plus({ days: 1 }).startOf('day').toJSDate(),
});

// The texts of the figures themselves (labels, definitions) are another file's; a stub names them.
const stub = (k: string) => (k === 'figures.suppressed' ? '< 5' : `(${k})`);
const texts = (locale: Locale): Translate => {
  const real = translator(locale);
  return (k, p) => (k.startsWith('figures.') ? stub(k) : real(k, p));
};
const nl = texts('nl');
const en = texts('en');

function row(
  key: string,
  unit: FigureRow['unit'],
  value: number | null,
  previous: number | null,
  more = {},
): FigureRow {
  return {
    key,
    group: key.split('.')[0]!,
    unit,
    value,
    suppressed: false,
    previous,
    previousSuppressed: false,
    ...more,
  };
}

const ROWS: FigureRow[] = [
  row('inflow.total', 'count', 20000, 18750),
  row('inflow.channel.self', 'count', null, 12, { suppressed: true }),
  row('inflow.channel.referrer', 'count', 0, null, { previousSuppressed: true }),
  row('waiting.median', 'days', 12.5, 15),
  row('waiting.p80', 'days', 20.26, null),
  row('waiting.within14share', 'share', 0.875, 0.834),
  row('waiting.within21share', 'share', 2 / 3, 1),
  row('callbacks.urgentMedianHours', 'hours', 3.25, 4),
  row('recidive.share6', 'share', null, null, { suppressed: true }),
  row('leadtime.median', 'days', null, null),
  row('waitingdist.0-7', 'count', 7, null, { previousSuppressed: true }),
];

const REPORT: FigureReport = {
  rows: ROWS,
  period: days('2026-11-01', '2026-11-30'),
  previous: days('2026-10-01', '2026-10-31'),
  scope: { kind: 'team', teamId: 2, name: 'Wijkteam Noord' },
  definition: { from: 'signup', days: 'working' },
  generatedAt: new Date('2026-11-30T22:30:00Z'),
};

describe('displayValue', () => {
  const shown = (locale: Locale) => ROWS.map((r) => displayValue(r, 'value', locale, texts(locale)));
  it('writes counts, days, hours and shares the Dutch way, "< 5" when suppressed, "–" for nothing', () => {
    expect(shown('nl')).toEqual(['20.000', '< 5', '0', '12,5', '20,3', '88%', '67%', '3,3', '< 5', '–', '7']);
    expect(ROWS.map((r) => displayValue(r, 'previous', 'nl', nl))).toEqual([
      '18.750',
      '12',
      '< 5',
      '15,0',
      '–',
      '83%',
      '100%',
      '4,0',
      '–',
      '–',
      '< 5',
    ]);
  });

  it('writes them the English way', () => {
    expect(shown('en')).toEqual(['20,000', '< 5', '0', '12.5', '20.3', '88%', '67%', '3.3', '< 5', '–', '7']);
  });

  it('never shows the number behind a suppressed figure', () => {
    const leaky = row('inflow.total', 'count', 3, 4, { suppressed: true, previousSuppressed: true });
    expect(displayValue(leaky, 'value', 'nl', nl)).toBe('< 5');
    expect(displayValue(leaky, 'previous', 'nl', nl)).toBe('< 5');
  });
});

describe('changeText', () => {
  it('says the change against the previous period from the numbers as shown', () => {
    expect(ROWS.map((r) => changeText(r, 'nl', nl))).toEqual([
      '+1.250',
      '–',
      '–',
      '−2,5 dagen',
      '–',
      '+5 procentpunt', // 88% against 83%
      '−33 procentpunt', // 67% against 100%
      '−0,7 uur', // 3,3 against 4,0
      '–',
      '–',
      '–',
    ]);
    expect(ROWS.map((r) => changeText(r, 'en', en)).slice(0, 8)).toEqual([
      '+1,250',
      '–',
      '–',
      '−2.5 days',
      '–',
      '+5 percentage points',
      '−33 percentage points',
      '−0.7 hours',
    ]);
  });

  it('says 0 without a sign when nothing changed', () => {
    expect(changeText(row('a.b', 'count', 7, 7), 'nl', nl)).toBe('0');
    expect(changeText(row('a.b', 'days', 10.01, 9.99), 'nl', nl)).toBe('0 dagen');
    expect(changeText(row('a.b', 'share', 0.5, 0.504), 'en', en)).toBe('0 percentage points');
  });
});

describe('periodText', () => {
  const both = (p: Period) => [periodText(p, 'nl'), periodText(p, 'en')];
  it('shows the last day included, not the exclusive end', () => {
    const november = days('2026-11-01', '2026-11-30');
    expect(november.to.toISOString()).toBe('2026-11-30T23:00:00.000Z'); // the start of 1 December
    expect(both(november)).toEqual(['1 t/m 30 november 2026', '1–30 November 2026']);
  });

  it('ends on the present day for a period still running', () => {
    const running = { from: day('2026-11-01'), to: new Date('2026-11-30T14:00:00Z') };
    expect(both(running)).toEqual(['1 t/m 30 november 2026', '1–30 November 2026']);
    expect(figuresJson({ ...REPORT, period: running }, 'nl', nl).period.lastDay).toBe('2026-11-30');
  });

  it('is right across the clock changes', () => {
    // Summer time ends on Sunday 25 October 2026 and starts on Sunday 29 March 2026.
    expect(both(days('2026-10-01', '2026-10-31'))).toEqual(['1 t/m 31 oktober 2026', '1–31 October 2026']);
    expect(both(days('2026-10-24', '2026-10-25'))).toEqual(['24 t/m 25 oktober 2026', '24–25 October 2026']);
    expect(both(days('2026-10-25', '2026-10-25'))).toEqual(['25 oktober 2026', '25 October 2026']);
    expect(both(days('2026-03-29', '2026-03-29'))).toEqual(['29 maart 2026', '29 March 2026']);
    expect(both(days('2026-03-28', '2026-03-30'))).toEqual(['28 t/m 30 maart 2026', '28–30 March 2026']);
  });

  it('ends on the last day of a month, a quarter and a year', () => {
    expect(both(days('2028-02-01', '2028-02-29'))).toEqual(['1 t/m 29 februari 2028', '1–29 February 2028']);
    expect(both(days('2026-10-01', '2026-12-31'))).toEqual([
      '1 oktober t/m 31 december 2026',
      '1 October – 31 December 2026',
    ]);
    expect(both(days('2027-01-01', '2027-12-31'))).toEqual([
      '1 januari t/m 31 december 2027',
      '1 January – 31 December 2027',
    ]);
    expect(both(days('2026-12-01', '2027-01-31'))).toEqual([
      '1 december 2026 t/m 31 januari 2027',
      '1 December 2026 – 31 January 2027',
    ]);
  });
});

describe('scopeText', () => {
  it('names the team, or the municipality with all its teams', () => {
    expect(scopeText(REPORT.scope, nl)).toBe('Wijkteam Noord');
    expect(scopeText({ kind: 'municipality', name: 'Gemeente Arnhem' }, nl)).toBe('Gemeente Arnhem, alle teams');
    expect(scopeText({ kind: 'municipality', name: 'Gemeente Arnhem' }, en)).toBe('Gemeente Arnhem, all teams');
  });
});

type Cell = string | number | null;

function readCsv(text: string): string[][] {
  return parse(text, { delimiter: ';', bom: true }) as string[][];
}

async function readXlsx(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return wb;
}

/** The values of a sheet's row, columns 1..n (an empty cell as null). */
function values(sheet: ExcelJS.Worksheet, n: number, count: number): Cell[] {
  const r = sheet.getRow(n);
  return Array.from({ length: count }, (_, i) => (r.getCell(i + 1).value as Cell | undefined) ?? null);
}

const HEADER_NL = [
  'Onderdeel',
  'Cijfer',
  'Waarde',
  'Vorige periode',
  'Eenheid',
  'Periode van',
  'Periode tot en met',
  'Team of gemeente',
  'Zo is de wachttijd geteld',
  'Uitleg',
];
const WAITING = '(figures.definition.from.signup), (figures.definition.days.working)';
const WAITING_HELP = '(figures.definitionHelp.from.signup) (figures.definitionHelp.days.working)';
const tail = (group: string) => [
  '2026-11-01',
  '2026-11-30',
  'Wijkteam Noord',
  WAITING,
  `(figures.definitions.${group})`,
];

describe('figuresCsv', () => {
  it('is UTF-8 with a byte order mark, ";" between cells and CRLF line ends', () => {
    const csv = figuresCsv(REPORT, 'nl', nl);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(ROWS.length + 2); // header, rows, and the last line end
    expect(csv.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('reads back as one row per figure, with decimal commas, "< 5" and the last day included', () => {
    const table = readCsv(figuresCsv(REPORT, 'nl', nl));
    expect(table[0]).toEqual(HEADER_NL);
    const rowOf = (i: number) => table[i + 1]!.slice(0, 5);
    expect(table.slice(1).map((r) => r.slice(5))).toEqual(ROWS.map((r) => tail(r.group)));
    expect(ROWS.map((_, i) => rowOf(i))).toEqual([
      ['(figures.groups.inflow)', '(figures.rows.inflow.total)', '20000', '18750', 'aantal'],
      ['(figures.groups.inflow)', '(figures.rows.inflow.channel.self)', '< 5', '12', 'aantal'],
      ['(figures.groups.inflow)', '(figures.rows.inflow.channel.referrer)', '0', '< 5', 'aantal'],
      ['(figures.groups.waiting)', '(figures.rows.waiting.median)', '12,5', '15,0', 'dagen'],
      ['(figures.groups.waiting)', '(figures.rows.waiting.p80)', '20,3', '', 'dagen'],
      ['(figures.groups.waiting)', '(figures.rows.waiting.within14share)', '87,5', '83,4', 'procent'],
      ['(figures.groups.waiting)', '(figures.rows.waiting.within21share)', '66,7', '100,0', 'procent'],
      ['(figures.groups.callbacks)', '(figures.rows.callbacks.urgentMedianHours)', '3,3', '4,0', 'uren'],
      ['(figures.groups.recidive)', '(figures.rows.recidive.share6)', '< 5', '', 'procent'],
      ['(figures.groups.leadtime)', '(figures.rows.leadtime.median)', '', '', 'dagen'],
      ['(figures.groups.waitingdist)', '(figures.rows.waitingdist.0-7)', '7', '< 5', 'aantal'],
    ]);
  });

  it('writes English with decimal points and English headers', () => {
    const table = readCsv(figuresCsv(REPORT, 'en', en));
    expect(table[0]![0]).toBe('Group');
    expect(table[1]![0]).toBe('(figures.groups.inflow)');
    expect(table[4]!.slice(2, 5)).toEqual(['12.5', '15.0', 'days']);
    expect(table[6]!.slice(2, 5)).toEqual(['87.5', '83.4', 'percent']);
  });

  it('quotes a cell with ";" or quotes, and keeps a name Excel would run as a formula a text', () => {
    const report: FigureReport = { ...REPORT, scope: { kind: 'municipality', name: '=HYPERLINK("x";"y")' } };
    const table = readCsv(figuresCsv(report, 'nl', nl));
    expect(table[1]![7]).toBe(`'=HYPERLINK("x";"y"), alle teams`);
    expect(table[1]).toHaveLength(10);
  });
});

describe('figuresXlsx', () => {
  it('holds the table with real numbers, number formats, "< 5", a frozen header and a filter', async () => {
    const wb = await readXlsx(await figuresXlsx(REPORT, 'nl', nl));
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Cijfers', 'Definities']);
    const sheet = wb.getWorksheet('Cijfers')!;
    expect(sheet.getCell('A1').value).toBe('Cijfers van Wijkteam Noord, 1 t/m 30 november 2026');
    expect(values(sheet, 2, 10)).toEqual(HEADER_NL);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.autoFilter).toBe('A2:J13');
    expect(ROWS.map((_, i) => values(sheet, i + 3, 5))).toEqual([
      ['(figures.groups.inflow)', '(figures.rows.inflow.total)', 20000, 18750, 'aantal'],
      ['(figures.groups.inflow)', '(figures.rows.inflow.channel.self)', '< 5', 12, 'aantal'],
      ['(figures.groups.inflow)', '(figures.rows.inflow.channel.referrer)', 0, '< 5', 'aantal'],
      ['(figures.groups.waiting)', '(figures.rows.waiting.median)', 12.5, 15, 'dagen'],
      ['(figures.groups.waiting)', '(figures.rows.waiting.p80)', 20.3, null, 'dagen'],
      ['(figures.groups.waiting)', '(figures.rows.waiting.within14share)', 0.875, 0.834, 'procent'],
      ['(figures.groups.waiting)', '(figures.rows.waiting.within21share)', 0.667, 1, 'procent'],
      ['(figures.groups.callbacks)', '(figures.rows.callbacks.urgentMedianHours)', 3.3, 4, 'uren'],
      ['(figures.groups.recidive)', '(figures.rows.recidive.share6)', '< 5', null, 'procent'],
      ['(figures.groups.leadtime)', '(figures.rows.leadtime.median)', null, null, 'dagen'],
      ['(figures.groups.waitingdist)', '(figures.rows.waitingdist.0-7)', 7, '< 5', 'aantal'],
    ]);
    expect(ROWS.map((_, i) => values(sheet, i + 3, 10).slice(5))).toEqual(ROWS.map((r) => tail(r.group)));
    expect([3, 6, 8, 10].map((n) => sheet.getRow(n).getCell(3).numFmt)).toEqual(['#,##0', '0.0', '0%', '0.0']);
    sheet.eachRow((r) => r.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it('explains every group, the waiting time in use, the small numbers and when it was made', async () => {
    const wb = await readXlsx(await figuresXlsx(REPORT, 'nl', nl));
    const sheet = wb.getWorksheet('Definities')!;
    const rows: Cell[][] = [];
    sheet.eachRow((r, n) => rows.push(values(sheet, n, 2)));
    const groups = [...new Set(ROWS.map((r) => r.group))];
    expect(rows.slice(0, groups.length + 1)).toEqual([
      ['Onderwerp', 'Uitleg'],
      ...groups.map((g) => [expect.any(String), `(figures.definitions.${g})`]),
    ]);
    expect(rows.slice(groups.length + 1)).toEqual([
      ['Team of gemeente', 'Wijkteam Noord'],
      ['Periode', '1 t/m 30 november 2026'],
      ['Vorige periode', '1 t/m 31 oktober 2026'],
      ['Wachttijd in deze cijfers', `${WAITING}. ${WAITING_HELP}`],
      ['Kleine aantallen', '(figures.suppressedNote)'],
      ['Gemaakt op', '30 november 2026, 23:30'], // 22:30 UTC is 23:30 in winter time
    ]);
  });

  it('is in English for an English reader', async () => {
    const wb = await readXlsx(await figuresXlsx(REPORT, 'en', en));
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Figures', 'Definitions']);
    expect(wb.getWorksheet('Figures')!.getCell('A1').value).toBe('Figures of Wijkteam Noord, 1–30 November 2026');
    expect(wb.getWorksheet('Figures')!.getCell('A2').value).toBe('Group');
  });
});

describe('figuresJson', () => {
  it('gives numbers as numbers, the periods as instants and days, and the rules in words', () => {
    const json = figuresJson(REPORT, 'nl', nl);
    expect(json.period).toEqual({
      from: '2026-10-31T23:00:00.000Z',
      to: '2026-11-30T23:00:00.000Z',
      firstDay: '2026-11-01',
      lastDay: '2026-11-30',
    });
    expect(json.previousPeriod).toEqual({
      from: '2026-09-30T22:00:00.000Z', // summer time
      to: '2026-10-31T23:00:00.000Z',
      firstDay: '2026-10-01',
      lastDay: '2026-10-31',
    });
    expect(json.scope).toEqual({ kind: 'team', teamId: 2, name: 'Wijkteam Noord', text: 'Wijkteam Noord' });
    expect(json.waitingDefinition).toEqual({
      from: 'signup',
      days: 'working',
      text: WAITING,
      explanation: WAITING_HELP,
    });
    expect(json.generatedAt).toBe('2026-11-30T22:30:00.000Z');
    expect(json.suppression).toEqual({ rule: '(figures.suppressedNote)', threshold: 5 });
    expect(json.figures[5]).toEqual({
      key: 'waiting.within14share',
      group: 'waiting',
      label: '(figures.rows.waiting.within14share)',
      unit: 'share',
      value: 0.875,
      suppressed: false,
      previous: 0.834,
      previousSuppressed: false,
      definition: '(figures.definitions.waiting)',
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('never contains the number behind a suppressed figure', () => {
    const leaky: FigureReport = {
      ...REPORT,
      rows: [row('inflow.total', 'count', 3, 4, { suppressed: true, previousSuppressed: true })],
    };
    const json = figuresJson(leaky, 'en', en);
    expect(json.figures[0]).toMatchObject({ value: null, suppressed: true, previous: null, previousSuppressed: true });
    // Nor do the other files.
    expect(readCsv(figuresCsv(leaky, 'en', en))[1]!.slice(2, 4)).toEqual(['< 5', '< 5']);
    for (const f of figuresJson(REPORT, 'nl', nl).figures) {
      if (f.suppressed) expect(f.value).toBeNull();
      if (f.previousSuppressed) expect(f.previous).toBeNull();
    }
  });
});

describe('the page and the three files', () => {
  for (const locale of ['nl', 'en'] as const) {
    it(`agree row by row (${locale})`, async () => {
      const t = texts(locale);
      const csv = readCsv(figuresCsv(REPORT, locale, t)).slice(1);
      const sheet = (await readXlsx(await figuresXlsx(REPORT, locale, t))).worksheets[0]!;
      const json = figuresJson(REPORT, locale, t).figures;
      ROWS.forEach((r, i) => {
        for (const [which, col] of [
          ['value', 2],
          ['previous', 3],
        ] as const) {
          const shown = displayValue(r, which, locale, t);
          const inCsv = csv[i]![col]!;
          const inXlsx = sheet.getRow(i + 3).getCell(col + 1).value as Cell;
          const inJson = json[i]![which];
          const where = `${r.key} ${which}`;
          if (shown === '< 5') {
            expect([inCsv, inXlsx, inJson], where).toEqual(['< 5', '< 5', null]);
          } else if (shown === '–') {
            expect([inCsv, inXlsx, inJson], where).toEqual(['', null, null]);
          } else {
            const fromCsv = Number(locale === 'nl' ? inCsv.replace(',', '.') : inCsv) / (r.unit === 'share' ? 100 : 1);
            expect(fromCsv, where).toBeCloseTo(inXlsx as number, 9);
            // The exported number and the unrounded JSON number are shown as the page shows them.
            expect(displayValue({ ...r, [which]: inXlsx }, which, locale, t), where).toBe(shown);
            expect(displayValue({ ...r, [which]: inJson }, which, locale, t), where).toBe(shown);
          }
        }
      });
    });
  }
});

describe('with the texts of the figures themselves', () => {
  for (const locale of ['nl', 'en'] as const) {
    it(`names groups, labels and the waiting time from the figures' own texts (${locale})`, async () => {
      const t = translator(locale);
      const report: FigureReport = {
        ...REPORT,
        rows: [row('inflow.total', 'count', 12, 9), row('waiting.median', 'days', 12.5, 15)],
      };
      const table = readCsv(figuresCsv(report, locale, t));
      const days = t('figures.definition.days.working');
      expect(table[1]!.slice(0, 2)).toEqual([t('figures.groups.inflow'), t('figures.rows.inflow.total')]);
      expect(table[2]![8]).toBe(`${t('figures.definition.from.signup')}, ${days[0]!.toLowerCase()}${days.slice(1)}`);
      expect(table[2]![9]).toBe(t('figures.definitions.waiting'));
      expect(figuresJson(report, locale, t).suppression.rule).toBe(t('figures.suppressedNote'));
      const wb = await readXlsx(await figuresXlsx(report, locale, t));
      expect(wb.worksheets[1]!.getCell('A2').value).toBe(t('figures.groups.inflow'));
    });
  }
});
