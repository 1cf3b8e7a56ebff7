// Charts as accessible SVG, drawn on the server with vega-lite (no JavaScript in the browser).
// Every chart is an image named by its <title> and <desc> (ids prefixed with the chart's id),
// its marks are hidden from assistive technology (the page shows the same numbers in a table:
// views/partials/chart.eta), and series differ by pattern and dash, not by colour alone; every
// bar and point carries its value as text. Same input, same bytes.
import { barData, barSpec, type BarChartOptions } from './charts-bar.js';
import { lineData, lineSpec, type LineChartOptions } from './charts-line.js';
import { renderChart } from './charts-render.js';

export type { BarChartOptions, BarSeries } from './charts-bar.js';
export type { LineChartOptions } from './charts-line.js';
export type { Pattern } from './charts-svg.js';

/** A safe id prefix: letters, digits and dashes, starting with a letter. */
function checkId(id: string): void {
  if (!/^[a-z][a-z0-9-]*$/i.test(id)) throw new Error(`chart id must be letters, digits and dashes: ${id}`);
}

/** Bars per category: one bar per series side by side, or stacked. Returns the SVG markup. */
export async function barChart(opts: BarChartOptions): Promise<string> {
  checkId(opts.id);
  for (const s of opts.series) {
    if (s.values.length !== opts.categories.length) throw new Error(`series ${s.key}: one value per category`);
  }
  return renderChart(barSpec(opts), barData(opts), {
    id: opts.id,
    title: opts.title,
    description: opts.description,
    patterns: opts.series.map((s) => s.pattern ?? 'solid'),
  });
}

/** One line through the points in order (broken off where a point has no value). Returns the SVG markup. */
export async function lineChart(opts: LineChartOptions): Promise<string> {
  checkId(opts.id);
  return renderChart(lineSpec(opts), lineData(opts), {
    id: opts.id,
    title: opts.title,
    description: opts.description,
    patterns: [],
  });
}
