// Sign-ups per month and channel, for the chart on the figures page.
import type { InflowChannel, Period, RequestFacts } from './figures-model.js';
import { dayNumberToIso, localDayNumber } from './figures-days.js';
import { inPeriod } from './figures-periods.js';
import { CHANNELS, inflowChannel } from './figures-types.js';
import { local } from './time.js';

export interface MonthlyInflow {
  /** 'YYYY-MM', the local month. */
  month: string;
  channel: InflowChannel;
  count: number;
}

/**
 * Every month that overlaps the period, in order, and for each every channel (0 included): the
 * sign-ups submitted in the period in that local month, counted as in the inflow figures.
 */
export function monthlyInflow(facts: RequestFacts[], period: Period): MonthlyInflow[] {
  const counts = new Map<string, number>();
  for (const f of facts) {
    if (!inPeriod(f.submittedAt, period)) continue;
    const key = `${dayNumberToIso(localDayNumber(f.submittedAt)).slice(0, 7)} ${inflowChannel(f)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const out: MonthlyInflow[] = [];
  for (let m = local(period.from).startOf('month'); m.toJSDate() < period.to; m = m.plus({ months: 1 })) {
    const month = m.toFormat('yyyy-MM');
    for (const channel of CHANNELS) out.push({ month, channel, count: counts.get(`${month} ${channel}`) ?? 0 });
  }
  return out;
}
