// Changing the partner of a block: one coach of the duo leaves the block and another coach of the
// team comes in (or a solo block gets a partner). The database's exclusion constraint decides
// whether the new partner is free; the booked appointments follow by themselves (their coaches
// are the block's), and one who was to go alone to an appointment hands it to the new partner.
// The coaches hear of it. One transaction.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { periodLiteral } from '../../db/period.js';
import { isConstraintViolation, ktError } from '../../errors.js';
import { audit } from '../../core/audit.js';
import { coachesOfBlock, type CoachName } from '../../core/blocks.js';
import type { MailContext } from '../../core/mail/appointment-view.js';
import { noticeCoaches } from './notices.js';
import { findCoachConflict, lockBlocks, type BlockWithCoaches } from './repository.js';
import type { Actor } from './service.js';

export interface PartnerChange {
  block: BlockWithCoaches;
  /** The coach who leaves the block; null: a solo block gets a partner. */
  leavingId: number | null;
  partnerId: number;
}

export async function changePartner(
  db: Kysely<Database>,
  change: PartnerChange,
  actor: Actor,
  ctx: { mail: MailContext; now: Date },
): Promise<void> {
  try {
    await db.transaction().execute((trx) => apply(trx, change, actor, ctx));
  } catch (err) {
    if (!isConstraintViolation(err, 'block_coach_no_overlap')) throw err;
    const { block, partnerId } = change;
    const c = await findCoachConflict(db, [partnerId], block.starts_at, block.ends_at, [block.id]);
    const partners = c
      ? (await coachesOfBlock(db, c.blockId)).filter((x) => x.id !== c.coachId).map((x) => x.name)
      : [];
    throw ktError('KT_BLOCK_CONFLICT', { conflict: c ? { ...c, partners } : null });
  }
}

async function apply(
  trx: Transaction<Database>,
  { block, leavingId, partnerId }: PartnerChange,
  actor: Actor,
  ctx: { mail: MailContext; now: Date },
): Promise<void> {
  const [locked] = await lockBlocks(trx, [block.id]);
  if (!locked || locked.status !== 'active' || locked.starts_at <= ctx.now)
    throw ktError('KT_BLOCKS_CHANGED', 'the block changed');
  const before = await coachesOfBlock(trx, block.id);
  const leaving = before.find((c) => c.id === leavingId) ?? null;
  // The page was read with other coaches in the block: nothing is changed on an old picture.
  if ((leavingId === null ? before.length !== 1 : !leaving) || before.some((c) => c.id === partnerId))
    throw ktError('KT_BLOCKS_CHANGED', 'the coaches of the block changed');
  if (leaving)
    await trx
      .updateTable('block_coach')
      .set({ active: false })
      .where('block_id', '=', block.id)
      .where('coach_id', '=', leaving.id)
      .execute();
  const period = periodLiteral(locked.starts_at, locked.ends_at);
  await trx
    .insertInto('block_coach')
    .values({ block_id: block.id, coach_id: partnerId, period, active: true })
    .onConflict((oc) => oc.columns(['block_id', 'coach_id']).doUpdateSet({ active: true, period }))
    .execute();
  await trx.updateTable('block').set({ solo: false }).where('id', '=', block.id).execute();
  if (leaving)
    await trx
      .updateTable('appointment')
      .set({ solo_coach_id: partnerId })
      .where('block_id', '=', block.id)
      .where('solo_coach_id', '=', leaving.id)
      .execute();
  const now = await coachesOfBlock(trx, block.id);
  await tell(trx, ctx.mail, actor, locked, now, leaving, partnerId);
  await audit(trx, {
    action: 'block_partner_changed',
    actorStaffId: actor.id,
    subjectType: 'block',
    subjectId: block.id,
    teamId: actor.teamId,
    at: ctx.now,
    detail: { leaving: leaving?.id ?? null, partner: partnerId },
  });
}

/** The coaches now in the block hear who comes; the one who left hears that they are out. */
async function tell(
  trx: Transaction<Database>,
  mail: MailContext,
  actor: Actor,
  block: { starts_at: Date; ends_at: Date },
  now: CoachName[],
  leaving: CoachName | null,
  partnerId: number,
): Promise<void> {
  const partner = now.find((c) => c.id === partnerId)!;
  const params = { leaving: leaving?.name ?? '', partner: partner.name };
  const base = { actorId: actor.id, actorName: actor.name, blocks: [block], params };
  await noticeCoaches(trx, mail, { ...base, kind: leaving ? 'partner' : 'partnerAdded', to: now });
  if (leaving) await noticeCoaches(trx, mail, { ...base, kind: 'removed', to: [leaving] });
}
