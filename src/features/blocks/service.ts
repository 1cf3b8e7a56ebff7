// The rules of blocks: plan (one or a weekly series, in one transaction) and change (one or the
// rest of the series); cancelling is cancel.ts. The database refuses a coach in two places; we
// turn that refusal into KT_BLOCK_CONFLICT naming the other block.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { cutSlots, overlaps } from '../../domain/slots.js';
import { local } from '../../domain/time.js';
import { isConstraintViolation, ktError, type BlockConflict } from '../../errors.js';
import { audit } from '../../core/audit.js';
import type { Db } from '../../core/db.js';
import { coachesOfBlock } from '../../core/blocks.js';
import type { MailContext } from '../../core/mail/appointment-view.js';
import { noticeCoaches } from './notices.js';
import {
  bookedTimes,
  bookedIn,
  findCoachConflict,
  insertBlock,
  lockBlocks,
  updateBlock,
  type BlockWithCoaches,
} from './repository.js';
import { localInstant, type BlockTimes, type NewBlockPlan, type Scope } from './schemas.js';

export interface Actor {
  id: number;
  name: string;
  teamId: number;
}

/** An audit event of a change to blocks, recorded on the first of them. */
async function auditBlocks(db: Db, actor: Actor, action: string, ids: number[], detail: Record<string, unknown>) {
  await audit(db, {
    action,
    actorStaffId: actor.id,
    subjectType: 'block',
    subjectId: ids[0]!,
    teamId: actor.teamId,
    detail,
  });
}

/** The other block of a coach whose new period the database refused, for KT_BLOCK_CONFLICT. */
async function describeConflict(
  db: Kysely<Database>,
  periods: { start: Date; end: Date; coachIds: number[]; exclude: number[] }[],
): Promise<BlockConflict | null> {
  for (const p of periods) {
    const c = await findCoachConflict(db, p.coachIds, p.start, p.end, p.exclude);
    if (!c) continue;
    const partners = (await coachesOfBlock(db, c.blockId)).filter((x) => x.id !== c.coachId).map((x) => x.name);
    return { ...c, partners };
  }
  return null;
}

export async function createBlocks(
  db: Kysely<Database>,
  plan: NewBlockPlan,
  actor: Actor,
  ctx: { mail: MailContext },
): Promise<number[]> {
  try {
    return await db.transaction().execute(async (trx) => {
      const seriesId = plan.periods.length > 1 ? randomUUID() : null;
      const ids: number[] = [];
      for (const p of plan.periods) {
        ids.push(
          await insertBlock(trx, {
            teamId: actor.teamId,
            start: p.start,
            end: p.end,
            coachIds: plan.coachIds,
            solo: plan.solo,
            slotMinutes: plan.slotMinutes,
            bufferMinutes: plan.bufferMinutes,
            locationKind: plan.locationKind,
            seriesId,
            createdBy: actor.id,
          }),
        );
      }
      await auditBlocks(trx, actor, 'block_created', ids, { count: ids.length, seriesId });
      const coaches = await coachesOfBlock(trx, ids[0]!);
      await noticeCoaches(trx, ctx.mail, {
        kind: 'created',
        to: coaches,
        actorId: actor.id,
        actorName: actor.name,
        blocks: plan.periods.map((p) => ({ starts_at: p.start, ends_at: p.end })),
      });
      return ids;
    });
  } catch (err) {
    if (!isConstraintViolation(err, 'block_coach_no_overlap')) throw err;
    const conflict = await describeConflict(
      db,
      plan.periods.map((p) => ({ ...p, coachIds: plan.coachIds, exclude: [] })),
    );
    throw ktError('KT_BLOCK_CONFLICT', { conflict });
  }
}

/** The new period of each block: the form's local times, on each block's own date. */
function plannedTimes(targets: BlockWithCoaches[], scope: Scope, times: BlockTimes) {
  return targets.map((b) => {
    const date = scope === 'one' ? times.date : local(b.starts_at).toISODate()!;
    const s = localInstant(date, times.start);
    const e = localInstant(date, times.end);
    if (!s || !e) throw ktError('KT_TIME_GAP', date);
    return { block: b, start: s.toJSDate(), end: e.toJSDate() };
  });
}

export async function changeBlocks(
  db: Kysely<Database>,
  targets: BlockWithCoaches[],
  scope: Scope,
  times: BlockTimes,
  actor: Actor,
  ctx: { mail: MailContext },
): Promise<number> {
  const planned = plannedTimes(targets, scope, times);
  const ids = targets.map((b) => b.id);
  try {
    await db.transaction().execute(async (trx) => {
      const locked = await lockBlocks(trx, ids);
      if (locked.length !== ids.length || locked.some((b) => b.status !== 'active'))
        throw ktError('KT_BLOCKS_CHANGED', 'a block changed');
      // A repeated post finds every block as it asks: nothing to write, nobody to tell again.
      const unchanged = planned.every((p) => {
        const b = locked.find((x) => x.id === p.block.id)!;
        return (
          b.starts_at.getTime() === p.start.getTime() &&
          b.ends_at.getTime() === p.end.getTime() &&
          b.slot_minutes === times.slotMinutes &&
          b.buffer_minutes === times.bufferMinutes &&
          b.location_kind === times.locationKind
        );
      });
      if (unchanged) return;
      const booked = await bookedIn(trx, ids);
      const outside = booked.filter((a) => {
        const p = planned.find((x) => x.block.id === a.block_id)!;
        return a.starts_at < p.start || a.ends_at > p.end;
      });
      if (outside.length) throw ktError('KT_APPOINTMENTS_OUTSIDE', { appointments: outside });
      for (const p of planned) {
        await updateBlock(trx, p.block.id, {
          start: p.start,
          end: p.end,
          slotMinutes: times.slotMinutes,
          bufferMinutes: times.bufferMinutes,
          locationKind: times.locationKind,
        });
      }
      await auditBlocks(trx, actor, 'block_changed', ids, { scope, count: ids.length });
      await noticeCoaches(trx, ctx.mail, {
        kind: 'changed',
        to: targets.flatMap((b) => b.coaches),
        actorId: actor.id,
        actorName: actor.name,
        blocks: planned.map((p) => ({ starts_at: p.start, ends_at: p.end })),
      });
    });
  } catch (err) {
    if (!isConstraintViolation(err, 'block_coach_no_overlap')) throw err;
    const conflict = await describeConflict(
      db,
      planned.map((p) => ({ start: p.start, end: p.end, coachIds: p.block.coaches.map((c) => c.id), exclude: ids })),
    );
    throw ktError('KT_BLOCK_CONFLICT', { conflict });
  }
  return ids.length;
}

export interface BlockSummary extends BlockWithCoaches {
  booked: number;
  free: number;
}

/** Booked and free slots per block, as the list shows them. */
export async function summarize(db: Kysely<Database>, blocks: BlockWithCoaches[]): Promise<BlockSummary[]> {
  const busy = await bookedTimes(
    db,
    blocks.map((b) => b.id),
  );
  return blocks.map((b) => {
    const taken = busy.get(b.id) ?? [];
    const free = cutSlots(b).filter((s) => !taken.some((a) => overlaps(s, a))).length;
    return { ...b, booked: taken.length, free };
  });
}
