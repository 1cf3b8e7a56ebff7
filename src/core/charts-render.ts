// Renders a vega-lite spec to SVG on the server: compiled to vega and parsed once per spec
// (kept in a small cache), then drawn with the data of this request by a headless vega View
// (renderer 'none': no canvas, no DOM). The result is finished by charts-svg.ts, and the last
// charts drawn are kept too: the same page asked again costs no drawing. vega and vega-lite
// (~45 MB once loaded) are imported when the first chart is drawn, not when the portal starts:
// most processes serve residents and never draw one.
import type { Runtime } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { FONT, PALETTE, finishSvg, type Frame } from './charts-svg.js';

/** The look every chart shares: dark text, the system font, no colour-only cues. */
export const CHART_CONFIG = {
  aria: false,
  font: FONT,
  background: PALETTE.white,
  padding: 8,
  view: { stroke: null },
  axis: {
    labelColor: PALETTE.text,
    titleColor: PALETTE.text,
    domainColor: PALETTE.text,
    tickColor: PALETTE.text,
    gridColor: PALETTE.grid,
    gridWidth: 0.5,
    labelFontSize: 12,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    labelLineHeight: 14,
  },
  legend: {
    orient: 'top',
    title: null,
    symbolType: 'square',
    direction: 'horizontal',
    labelColor: PALETTE.text,
    labelFontSize: 12,
    symbolSize: 180,
    symbolStrokeWidth: 1.5,
    columnPadding: 16,
    labelLimit: 320,
  },
  text: { fontSize: 12, fill: PALETTE.text },
} as const;

const MAX_CACHED = 64;
const runtimes = new Map<string, Runtime>();
const drawn = new Map<string, string>();

/** Forgets the charts drawn so far (tests use it to draw the same chart twice). */
export function forgetDrawnCharts(): void {
  drawn.clear();
}

interface Engine {
  parse: typeof import('vega').parse;
  View: typeof import('vega').View;
  compile: typeof import('vega-lite').compile;
}
let engine: Promise<Engine> | undefined;

/** vega and vega-lite, loaded once, on first use. */
function loadEngine(): Promise<Engine> {
  engine ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({
    parse: vega.parse,
    View: vega.View,
    compile: vegaLite.compile,
  }));
  return engine;
}

/** vega's parsed runtime for a spec; the same spec (without its data) is compiled once. */
function runtimeFor(spec: TopLevelSpec, { parse, compile }: Engine): Runtime {
  const key = JSON.stringify(spec);
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = parse(compile(spec).spec);
    if (runtimes.size >= MAX_CACHED) runtimes.delete(runtimes.keys().next().value!);
    runtimes.set(key, runtime);
  }
  return runtime;
}

/**
 * Draws `spec` with named data sets (`data: { name }` in the spec) and returns the finished SVG.
 * The same input gives the same bytes: vega draws no random ids or dates.
 */
export async function renderChart(spec: TopLevelSpec, data: Record<string, object[]>, frame: Frame): Promise<string> {
  // Drawing is deterministic, so a chart drawn before (same spec, data and texts) is reused.
  const key = JSON.stringify([spec, data, frame]);
  const kept = drawn.get(key);
  if (kept !== undefined) return kept;
  const vega = await loadEngine();
  const view = new vega.View(runtimeFor(spec, vega), { renderer: 'none' });
  try {
    for (const [name, rows] of Object.entries(data)) view.data(name, rows);
    const svg = finishSvg(await view.toSVG(), frame);
    if (drawn.size >= MAX_CACHED) drawn.delete(drawn.keys().next().value!);
    drawn.set(key, svg);
    return svg;
  } finally {
    view.finalize();
  }
}
