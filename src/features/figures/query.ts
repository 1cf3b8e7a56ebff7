// The figures page's choices, read from its GET form: the period (a month, quarter or year, or
// from–to), the team (a team lead: their own; beleid: any team or all) and how waiting time is
// counted. Anything wrong gets a message next to its field; what was typed stays filled in.
import { DateTime } from 'luxon';
import type { Period, WaitingDefinition } from '../../domain/figures-model.js';
import { customPeriod, periodOf, previousPeriod } from '../../domain/figures.js';
import { parseTypedDate } from '../../domain/typed-date.js';
import { local } from '../../domain/time.js';

export const KINDS = { maand: 'month', kwartaal: 'quarter', jaar: 'year', eigen: 'custom' } as const;
export type KindParam = keyof typeof KINDS;
export const FROM = { aanmelding: 'signup', contact: 'contact' } as const;
export const DAYS = { kalender: 'calendar', werk: 'working' } as const;
/** The longest from–to period: enough for a council term and more. */
export const MAX_DAYS = 6 * 366;
/** The first year the figures go back to. */
export const FIRST_YEAR = 2020;

export interface FiguresValues {
  periode: string;
  jaar: string;
  maand: string;
  kwartaal: string;
  van: string;
  tot: string;
  team: string;
  wachttijd: string;
  dagen: string;
}

export interface FiguresChoice {
  kind: (typeof KINDS)[KindParam];
  period: Period;
  previous: Period;
  /** null: every team together. */
  teamId: number | null;
  def: WaitingDefinition;
}

const one = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The form as sent, with the defaults (last full month, the municipality's waiting time) for what is missing. */
export function figuresValues(
  query: unknown,
  now: Date,
  ownTeam: number | null,
  dflt: WaitingDefinition = { from: 'signup', days: 'calendar' },
): FiguresValues {
  const q = (query ?? {}) as Record<string, unknown>;
  const lastMonth = local(now).startOf('month').minus({ months: 1 });
  const pick = (k: string, dflt: string) => (k in q ? one(q[k]) : dflt);
  return {
    periode: pick('periode', 'maand'),
    jaar: pick('jaar', String(lastMonth.year)),
    maand: pick('maand', String(lastMonth.month)),
    kwartaal: pick('kwartaal', String(lastMonth.quarter)),
    van: pick('van', ''),
    tot: pick('tot', ''),
    team: ownTeam !== null ? String(ownTeam) : pick('team', 'alle'),
    wachttijd: pick('wachttijd', dflt.from === 'signup' ? 'aanmelding' : 'contact'),
    dagen: pick('dagen', dflt.days === 'calendar' ? 'kalender' : 'werk'),
  };
}

type Errors = Record<string, string>;

function fixedPeriod(v: FiguresValues, kind: 'month' | 'quarter' | 'year', now: Date, errors: Errors): Period | null {
  const year = /^\d{4}$/.test(v.jaar) ? Number(v.jaar) : NaN;
  if (!(year >= FIRST_YEAR && year <= local(now).year)) errors.jaar = 'figurespage.errors.year';
  const month = /^\d{1,2}$/.test(v.maand) ? Number(v.maand) : NaN;
  if (kind === 'month' && !(month >= 1 && month <= 12)) errors.maand = 'figurespage.errors.month';
  const quarter = /^[1-4]$/.test(v.kwartaal) ? Number(v.kwartaal) : NaN;
  if (kind === 'quarter' && Number.isNaN(quarter)) errors.kwartaal = 'figurespage.errors.quarter';
  if (Object.keys(errors).length) return null;
  const m = kind === 'month' ? month : kind === 'quarter' ? (quarter - 1) * 3 + 1 : 1;
  const first = DateTime.fromObject({ year, month: m, day: 1 }).toISODate()!;
  const p = periodOf(kind, first);
  if (p.from > now)
    errors[kind === 'month' ? 'maand' : kind === 'quarter' ? 'kwartaal' : 'jaar'] = 'figurespage.errors.future';
  return p;
}

function ownPeriod(v: FiguresValues, now: Date, errors: Errors): Period | null {
  const from = parseTypedDate(v.van);
  const to = parseTypedDate(v.tot);
  if (!v.van) errors.van = 'figurespage.errors.fromEmpty';
  else if (!from) errors.van = 'figurespage.errors.date';
  else if (from > local(now).toISODate()!) errors.van = 'figurespage.errors.future';
  else if (from < `${FIRST_YEAR}-01-01`) errors.van = 'figurespage.errors.tooOld';
  if (!v.tot) errors.tot = 'figurespage.errors.toEmpty';
  else if (!to) errors.tot = 'figurespage.errors.date';
  if (errors.van || errors.tot || !from || !to) return null;
  if (to < from) {
    errors.tot = 'figurespage.errors.toBeforeFrom';
    return null;
  }
  const days = local(to).diff(local(from), 'days').days;
  if (days > MAX_DAYS) {
    errors.tot = 'figurespage.errors.tooLong';
    return null;
  }
  return customPeriod(from, to);
}

/** The choice the values make, or the messages per field. */
export function figuresChoice(
  v: FiguresValues,
  now: Date,
  teamIds: readonly number[],
): { choice: FiguresChoice | null; errors: Errors } {
  const errors: Errors = {};
  const kindParam = v.periode in KINDS ? (v.periode as KindParam) : null;
  if (!kindParam) errors.periode = 'figurespage.errors.kind';
  const from = v.wachttijd in FROM ? FROM[v.wachttijd as keyof typeof FROM] : null;
  if (!from) errors.wachttijd = 'figurespage.errors.from';
  const days = v.dagen in DAYS ? DAYS[v.dagen as keyof typeof DAYS] : null;
  if (!days) errors.dagen = 'figurespage.errors.days';
  const teamId = v.team === 'alle' ? null : /^\d{1,9}$/.test(v.team) ? Number(v.team) : NaN;
  if (teamId !== null && !teamIds.includes(teamId)) errors.team = 'figurespage.errors.team';
  if (!kindParam) return { choice: null, errors };
  const kind = KINDS[kindParam];
  const period = kind === 'custom' ? ownPeriod(v, now, errors) : fixedPeriod(v, kind, now, errors);
  if (!period || !from || !days || Object.keys(errors).length) return { choice: null, errors };
  return { choice: { kind, period, previous: previousPeriod(period, kind), teamId, def: { from, days } }, errors };
}

/** The query string of a choice, for the export links (the same figures as on the page). */
export function figuresQueryString(v: FiguresValues): string {
  const keep: (keyof FiguresValues)[] =
    v.periode === 'eigen'
      ? ['periode', 'van', 'tot']
      : ['periode', 'jaar', v.periode === 'kwartaal' ? 'kwartaal' : 'maand'];
  if (v.periode === 'jaar') keep.pop();
  const params = new URLSearchParams();
  for (const k of [...keep, 'team', 'wachttijd', 'dagen'] as const) params.set(k, v[k]);
  return params.toString();
}
