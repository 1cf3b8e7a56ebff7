// The vega-lite spec and data of a bar chart (stacked or side by side), with its value labels,
// dashed lines between categories or at a value, and shaded stretches of categories.
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from './charts-render.js';
import { PALETTE, niceMax, seriesColour, seriesFill, type Pattern } from './charts-svg.js';
import { barLabels, type LabelRow } from './charts-labels.js';

export interface BarSeries {
  key: string;
  label: string;
  values: (number | null)[];
  pattern?: Pattern;
}

export interface BarChartOptions {
  /** Prefix of every id in the SVG: unique on the page, e.g. 'capacity-chart'. */
  id: string;
  title: string;
  description: string;
  categories: { key: string; label: string }[];
  series: BarSeries[];
  stacked?: boolean;
  yTitle?: string;
  /** A dashed line after category `after` (an index), e.g. the end of a promise; named in the legend. */
  boundaries?: { after: number; label: string }[];
  /** A dashed line at value `value` on the y axis, e.g. a minimum; named in the legend. */
  thresholds?: { value: number; label: string }[];
  /** A grey background behind categories `from` to `to` (indexes, inclusive), labelled in the chart. */
  bands?: { from: number; to: number; label: string }[];
  /** Text per series and category instead of the value (null: the value itself), e.g. '< 5'. */
  valueLabels?: (string | null)[][];
}

/** Dash patterns of the lines, in order; the legend shows them. */
export const DASHES = [
  [6, 4],
  [2, 3],
  [10, 3, 2, 3],
];
const STEP = 44;
const GAP = 0.3;
/** Side by side, each bar gets this much of its category's width. */
const OFFSET_STEP = 22;
/** With a band, the highest bar reaches this share of the plot's height. */
const BAND_ROOM = 0.72;

/** A line break in a category label ('wo\n25 nov') starts a second line under the bar. */
function categoryLabels(categories: BarChartOptions['categories']): string {
  const lookup = Object.fromEntries(categories.map((c) => [c.key, c.label.split('\n')]));
  return `${JSON.stringify(lookup)}[datum.value]`;
}

function yMax(opts: BarChartOptions): number {
  const totals = opts.categories.map((_, j) => {
    const vals = opts.series.map((s) => s.values[j] ?? 0);
    return opts.stacked ? vals.reduce((a, b) => a + b, 0) : Math.max(0, ...vals);
  });
  const top = Math.max(0, ...totals, ...(opts.thresholds ?? []).map((t) => t.value));
  // A band's label sits at the top of the plot: the bars (and their labels) stay below it.
  return niceMax(opts.bands?.length ? top / BAND_ROOM : top);
}

/** The width of one category: fixed when stacked, else enough for every series' bar. */
function stepOf(opts: BarChartOptions): number {
  return opts.stacked ? STEP : (OFFSET_STEP * opts.series.length) / (1 - GAP);
}

/** Words over lines that fit `width` (about 6.5 px per letter at 12 px): a band's label stays in its band. */
export function wrap(text: string, width: number): string[] {
  const max = Math.max(4, Math.floor(width / 6.5));
  const lines: string[] = [];
  for (const word of text.split(/\s+/)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= max) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

export function barData(opts: BarChartOptions): Record<string, object[]> {
  const bars = opts.series.flatMap((s, i) =>
    s.values.flatMap((value, j) =>
      value === null ? [] : [{ cat: opts.categories[j]!.key, series: s.label, order: i, value }],
    ),
  );
  const labels: LabelRow[] = barLabels(opts);
  const key = (i: number) => opts.categories[Math.min(Math.max(i, 0), opts.categories.length - 1)]!.key;
  return {
    bars,
    above: labels.filter((l) => l.place === 'above'),
    inside: labels.filter((l) => l.place === 'inside'),
    boundaries: (opts.boundaries ?? []).map((b) => ({ at: key(b.after), label: b.label })),
    thresholds: (opts.thresholds ?? []).map((t) => ({ value: t.value, label: t.label })),
    bands: (opts.bands ?? []).flatMap((b) =>
      opts.categories.filter((_, j) => j >= b.from && j <= b.to).map((c) => ({ cat: c.key })),
    ),
    bandLabels: (opts.bands ?? []).map((b) => ({
      from: key(b.from),
      // Over at most two lines: a narrow band's label may reach over the next category (above its bars).
      label: wrap(b.label, Math.max(b.to - b.from + 1, 2) * stepOf(opts) - 6),
    })),
  };
}

export function barSpec(opts: BarChartOptions): TopLevelSpec {
  const max = yMax(opts);
  const step = stepOf(opts);
  const half = (GAP * step) / 2;
  const names = opts.series.map((s) => s.label);
  const x = {
    field: 'cat',
    type: 'nominal',
    sort: opts.categories.map((c) => c.key),
    scale: { domain: opts.categories.map((c) => c.key), paddingInner: GAP, paddingOuter: GAP / 2 },
    axis: { title: null, labelAngle: 0, labelExpr: categoryLabels(opts.categories), ticks: false },
  } as const;
  const y = {
    type: 'quantitative',
    scale: { domain: [0, max], nice: false },
    axis: { title: opts.yTitle ?? null, tickCount: Math.min(max, 5), format: 'd' },
  } as const;
  const offset = opts.stacked ? {} : { xOffset: { field: 'series', type: 'nominal', scale: { domain: names } } };
  const series = (range: string[]) => ({ field: 'series', type: 'nominal', scale: { domain: names, range } }) as const;
  const layers = [
    {
      data: { name: 'bands' },
      mark: { type: 'rect', fill: PALETTE.band, width: step },
      encoding: { x: { ...x, field: 'cat' }, y: { datum: max, ...y }, y2: { datum: 0 } },
    },
    {
      data: { name: 'bars' },
      mark: { type: 'bar', strokeWidth: 1.5 },
      encoding: {
        x,
        y: { field: 'value', stack: opts.stacked ? 'zero' : null, ...y },
        ...offset,
        order: { field: 'order', type: 'quantitative' },
        // One legend: the fill's, its swatches outlined in the series' colour (vega's scale 'stroke').
        fill: {
          ...series(opts.series.map((s, i) => seriesFill(opts.id, i, s.pattern ?? 'solid'))),
          legend: {
            // More than two series: two per line, so a long name does not widen the chart.
            ...(opts.series.length > 2 ? { columns: 2 } : {}),
            encode: { symbols: { update: { stroke: { scale: 'stroke', field: 'value' } } } },
          },
        },
        stroke: { ...series(opts.series.map((_, i) => seriesColour(i))), legend: null },
      },
    },
    {
      data: { name: 'bandLabels' },
      mark: {
        type: 'text',
        align: 'left',
        baseline: 'top',
        lineHeight: 14,
        dx: 3 - half,
        dy: 3,
        stroke: PALETTE.white,
        strokeWidth: 3,
      },
      encoding: { x: { ...x, field: 'from', bandPosition: 0 }, y: { datum: max, ...y }, text: { field: 'label' } },
    },
    ...labelLayers(x, y, offset),
    ...ruleLayers(opts, x, y, half),
  ];
  return {
    config: CHART_CONFIG,
    // A fixed width (not a step): every layer then shares the same category positions.
    width: step * Math.max(1, opts.categories.length),
    height: 180,
    layer: layers,
  } as unknown as TopLevelSpec;
}

/** The dashed red lines: between categories (boundaries) and at a value (thresholds), one legend. */
function ruleLayers(opts: BarChartOptions, x: object, y: object, half: number): object[] {
  const ruleLabels = [...(opts.boundaries ?? []), ...(opts.thresholds ?? [])].map((r) => r.label);
  const dash = {
    field: 'label',
    type: 'nominal',
    scale: { domain: ruleLabels, range: DASHES.slice(0, Math.max(1, ruleLabels.length)) },
    legend: { symbolType: 'stroke', symbolStrokeColor: PALETTE.red, symbolStrokeWidth: 2, symbolSize: 500 },
  } as const;
  return [
    {
      data: { name: 'boundaries' },
      mark: { type: 'rule', stroke: PALETTE.red, strokeWidth: 2, xOffset: half },
      encoding: { x: { ...x, field: 'at', bandPosition: 1 }, strokeDash: dash },
    },
    {
      data: { name: 'thresholds' },
      mark: { type: 'rule', stroke: PALETTE.red, strokeWidth: 2 },
      encoding: { y: { field: 'value', ...y }, strokeDash: dash },
    },
  ];
}

function labelLayers(x: object, y: object, offset: object): object[] {
  const halo = { stroke: PALETTE.white, strokeWidth: 3 };
  return [
    {
      data: { name: 'above' },
      mark: { type: 'text', baseline: 'bottom', dy: -3, fontWeight: 'bold', ...halo },
      encoding: { x, y: { field: 'y', ...y }, ...offset, text: { field: 'text' } },
    },
    {
      data: { name: 'inside' },
      mark: { type: 'text', baseline: 'middle', fontWeight: 'bold' },
      encoding: {
        x,
        y: { field: 'y', ...y },
        ...offset,
        text: { field: 'text' },
        fill: { field: 'colour', type: 'nominal', scale: null },
        stroke: { field: 'halo', type: 'nominal', scale: null },
        strokeWidth: { value: 3 },
      },
    },
  ];
}
