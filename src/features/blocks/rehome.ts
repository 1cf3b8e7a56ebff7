// What happens to the appointments of a block that goes away: each one is moved to another duo's
// free slot (the same time when one is free, else the nearest time) or cancelled with a mail to
// the resident holding a rebooking link. Used by block cancellation and by absence handling.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { freeSlots, parseSlotKey, slotKey, type Slot } from '../../domain/slots.js';
import { horizonEnd, local } from '../../domain/time.js';
import { isConstraintViolation, isKtError, ktError } from '../../errors.js';
import { audit } from '../../core/audit.js';
import { blocksBetween, busyInBlocks } from '../../core/blocks.js';
import { lockSlot } from '../../core/booking-rule.js';
import { cancelBooked } from '../../core/booking-rows.js';
import { teamById } from '../../core/teams.js';
import { coachAppointmentMail } from '../../core/mail/coach-mails.js';
import { residentAppointmentMail } from '../../core/mail/resident-mails.js';
import { type MailContext } from '../../core/mail/appointment-view.js';
import { coachesByBlock } from './repository.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface Proposal {
  blockId: number;
  start: Date;
  end: Date;
  /** A free slot at exactly the appointment's time. */
  sameTime: boolean;
  coaches: string[];
  /** As it travels in the form: "<blockId>_<ISO start>". */
  key: string;
}

/**
 * A free slot for each appointment, in other blocks of the team than `exclude`, and not in a
 * block with a coach who is absent then. Two appointments never get the same slot.
 */
export async function proposeMoves(
  db: Db,
  teamId: number,
  appointments: { id: number; starts_at: Date }[],
  opts: { exclude: number[]; now: Date },
): Promise<Map<number, Proposal | null>> {
  const out = new Map<number, Proposal | null>();
  if (appointments.length === 0) return out;
  const team = await teamById(db, teamId);
  const latest = appointments.reduce((m, a) => (a.starts_at > m ? a.starts_at : m), opts.now);
  const to = new Date(
    Math.max(
      horizonEnd(opts.now, team?.horizon_days ?? 21).toMillis(),
      local(latest).plus({ days: 14 }).endOf('day').toMillis(),
    ),
  );
  const excluded = new Set(opts.exclude);
  let blocks = (await blocksBetween(db, teamId, opts.now, to)).filter((b) => !excluded.has(b.id));
  const coaches = await coachesByBlock(
    db,
    blocks.map((b) => b.id),
  );
  const absent = await absencesOf(db, [...new Set([...coaches.values()].flat().map((c) => c.id))], opts.now, to);
  blocks = blocks.filter(
    (b) =>
      !(coaches.get(b.id) ?? []).some((c) =>
        absent.some((a) => a.staff_id === c.id && a.starts_at < b.ends_at && b.starts_at < a.ends_at),
      ),
  );
  const busy = await busyInBlocks(
    db,
    blocks.map((b) => b.id),
  );
  let free: Slot[] = freeSlots(blocks, busy, opts.now, to);
  const take = (a: { id: number; starts_at: Date }, pick: Slot) => {
    free = free.filter((s) => s !== pick);
    out.set(a.id, {
      blockId: pick.blockId,
      start: pick.start,
      end: pick.end,
      sameTime: pick.start.getTime() === a.starts_at.getTime(),
      coaches: (coaches.get(pick.blockId) ?? []).map((c) => c.name),
      key: slotKey(pick),
    });
  };
  const sorted = [...appointments].sort((x, y) => x.starts_at.getTime() - y.starts_at.getTime() || x.id - y.id);
  // First the same time at another duo, for everyone; then the nearest time for the rest, so one
  // appointment's "nearest" never takes another's "same time".
  for (const a of sorted) {
    const same = free.find((s) => s.start.getTime() === a.starts_at.getTime());
    if (same) take(a, same);
  }
  for (const a of sorted.filter((x) => !out.has(x.id))) {
    const t = a.starts_at.getTime();
    const pick = [...free].sort(
      (x, y) =>
        Math.abs(x.start.getTime() - t) - Math.abs(y.start.getTime() - t) || x.start.getTime() - y.start.getTime(),
    )[0];
    if (pick) take(a, pick);
    else out.set(a.id, null);
  }
  return out;
}

async function absencesOf(db: Db, staffIds: number[], from: Date, to: Date) {
  if (staffIds.length === 0) return [];
  return db
    .selectFrom('absence')
    .select(['staff_id', 'starts_at', 'ends_at'])
    .where('staff_id', 'in', staffIds)
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .execute();
}

export type Decision =
  | { appointmentId: number; action: 'move'; target: { blockId: number; start: Date } }
  | { appointmentId: number; action: 'cancel' };

/**
 * Carries out the decisions inside the caller's transaction, with the mails: moved residents get
 * a "verzet" mail (their manage link keeps working: it belongs to the appointment row), the new
 * duo a notice; cancelled residents a cancellation mail with a link to book again. Must run
 * before the old blocks lose their coaches, so the mails still name them. Throws KT_REHOME_TAKEN
 * when a target time is no longer free and KT_BLOCKS_CHANGED when an appointment is no longer
 * booked; the caller's transaction then rolls back as a whole.
 */
export async function applyDecisions(
  trx: Transaction<Database>,
  ctx: RehomeContext,
  decisions: Decision[],
): Promise<{ moved: number; cancelled: number }> {
  const leaving = new Set(ctx.leaving);
  let moved = 0;
  let cancelled = 0;
  for (const d of decisions) {
    if (d.action === 'move') {
      await moveAppointment(trx, ctx, d, leaving);
      moved += 1;
    } else {
      await cancelAppointment(trx, ctx, d.appointmentId);
      cancelled += 1;
    }
  }
  return { moved, cancelled };
}

interface RehomeContext {
  mail: MailContext;
  now: Date;
  actorId: number;
  teamId: number;
  /** The blocks being emptied. */
  leaving: number[];
}

/** Moves one appointment to its target time in another block, with the resident's and duo's mails. */
async function moveAppointment(
  trx: Transaction<Database>,
  ctx: RehomeContext,
  d: Extract<Decision, { action: 'move' }>,
  leaving: ReadonlySet<number>,
): Promise<void> {
  let slot: Slot;
  try {
    // Only the blocks being emptied are locked (by the caller); a target is not, so this step
    // never waits in another order than bookings do. The constraint refuses a time taken meanwhile.
    slot = await lockSlot(trx, {
      teamId: ctx.teamId,
      blockId: d.target.blockId,
      start: d.target.start,
      now: ctx.now,
      window: 'from-now',
      lock: false,
      excluded: leaving,
    });
  } catch (err) {
    if (isKtError(err, 'KT_SLOT_UNAVAILABLE'))
      throw ktError('KT_REHOME_TAKEN', { appointmentId: d.appointmentId }, 'unavailable');
    throw err;
  }
  let updated: bigint;
  try {
    const r = await trx
      .updateTable('appointment')
      .set({ block_id: slot.blockId, starts_at: slot.start, ends_at: slot.end, reminder_sent_at: null })
      .where('id', '=', d.appointmentId)
      .where('status', '=', 'booked')
      .executeTakeFirst();
    updated = r.numUpdatedRows;
  } catch (err) {
    if (isConstraintViolation(err, 'appointment_no_overlap'))
      throw ktError('KT_REHOME_TAKEN', { appointmentId: d.appointmentId }, 'taken');
    throw err;
  }
  if (Number(updated) !== 1) throw ktError('KT_BLOCKS_CHANGED', `appointment ${d.appointmentId}`);
  await audit(trx, {
    action: 'appointment_moved_by_team',
    actorStaffId: ctx.actorId,
    subjectType: 'appointment',
    subjectId: d.appointmentId,
    teamId: ctx.teamId,
    detail: { toBlock: slot.blockId },
  });
  await residentAppointmentMail(trx, ctx.mail, d.appointmentId, 'rescheduled', null);
  await coachAppointmentMail(trx, ctx.mail, d.appointmentId, 'booked');
}

/** Cancels one appointment and its request; the resident gets a mail with a link to book again. */
async function cancelAppointment(trx: Transaction<Database>, ctx: RehomeContext, appointmentId: number) {
  if (!(await cancelBooked(trx, appointmentId, 'block_cancelled', ctx.now)))
    throw ktError('KT_BLOCKS_CHANGED', `appointment ${appointmentId}`);
  await audit(trx, {
    action: 'appointment_cancelled_by_team',
    actorStaffId: ctx.actorId,
    subjectType: 'appointment',
    subjectId: appointmentId,
    teamId: ctx.teamId,
    detail: { reason: 'block_cancelled' },
  });
  await residentAppointmentMail(trx, ctx.mail, appointmentId, 'cancelled', null);
}

/** Reads the per-appointment choice fields of a form: choice_<id> = move|cancel, target_<id>. */
export function readDecisions(
  body: Record<string, unknown>,
  appointmentIds: number[],
): { decisions: Decision[]; errors: Record<string, string> } {
  const decisions: Decision[] = [];
  const errors: Record<string, string> = {};
  for (const id of appointmentIds) {
    const choice = body[`choice_${id}`];
    const target = typeof body[`target_${id}`] === 'string' ? parseSlotKey(body[`target_${id}`] as string) : null;
    if (choice === 'cancel') decisions.push({ appointmentId: id, action: 'cancel' });
    else if (choice === 'move' && target) decisions.push({ appointmentId: id, action: 'move', target });
    else errors[`choice_${id}`] = choice === 'move' ? 'blocks.errors.noTarget' : 'blocks.errors.choice';
  }
  return { decisions, errors };
}
