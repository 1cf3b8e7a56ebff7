// The resident's mails about their appointment: with an .ics file and their manage link.
import { translator, type Locale } from '../i18n.js';
import { formatters } from '../../domain/time.js';
import { enqueueMail, type OutgoingMail } from './outbox.js';
import { appointmentIcs } from './ics.js';
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
  const lines = [
    t('mail.greeting', { name: a.name }),
    '',
    t(`mail.resident.${kind}.intro`),
    ...(kind === 'booked' && a.referrer_name
      ? [
          '',
          t('referral.mail.resident.signedUpBy', {
            name: a.referrer_name,
            organisation: a.referrer_organisation ?? '',
          }),
        ]
      : []),
    '',
    `${t('mail.when')}: ${when}`,
    `${t('mail.where')}: ${place}`,
    `${t('mail.who')}: ${coaches} (${a.team_name})`,
    ...(a.referrer_joins && a.referrer_name ? [t('referral.mail.resident.joins', { name: a.referrer_name })] : []),
  ];
  if (kind !== 'cancelled') {
    lines.push('', t('mail.prepare'));
    if (manageToken) lines.push('', t('mail.manage'), `${ctx.publicUrl}/afspraak/${manageToken}`);
    else lines.push('', t('mail.reminderManage'));
  } else {
    lines.push('', t('mail.bookAgain'), `${ctx.publicUrl}/aanmelden`);
  }
  lines.push(
    '',
    t('mail.questions', { team: a.team_name, phone: a.team_phone }),
    '',
    t('mail.signature', { team: a.team_name }),
  );
  const ics = appointmentIcs({
    uid: `appointment-${a.id}@${new URL(ctx.publicUrl).hostname}`,
    start: a.starts_at,
    end: a.ends_at,
    summary: t('mail.icsSummary', { team: a.team_name }),
    description: `${t('mail.who')}: ${coaches}\n${manageToken ? `${ctx.publicUrl}/afspraak/${manageToken}` : ''}`,
    location: a.mode === 'home' || a.mode === 'office' ? place : null,
    url: manageToken ? `${ctx.publicUrl}/afspraak/${manageToken}` : ctx.publicUrl,
    method: kind === 'cancelled' ? 'CANCEL' : 'PUBLISH',
    sequence: kind === 'booked' ? 0 : Math.floor(Date.now() / 1000),
    organizerName: a.team_name,
    organizerEmail: a.team_email,
    stamp: ctx.now,
  });
  return { to: a.email, subject: t(`mail.resident.${kind}.subject`, { when }), text: lines.join('\n'), ics };
}

/** Each coach of the block hears that their block changed: a link, no question text. */
