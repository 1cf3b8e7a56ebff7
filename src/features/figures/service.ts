// The figures of a period: read the facts of the requests that matter for it and the period
// before, compute the fixed set (domain/figures.ts), and gather what the charts and the
// capacity section show. Counts under 5 never leave this module unsuppressed.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { FigureReport, FigureScope, InflowChannel } from '../../domain/figures-model.js';
import { computeFigures, figureRows, monthlyInflow } from '../../domain/figures.js';
import { local, localDate } from '../../domain/time.js';
import { alarmsPerTeam, capacityNotes, requestFacts, teamList } from './repository.js';
import type { FiguresChoice } from './query.js';

/** Counts 1–4 are shown as "< 5" (null here), so no figure points at a person. */
export const SUPPRESS_BELOW = 5;
export const suppress = (n: number): number | null => (n > 0 && n < SUPPRESS_BELOW ? null : n);

export interface InflowBar {
  month: string;
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
  inflow: InflowBar[];
  /** Per week (its Monday): the days until the first free moment, over the teams in scope (the longest). */
  firstFree: { week: string; days: number | null }[];
  capacity: CapacityTeam[];
  /** The period has not ended yet: its figures go up to now. */
  running: boolean;
}

const daysUntil = (day: string, at: Date | null): number | null =>
  at === null ? null : Math.max(0, Math.round(local(at).startOf('day').diff(local(day), 'days').days));

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
  const inflow = monthlyInflow(facts, period).map((b) => ({ ...b, count: suppress(b.count) }));
  const { capacity, firstFree } = await capacityOf(db, choice, now);
  return { report, inflow, firstFree, capacity, running: period.to > now };
}

async function capacityOf(db: Kysely<Database>, choice: FiguresChoice, now: Date) {
  const lastDay = localDate(new Date(Math.min(now.getTime(), choice.period.to.getTime()) - 1));
  const notes = await capacityNotes(db, choice.teamId, localDate(choice.period.from), lastDay);
  const alarms = await alarmsPerTeam(db, choice.teamId, choice.period.from, choice.period.to);
  const teams = (await teamList(db)).filter((t) => choice.teamId === null || t.id === choice.teamId);
  const weeks = new Map<string, number | null>();
  for (const n of notes) {
    const week = local(n.day).startOf('week').toISODate()!;
    const days = daysUntil(n.day, n.first_free_at);
    const had = weeks.get(week);
    // The longest wait of the week over the teams: no free time at all counts as longest.
    weeks.set(week, had === undefined ? days : had === null || days === null ? null : Math.max(had, days));
  }
  const capacity = teams.map((t): CapacityTeam => {
    const latest = notes.filter((n) => n.team_id === t.id).at(-1);
    return {
      teamId: t.id,
      name: t.name,
      firstFreeDays: latest ? daysUntil(latest.day, latest.first_free_at) : null,
      day: latest?.day ?? null,
      freeSoon: latest ? latest.free_soon : null,
      alarms: suppress(alarms.get(t.id) ?? 0),
    };
  });
  return { capacity, firstFree: [...weeks].map(([week, days]) => ({ week, days })) };
}
