// Where a seeded appointment takes place: a block of a duo of its team on the half-day it falls
// in (9:00–12:00 or 13:30–16:30). An active block of the team already there is used when the time
// is free in it; otherwise a new block is planned for a duo whose coaches are free then. So the
// database's rules hold: an appointment inside its block, no two taking the same time in one
// block, no coach in two overlapping blocks. Only the plan: history.ts writes it.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { local } from '../../domain/time.js';
import type { HistoryDuo } from './history-model.js';

/** A block in use: an existing one (id) or one to write (duo). */
export interface Place {
  id: number | null;
  duo: HistoryDuo | null;
  teamId: number;
  start: number;
  end: number;
  /** Times taken by appointments that are not cancelled, [start, end) in ms. */
  taken: [number, number][];
}

const halfDays = new Map<number, { start: number; end: number }>();

/** The half-day block an instant falls in (morning before 12:45 local time). */
export function halfDayOf(at: Date): { start: number; end: number } {
  const quarter = Math.floor(at.getTime() / 900_000);
  const kept = halfDays.get(quarter);
  if (kept) return kept;
  const t = local(at);
  const morning = t.hour * 60 + t.minute < 12 * 60 + 45;
  const start = t.startOf('day').set(morning ? { hour: 9, minute: 0 } : { hour: 13, minute: 30 });
  const found = { start: start.toMillis(), end: start.plus({ hours: 3 }).toMillis() };
  if (halfDays.size > 200_000) halfDays.clear();
  halfDays.set(quarter, found);
  return found;
}

const SLOTS = [
  [9, 0],
  [10, 30],
  [13, 30],
  [15, 0],
] as const;

const overlaps = (a: [number, number], b: [number, number]) => a[0] < b[1] && b[0] < a[1];

export class Planner {
  /** Places by `${teamId}:${half-day start}`. */
  private readonly places = new Map<string, Place[]>();
  /** Existing active blocks per coach: [start, end) in ms. */
  private readonly busy = new Map<number, [number, number][]>();
  /** `${coachId}:${half-day start}` of planned blocks. */
  private readonly planned = new Set<string>();
  private readonly duosOf = new Map<number, HistoryDuo[]>();
  readonly created: Place[] = [];

  constructor(duos: HistoryDuo[]) {
    for (const d of duos) this.duosOf.set(d.teamId, [...(this.duosOf.get(d.teamId) ?? []), d]);
  }

  /** Reads the active blocks (with coaches and booked times) in [from, to). */
  async load(db: Kysely<Database>, from: Date, to: Date): Promise<void> {
    const { rows } = await sql<{
      id: number;
      team_id: number;
      starts_at: Date;
      ends_at: Date;
      coaches: number[] | null;
    }>`
      select b.id, b.team_id, b.starts_at, b.ends_at,
        array(select bc.coach_id from block_coach bc where bc.block_id = b.id and bc.active) as coaches
      from block b where b.status = 'active' and b.starts_at < ${to} and b.ends_at > ${from}`.execute(db);
    const byId = new Map<number, Place>();
    for (const r of rows) {
      const place: Place = {
        id: r.id,
        duo: null,
        teamId: r.team_id,
        start: r.starts_at.getTime(),
        end: r.ends_at.getTime(),
        taken: [],
      };
      byId.set(r.id, place);
      const key = `${r.team_id}:${halfDayOf(r.starts_at).start}`;
      this.places.set(key, [...(this.places.get(key) ?? []), place]);
      for (const c of r.coaches ?? []) this.busy.set(c, [...(this.busy.get(c) ?? []), [place.start, place.end]]);
    }
    if (byId.size === 0) return;
    const booked = await sql<{ block_id: number; starts_at: Date; ends_at: Date }>`
      select block_id, starts_at, ends_at from appointment
      where status = 'booked' and starts_at < ${to} and ends_at > ${from}`.execute(db);
    for (const a of booked.rows) byId.get(a.block_id)?.taken.push([a.starts_at.getTime(), a.ends_at.getTime()]);
  }

  /** The place for an appointment of `teamId` at [start, end); `occupies`: not cancelled. */
  place(teamId: number, start: Date, end: Date, occupies: boolean): Place {
    const found = this.tryPlace(teamId, start, end, occupies);
    if (!found) throw new Error(`history: no duo of team ${teamId} free at ${start.toISOString()}`);
    return found;
  }

  /**
   * The place at `start`, or else at the next slot time (9:00, 10:30, 13:30, 15:00 on a weekday)
   * with room, within 8 weeks: for a booked appointment still to come whose time the calendar
   * already there has taken.
   */
  placeOrLater(teamId: number, start: Date, minutes: number, occupies: boolean): { place: Place; start: Date } {
    const at = (d: Date) => ({ start: d, end: new Date(d.getTime() + minutes * 60_000) });
    const exact = this.tryPlace(teamId, start, at(start).end, occupies);
    if (exact) return { place: exact, start };
    const day = local(start).startOf('day');
    for (let d = 0; d < 56; d++) {
      const date = day.plus({ days: d });
      if (date.weekday >= 6) continue;
      for (const [hour, minute] of SLOTS) {
        const t = at(date.set({ hour, minute }).toJSDate());
        if (t.start <= start) continue;
        const found = this.tryPlace(teamId, t.start, t.end, occupies);
        if (found) return { place: found, start: t.start };
      }
    }
    throw new Error(`history: no duo of team ${teamId} free at ${start.toISOString()} or in the 8 weeks after`);
  }

  private tryPlace(teamId: number, start: Date, end: Date, occupies: boolean): Place | null {
    const half = halfDayOf(start);
    const time: [number, number] = [start.getTime(), end.getTime()];
    const key = `${teamId}:${half.start}`;
    const list = this.places.get(key) ?? [];
    const fits = (p: Place) =>
      p.start <= time[0] && time[1] <= p.end && (!occupies || !p.taken.some((t) => overlaps(t, time)));
    let found = list.find(fits);
    if (!found) {
      if (time[0] < half.start || time[1] > half.end) {
        throw new Error(`history: an appointment at ${start.toISOString()} does not fit a half-day block`);
      }
      const duo = (this.duosOf.get(teamId) ?? []).find((d) => this.free(d, half));
      if (!duo) return null;
      found = { id: null, duo, teamId, start: half.start, end: half.end, taken: [] };
      for (const c of [duo.a, duo.b]) this.planned.add(`${c}:${half.start}`);
      this.places.set(key, [...list, found]);
      this.created.push(found);
    }
    if (occupies) found.taken.push(time);
    return found;
  }

  private free(duo: HistoryDuo, half: { start: number; end: number }): boolean {
    return [duo.a, duo.b].every(
      (c) =>
        !this.planned.has(`${c}:${half.start}`) &&
        !(this.busy.get(c) ?? []).some((b) => overlaps(b, [half.start, half.end])),
    );
  }
}
