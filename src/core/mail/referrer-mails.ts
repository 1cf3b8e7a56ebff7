// The referrer who joins a 3-gesprek keeps the appointment in their own calendar: the first file
// comes with the referral's mail (features/referral/mails.ts), every change after it from here.
// All of them share one UID and carry the appointment's stored SEQUENCE, so the referrer's
// calendar moves or removes the entry it already has. No manage link, never the question.
import { translator, type Locale } from '../i18n.js';
import { formatters } from '../../domain/time.js';
import type { OutgoingMail } from './outbox.js';
import { appointmentIcs } from './ics.js';
import { mailText } from './render.js';
import { type AppointmentView, type MailContext, firstNames } from './appointment-view.js';
import { placeLocation, placeText } from './place.js';

export type ReferrerChangeKind = 'rescheduled' | 'changed' | 'cancelled';

/** The UID of the referrer's calendar entry: its own, apart from the resident's. */
export function referrerIcsUid(appointmentId: number, publicUrl: string): string {
  return `appointment-${appointmentId}-referrer@${new URL(publicUrl).hostname}`;
}

type ReferrerView = Pick<
  AppointmentView,
  | 'id'
  | 'starts_at'
  | 'ends_at'
  | 'sequence'
  | 'team_name'
  | 'team_email'
  | 'coaches'
  | 'mode'
  | 'street'
  | 'house_number'
  | 'postcode'
  | 'city'
  | 'office_address'
  | 'referrer_location'
>;

/** The referrer's calendar file for a 3-gesprek: REQUEST while it stands, CANCEL when it is off. */
export function referrerIcs(
  a: ReferrerView,
  to: { name: string; email: string },
  locale: Locale,
  ctx: MailContext,
  method: 'REQUEST' | 'CANCEL' = 'REQUEST',
): string {
  const t = translator(locale);
  return appointmentIcs({
    uid: referrerIcsUid(a.id, ctx.publicUrl),
    start: a.starts_at,
    end: a.ends_at,
    summary: t('referral.mail.referrer.icsSummary', { team: a.team_name }),
    description: `${t('mail.who')}: ${firstNames(a.coaches)}`,
    location: placeLocation(a),
    url: ctx.publicUrl,
    method,
    sequence: a.sequence,
    organizerName: a.team_name,
    organizerEmail: a.team_email,
    attendee: to,
    stamp: ctx.now,
  });
}

/** The mail to the referrer who joins, about a change; null when nobody joins or no address is known. */
export function referrerChangeMailOf(
  a: AppointmentView,
  ctx: MailContext,
  kind: ReferrerChangeKind,
): OutgoingMail | null {
  if (!a.referrer_joins || !a.referrer_email || !a.referrer_name) return null;
  const locale = (a.referrer_locale ?? 'nl') as Locale;
  const t = translator(locale);
  const when = formatters(locale).range(a.starts_at, a.ends_at);
  const to = { name: a.referrer_name, email: a.referrer_email };
  return {
    to: a.referrer_email,
    subject: t(`mail.referrerChange.${kind}.subject`, { when }),
    text: mailText('referral/changed', locale, {
      kind,
      name: a.referrer_name,
      resident: a.name,
      when,
      place: placeText(t, a),
      coaches: firstNames(a.coaches),
      team: a.team_name,
      phone: a.team_phone,
    }),
    ics: referrerIcs(a, to, locale, ctx, kind === 'cancelled' ? 'CANCEL' : 'REQUEST'),
  };
}
