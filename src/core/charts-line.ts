// The vega-lite spec and data of a line chart over time (e.g. days until the first free moment,
// per week), with a value label on every point and an optional dashed threshold line.
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG } from './charts-render.js';
import { DASHES } from './charts-bar.js';
import { PALETTE, niceMax } from './charts-svg.js';

export interface LineChartOptions {
  id: string;
  title: string;
  description: string;
  /** In order; `x` identifies the point, `label` is printed under it (a '\n' starts a second line). */
  points: { x: Date | string; label: string; value: number | null }[];
  yTitle: string;
  /** The name of the line in the legend (default: yTitle). */
  seriesLabel?: string;
  threshold?: { value: number; label: string };
  /** Text per point instead of the value (null: the value itself). */
  valueLabels?: (string | null)[];
}

const STEP = 56;

const keyOf = (x: Date | string, i: number) => `${i}:${x instanceof Date ? x.toISOString() : x}`;

export function lineData(opts: LineChartOptions): Record<string, object[]> {
  const series = opts.seriesLabel ?? opts.yTitle;
  const points = opts.points.flatMap((p, i) => {
    const text = opts.valueLabels?.[i] ?? (p.value === null ? null : p.value.toLocaleString('nl-NL'));
    return p.value === null ? [] : [{ key: keyOf(p.x, i), value: p.value, series, text: text ?? '' }];
  });
  // The line has every point: where a value is missing, the line is broken off.
  const line = opts.points.map((p, i) => ({ key: keyOf(p.x, i), value: p.value, series }));
  return { points, line, thresholds: opts.threshold ? [{ ...opts.threshold }] : [] };
}

export function lineSpec(opts: LineChartOptions): TopLevelSpec {
  const keys = opts.points.map((p, i) => keyOf(p.x, i));
  const lookup = Object.fromEntries(opts.points.map((p, i) => [keys[i], p.label.split('\n')]));
  // Some room above the highest point and the threshold, for their labels.
  const max = niceMax(1.15 * Math.max(0, ...opts.points.map((p) => p.value ?? 0), opts.threshold?.value ?? 0));
  const series = opts.seriesLabel ?? opts.yTitle;
  const x = {
    field: 'key',
    type: 'ordinal',
    sort: keys,
    scale: { type: 'point', domain: keys, padding: 0.5 },
    axis: { title: null, labelAngle: 0, labelExpr: `${JSON.stringify(lookup)}[datum.value]`, grid: false },
  } as const;
  const y = {
    field: 'value',
    type: 'quantitative',
    scale: { domain: [0, max], nice: false },
    axis: { title: opts.yTitle, tickCount: Math.min(max, 5), format: 'd' },
  } as const;
  const stroke = {
    field: 'series',
    type: 'nominal',
    scale: { domain: [series], range: [PALETTE.blue] },
    legend: { title: null, symbolType: 'stroke', symbolStrokeWidth: 2 },
  } as const;
  const layers = [
    {
      data: { name: 'line' },
      mark: { type: 'line', strokeWidth: 2, invalid: 'break-paths-show-domains' },
      encoding: { x, y, stroke },
    },
    {
      data: { name: 'points' },
      mark: {
        type: 'point',
        filled: true,
        size: 50,
        opacity: 1,
        fill: PALETTE.blue,
        stroke: PALETTE.white,
        strokeWidth: 1,
      },
      encoding: { x, y },
    },
    {
      data: { name: 'points' },
      mark: { type: 'text', baseline: 'bottom', dy: -6, fontWeight: 'bold', stroke: PALETTE.white, strokeWidth: 3 },
      encoding: { x, y, text: { field: 'text' } },
    },
    {
      data: { name: 'thresholds' },
      mark: { type: 'rule', stroke: PALETTE.red, strokeWidth: 2 },
      encoding: {
        y,
        strokeDash: {
          field: 'label',
          type: 'nominal',
          scale: { range: [DASHES[0]] },
          legend: { symbolType: 'stroke', symbolStrokeColor: PALETTE.red, symbolStrokeWidth: 2, symbolSize: 500 },
        },
      },
    },
  ];
  return {
    config: CHART_CONFIG,
    width: { step: STEP },
    height: 180,
    layer: layers,
  } as unknown as TopLevelSpec;
}
