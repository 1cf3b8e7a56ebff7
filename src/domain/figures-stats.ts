// Small statistics for the figures, computed the way PostgreSQL computes them, so a figure from
// this code and one from a query on the same rows are equal.

/**
 * The p-th percentile (0 ≤ p ≤ 1) of numbers sorted ascending, with linear interpolation exactly
 * like PostgreSQL's `percentile_cont(p) WITHIN GROUP (ORDER BY x)`: the value at position
 * p × (n − 1) in the sorted list (counting from 0), between the two values around it when that
 * position is not a whole number. p = 0.5 is the median: the middle value, or the average of the two
 * middle values. Example: [1, 2, 4, 10] at 0.8 → position 2.4 → 4 + 0.4 × (10 − 4) = 6.4.
 * Returns null for an empty list (PostgreSQL returns NULL).
 */
export function percentile(sorted: number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const pos = Math.min(Math.max(p, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const low = sorted[lo]!;
  return low + (sorted[hi]! - low) * (pos - lo);
}

/** n, median and 80th percentile of a list of numbers (any order). */
export interface Spread {
  n: number;
  median: number | null;
  p80: number | null;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, median: percentile(sorted, 0.5), p80: percentile(sorted, 0.8) };
}

/** count / base, or null when there is no base. */
export function share(count: number, base: number): number | null {
  return base === 0 ? null : count / base;
}
