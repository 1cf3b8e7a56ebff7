// The bench's figures that are better seen than read: an SVG next to results.json with one
// horizontal bar chart per kind of figure (share of a ceiling, p99 latency), each bar with its
// value written out and its target drawn as a line. Readable without colour: the value is text,
// a missed target is marked "NO" as in the table.
import { writeFileSync } from 'node:fs';

export interface Bar {
  label: string;
  value: number;
  /** The target, in the same unit; `atMost` for latencies, else at least. */
  target?: number;
  atMost?: boolean;
}

export interface Panel {
  title: string;
  unit: '%' | 'ms' | 'MB' | 's' | '/s';
  bars: Bar[];
}

const W = 840;
const LABEL_W = 300;
const BAR_H = 22;
const GAP = 8;
const PANEL_HEAD = 34;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function show(v: number, unit: Panel['unit']): string {
  if (!Number.isFinite(v)) return '—';
  if (unit === '%') return `${(v * 100).toFixed(1)}%`;
  if (unit === 's') return `${v.toFixed(1)} s`;
  if (unit === '/s') return `${Math.round(v)}/s`;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${unit}`;
}

function met(b: Bar): boolean | null {
  if (b.target === undefined || !Number.isFinite(b.value)) return null;
  return b.atMost ? b.value <= b.target : b.value >= b.target;
}

function panel(p: Panel, top: number): { svg: string; height: number } {
  const bars = p.bars.filter((b) => Number.isFinite(b.value));
  const max = Math.max(...bars.map((b) => Math.max(b.value, b.target ?? 0)), 1e-9) * 1.1;
  const scale = (v: number) => ((W - LABEL_W - 200) * v) / max;
  const parts = [`<text x="0" y="${top + 20}" font-size="15" font-weight="bold">${esc(p.title)}</text>`];
  bars.forEach((b, i) => {
    const y = top + PANEL_HEAD + i * (BAR_H + GAP);
    const ok = met(b);
    const w = Math.max(1, scale(b.value));
    const value = `${show(b.value, p.unit)}${b.target === undefined ? '' : ` (target ${b.atMost ? '≤' : '≥'} ${show(b.target, p.unit)})`}${ok === false ? ' NO' : ''}`;
    parts.push(
      `<text x="${LABEL_W - 8}" y="${y + 15}" font-size="12" text-anchor="end">${esc(b.label)}</text>`,
      `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${ok === false ? '#b3261e' : '#1f5f8b'}"/>`,
      `<text x="${(LABEL_W + Math.max(w, b.target === undefined ? 0 : scale(b.target)) + 6).toFixed(1)}" y="${y + 15}" font-size="12">${esc(value)}</text>`,
    );
    if (b.target !== undefined) {
      const x = (LABEL_W + scale(b.target)).toFixed(1);
      parts.push(
        `<line x1="${x}" x2="${x}" y1="${y - 3}" y2="${y + BAR_H + 3}" stroke="#000" stroke-width="2" stroke-dasharray="4 2"/>`,
      );
    }
  });
  return { svg: parts.join('\n'), height: PANEL_HEAD + bars.length * (BAR_H + GAP) + 16 };
}

/** The SVG text for these panels: a title, a description listing every value, one panel each. */
export function chartSvg(title: string, panels: Panel[]): string {
  let top = 36;
  const body: string[] = [];
  for (const p of panels) {
    const { svg, height } = panel(p, top);
    body.push(svg);
    top += height;
  }
  const desc = panels
    .map((p) => `${p.title}: ${p.bars.map((b) => `${b.label} ${show(b.value, p.unit)}`).join('; ')}`)
    .join('. ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${top}" width="${W}" height="${top}" role="img" aria-labelledby="t d" font-family="sans-serif">`,
    `<title id="t">${esc(title)}</title>`,
    `<desc id="d">${esc(desc)}</desc>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="0" y="20" font-size="17" font-weight="bold">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

export function writeChart(file: string, title: string, panels: Panel[]): void {
  writeFileSync(file, chartSvg(title, panels));
}
