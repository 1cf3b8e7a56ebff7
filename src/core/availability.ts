// Which times a resident can choose: a team's free slots from the minimum notice to the
// horizon. Used by the sign-up flow, the manage link (reschedule) and the staff pages.
import type { Kysely } from 'kysely';
import type { Database, Team } from '../db/schema.js';
import { freeSlots, type Slot } from '../domain/slots.js';
import { earliestBookable, horizonEnd, local } from '../domain/time.js';
import { blocksBetween, busyInBlocks } from './blocks.js';
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
 * milliseconds (src/db/changes.ts), and forgets that team's kept free times. This only bounds how
 * long a kept read lives should a notification ever be lost. A resident who picks a time that is
 * gone meanwhile gets the "just taken" page with the nearest free times: the database decides.
 */
const FREE_TIMES_TTL_MS = 5 * 60_000;

interface Kept {
  from: number;
  to: number;
  slots: readonly Slot[];
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
  const kept = await cachedRead<Kept>(
    db,
    { scope: team.id, key: `free-times:${opts.coachId ?? ''}` },
    // A read covering this window serves it: the window only moves forward as time passes.
    { ttlMs: FREE_TIMES_TTL_MS, valid: (k) => k.from <= from && k.to >= to },
    async () => {
      const blocks = await staffedBlocks(db, await blocksBetween(db, team.id, w.from, w.to, opts.coachId));
      const busy = await busyInBlocks(
        db,
        blocks.map((b) => b.id),
      );
      // Frozen: shared by every request, and what is derived from it (distinctTimes, the page's
      // list of times) can be kept per array.
      return { from, to, slots: Object.freeze(freeSlots(blocks, busy, w.from, w.to).map((x) => Object.freeze(x))) };
    },
  );
  if (kept.from === from && kept.to === to) return kept.slots;
  return Object.freeze(kept.slots.filter((s) => s.start.getTime() >= from && s.end.getTime() <= to));
}

/**
 * The blocks none of whose coaches has left: a coach who was deactivated or moved to another
 * team is not offered, from the moment of the change (the change forgets the kept reads), even
 * before anyone has handled their blocks.
 */
async function staffedBlocks<B extends { id: number; team_id: number }>(db: Db, blocks: B[]): Promise<B[]> {
  if (blocks.length === 0) return blocks;
  const leftBy = await blocksLeftByACoach(
    db,
    blocks.map((b) => b.id),
  );
  return blocks.filter((b) => !leftBy.has(b.id));
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
