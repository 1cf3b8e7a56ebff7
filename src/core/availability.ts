// Which times a resident can choose: a team's free slots from the minimum notice to the
// horizon. Used by the sign-up flow, the manage link (reschedule) and the staff pages.
//
// Kept in memory per team (cachedRead with a patch, src/db/changes.ts), as the free times of each block
// and the team's sorted list made of them. A booking, a cancel, a block or its coaches changing
// make the database name the blocks that changed: the next request reads only those blocks
// again (one query: the block, its coaches, its booked appointments) and splices their times
// into the kept list, so the first request after a booking costs about as much as one block,
// not the whole team. A broader change (a coach leaving or renamed, the team's settings) reads
// the whole team again. One coach's free times (a returning resident's own coach) are the
// team's, filtered to the blocks that coach is in, kept with the team's list they came from.
import type { Kysely } from 'kysely';
import type { Database, Team } from '../db/schema.js';
import { bySlotOrder, freeInBlock, mergeSlots, type Slot } from '../domain/slots.js';
import { earliestBookable, horizonEnd, local } from '../domain/time.js';
import { teamBlocksForSlots, type BlockForFreeTimes } from './blocks.js';
import { cachedRead } from '../db/changes.js';
import type { Db } from './db.js';

export interface Window {
  from: Date;
  to: Date;
}

// The window's ends change once a day: kept per team setting for the Amsterdam day they hold.
const windows = new Map<string, { dayStart: number; dayEnd: number; from: Date; to: Date }>();

export function bookingWindow(team: Pick<Team, 'min_notice_days' | 'horizon_days'>, now: Date): Window {
  const key = `${team.min_notice_days}:${team.horizon_days}`;
  const t = now.getTime();
  let w = windows.get(key);
  if (!w || t < w.dayStart || t >= w.dayEnd) {
    const day = local(now).startOf('day');
    w = {
      dayStart: day.toMillis(),
      dayEnd: day.plus({ days: 1 }).toMillis(),
      from: earliestBookable(now, team.min_notice_days).toJSDate(),
      to: horizonEnd(now, team.horizon_days).toJSDate(),
    };
    if (windows.size > 100) windows.clear();
    windows.set(key, w);
  }
  return { from: w.from < now ? now : new Date(w.from), to: new Date(w.to) };
}

/**
 * A backstop: every committed change to a team's calendar reaches every process within
 * milliseconds (src/db/changes.ts), and has the changed blocks read again (or the whole team).
 * This only bounds how long a kept read lives should a notification ever be lost (a patched
 * read keeps the age of the read it patched). A resident who picks a time that is
 * gone meanwhile gets the "just taken" page with the nearest free times: the database decides.
 */
const FREE_TIMES_TTL_MS = 5 * 60_000;

/**
 * Each block's coaches: those read with the whole team, under those of the blocks read again
 * since (null: gone from the window). A patch copies only the small upper map; now and then the
 * two are folded into one.
 */
interface Coaches {
  base: ReadonlyMap<number, readonly number[]>;
  over: ReadonlyMap<number, readonly number[] | null>;
}

/** A team's free times in [from, to), as one sorted, frozen list, and each block's coaches. */
interface TeamFree {
  from: number;
  to: number;
  slots: readonly Slot[];
  coaches: Coaches;
  /** One coach's free times, derived from `slots` when first asked. */
  byCoach: Map<number, readonly Slot[]>;
}

/**
 * A team's free slots in its booking window (optionally only those of one coach), sorted by
 * time. Read through memory: the calendar page is the most requested page of the portal.
 */
export async function teamFreeSlots(
  db: Kysely<Database>,
  team: Team,
  now: Date,
  opts: { coachId?: number } = {},
): Promise<readonly Slot[]> {
  const w = bookingWindow(team, now);
  const from = w.from.getTime();
  const to = w.to.getTime();
  const kept = await cachedRead<TeamFree>(
    db,
    { scope: team.id, key: 'free-times' },
    {
      ttlMs: FREE_TIMES_TTL_MS,
      // A read covering this window serves it: the window only moves forward as time passes.
      valid: (k) => k.from <= from && k.to >= to,
      patch: (k, blockIds) => patchTeam(db, team.id, k, blockIds),
    },
    () => readTeam(db, team.id, from, to),
  );
  const slots = opts.coachId === undefined ? kept.slots : ofCoach(kept, opts.coachId);
  if (kept.from === from && kept.to === to) return slots;
  return Object.freeze(slots.filter((s) => s.start.getTime() >= from && s.end.getTime() <= to));
}

/**
 * A block's free times. None while one of its coaches has left (deactivated, or moved to another
 * team): not offered from the moment of the change, even before anyone has handled the block.
 */
function blockFree(b: BlockForFreeTimes, from: number, to: number): Slot[] {
  if (b.gone) return [];
  const slots = freeInBlock(b, b.busy, from, to);
  // Frozen: shared by every request, and what is derived from the list (distinctTimes, the
  // page's list of times) can be kept per array.
  for (const s of slots) Object.freeze(s);
  return slots;
}

async function readTeam(db: Kysely<Database>, teamId: number, from: number, to: number): Promise<TeamFree> {
  const base = new Map<number, readonly number[]>();
  const slots: Slot[] = [];
  for (const b of await teamBlocksForSlots(db, teamId, new Date(from), new Date(to))) {
    base.set(b.id, b.coaches);
    for (const s of blockFree(b, from, to)) slots.push(s);
  }
  const coaches = { base, over: new Map() };
  return { from, to, slots: Object.freeze(slots.sort(bySlotOrder)), coaches, byCoach: new Map() };
}

/** The kept free times with those of `blockIds` read again: a block gone from the window leaves. */
async function patchTeam(
  db: Kysely<Database>,
  teamId: number,
  kept: TeamFree,
  blockIds: ReadonlySet<number>,
): Promise<TeamFree> {
  const { from, to } = kept;
  const rows = await teamBlocksForSlots(db, teamId, new Date(from), new Date(to), [...blockIds]);
  const over = new Map(kept.coaches.over);
  for (const id of blockIds) over.set(id, null);
  const added: Slot[] = [];
  for (const b of rows) {
    over.set(b.id, b.coaches);
    for (const s of blockFree(b, from, to)) added.push(s);
  }
  const others = kept.slots.filter((s) => !blockIds.has(s.blockId));
  const slots = Object.freeze(mergeSlots(others, added.sort(bySlotOrder)));
  return { from, to, slots, coaches: folded({ base: kept.coaches.base, over }), byCoach: new Map() };
}

function folded(c: Coaches): Coaches {
  if (c.over.size < Math.min(64, c.base.size / 4)) return c;
  const base = new Map(c.base);
  for (const [id, coaches] of c.over) {
    if (coaches) base.set(id, coaches);
    else base.delete(id);
  }
  return { base, over: new Map() };
}

function ofCoach(kept: TeamFree, coachId: number): readonly Slot[] {
  let slots = kept.byCoach.get(coachId);
  if (!slots) {
    const { base, over } = kept.coaches;
    const isIn = (id: number) => (over.has(id) ? over.get(id) : base.get(id))?.includes(coachId) ?? false;
    slots = Object.freeze(kept.slots.filter((s) => isIn(s.blockId)));
    kept.byCoach.set(coachId, slots);
  }
  return slots;
}

/** Of these blocks, those with a coach who was deactivated or moved to another team. */
export async function blocksLeftByACoach(db: Db, blockIds: number[]): Promise<Set<number>> {
  if (blockIds.length === 0) return new Set();
  const gone = await db
    .selectFrom('block_coach')
    .innerJoin('block', 'block.id', 'block_coach.block_id')
    .innerJoin('staff_user', 'staff_user.id', 'block_coach.coach_id')
    .select('block_coach.block_id')
    .where('block_coach.block_id', 'in', blockIds)
    .where('block_coach.active', '=', true)
    .where((eb) =>
      eb.or([
        eb('staff_user.active', '=', false),
        eb('staff_user.team_id', 'is', null),
        eb('staff_user.team_id', '!=', eb.ref('block.team_id')),
      ]),
    )
    .execute();
  return new Set(gone.map((g) => g.block_id));
}
