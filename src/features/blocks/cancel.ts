// Cancelling blocks: every booked appointment in them gets its decision (move to another duo's
// free time, or cancel with a mail), in the same transaction that cancels the blocks.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { ktError } from '../../errors.js';
import { audit } from '../../core/audit.js';
import type { MailContext } from '../../core/mail/appointment-view.js';
import { noticeCoaches } from './notices.js';
import { applyDecisions, type Decision } from './rehome.js';
import { bookedIn, lockBlocks, markBlocksCancelled, type BlockWithCoaches } from './repository.js';
import type { Actor } from './service.js';

/**
 * Cancels the blocks: every booked appointment in them must have a decision (move or cancel),
 * else a booking came in since the page was shown and the user must decide for it too.
 */
export async function cancelBlocks(
  db: Kysely<Database>,
  targets: BlockWithCoaches[],
  decisions: Decision[],
  actor: Actor,
  ctx: { mail: MailContext; now: Date },
) {
  const ids = targets.map((b) => b.id);
  return db.transaction().execute(async (trx) => {
    const locked = await lockBlocks(trx, ids);
    if (locked.length !== ids.length || locked.some((b) => b.status !== 'active'))
      throw ktError('KT_BLOCKS_CHANGED', 'a block changed');
    const booked = (await bookedIn(trx, ids)).map((a) => a.id).sort();
    const decided = decisions.map((d) => d.appointmentId).sort();
    if (booked.join() !== decided.join()) throw ktError('KT_BLOCKS_CHANGED', 'bookings changed');
    const result = await applyDecisions(
      trx,
      { mail: ctx.mail, now: ctx.now, actorId: actor.id, teamId: actor.teamId, leaving: ids },
      decisions,
    );
    await noticeCoaches(trx, ctx.mail, {
      kind: 'cancelled',
      to: targets.flatMap((b) => b.coaches),
      actorId: actor.id,
      actorName: actor.name,
      blocks: targets,
      params: { moved: result.moved, cancelled: result.cancelled },
    });
    await markBlocksCancelled(trx, ids);
    for (const id of ids)
      await audit(trx, {
        action: 'block_cancelled',
        actorStaffId: actor.id,
        subjectType: 'block',
        subjectId: id,
        teamId: actor.teamId,
        detail: result,
      });
    return result;
  });
}
