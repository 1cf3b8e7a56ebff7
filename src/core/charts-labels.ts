// Where each bar's value label goes. Side by side: above the bar. Stacked: the top part's label
// above the stack, the other parts' labels in the middle of their part (white on a solid part,
// dark with a white outline on a pattern); a lower part of 0 (or without a value) has no height
// and gets no label, so give a stacked chart's '< 5' style labels to its top series.
import { PALETTE } from './charts-svg.js';
import type { BarChartOptions } from './charts-bar.js';

export interface LabelRow {
  cat: string;
  series: string;
  y: number;
  text: string;
  place: 'above' | 'inside';
  colour: string;
  halo: string;
}

const hasGiven = (opts: BarChartOptions, i: number, j: number) => (opts.valueLabels?.[i]?.[j] ?? null) !== null;

/** The printed value: the given text, else the number (in Dutch notation when it has decimals). */
function textOf(opts: BarChartOptions, i: number, j: number): string | null {
  const given = opts.valueLabels?.[i]?.[j];
  if (given !== undefined && given !== null) return given;
  const value = opts.series[i]!.values[j];
  return value === null || value === undefined ? null : value.toLocaleString('nl-NL');
}

export function barLabels(opts: BarChartOptions): LabelRow[] {
  const out: LabelRow[] = [];
  opts.categories.forEach((c, j) => {
    let base = 0;
    const top = opts.series.reduce(
      (last, s, i) => ((s.values[j] ?? null) !== null || hasGiven(opts, i, j) ? i : last),
      -1,
    );
    opts.series.forEach((s, i) => {
      const text = textOf(opts, i, j);
      const value = s.values[j] ?? 0;
      const row = { cat: c.key, series: s.label, text: text ?? '', colour: PALETTE.text, halo: PALETTE.white };
      if (text === null) {
        // nothing to print
      } else if (!opts.stacked) {
        out.push({ ...row, y: value, place: 'above' });
      } else if (i === top) {
        out.push({ ...row, y: base + value, place: 'above' });
      } else if (value > 0) {
        const solid = (s.pattern ?? 'solid') === 'solid';
        out.push({
          ...row,
          y: base + value / 2,
          place: 'inside',
          colour: solid ? PALETTE.white : PALETTE.text,
          halo: solid ? 'none' : PALETTE.white,
        });
      }
      if (opts.stacked) base += value;
    });
  });
  return out;
}
