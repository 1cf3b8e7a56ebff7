// The bench's table on stdout and its results.json.
import { writeFileSync } from 'node:fs';

export interface Row {
  measure: string;
  value: string;
  target: string;
  ok: boolean | null;
}

export function printTable(rows: Row[]): string {
  const head: [string, string, string, string] = ['Measure', 'Value', 'Target', 'OK'];
  const cells = rows.map((r) => [r.measure, r.value, r.target, r.ok === null ? '' : r.ok ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const text = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
  console.log(`\n${text}\n`);
  return text;
}

export function writeResults(file: string, results: unknown): void {
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

export const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
export const percent = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : '—');
