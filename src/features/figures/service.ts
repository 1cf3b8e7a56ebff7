// The figures of a period: read the facts of the requests that matter for it and the period
// before, compute the fixed set (domain/figures.ts), and gather what the charts and the
// capacity section show. Counts under 5 never leave this module unsuppressed.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { FigureReport, FigureScope, InflowChannel } from '../../domain/figures-model.js';
import { computeFigures, figureRows, monthlyInflow, type MonthlyInflow } from '../../domain/figures.js';
import { local, localDate } from '../../domain/time.js';
import { alarmsPerTeam, capacityNotes, requestFacts, teamList } from './repository.js';
import type { FiguresChoice } from './query.js';

/** Counts 1–4 are shown as "< 5" (null here), so no figure points at a person. */
export const SUPPRESS_BELOW = 5;
export const suppress = (n: number): number | null => (n > 0 && n < SUPPRESS_BELOW ? null : n);

export interface InflowBar {
  /** 'YYYY-MM' per month, 'YYYY-Qn' per quarter. */
  start: string;
  channel: InflowChannel;
  /** null: 1–4, shown as "< 5". */
  count: number | null;
}

export interface CapacityTeam {
  teamId: number;
  name: string;
  /** The latest note in the period: days from that day to the first free moment (null: none free). */
  firstFreeDays: number | null;
  day: string | null;
  freeSoon: number | null;
  /** Waiting-list alarms in the period (residents who found no free time). */
  alarms: number | null;
}

export interface FiguresPage {
  report: FigureReport;
  /** Sign-ups per month, or per quarter over more than two years. */
  inflow: { per: 'month' | 'quarter'; bars: InflowBar[] };
  /**
   * Per week (its Monday) or per month (its first day): the days until the first free moment, the
   * longest over the teams in scope (null: a team had no free time at all).
   */
  firstFree: { per: 'week' | 'month'; points: { start: string; days: number | null }[] };
  capacity: CapacityTeam[];
  /** The period has not ended yet: its figures go up to now. */
  running: boolean;
}

export async function figuresPage(
  db: Kysely<Database>,
  choice: FiguresChoice,
  scope: FigureScope,
  now: Date,
): Promise<FiguresPage> {
  const { period, previous, teamId } = choice;
  // Requests of the year before still count (a conversation or plan in the period), and later
  // sign-ups up to a year after the period tell whether a resident came back after closure.
  const facts = await requestFacts(db, {
    teamId,
    submittedSince: local(previous.from).minus({ months: 12 }).toJSDate(),
    closedSince: previous.from,
    to: new Date(Math.min(now.getTime(), local(period.to).plus({ months: 12 }).toMillis())),
  });
  const current = computeFigures(facts, period, choice.def, now);
  const before = computeFigures(facts, previous, choice.def, now);
  const report: FigureReport = {
    rows: figureRows(current, before),
    period,
    previous,
    scope,
    definition: choice.def,
    generatedAt: now,
  };
  const inflow = inflowBars(monthlyInflow(facts, period));
  const { capacity, firstFree } = await capacityOf(db, choice, now);
  return { report, inflow, firstFree, capacity, running: period.to > now };
}

/** Months on the sign-ups chart up to two years; quarters beyond that (counted before hiding small ones). */
const MONTHS_UP_TO = 24;

function inflowBars(monthly: MonthlyInflow[]): FiguresPage['inflow'] {
  const per = new Set(monthly.map((b) => b.month)).size > MONTHS_UP_TO ? ('quarter' as const) : ('month' as const);
  const counts = new Map<string, number>();
  for (const b of monthly) {
    const start = per === 'month' ? b.month : `${b.month.slice(0, 4)}-Q${Math.ceil(Number(b.month.slice(5, 7)) / 3)}`;
    const key = `${start}|${b.channel}`;
    counts.set(key, (counts.get(key) ?? 0) + b.count);
  }
  const bars = [...counts].map(([key, n]) => {
    const [start, channel] = key.split('|') as [string, InflowChannel];
    return { start, channel, count: suppress(n) };
  });
  return { per, bars };
}

/** Weeks on the chart up to half a year; months beyond that. */
const WEEKS_UP_TO_DAYS = 190;

async function capacityOf(db: Kysely<Database>, choice: FiguresChoice, now: Date) {
  const fromDay = localDate(choice.period.from);
  const lastDay = localDate(new Date(Math.min(now.getTime(), choice.period.to.getTime()) - 1));
  const long = choice.period.to.getTime() - choice.period.from.getTime() > WEEKS_UP_TO_DAYS * 86_400_000;
  const per = long ? ('month' as const) : ('week' as const);
  const notes = await capacityNotes(db, choice.teamId, { fromDay, toDay: lastDay, per });
  const alarms = await alarmsPerTeam(db, choice.teamId, choice.period.from, choice.period.to);
  const teams = (await teamList(db)).filter((t) => choice.teamId === null || t.id === choice.teamId);
  const capacity = teams.map((t): CapacityTeam => {
    const latest = notes.latest.get(t.id);
    return {
      teamId: t.id,
      name: t.name,
      firstFreeDays: latest ? latest.days : null,
      day: latest?.day ?? null,
      freeSoon: latest ? latest.free_soon : null,
      alarms: suppress(alarms.get(t.id) ?? 0),
    };
  });
  return { capacity, firstFree: { per, points: notes.series.map((p) => ({ start: p.start, days: p.days })) } };
}
