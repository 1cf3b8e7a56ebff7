// Handling an absence: for each block the absent coach is in, one choice — a replacement
// partner (the absent coach's row goes inactive, the replacement gets one; the exclusion
// constraint decides whether they are free), go solo, move the appointments to other duos, or
// cancel the block. Everything in one transaction.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { periodLiteral } from '../../db/period.js';
import { formatters } from '../../domain/time.js';
import { isConstraintViolation } from '../../errors.js';
import { translator, type Locale } from '../../core/i18n.js';
import { audit } from '../../core/audit.js';
import { coachesOfBlock } from '../../core/blocks.js';
import { loadAppointmentView, type MailContext } from '../../core/mail/appointment-view.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { noticeCoaches } from '../blocks/notices.js';
import { applyDecisions, RehomeError, type Decision } from '../blocks/rehome.js';
import {
  bookedIn,
  findCoachConflict,
  lockBlocks,
  markBlocksCancelled,
  type BlockWithCoaches,
} from '../blocks/repository.js';
import { BlockConflictError, type Actor } from '../blocks/service.js';
import type { AbsenceRow } from './repository.js';

export type BlockChoice =
  | { block: BlockWithCoaches; action: 'replace'; replacementId: number }
  | { block: BlockWithCoaches; action: 'solo' }
  | { block: BlockWithCoaches; action: 'move'; moves: Decision[] }
  | { block: BlockWithCoaches; action: 'cancel' };

/** The resident hears who comes instead; time and place stay the same. */
async function coachChangeMail(
  trx: Transaction<Database>,
  ctx: MailContext,
  appointmentId: number,
  absentName: string,
): Promise<void> {
  const a = await loadAppointmentView(trx, appointmentId);
  if (!a.email) return;
  const locale = a.mail_locale as Locale;
  const t = translator(locale);
  const when = formatters(locale).range(a.starts_at, a.ends_at);
  const names = a.coaches.map((c) => c.name.split(' ')[0]).join(' & ');
  await enqueueMail(trx, {
    to: a.email,
    subject: t('absence.mail.resident.subject', { when }),
    text: [
      t('mail.greeting', { name: a.name }),
      '',
      t('absence.mail.resident.intro', { when, absent: absentName.split(' ')[0]!, names }),
      '',
      t('mail.questions', { team: a.team_name, phone: a.team_phone }),
      '',
      t('mail.signature', { team: a.team_name }),
    ].join('\n'),
  });
}

export async function handleAbsence(
  db: Kysely<Database>,
  absence: AbsenceRow,
  choices: BlockChoice[],
  actor: Actor,
  ctx: { mail: MailContext; now: Date },
) {
  const ids = choices.map((c) => c.block.id);
  let replacing: { blockId: number; coachId: number; start: Date; end: Date } | null = null;
  try {
    return await db.transaction().execute(async (trx) => {
      const locked = await lockBlocks(trx, ids);
      if (locked.length !== ids.length || locked.some((b) => b.status !== 'active')) throw new RehomeError('stale');
      const leaving = choices.filter((c) => c.action === 'move' || c.action === 'cancel').map((c) => c.block.id);
      const booked = await bookedIn(trx, ids);
      const decisions: Decision[] = [];
      for (const c of choices) {
        const inBlock = booked.filter((a) => a.block_id === c.block.id);
        if (c.action === 'cancel')
          decisions.push(...inBlock.map((a) => ({ appointmentId: a.id, action: 'cancel' as const })));
        if (c.action === 'move') {
          if (
            inBlock
              .map((a) => a.id)
              .sort()
              .join() !==
            c.moves
              .map((m) => m.appointmentId)
              .sort()
              .join()
          )
            throw new RehomeError('stale');
          decisions.push(...c.moves);
        }
      }
      for (const c of choices) {
        if (c.action !== 'replace' && c.action !== 'solo') continue;
        const gone = await trx
          .updateTable('block_coach')
          .set({ active: false })
          .where('block_id', '=', c.block.id)
          .where('coach_id', '=', absence.staff_id)
          .where('active', '=', true)
          .executeTakeFirst();
        if (Number(gone.numUpdatedRows) !== 1) throw new RehomeError('stale');
        if (c.action === 'replace') {
          replacing = { blockId: c.block.id, coachId: c.replacementId, start: c.block.starts_at, end: c.block.ends_at };
          const period = periodLiteral(c.block.starts_at, c.block.ends_at);
          // The replacement may have an old, inactive row in this block: make it active again.
          await trx
            .insertInto('block_coach')
            .values({ block_id: c.block.id, coach_id: c.replacementId, period, active: true })
            .onConflict((oc) => oc.columns(['block_id', 'coach_id']).doUpdateSet({ active: true, period }))
            .execute();
          replacing = null;
        } else {
          await trx.updateTable('block').set({ solo: true }).where('id', '=', c.block.id).execute();
        }
        const now = await coachesOfBlock(trx, c.block.id);
        const replacement = now.find((x) => c.action === 'replace' && x.id === c.replacementId);
        await noticeCoaches(trx, ctx.mail, {
          kind: c.action === 'replace' ? 'replaced' : 'solo',
          to: now,
          actorId: actor.id,
          actorName: actor.name,
          blocks: [c.block],
          params: { absent: absence.staff_name, replacement: replacement?.name ?? '' },
        });
        for (const a of booked.filter((x) => x.block_id === c.block.id))
          await coachChangeMail(trx, ctx.mail, a.id, absence.staff_name);
      }
      const result = await applyDecisions(
        trx,
        { mail: ctx.mail, now: ctx.now, actorId: actor.id, teamId: actor.teamId, leaving },
        decisions,
      );
      for (const c of choices.filter((x) => leaving.includes(x.block.id))) {
        const inBlock = decisions.filter((d) =>
          booked.some((a) => a.id === d.appointmentId && a.block_id === c.block.id),
        );
        await noticeCoaches(trx, ctx.mail, {
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
    });
  } catch (err) {
    const r = replacing as { blockId: number; coachId: number; start: Date; end: Date } | null;
    if (!r || !isConstraintViolation(err, 'block_coach_no_overlap')) throw err;
    const c = await findCoachConflict(db, [r.coachId], r.start, r.end, [r.blockId]);
    const partners = c
      ? (await coachesOfBlock(db, c.blockId)).filter((x) => x.id !== c.coachId).map((x) => x.name)
      : [];
    throw new BlockConflictError(c ? { ...c, partners } : null);
  }
}
