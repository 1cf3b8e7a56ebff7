// The team's capacity ahead: free and booked slots per day from now to the end of the team's
// horizon, blocks per duo, the first free moment a resident would see, and the two warnings
// a team lead acts on (first free moment past the promise; too few free slots soon).
//
// Slots are cut exactly as for the public calendar (domain/slots.ts), so the figures here and
// the times residents are offered cannot drift apart. Unlike the public calendar, the figures
// start at this moment, not at the minimum notice: days before the first bookable day are
// marked, because the team can still use them (calls, walk-ins) but residents cannot book them.
import type { Kysely } from 'kysely';
import type { Database, Team } from '../../db/schema.js';
import { cutSlots, overlaps, type Slot } from '../../domain/slots.js';
import { horizonEnd, isWeekend, local } from '../../domain/time.js';
import { bookingWindow, teamFreeSlots } from '../../core/availability.js';
import { noCapacityCount, teamBlocks } from './repository.js';
// The same query as the public calendar, so both count booked time alike.
import { busyInBlocks } from '../../core/blocks.js';

/** "Free slots in the next 14 days" (the rule), counted from the first bookable moment. */
export const FREE_WINDOW_DAYS = 14;
/** How far back waiting-list alarms are counted. */
export const ALARM_DAYS = 30;

export interface DayFigures {
  date: string;
  free: number;
  booked: number;
  blocks: number;
  /** Residents can book on this day (on or after the minimum notice). */
  bookable: boolean;
  /** On or before the last day of the team's promise. */
  withinPromise: boolean;
}

export interface DuoFigures {
  names: string[];
  blocks: number;
  free: number;
  booked: number;
}

export interface Capacity {
  team: Team;
  from: Date;
  to: Date;
  bookableFrom: Date;
  promiseEnd: Date;
  freeWindowEnd: Date;
  days: DayFigures[];
  duos: DuoFigures[];
  totals: { free: number; booked: number; blocks: number };
  firstFree: Slot | null;
  pastPromise: boolean;
  freeSoon: number;
  underThreshold: boolean;
  alarms: number;
}

export async function teamCapacity(db: Kysely<Database>, team: Team, now: Date): Promise<Capacity> {
  const from = now;
  const to = horizonEnd(now, team.horizon_days).toJSDate();
  const bookableFrom = bookingWindow(team, now).from;
  const promiseEnd = horizonEnd(now, team.promise_days).toJSDate();
  const freeWindowEnd = new Date(Math.min(horizonEnd(now, FREE_WINDOW_DAYS).toMillis(), to.getTime()));
  const bookableDate = local(bookableFrom).toISODate()!;
  const promiseDate = local(promiseEnd).toISODate()!;

  const blocks = await teamBlocks(db, team.id, from, to);
  const busy = await busyInBlocks(
    db,
    blocks.map((b) => b.id),
  );

  // Every working day of the window is listed, also when it has no blocks (that is news too).
  const days = new Map<string, DayFigures>();
  const dayOf = (d: Date): DayFigures => {
    const date = local(d).toISODate()!;
    let f = days.get(date);
    if (!f) {
      f = { date, free: 0, booked: 0, blocks: 0, bookable: date >= bookableDate, withinPromise: date <= promiseDate };
      days.set(date, f);
    }
    return f;
  };
  for (let d = local(from).startOf('day'); d <= local(to); d = d.plus({ days: 1 })) {
    if (!isWeekend(d)) dayOf(d.toJSDate());
  }

  const duos = new Map<string, DuoFigures>();
  let freeSoon = 0;
  for (const block of blocks) {
    const key = block.coaches
      .map((c) => c.id)
      .sort((a, b) => a - b)
      .join('-');
    const duo = duos.get(key) ?? { names: block.coaches.map((c) => c.name), blocks: 0, free: 0, booked: 0 };
    duos.set(key, duo);
    duo.blocks += 1;
    dayOf(block.starts_at < from ? from : block.starts_at).blocks += 1;
    const taken = busy.filter((b) => b.block_id === block.id);
    for (const slot of cutSlots(block)) {
      if (slot.start < from || slot.end > to) continue;
      if (taken.some((t) => overlaps(slot, t))) continue;
      dayOf(slot.start).free += 1;
      duo.free += 1;
      if (slot.start >= bookableFrom && slot.end <= freeWindowEnd) freeSoon += 1;
    }
    for (const t of taken) {
      if (t.starts_at < from || t.starts_at >= to) continue;
      dayOf(t.starts_at).booked += 1;
      duo.booked += 1;
    }
  }

  const dayList = [...days.values()].sort((a, b) => a.date.localeCompare(b.date));
  const firstFree = (await teamFreeSlots(db, team, now))[0] ?? null;
  const alarms = await noCapacityCount(db, team.id, local(now).minus({ days: ALARM_DAYS }).toJSDate());
  return {
    team,
    from,
    to,
    bookableFrom,
    promiseEnd,
    freeWindowEnd,
    days: dayList,
    duos: [...duos.values()].sort((a, b) => a.names.join().localeCompare(b.names.join())),
    totals: {
      free: dayList.reduce((n, d) => n + d.free, 0),
      booked: dayList.reduce((n, d) => n + d.booked, 0),
      blocks: blocks.length,
    },
    firstFree,
    pastPromise: !firstFree || firstFree.start > promiseEnd,
    freeSoon,
    underThreshold: freeSoon < team.free_slot_threshold,
    alarms,
  };
}
