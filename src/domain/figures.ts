// The fixed set of figures for team leads and the council (DOMAIN.md "What municipalities
// measure"), computed from one RequestFacts row per request. Pure: no I/O. Every definition below
// is also written out for readers in src/locales/<lang>/figures.json (figures.definitions.<group>),
// and must say the same. Periods are half-open [from, to): "in the period" means from ≤ t < to.
import type { Period, RequestFacts, WaitingDefinition } from './figures-model.js';
import { RESULTS } from './figures-model.js';
import { countDays } from './figures-days.js';
import { inPeriod } from './figures-periods.js';
import { share, spread } from './figures-stats.js';
import { recidive } from './figures-recidive.js';
import {
  CHANNELS,
  REFERRER_KINDS,
  WAITING_BUCKETS,
  inflowChannel,
  type Figures,
  type ReferrerKind,
  type WaitingBucket,
} from './figures-types.js';

export { countDays, isPublicHoliday } from './figures-days.js';
export { customPeriod, periodOf, previousPeriod, type PeriodKind } from './figures-periods.js';
export { percentile } from './figures-stats.js';
export { FIGURE_GROUPS, FIGURE_KEYS, figureRows, type FigureGroup } from './figures-rows.js';
export { monthlyInflow, type MonthlyInflow } from './figures-monthly.js';
export * from './figures-types.js';

const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function inflow(submitted: RequestFacts[]): Figures['inflow'] {
  const channel = zeros(CHANNELS);
  const referrer = zeros(REFERRER_KINDS);
  for (const f of submitted) {
    const c = inflowChannel(f);
    channel[c] += 1;
    if (c !== 'referrer') continue;
    const kind = (REFERRER_KINDS as readonly string[]).includes(f.referrerKind ?? '') ? f.referrerKind : 'other';
    referrer[kind as ReferrerKind] += 1;
  }
  return { total: submitted.length, channel, referrer };
}

function bucketOf(days: number): WaitingBucket {
  if (days <= 7) return '0-7';
  if (days <= 14) return '8-14';
  if (days <= 21) return '15-21';
  return days <= 28 ? '22-28' : '29plus';
}

function waiting(conversed: RequestFacts[], def: WaitingDefinition): Figures['waiting'] {
  const days = conversed.map((f) => {
    const start = def.from === 'signup' ? f.submittedAt : (f.callbackDoneAt ?? f.submittedAt);
    return countDays(start, f.firstConversationAt!, def.days);
  });
  const buckets = zeros(WAITING_BUCKETS);
  for (const d of days) buckets[bucketOf(d)] += 1;
  const within14 = days.filter((d) => d <= 14).length;
  const within21 = days.filter((d) => d <= 21).length;
  const n = days.length;
  return {
    ...spread(days),
    within14,
    within21,
    within14share: share(within14, n),
    within21share: share(within21, n),
    buckets,
  };
}

function outcomes(conversed: RequestFacts[]): Figures['outcomes'] {
  const result = zeros([...RESULTS, 'none'] as const);
  for (const f of conversed) result[f.firstResult ?? 'none'] += 1;
  return { n: conversed.length, result };
}

function callbacks(facts: RequestFacts[], submitted: RequestFacts[], period: Period): Figures['callbacks'] {
  const requested = facts.filter((f) => inPeriod(f.callbackRequestedAt, period));
  const urgent = submitted.filter((f) => f.urgent);
  const hours = urgent
    .filter((f) => f.callbackDoneAt !== null)
    .map((f) => (f.callbackDoneAt!.getTime() - f.submittedAt.getTime()) / 3_600_000);
  const urgentWithin24 = hours.filter((h) => h <= 24).length;
  return {
    requested: requested.length,
    done: requested.filter((f) => f.callbackDoneAt !== null).length,
    urgent: urgent.length,
    urgentCalled: hours.length,
    urgentMedianHours: spread(hours).median,
    urgentWithin24,
    urgentWithin24share: share(urgentWithin24, urgent.length),
  };
}

/** Every figure of `period`; `now` decides which closures are old enough to judge a return. */
export function computeFigures(facts: RequestFacts[], period: Period, def: WaitingDefinition, now: Date): Figures {
  const submitted = facts.filter((f) => inPeriod(f.submittedAt, period));
  const conversed = facts.filter((f) => inPeriod(f.firstConversationAt, period));
  const planned = facts.filter((f) => f.firstConversationAt !== null && inPeriod(f.planAt, period));
  const cancellations = { total: 0, resident: 0, staff: 0 };
  let noshows = 0;
  for (const f of facts) {
    for (const at of f.noShowsAt) if (inPeriod(at, period)) noshows += 1;
    for (const c of f.cancellationsAt) {
      if (!inPeriod(c.at, period)) continue;
      cancellations.total += 1;
      cancellations[c.by] += 1;
    }
  }
  return {
    inflow: inflow(submitted),
    waiting: waiting(conversed, def),
    leadtime: spread(planned.map((f) => countDays(f.firstConversationAt!, f.planAt!, def.days))),
    outcomes: outcomes(conversed),
    noshows,
    cancellations,
    returning: submitted.filter((f) => f.returning).length,
    recidive: recidive(facts, period, now),
    callbacks: callbacks(facts, submitted, period),
  };
}
