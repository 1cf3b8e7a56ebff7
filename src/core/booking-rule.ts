// The one rule "may this time be booked", for every way an appointment gets a time: a resident's
// or referrer's booking, the front office booking for someone, a resident moving their
// appointment, and a team moving appointments out of a block it cancels. The database keeps the
// last word: its exclusion constraint refuses a time someone else took in the meantime, and
// `takenBy` turns that refusal into the nearest free times.
import type { Kysely } from 'kysely';
import type { Database, Team } from '../db/schema.js';
import { cutSlots, distinctTimes, nearest, type Slot } from '../domain/slots.js';
import { isConstraintViolation, ktError, type KtError } from '../errors.js';
import { blocksLeftByACoach, bookingWindow, teamFreeSlots } from './availability.js';
import { blockById } from './blocks.js';
import type { Db } from './db.js';

export interface SlotRequest {
  teamId: number;
  blockId: number;
  start: Date;
  now: Date;
  /**
   * The team's booking window (minimum notice to horizon) for a time a resident chooses, or
   * 'from-now': any later time, for staff moving appointments out of a block they cancel.
   */
  window: Pick<Team, 'min_notice_days' | 'horizon_days'> | 'from-now';
  /** Blocks whose rows to lock too, with the target, in id order (a move locks its old block). */
  alsoLock?: number[];
  /** Lock the rows FOR UPDATE (default). Off only where the caller already holds the locks. */
  lock?: boolean;
  /** Blocks that may not receive the appointment (those being cancelled in the same step). */
  excluded?: ReadonlySet<number>;
}

/**
 * Locks the block (writers of one block take turns, see blockById) and returns the slot that
 * starts at `start`, or throws KT_SLOT_UNAVAILABLE: the time is not (or no longer) one that may
 * be booked (block gone, cancelled, another team's, a coach left, outside the window).
 */
export async function lockSlot(trx: Db, r: SlotRequest): Promise<Slot> {
  const lock = r.lock ?? true;
  let block: Awaited<ReturnType<typeof blockById>> | undefined;
  if (lock) {
    // In id order, so two writers that lock the same blocks never wait on each other.
    for (const id of [...new Set([r.blockId, ...(r.alsoLock ?? [])])].sort((x, y) => x - y)) {
      const row = await blockById(trx, id, true);
      // The locked row is the block as it stands: no second read of it.
      if (id === r.blockId) block = row;
    }
  }
  if (block === undefined) block = await blockById(trx, r.blockId);
  if (!block || block.team_id !== r.teamId || block.status !== 'active' || r.excluded?.has(block.id))
    throw ktError('KT_SLOT_UNAVAILABLE', 'block');
  // A page opened before a coach left still offers their time: it is no longer bookable.
  if ((await blocksLeftByACoach(trx, [block.id])).size > 0) throw ktError('KT_SLOT_UNAVAILABLE', 'coach left');
  const slot = cutSlots(block).find((s) => s.start.getTime() === r.start.getTime());
  if (!slot) throw ktError('KT_SLOT_UNAVAILABLE', 'no such slot');
  if (r.window === 'from-now') {
    if (slot.start <= r.now) throw ktError('KT_SLOT_UNAVAILABLE', 'begun');
  } else {
    const w = bookingWindow(r.window, r.now);
    if (slot.start < w.from || slot.end > w.to) throw ktError('KT_SLOT_UNAVAILABLE', 'outside the window');
  }
  return slot;
}

/**
 * The database refused the time because another appointment took it (the exclusion constraint
 * `appointment_no_overlap`): KT_SLOT_TAKEN with the nearest free times, to throw; else null.
 */
export async function takenBy(
  err: unknown,
  db: Kysely<Database>,
  team: Team,
  near: Date,
  now: Date,
): Promise<KtError<'KT_SLOT_TAKEN'> | null> {
  if (!isConstraintViolation(err, 'appointment_no_overlap')) return null;
  return ktError('KT_SLOT_TAKEN', {
    alternatives: nearest(distinctTimes(await teamFreeSlots(db, team, now)), near, 3),
  });
}
