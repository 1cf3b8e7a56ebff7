// The resident's mails about their appointment: with an .ics file and their manage link.
import { translator, type Locale } from '../i18n.js';
import { formatters } from '../../domain/time.js';
import { enqueueMail, type OutgoingMail } from './outbox.js';
import { appointmentIcs } from './ics.js';
import { mailText } from './render.js';
import {
  type MailContext,
  type Trx,
  loadAppointmentView,
  type AppointmentView,
  placeText,
  firstNames,
} from './appointment-view.js';

export type ResidentMailKind = 'booked' | 'rescheduled' | 'changed' | 'cancelled' | 'reminder';

/** The resident's mail about their appointment: booked, moved, cancelled or a reminder. */
export async function residentAppointmentMail(
  trx: Trx,
  ctx: MailContext,
  appointmentId: number,
  kind: ResidentMailKind,
  manageToken: string | null,
  view?: AppointmentView,
): Promise<void> {
  const mail = residentMailOf(view ?? (await loadAppointmentView(trx, appointmentId)), ctx, kind, manageToken);
  if (mail) await enqueueMail(trx, mail);
}

export function residentMailOf(
  a: AppointmentView,
  ctx: MailContext,
  kind: ResidentMailKind,
  manageToken: string | null,
): OutgoingMail | null {
  if (!a.email) return null;
  const locale = a.mail_locale as Locale;
  const t = translator(locale);
  const f = formatters(locale);
  const when = f.range(a.starts_at, a.ends_at);
  const coaches = firstNames(a.coaches);
  const place = placeText(t, a);
  const manageUrl = manageToken ? `${ctx.publicUrl}/afspraak/${manageToken}` : null;
  const text = mailText('resident/appointment', locale, {
    kind,
    name: a.name,
    referrer: a.referrer_name ? { name: a.referrer_name, organisation: a.referrer_organisation } : null,
    referrerJoins: a.referrer_joins,
    when,
    place,
    coaches,
    team: a.team_name,
    phone: a.team_phone,
    manageUrl,
    signUpUrl: `${ctx.publicUrl}/aanmelden`,
  });
  const ics = appointmentIcs({
    uid: `appointment-${a.id}@${new URL(ctx.publicUrl).hostname}`,
    start: a.starts_at,
    end: a.ends_at,
    summary: t('mail.icsSummary', { team: a.team_name }),
    description: `${t('mail.who')}: ${coaches}\n${manageUrl ?? ''}`,
    location: a.mode === 'home' || a.mode === 'office' ? place : null,
    url: manageUrl ?? ctx.publicUrl,
    method: kind === 'cancelled' ? 'CANCEL' : 'PUBLISH',
    sequence: kind === 'booked' ? 0 : Math.floor(Date.now() / 1000),
    organizerName: a.team_name,
    organizerEmail: a.team_email,
    stamp: ctx.now,
  });
  return { to: a.email, subject: t(`mail.resident.${kind}.subject`, { when }), text, ics };
}
