// Every figure as a FigureRow, in one fixed order, with small numbers suppressed: the page, the
// charts and every export show these rows, so they show the same values and hide the same ones.
import type { FigureRow, FigureUnit } from './figures-model.js';
import { RESULTS } from './figures-model.js';
import { CHANNELS, REFERRER_KINDS, WAITING_BUCKETS, type Figures } from './figures-types.js';

/** The groups in the order they are shown; each has its definition at figures.definitions.<group>. */
export const FIGURE_GROUPS = [
  'inflow',
  'referrers',
  'waiting',
  'waitingdist',
  'leadtime',
  'outcomes',
  'noshows',
  'returning',
  'recidive',
  'callbacks',
] as const;
export type FigureGroup = (typeof FIGURE_GROUPS)[number];

/**
 * A count is suppressed itself; a median, percentile or share by the count it is computed over
 * (`base`).
 */
interface Spec {
  key: string;
  group: FigureGroup;
  unit: FigureUnit;
  value: (f: Figures) => number | null;
  base?: (f: Figures) => number;
  /** For a share: the count it is the share of (a share of 1–4 people would give that count back). */
  part?: (f: Figures) => number;
}

const count = (group: FigureGroup, key: string, value: (f: Figures) => number): Spec => ({
  key,
  group,
  unit: 'count',
  value,
});
const over = (
  group: FigureGroup,
  key: string,
  unit: Exclude<FigureUnit, 'count'>,
  value: (f: Figures) => number | null,
  base: (f: Figures) => number,
  part?: (f: Figures) => number,
): Spec => ({ key, group, unit, value, base, ...(part ? { part } : {}) });

const SPECS: Spec[] = [
  count('inflow', 'inflow.total', (f) => f.inflow.total),
  ...CHANNELS.map((c) => count('inflow', `inflow.channel.${c}`, (f) => f.inflow.channel[c])),
  ...REFERRER_KINDS.map((k) => count('referrers', `inflow.referrer.${k}`, (f) => f.inflow.referrer[k])),
  count('waiting', 'waiting.n', (f) => f.waiting.n),
  over(
    'waiting',
    'waiting.median',
    'days',
    (f) => f.waiting.median,
    (f) => f.waiting.n,
  ),
  over(
    'waiting',
    'waiting.p80',
    'days',
    (f) => f.waiting.p80,
    (f) => f.waiting.n,
  ),
  count('waiting', 'waiting.within14', (f) => f.waiting.within14),
  over(
    'waiting',
    'waiting.within14share',
    'share',
    (f) => f.waiting.within14share,
    (f) => f.waiting.n,
    (f) => f.waiting.within14,
  ),
  count('waiting', 'waiting.within21', (f) => f.waiting.within21),
  over(
    'waiting',
    'waiting.within21share',
    'share',
    (f) => f.waiting.within21share,
    (f) => f.waiting.n,
    (f) => f.waiting.within21,
  ),
  ...WAITING_BUCKETS.map((b) => count('waitingdist', `waitingdist.${b}`, (f) => f.waiting.buckets[b])),
  count('leadtime', 'leadtime.n', (f) => f.leadtime.n),
  over(
    'leadtime',
    'leadtime.median',
    'days',
    (f) => f.leadtime.median,
    (f) => f.leadtime.n,
  ),
  over(
    'leadtime',
    'leadtime.p80',
    'days',
    (f) => f.leadtime.p80,
    (f) => f.leadtime.n,
  ),
  count('outcomes', 'outcomes.n', (f) => f.outcomes.n),
  ...[...RESULTS, 'none' as const].map((r) => count('outcomes', `outcomes.${r}`, (f) => f.outcomes.result[r])),
  count('noshows', 'noshows.total', (f) => f.noshows),
  count('noshows', 'cancellations.total', (f) => f.cancellations.total),
  count('noshows', 'cancellations.resident', (f) => f.cancellations.resident),
  count('noshows', 'cancellations.staff', (f) => f.cancellations.staff),
  count('returning', 'returning.signups', (f) => f.returning),
  count('recidive', 'recidive.closed', (f) => f.recidive.closed),
  count('recidive', 'recidive.base6', (f) => f.recidive.base6),
  count('recidive', 'recidive.returned6', (f) => f.recidive.returned6),
  over(
    'recidive',
    'recidive.share6',
    'share',
    (f) => f.recidive.share6,
    (f) => f.recidive.base6,
    (f) => f.recidive.returned6,
  ),
  count('recidive', 'recidive.base12', (f) => f.recidive.base12),
  count('recidive', 'recidive.returned12', (f) => f.recidive.returned12),
  over(
    'recidive',
    'recidive.share12',
    'share',
    (f) => f.recidive.share12,
    (f) => f.recidive.base12,
    (f) => f.recidive.returned12,
  ),
  count('callbacks', 'callbacks.requested', (f) => f.callbacks.requested),
  count('callbacks', 'callbacks.done', (f) => f.callbacks.done),
  count('callbacks', 'callbacks.urgent', (f) => f.callbacks.urgent),
  count('callbacks', 'callbacks.urgentCalled', (f) => f.callbacks.urgentCalled),
  over(
    'callbacks',
    'callbacks.urgentMedianHours',
    'hours',
    (f) => f.callbacks.urgentMedianHours,
    (f) => f.callbacks.urgentCalled,
  ),
  count('callbacks', 'callbacks.urgentWithin24', (f) => f.callbacks.urgentWithin24),
  over(
    'callbacks',
    'callbacks.urgentWithin24share',
    'share',
    (f) => f.callbacks.urgentWithin24share,
    (f) => f.callbacks.urgent,
    (f) => f.callbacks.urgentWithin24,
  ),
];

/** 1 to 4 points at a person (CBS practice); 0 points at nobody. */
const isSmall = (n: number) => n >= 1 && n <= 4;

/**
 * One cell: a count of 1–4 is hidden (null, suppressed); a median, percentile or share over a base
 * of 1–4 is hidden too, and so is a share of 1–4 people (it would give their count back); over a
 * base of 0 there is nothing to compute (null, not suppressed).
 */
function cell(spec: Spec, f: Figures): { value: number | null; suppressed: boolean } {
  const value = spec.value(f);
  const n = spec.base ? spec.base(f) : (value ?? 0);
  if (isSmall(n) || (spec.part && isSmall(spec.part(f)))) return { value: null, suppressed: true };
  if (spec.base && n === 0) return { value: null, suppressed: false };
  return { value, suppressed: false };
}

/** Every figure in the fixed order, with the same figure of the previous period next to it. */
export function figureRows(current: Figures, previous: Figures): FigureRow[] {
  return SPECS.map((spec) => {
    const now = cell(spec, current);
    const before = cell(spec, previous);
    return {
      key: spec.key,
      group: spec.group,
      unit: spec.unit,
      value: now.value,
      suppressed: now.suppressed,
      previous: before.value,
      previousSuppressed: before.suppressed,
    };
  });
}

/** Every row key, in order (for the locale texts and exports). */
export const FIGURE_KEYS: readonly string[] = SPECS.map((s) => s.key);
