// The resident's mail when a coach of their appointment is absent and the block goes on with a
// replacement or with one coach.
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { formatters } from '../../domain/time.js';
import { translator, type Locale } from '../../core/i18n.js';
import { firstNames, loadAppointmentView, type MailContext } from '../../core/mail/appointment-view.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { mailText } from '../../core/mail/render.js';

/** The resident hears who comes instead; time and place stay the same. */
export async function coachChangeMail(
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
  await enqueueMail(trx, {
    to: a.email,
    subject: t('absence.mail.resident.subject', { when }),
    text: mailText('absence/resident', locale, {
      name: a.name,
      when,
      absent: absentName.split(' ')[0]!,
      names: firstNames(a.coaches),
      team: a.team_name,
      phone: a.team_phone,
    }),
  });
}
