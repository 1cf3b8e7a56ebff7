// Residents get a reminder a few days (team setting, default 2) before their appointment,
// unless they booked inside that window: then the confirmation was reminder enough.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { residentAppointmentMail } from '../../core/mail/resident-mails.js';
import { type MailContext } from '../../core/mail/appointment-view.js';
import { appointmentsInContext } from '../../core/appointment-query.js';

export async function queueDueReminders(db: Kysely<Database>, now: Date, ctx: MailContext): Promise<number> {
  const due = await appointmentsInContext(db)
    .select('appointment.id')
    .where('appointment.status', '=', 'booked')
    .where('appointment.reminder_sent_at', 'is', null)
    .where('resident.email', 'is not', null)
    .where('team.reminder_days', '>', 0)
    .where('appointment.starts_at', '>', now)
    .where(sql<boolean>`appointment.starts_at <= ${now}::timestamptz + make_interval(days => team.reminder_days)`)
    .where(sql<boolean>`appointment.created_at < appointment.starts_at - make_interval(days => team.reminder_days)`)
    .orderBy('appointment.starts_at')
    .limit(200)
    .execute();
  let queued = 0;
  for (const { id } of due) {
    await db.transaction().execute(async (trx) => {
      // Claim first, so two processes never send the same reminder.
      const claimed = await trx
        .updateTable('appointment')
        .set({ reminder_sent_at: now })
        .where('id', '=', id)
        .where('reminder_sent_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return;
      // The reminder carries no manage link: only its hash is stored. It points to the
      // confirmation mail, which has the link.
      await residentAppointmentMail(trx, ctx, id, 'reminder', null);
      queued += 1;
    });
  }
  return queued;
}
