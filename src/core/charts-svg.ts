// The finishing touches on an SVG drawn by vega: our own root element (role="img", named by its
// <title> and <desc>), the fill patterns the series use, the drawing itself hidden from assistive
// technology (the data table beside the chart carries the numbers), and ids prefixed with the
// chart's id, so several charts on one page never share an id.

/** Colours of the NL Design System's Rijkshuisstijl: every one is ≥ 4.5:1 on white. */
export const PALETTE = {
  blue: '#154273',
  green: '#00703c',
  red: '#b00020',
  text: '#1a1a1a',
  grid: '#767676',
  band: '#ececec',
  white: '#ffffff',
} as const;

/** Series colours in order; patterns (not colour alone) tell them apart. */
export const SERIES_COLOURS = [PALETTE.blue, PALETTE.green, PALETTE.text, '#673327'] as const;

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';

export type Pattern = 'solid' | 'hatch' | 'dots';

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length]!;
}

export function patternId(chartId: string, index: number): string {
  return `${chartId}-pattern-${index}`;
}

/** The fill a series' bars get: its colour, or a pattern drawn in its colour. */
export function seriesFill(chartId: string, index: number, pattern: Pattern): string {
  return pattern === 'solid' ? seriesColour(index) : `url(#${patternId(chartId, index)})`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function patternDef(id: string, colour: string, pattern: Exclude<Pattern, 'solid'>): string {
  const back = `<rect width="6" height="6" fill="${PALETTE.white}"/>`;
  if (pattern === 'hatch') {
    return (
      `<pattern id="${id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
      `${back}<line x1="0" y1="0" x2="0" y2="6" stroke="${colour}" stroke-width="3"/></pattern>`
    );
  }
  return (
    `<pattern id="${id}" patternUnits="userSpaceOnUse" width="6" height="6">` +
    `${back}<circle cx="3" cy="3" r="1.6" fill="${colour}"/></pattern>`
  );
}

/** <defs> with one pattern per patterned series (empty when all are solid). */
export function patternDefs(chartId: string, patterns: Pattern[]): string {
  const defs = patterns
    .map((p, i) => (p === 'solid' ? '' : patternDef(patternId(chartId, i), seriesColour(i), p)))
    .join('');
  return defs ? `<defs>${defs}</defs>` : '';
}

/** Prefixes the ids vega made itself (clip paths, gradients) with the chart's id. */
function prefixIds(inner: string, chartId: string): string {
  const ids = [...inner.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!).filter((id) => !id.startsWith(chartId));
  let out = inner;
  for (const id of new Set(ids)) {
    out = out.split(`id="${id}"`).join(`id="${chartId}-${id}"`).split(`url(#${id})`).join(`url(#${chartId}-${id})`);
  }
  return out;
}

/** Labels drawn with a white outline (a halo) keep it under the letters, so they stay legible on patterns. */
function haloUnderText(inner: string): string {
  return inner.replace(
    /<text ([^>]*)stroke="#ffffff"/g,
    '<text $1paint-order="stroke" stroke-linejoin="round" stroke="#ffffff"',
  );
}

export interface Frame {
  id: string;
  title: string;
  description: string;
  patterns: Pattern[];
}

/** Wraps vega's SVG in the accessible root element. */
export function finishSvg(vegaSvg: string, frame: Frame): string {
  const root = /^<svg[^>]*viewBox="([^"]+)"[^>]*>/.exec(vegaSvg);
  if (!root || !vegaSvg.endsWith('</svg>')) throw new Error('unexpected SVG from vega');
  const inner = vegaSvg
    .slice(root[0].length, -'</svg>'.length)
    .replace(/\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g, '');
  const id = frame.id;
  // Drawn at its own size, never larger; the stylesheet lets it shrink to a narrow column.
  const [, , width, height] = root[1]!.split(/[\s,]+/);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="kt-chart" role="img" ` +
    `aria-labelledby="${id}-title ${id}-desc" viewBox="${root[1]}" width="${width}" height="${height}" focusable="false">` +
    `<title id="${id}-title">${escapeXml(frame.title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(frame.description)}</desc>` +
    patternDefs(id, frame.patterns) +
    `<g aria-hidden="true">${haloUnderText(prefixIds(inner, id))}</g></svg>`
  );
}

/** A rounded top of the y scale: at most 5 steps of 1, 2 or 5 × 10ⁿ (never below 4, so an empty chart has an axis). */
export function niceMax(n: number): number {
  if (n <= 4) return 4;
  for (let unit = 1; ; unit *= 10) {
    for (const step of [unit, 2 * unit, 5 * unit]) {
      if (Math.ceil(n / step) <= 5) return Math.ceil(n / step) * step;
    }
  }
}
