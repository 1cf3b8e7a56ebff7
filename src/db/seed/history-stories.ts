// A plausible, deterministic history of sign-ups: on working days, busier on Mondays, quieter in
// summer and around Christmas; most residents sign up themselves, a quarter through a referrer,
// some at the front office, and some come back after their earlier request closed. One or two
// periods in which a team runs late show in the waiting times. history-fate.ts tells what
// happens next.
import type { DateTime } from 'luxon';
import { local } from '../../domain/time.js';
import { firstNames, lastNames } from './demo-data.js';
import { between, callBack, live, weighted, type FateContext } from './history-fate.js';
import { HistoryCalendar, type CalendarDay } from './history-calendar.js';
import type { LatePeriod, Story } from './history-model.js';
import type { Dice } from './random.js';

export interface HistoryOptions {
  now: Date;
  months: number;
  requestsPerYear: number;
  /** Each team's share of the sign-ups, and (when known) its number of duos. */
  teams: { id: number; weight: number; duos?: number }[];
  dice: Dice;
}

const DAY = 86_400_000;

const REFERRER_KINDS = [
  ['huisarts', 30],
  ['school', 15],
  ['poh_ggz', 14],
  ['jeugdarts', 10],
  ['wijkverpleging', 10],
  ['woningcorporatie', 8],
  ['veilig_thuis', 5],
  ['other', 8],
] as const;

/** Busier on Monday, quieter on Friday; less in the summer holidays and around Christmas. */
function rhythm(d: CalendarDay): number {
  const weekday = [1.25, 1.1, 1.0, 0.95, 0.7][d.weekday - 1] ?? 0;
  const md = d.md;
  const season =
    md >= 1222 || md <= 102
      ? 0.45
      : md >= 715 && md <= 820
        ? 0.6
        : (md >= 701 && md < 715) || (md > 820 && md <= 831)
          ? 0.85
          : 1;
  return weekday * season;
}

/** Sign-ups per working day (by index in the calendar), summing to the number asked over the months. */
function signUpsPerDay(o: HistoryOptions, cal: HistoryCalendar): { day: number; n: number }[] {
  const last = cal.indexOf(o.now.getTime());
  const days: { day: number; w: number }[] = [];
  for (let i = 0; i <= last; i++) if (!cal.days[i]!.off) days.push({ day: i, w: rhythm(cal.days[i]!) });
  const total = (o.requestsPerYear * o.months) / 12;
  const scale = total / days.reduce((s, d) => s + d.w, 0);
  return days.map(({ day, w }) => ({ day, n: Math.floor(w * scale + o.dice.random()) }));
}

/** One period per half year of 4–7 weeks in which a team runs late, ended two weeks before now. */
function latePeriods(o: HistoryOptions, start: DateTime): LatePeriod[] {
  // Over two weeks before now at the latest: the recent weeks are the portal's own.
  const span = local(o.now).diff(start, 'days').days - 42 - 14;
  const out: LatePeriod[] = [];
  for (let i = 0; i < Math.max(1, Math.round(o.months / 6)) && span > 0; i++) {
    const team = weighted(
      o.dice,
      o.teams.map((t) => [t.id, t.weight] as const),
    );
    const from = start.plus({ days: Math.floor(o.dice.random() * span) }).startOf('week');
    out.push({
      teamId: team,
      from: from.toJSDate(),
      to: from.plus({ weeks: 4 + Math.floor(o.dice.random() * 3) }).toJSDate(),
    });
  }
  return out;
}

interface Ended {
  i: number;
  end: number;
  used: boolean;
}

/** An earlier closed request of someone coming back: half within 6 months, most within a year. */
function earlier(o: HistoryOptions, ended: Ended[], at: number): Ended | null {
  const maxGap = weighted(o.dice, [
    [182, 5],
    [365, 3],
    [Infinity, 2],
  ] as const);
  let fallback: Ended | null = null;
  for (let k = 0; k < 30 && ended.length; k++) {
    const e = ended[Math.floor(o.dice.random() * ended.length)]!;
    if (e.used || e.end > at - DAY) continue;
    if (at - e.end <= maxGap * DAY) return e;
    fallback ??= e;
  }
  return fallback;
}

function newStory(o: HistoryOptions, n: number, submittedAt: Date): Story {
  const channel = weighted(o.dice, [
    ['online', 58],
    ['referrer', 26],
    ['phone', 12],
    ['walkin', 4],
  ] as const);
  const first = o.dice.pick(firstNames);
  const name = `${first} ${o.dice.pick(lastNames)}`;
  const withMail = channel === 'online' || o.dice.random() < 0.5;
  return {
    teamId: weighted(
      o.dice,
      o.teams.map((t) => [t.id, t.weight] as const),
    ),
    resident: {
      name,
      ...(withMail ? { email: `${first.toLowerCase()}.${n}@example.nl` } : {}),
      ...(channel !== 'online' || o.dice.random() < 0.6 ? { phone: `06 ${String(30000000 + n).slice(-8)}` } : {}),
    },
    channel,
    ...(channel === 'referrer' ? { referrerKind: weighted(o.dice, REFERRER_KINDS) } : {}),
    submittedAt,
    appointments: [],
  };
}

/** The moment of a sign-up on day i: online from early to late, the others in office hours. */
function momentOn(o: HistoryOptions, cal: HistoryCalendar, i: number, online: boolean): Date {
  const hours = online ? 7 + 15 * o.dice.random() ** 1.3 : between(o.dice, 8.5, 17);
  return new Date(cal.at(i, Math.floor(hours * 60)));
}

function story(o: HistoryOptions, c: FateContext, stories: Story[], ended: Ended[], day: number): Story | null {
  const back = o.dice.random() < 0.05 ? earlier(o, ended, c.cal.days[day]!.start) : null;
  let s: Story;
  if (back) {
    back.used = true;
    const before = stories[back.i]!;
    s = {
      teamId: before.teamId,
      sameResidentAs: before.sameResidentAs ?? back.i,
      channel: 'online',
      submittedAt: momentOn(o, c.cal, day, true),
      appointments: [],
      returningOf: back.i,
    };
  } else {
    s = newStory(o, stories.length, new Date(0));
    s.submittedAt = momentOn(o, c.cal, day, s.channel === 'online');
  }
  if (s.submittedAt >= o.now) return null;
  const r = o.dice.random();
  if (r < 0.08) {
    s.callbackRequested = true;
    s.urgent = r < 0.04;
    callBack(c, s);
  }
  live(c, s);
  return s;
}

/** The history and the periods in which a team ran late (the capacity notes show those too). */
export function planHistory(o: HistoryOptions): { stories: Story[]; late: LatePeriod[] } {
  const start = local(o.now).startOf('day').minus({ months: o.months });
  const late = latePeriods(o, start);
  const cal = new HistoryCalendar(start, local(o.now).plus({ days: 90 }));
  const duos = new Map(o.teams.flatMap((t) => (t.duos === undefined ? [] : [[t.id, t.duos] as const])));
  const today = cal.indexOf(o.now.getTime());
  const c: FateContext = { now: o.now, dice: o.dice, late, cal, duos, taken: new Map(), today };
  const stories: Story[] = [];
  const ended: Ended[] = [];
  for (const { day, n } of signUpsPerDay(o, cal)) {
    for (let k = 0; k < n; k++) {
      const s = story(o, c, stories, ended, day);
      if (!s) continue;
      if (s.closedAt && !s.withdrawn) ended.push({ i: stories.length, end: s.closedAt.getTime(), used: false });
      stories.push(s);
    }
  }
  return { stories, late };
}

/** A deterministic, plausible history of `months` months before `now`. */
export function historyStories(o: HistoryOptions): Story[] {
  return planHistory(o).stories;
}
