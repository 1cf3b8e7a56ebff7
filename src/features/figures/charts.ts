// The charts of the figures page, drawn with core/charts.ts (vega-lite, server-side SVG). Each
// shows numbers the page's rows also hold, suppressed alike ("< 5"), with its own text summary
// and data table; series differ by pattern, not by colour alone.
import { barChart, lineChart } from '../../core/charts.js';
import { translator, type Locale } from '../../core/i18n.js';
import type { FigureRow } from '../../domain/figures-model.js';
import { local } from '../../domain/time.js';
import { CHANNELS } from '../../domain/figures-types.js';
import { WAITING_BUCKETS } from '../../domain/figures-types.js';
import { displayValue, periodText, scopeText, valueWithUnit } from './format.js';
import type { FiguresPage } from './service.js';

export interface PageChart {
  svg: string;
  summary: string;
  table: { caption: string; head: string[]; rows: string[][] };
}

const PATTERNS = ['solid', 'hatch', 'dots', 'solid'] as const;

async function inflowChart(page: FiguresPage, locale: Locale): Promise<PageChart> {
  const t = translator(locale);
  const { per, bars } = page.inflow;
  const months = [...new Set(bars.map((b) => b.start))];
  const lang = locale === 'en' ? 'en-GB' : 'nl-NL';
  const monthLabel = (m: string) =>
    per === 'month'
      ? local(`${m}-01`).setLocale(lang).toFormat('LLL\nyyyy')
      : t('figurespage.charts.quarterLabel', { n: m.slice(6), year: m.slice(0, 4) });
  const cell = (n: number | null) => (n === null ? t('figures.suppressed') : n.toLocaleString(lang));
  const value = (m: string, c: string) => bars.find((b) => b.start === m && b.channel === c)?.count ?? 0;
  const series = CHANNELS.map((c, i) => ({
    key: c,
    label: t(`figurespage.channels.${c}`),
    values: months.map((m) => value(m, c)),
    pattern: PATTERNS[i],
  }));
  const total = page.report.rows.find((r) => r.key === 'inflow.total')!;
  const svg = await barChart({
    id: 'inflow-chart',
    title: t(`figurespage.charts.inflowTitle.${per}`),
    description: t('figurespage.charts.inflowSummary', {
      period: periodText(page.report.period, locale),
      total: displayValue(total, 'value', locale, t),
    }),
    categories: months.map((m) => ({ key: m, label: monthLabel(m) })),
    series: series.map((s) => ({ ...s, values: s.values.map((v) => v ?? 0) })),
    stacked: true,
    yTitle: t('figurespage.charts.count'),
    valueLabels: series.map((s) => s.values.map((v) => (v === null ? t('figures.suppressed') : null))),
  });
  return {
    svg,
    summary: t('figurespage.charts.inflowSummary', {
      period: periodText(page.report.period, locale),
      total: displayValue(total, 'value', locale, t),
    }),
    table: {
      caption: t(`figurespage.charts.inflowTitle.${per}`),
      head: [t(`figurespage.charts.${per}`), ...series.map((s) => s.label)],
      rows: months.map((m, j) => [monthLabel(m).replace('\n', ' '), ...series.map((s) => cell(s.values[j] ?? 0))]),
    },
  };
}

async function waitingChart(page: FiguresPage, locale: Locale): Promise<PageChart> {
  const t = translator(locale);
  const rows = WAITING_BUCKETS.map((b) => page.report.rows.find((r) => r.key === `waitingdist.${b}`)!);
  const label = (r: FigureRow) => t(`figures.rows.${r.key}`);
  const show = (r: FigureRow, which: 'value' | 'previous') => displayValue(r, which, locale, t);
  const row = (key: string) => page.report.rows.find((r) => r.key === key)!;
  const summary = t('figurespage.charts.waitingSummary', {
    median: valueWithUnit(row('waiting.median'), locale, t),
    within14: show(row('waiting.within14share'), 'value'),
    within21: show(row('waiting.within21share'), 'value'),
  });
  const svg = await barChart({
    id: 'waiting-chart',
    title: t('figurespage.charts.waitingTitle'),
    description: summary,
    categories: rows.map((r) => ({
      key: r.key,
      label: t(`figurespage.charts.buckets.${r.key.slice('waitingdist.'.length)}`),
    })),
    series: [
      { key: 'current', label: t('figurespage.charts.current'), values: rows.map((r) => r.value), pattern: 'solid' },
      { key: 'before', label: t('figurespage.charts.before'), values: rows.map((r) => r.previous), pattern: 'hatch' },
    ],
    yTitle: t('figurespage.charts.count'),
    valueLabels: [
      rows.map((r) => (r.suppressed ? t('figures.suppressed') : null)),
      rows.map((r) => (r.previousSuppressed ? t('figures.suppressed') : null)),
    ],
  });
  return {
    svg,
    summary,
    table: {
      caption: t('figurespage.charts.waitingTitle'),
      head: [t('figurespage.table.figure'), t('figurespage.charts.current'), t('figurespage.charts.before')],
      rows: rows.map((r) => [label(r), show(r, 'value'), show(r, 'previous')]),
    },
  };
}

async function firstFreeChart(page: FiguresPage, locale: Locale, promiseDays: number): Promise<PageChart | null> {
  const { per, points } = page.firstFree;
  if (points.length === 0) return null;
  const t = translator(locale);
  const lang = locale === 'en' ? 'en-GB' : 'nl-NL';
  const label = (d: string) =>
    local(d)
      .setLocale(lang)
      .toFormat(per === 'week' ? 'd LLL' : 'LLL\nyyyy');
  const text = (d: number | null) => (d === null ? t('figurespage.charts.noFree') : String(d));
  const summary = t(`figurespage.charts.firstFreeSummary.${per}`, {
    scope: scopeText(page.report.scope, t),
    days: promiseDays,
  });
  const title = t(`figurespage.charts.firstFreeTitle.${per}`);
  const svg = await lineChart({
    id: 'first-free-chart',
    title,
    description: summary,
    points: points.map((p) => ({ x: p.start, label: label(p.start), value: p.days })),
    yTitle: t('figurespage.charts.days'),
    threshold: { value: promiseDays, label: t('figurespage.charts.promise', { days: promiseDays }) },
  });
  return {
    svg,
    summary,
    table: {
      caption: title,
      head: [t(`figurespage.charts.${per}`), t('figurespage.charts.days')],
      rows: points.map((p) => [label(p.start).replace('\n', ' '), text(p.days)]),
    },
  };
}

/** The page's charts: sign-ups per month (over two months or more), waiting time, and capacity over time. */
export async function pageCharts(page: FiguresPage, locale: Locale, promiseDays: number) {
  const months = new Set(page.inflow.bars.map((b) => b.start)).size;
  const main = [...(months >= 2 ? [await inflowChart(page, locale)] : []), await waitingChart(page, locale)];
  return { main, capacity: await firstFreeChart(page, locale, promiseDays) };
}
