// Changing or cancelling an appointment through the manage link. Rescheduling updates the
// appointment row in one statement, so the old slot is freed in the same transaction that takes
// the new one; the exclusion constraint refuses a slot someone else just took.
import type { Kysely } from 'kysely';
import type { AppointmentMode, Database, Team } from '../../db/schema.js';
import { coachAppointmentMail, coachMovedAwayMail } from '../../core/mail/coach-mails.js';
import { residentAppointmentMail } from '../../core/mail/resident-mails.js';
import { type MailContext } from '../../core/mail/appointment-view.js';
import { audit } from '../../core/audit.js';
import { ktError } from '../../errors.js';
import { lockSlot, takenBy } from '../../core/booking-rule.js';
import type { ManagedAppointment } from '../../core/managed-appointment.js';
import { cancelBooked } from '../../core/booking-rows.js';
import type { Db } from '../../core/db.js';

/** False when the appointment already was at that time and mode (a repeated submit): nothing changed. */
/** An audit event of the resident's own change (through the manage link: no staff member). */
async function auditByResident(db: Db, action: string, appointmentId: number, teamId: number) {
  await audit(db, { action, subjectType: 'appointment', subjectId: appointmentId, teamId, detail: { by: 'resident' } });
}

/** A way of meeting on the form: a mode, or (a 3-gesprek) 'referrer', the referrer's place. */
export type PlaceChoice = AppointmentMode | 'referrer';

/**
 * What a choice stores: the referrer's place is 'office' with their address, the team's office
 * none; another way keeps the address, so the referrer's place can be chosen again later.
 */
function placeOfChoice(a: ManagedAppointment, choice: PlaceChoice) {
  if (choice === 'referrer') return { mode: 'office' as const, referrerLocation: a.referrer_location };
  return { mode: choice, referrerLocation: choice === 'office' ? null : a.referrer_location };
}

export async function reschedule(
  db: Kysely<Database>,
  a: ManagedAppointment,
  team: Team,
  choice: { blockId: number; start: Date; mode: PlaceChoice },
  ctx: { now: Date; mail: MailContext; token: string },
): Promise<boolean> {
  const target = { ...choice, ...placeOfChoice(a, choice.mode) };
  try {
    return await db.transaction().execute(async (trx) => {
      // The old block is locked too: the move frees a time there.
      const slot = await lockSlot(trx, {
        teamId: team.id,
        blockId: target.blockId,
        start: target.start,
        now: ctx.now,
        window: team,
        alsoLock: [a.block_id],
      });
      // Read after the locks: a repeated post (a double click, or the form sent again after an
      // answer that never came) finds the appointment already there and mails nobody again.
      const current = await trx
        .selectFrom('appointment')
        .select(['block_id', 'starts_at', 'mode', 'status', 'referrer_location'])
        .where('id', '=', a.id)
        .executeTakeFirstOrThrow();
      if (
        current.status === 'booked' &&
        current.block_id === slot.blockId &&
        current.starts_at.getTime() === slot.start.getTime() &&
        current.mode === target.mode &&
        current.referrer_location === target.referrerLocation
      )
        return false;
      const oldBlock = current.block_id;
      const moved = await trx
        .updateTable('appointment')
        .set({
          block_id: slot.blockId,
          starts_at: slot.start,
          ends_at: slot.end,
          mode: target.mode,
          referrer_location: target.referrerLocation,
          reminder_sent_at: null,
        })
        .where('id', '=', a.id)
        .where('status', '=', 'booked')
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) throw ktError('KT_SLOT_UNAVAILABLE', 'appointment no longer booked');
      await auditByResident(trx, 'appointment_rescheduled', a.id, team.id);
      await residentAppointmentMail(trx, ctx.mail, a.id, 'rescheduled', ctx.token);
      if (oldBlock !== slot.blockId) {
        // The old duo loses the appointment, the new duo gains it.
        await coachMovedAwayMail(trx, ctx.mail, a.id, oldBlock);
        await coachAppointmentMail(trx, ctx.mail, a.id, 'booked');
      } else {
        await coachAppointmentMail(trx, ctx.mail, a.id, 'rescheduled');
      }
      return true;
    });
  } catch (err) {
    throw (await takenBy(err, db, team, target.start, ctx.now)) ?? err;
  }
}

/** False when the appointment was no longer booked (a repeated submit): nothing changed. */
export async function cancel(
  db: Kysely<Database>,
  a: ManagedAppointment,
  reason: string | null,
  ctx: { now: Date; mail: MailContext },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await cancelBooked(trx, a.id, reason, ctx.now))) return false;
    await auditByResident(trx, 'appointment_cancelled', a.id, a.team_id);
    await residentAppointmentMail(trx, ctx.mail, a.id, 'cancelled', null);
    await coachAppointmentMail(trx, ctx.mail, a.id, 'cancelled');
    return true;
  });
}
