// Which times a resident can choose: a team's free slots from the minimum notice to the
// horizon. Used by the sign-up flow, the manage link (reschedule) and the staff pages.
import type { Kysely } from 'kysely';
import type { Database, Team } from '../../db/schema.js';
import { freeSlots, type Slot } from '../../domain/slots.js';
import { earliestBookable, horizonEnd } from '../../domain/time.js';
import { blocksBetween, busyInBlocks } from './repository.js';

export interface Window {
  from: Date;
  to: Date;
}

export function bookingWindow(team: Pick<Team, 'min_notice_days' | 'horizon_days'>, now: Date): Window {
  const from = earliestBookable(now, team.min_notice_days).toJSDate();
  const to = horizonEnd(now, team.horizon_days).toJSDate();
  return { from: from < now ? now : from, to };
}

export async function teamFreeSlots(db: Kysely<Database>, team: Team, now: Date, opts: { coachId?: number } = {}): Promise<Slot[]> {
  const w = bookingWindow(team, now);
  const blocks = await blocksBetween(db, team.id, w.from, w.to, opts.coachId);
  const busy = await busyInBlocks(db, blocks.map((b) => b.id));
  return freeSlots(blocks, busy, w.from, w.to);
}
