// Handling an absence: for each block the absent coach is in, one choice — a replacement
// partner (the absent coach's row goes inactive, the replacement gets one; the exclusion
// constraint decides whether they are free), go solo, move the appointments to other duos, or
// cancel the block. Everything in one transaction.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { periodLiteral } from '../../db/period.js';
import { isConstraintViolation, ktError, type KtError } from '../../errors.js';
import { audit } from '../../core/audit.js';
import { coachesOfBlock } from '../../core/blocks.js';
import type { MailContext } from '../../core/mail/appointment-view.js';
import { noticeCoaches } from '../blocks/notices.js';
import { applyDecisions, type Decision } from '../blocks/rehome.js';
import {
  bookedIn,
  findCoachConflict,
  lockBlocks,
  markBlocksCancelled,
  type BlockWithCoaches,
  type BookedAppointment,
} from '../blocks/repository.js';
import type { Actor } from '../blocks/service.js';
import type { AbsenceRow } from './repository.js';
import { coachChangeMail } from './mails.js';

export type BlockChoice =
  | { block: BlockWithCoaches; action: 'replace'; replacementId: number }
  | { block: BlockWithCoaches; action: 'solo' }
  | { block: BlockWithCoaches; action: 'move'; moves: Decision[] }
  | { block: BlockWithCoaches; action: 'cancel' };

type Trx = Transaction<Database>;
type KeptBlock = Extract<BlockChoice, { action: 'replace' | 'solo' }>;
interface Context {
  mail: MailContext;
  now: Date;
}

/** A replacement being put into a block: the coach the exclusion constraint may refuse. */
interface Replacing {
  blockId: number;
  coachId: number;
  start: Date;
  end: Date;
}

export async function handleAbsence(
  db: Kysely<Database>,
  absence: AbsenceRow,
  choices: BlockChoice[],
  actor: Actor,
  ctx: Context,
) {
  const attempt: { replacing: Replacing | null } = { replacing: null };
  try {
    return await db.transaction().execute((trx) => applyChoices(trx, absence, choices, actor, ctx, attempt));
  } catch (err) {
    if (!attempt.replacing || !isConstraintViolation(err, 'block_coach_no_overlap')) throw err;
    throw await replacementConflict(db, attempt.replacing);
  }
}

async function applyChoices(
  trx: Trx,
  absence: AbsenceRow,
  choices: BlockChoice[],
  actor: Actor,
  ctx: Context,
  attempt: { replacing: Replacing | null },
) {
  const ids = choices.map((c) => c.block.id);
  const locked = await lockBlocks(trx, ids);
  if (locked.length !== ids.length || locked.some((b) => b.status !== 'active'))
    throw ktError('KT_BLOCKS_CHANGED', 'a block changed');
  const leaving = choices.filter((c) => c.action === 'move' || c.action === 'cancel').map((c) => c.block.id);
  const booked = await bookedIn(trx, ids);
  const decisions = decisionsFor(choices, booked);
  for (const c of choices) {
    if (c.action !== 'replace' && c.action !== 'solo') continue;
    await keepBlock(trx, c, absence, attempt);
    await tellKeptBlock(trx, ctx.mail, c, absence, actor, booked);
  }
  const result = await applyDecisions(
    trx,
    { mail: ctx.mail, now: ctx.now, actorId: actor.id, teamId: actor.teamId, leaving },
    decisions,
  );
  for (const c of choices.filter((x) => leaving.includes(x.block.id)))
    await tellLeftBlock(trx, ctx.mail, c, actor, decisions, booked);
  await markBlocksCancelled(trx, leaving);
  await audit(trx, {
    action: 'absence_handled',
    actorStaffId: actor.id,
    subjectType: 'absence',
    subjectId: absence.id,
    teamId: actor.teamId,
    detail: { blocks: choices.map((c) => ({ id: c.block.id, action: c.action })), ...result },
  });
  return { blocks: choices.length, ...result };
}

/** What happens to the appointments of blocks that go: cancelled, or moved as chosen (all of them). */
function decisionsFor(choices: BlockChoice[], booked: BookedAppointment[]): Decision[] {
  const decisions: Decision[] = [];
  for (const c of choices) {
    const inBlock = booked.filter((a) => a.block_id === c.block.id);
    if (c.action === 'cancel')
      decisions.push(...inBlock.map((a) => ({ appointmentId: a.id, action: 'cancel' as const })));
    if (c.action === 'move') {
      const sameAppointments =
        inBlock
          .map((a) => a.id)
          .sort()
          .join() ===
        c.moves
          .map((m) => m.appointmentId)
          .sort()
          .join();
      if (!sameAppointments) throw ktError('KT_BLOCKS_CHANGED', 'bookings changed');
      decisions.push(...c.moves);
    }
  }
  return decisions;
}

/** The absent coach leaves a block that goes on: with a replacement, or with one coach. */
async function keepBlock(
  trx: Trx,
  c: KeptBlock,
  absence: AbsenceRow,
  attempt: { replacing: Replacing | null },
): Promise<void> {
  const gone = await trx
    .updateTable('block_coach')
    .set({ active: false })
    .where('block_id', '=', c.block.id)
    .where('coach_id', '=', absence.staff_id)
    .where('active', '=', true)
    .executeTakeFirst();
  if (Number(gone.numUpdatedRows) !== 1) throw ktError('KT_BLOCKS_CHANGED', 'the coach left the block');
  if (c.action === 'solo') {
    await trx.updateTable('block').set({ solo: true }).where('id', '=', c.block.id).execute();
    return;
  }
  attempt.replacing = { blockId: c.block.id, coachId: c.replacementId, start: c.block.starts_at, end: c.block.ends_at };
  const period = periodLiteral(c.block.starts_at, c.block.ends_at);
  // The replacement may have an old, inactive row in this block: make it active again.
  await trx
    .insertInto('block_coach')
    .values({ block_id: c.block.id, coach_id: c.replacementId, period, active: true })
    .onConflict((oc) => oc.columns(['block_id', 'coach_id']).doUpdateSet({ active: true, period }))
    .execute();
  attempt.replacing = null;
}

/** The block's coaches now, and the residents of its appointments, hear who comes. */
async function tellKeptBlock(
  trx: Trx,
  mail: MailContext,
  c: KeptBlock,
  absence: AbsenceRow,
  actor: Actor,
  booked: BookedAppointment[],
): Promise<void> {
  const now = await coachesOfBlock(trx, c.block.id);
  const replacement = now.find((x) => c.action === 'replace' && x.id === c.replacementId);
  await noticeCoaches(trx, mail, {
    kind: c.action === 'replace' ? 'replaced' : 'solo',
    to: now,
    actorId: actor.id,
    actorName: actor.name,
    blocks: [c.block],
    params: { absent: absence.staff_name, replacement: replacement?.name ?? '' },
  });
  for (const a of booked.filter((x) => x.block_id === c.block.id))
    await coachChangeMail(trx, mail, a.id, absence.staff_name);
}

/** The coaches of a block that goes hear how many of its appointments moved or were cancelled. */
async function tellLeftBlock(
  trx: Trx,
  mail: MailContext,
  c: BlockChoice,
  actor: Actor,
  decisions: Decision[],
  booked: BookedAppointment[],
): Promise<void> {
  const inBlock = decisions.filter((d) => booked.some((a) => a.id === d.appointmentId && a.block_id === c.block.id));
  await noticeCoaches(trx, mail, {
    kind: 'cancelled',
    to: c.block.coaches,
    actorId: actor.id,
    actorName: actor.name,
    blocks: [c.block],
    params: {
      moved: inBlock.filter((d) => d.action === 'move').length,
      cancelled: inBlock.filter((d) => d.action === 'cancel').length,
    },
  });
}

/** The replacement is busy elsewhere at that time: where, and with whom. */
async function replacementConflict(db: Kysely<Database>, r: Replacing): Promise<KtError<'KT_BLOCK_CONFLICT'>> {
  const c = await findCoachConflict(db, [r.coachId], r.start, r.end, [r.blockId]);
  const partners = c ? (await coachesOfBlock(db, c.blockId)).filter((x) => x.id !== c.coachId).map((x) => x.name) : [];
  return ktError('KT_BLOCK_CONFLICT', { conflict: c ? { ...c, partners } : null });
}
