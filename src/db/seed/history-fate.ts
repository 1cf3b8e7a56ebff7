// What happens to a seeded request after its sign-up: the call-back, the wait for the first
// conversation (longer while its team runs late), a no-show, a cancel or a withdrawal, the
// result of the conversation, the plan and the closure. Only moments before `now` happen; an
// appointment still to come stays booked.
import { SLOT_MINUTES, type HistoryCalendar } from './history-calendar.js';
import type { LatePeriod, Result, Story, StoryAppointment } from './history-model.js';
import type { Dice } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface FateContext {
  now: Date;
  dice: Dice;
  late: LatePeriod[];
  cal: HistoryCalendar;
  /** Duos per team, when known: at most that many conversations at one time. */
  duos: Map<number, number>;
  /** Conversations planned per `${team}:${day}:${slot}`. */
  taken: Map<string, number>;
  /** The day of `now` (its index in the calendar): left to the portal, no conversations seeded. */
  today: number;
}

export const between = (dice: Dice, lo: number, hi: number): number => lo + dice.random() * (hi - lo);

/** One of the values, each as likely as its weight. */
export function weighted<T>(dice: Dice, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = dice.random() * total;
  for (const [v, w] of entries) {
    r -= w;
    if (r < 0) return v;
  }
  return entries[entries.length - 1]![0];
}

/**
 * A conversation at a slot time on the first working day at least `days` after `at` with a duo of
 * the team free then (a later day when every duo is taken at every time).
 */
function slotAfter(c: FateContext, teamId: number, at: Date, days: number): Date {
  const limit = c.duos.get(teamId) ?? Infinity;
  const first = Math.floor(c.dice.random() * SLOT_MINUTES.length);
  for (let i = c.cal.workingDayAfter(at.getTime(), days); ; i += 1) {
    if (c.cal.day(i).off || i === c.today) continue;
    for (let k = 0; k < SLOT_MINUTES.length; k++) {
      const slot = (first + k) % SLOT_MINUTES.length;
      const key = `${teamId}:${i}:${slot}`;
      const n = c.taken.get(key) ?? 0;
      if (n >= limit) continue;
      c.taken.set(key, n + 1);
      return new Date(c.cal.at(i, SLOT_MINUTES[slot]!));
    }
  }
}

const RESULTS: readonly (readonly [Result, number])[] = [
  ['solved', 20],
  ['advice_only', 25],
  ['plan_made', 35],
  ['support_continues', 10],
  ['referred_on', 10],
];

/** Days from sign-up to the first conversation: mostly 5–18, a tail to 30, more while running late. */
function waitingDays(c: FateContext, s: Story): number {
  if (s.urgent) return between(c.dice, 1, 3);
  const base = c.dice.random() < 0.86 ? between(c.dice, 5, 18) : between(c.dice, 18, 30);
  const t = s.submittedAt.getTime();
  const late = c.late.some((p) => p.teamId === s.teamId && +p.from <= t && t < +p.to);
  return late ? base + between(c.dice, 8, 14) : base;
}

/** The call-back (hours for an urgent one, up to 2 days otherwise), before now. */
export function callBack(c: FateContext, s: Story): void {
  const wanted = s.urgent ? between(c.dice, 1, 8) * HOUR : between(c.dice, 2, 48) * HOUR;
  const left = c.now.getTime() - s.submittedAt.getTime();
  s.callbackDoneAt = new Date(s.submittedAt.getTime() + Math.min(wanted, left * between(c.dice, 0.2, 0.8)));
}

/** When the first appointment was made: at sign-up online, after the call or the referrer's call. */
function bookedAt(c: FateContext, s: Story): Date {
  const t = s.submittedAt.getTime();
  let at = s.callbackDoneAt
    ? s.callbackDoneAt.getTime()
    : s.channel === 'referrer'
      ? t + between(c.dice, 1, 48) * HOUR
      : t + between(c.dice, 2, 20) * 60_000;
  at = Math.min(at, c.now.getTime() - 60_000);
  return new Date(Math.max(at, t));
}

/** The request's appointments from the first booking on, and how it ended (if it did). */
export function live(c: FateContext, s: Story): void {
  const createdAt = bookedAt(c, s);
  const wait = waitingDays(c, s);
  const startsAt = slotAfter(
    c,
    s.teamId,
    new Date(Math.max(createdAt.getTime(), s.submittedAt.getTime() + wait * DAY - DAY)),
    1,
  );
  appointment(c, s, { startsAt, createdAt }, 0);
}

function rebook(c: FateContext, s: Story, from: Date, days: [number, number], depth: number): void {
  const createdAt = new Date(Math.min(from.getTime(), c.now.getTime() - 60_000));
  const startsAt = slotAfter(c, s.teamId, createdAt, between(c.dice, days[0], days[1]));
  appointment(c, s, { startsAt, createdAt }, depth + 1);
}

function appointment(c: FateContext, s: Story, at: { startsAt: Date; createdAt: Date }, depth: number): void {
  const a: StoryAppointment = { ...at, outcome: null };
  s.appointments.push(a);
  if (a.startsAt >= c.now) return;
  const r = depth >= 2 ? 1 : c.dice.random();
  const cancelAt = () =>
    new Date(between(c.dice, a.createdAt.getTime(), Math.max(a.createdAt.getTime(), a.startsAt.getTime() - HOUR)));
  if (depth === 0 && r < 0.03) {
    Object.assign(a, { outcome: 'cancelled', cancelledBy: 'resident', cancelledAt: cancelAt() });
    s.withdrawn = true;
    s.closedAt = a.cancelledAt;
  } else if (depth === 0 && r < 0.08) {
    const by = c.dice.random() < 0.8 ? 'resident' : 'staff';
    Object.assign(a, { outcome: 'cancelled', cancelledBy: by, cancelledAt: cancelAt() });
    rebook(c, s, a.cancelledAt!, [3, 12], depth);
  } else if (r < (depth === 0 ? 0.14 : 0.06)) {
    a.outcome = 'no_show';
    const closeAt = a.startsAt.getTime() + between(c.dice, 7, 20) * DAY;
    if (c.dice.random() < 0.3 && closeAt < c.now.getTime()) s.closedAt = new Date(closeAt);
    else rebook(c, s, new Date(a.startsAt.getTime() + DAY), [5, 14], depth);
  } else {
    held(c, s, a);
  }
}

function held(c: FateContext, s: Story, a: StoryAppointment): void {
  a.outcome = 'held';
  a.result = weighted(c.dice, RESULTS);
  const t = a.startsAt.getTime();
  if (a.result === 'plan_made') {
    const plan = t + Math.floor(between(c.dice, 0, 26)) * DAY;
    if (plan < c.now.getTime()) s.planAt = new Date(plan);
  }
  const quick = a.result === 'solved' || a.result === 'advice_only';
  const close = t + (quick ? between(c.dice, 3, 45) : between(c.dice, 30, 182)) * DAY;
  if (close < c.now.getTime()) s.closedAt = new Date(Math.max(close, s.planAt?.getTime() ?? 0));
}
