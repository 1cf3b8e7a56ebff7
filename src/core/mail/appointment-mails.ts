// The mail a booking sends, written to the outbox inside the booking's transaction. Residents
// get their appointment with an .ics file and their manage link; coaches get a link to the
// appointment, never the question text.
import { translator, type Locale } from '../i18n.js';
import { enqueueMail, enqueueMails } from './outbox.js';
import { type MailContext, type Trx, loadAppointmentView } from './appointment-view.js';
import { residentMailOf } from './resident-mails.js';
import { coachMailsOf } from './coach-mails.js';
import { mailText } from './render.js';
import { requestsInContext } from '../appointment-query.js';

export async function bookingMails(
  trx: Trx,
  ctx: MailContext,
  b: { requestId: number; appointmentId: number | null; manageToken: string | null; status: string },
): Promise<void> {
  if (b.appointmentId) {
    // One view of the appointment for all its mails, written in one statement.
    const a = await loadAppointmentView(trx, b.appointmentId);
    const resident = residentMailOf(a, ctx, 'booked', b.manageToken);
    await enqueueMails(trx, [...(resident ? [resident] : []), ...coachMailsOf(a, ctx, 'booked')]);
    return;
  }
  const r = await requestsInContext(trx)
    .leftJoin('referrer', 'referrer.id', 'request.referrer_id')
    .select([
      'resident.name',
      'resident.email',
      'resident.mail_locale',
      'team.name as team_name',
      'team.email as team_email',
      'team.phone as team_phone',
      'request.urgent_24h',
    ])
    .select(['request.channel', 'referrer.name as referrer_name', 'referrer.organisation as referrer_organisation'])
    .where('request.id', '=', b.requestId)
    .executeTakeFirstOrThrow();
  const locale = r.mail_locale as Locale;
  const t = translator(locale);
  const kind = b.status === 'callback' ? 'callback' : 'unassigned';
  if (r.email) {
    await enqueueMail(trx, {
      to: r.email,
      subject: t(`mail.resident.${kind}.subject`),
      text: mailText('resident/sign-up', locale, {
        kind,
        name: r.name,
        referrer: r.referrer_name ? { name: r.referrer_name, organisation: r.referrer_organisation } : null,
        team: r.team_name ?? ctx.municipalityName,
      }),
    });
  }
  // A referral tells the team itself (src/features/referral/mails.ts).
  if (r.team_email && kind === 'callback' && r.channel !== 'referrer') {
    const staff = translator('nl');
    const key = r.urgent_24h ? 'callbackUrgent' : 'callback';
    await enqueueMail(trx, {
      to: r.team_email,
      subject: staff(`mail.team.${key}.subject`),
      text: mailText('team/callback', 'nl', { urgent: r.urgent_24h, link: `${ctx.publicUrl}/medewerker/wachtrij` }),
    });
  }
}
