// The resident's mails about their appointment: with an .ics file and their manage link.
import { translator, type Locale } from '../i18n.js';
import { formatters } from '../../domain/time.js';
import { enqueueMails, type OutgoingMail } from './outbox.js';
import { appointmentIcs } from './ics.js';
import { mailText } from './render.js';
import {
  type MailContext,
  type Trx,
  loadAppointmentView,
  type AppointmentView,
  type ResidentMailFacts,
  firstNames,
} from './appointment-view.js';
import { placeLocation, placeText } from './place.js';
import { referrerChangeMailOf } from './referrer-mails.js';
import { issueManageLink } from '../managed-appointment.js';
import { rebookPath } from '../rebook-link.js';

export type ResidentMailKind = 'booked' | 'rescheduled' | 'changed' | 'cancelled' | 'reminder';

/**
 * The resident's mail about their appointment: booked, moved, cancelled or a reminder. Every
 * change (moved, changed, cancelled) also reaches the referrer who joins the conversation (a
 * 3-gesprek), whoever made it: this is the one place those changes are mailed from.
 */
export async function residentAppointmentMail(
  trx: Trx,
  ctx: MailContext,
  appointmentId: number,
  kind: ResidentMailKind,
  manageToken: string | null,
  view?: AppointmentView,
): Promise<void> {
  const a = view ?? (await loadAppointmentView(trx, appointmentId));
  const mail = residentMailOf(a, ctx, kind, manageToken ?? (await freshManageToken(trx, a, kind, ctx.now)));
  const referrer = kind === 'booked' || kind === 'reminder' ? null : referrerChangeMailOf(a, ctx, kind);
  await enqueueMails(trx, [...(mail ? [mail] : []), ...(referrer ? [referrer] : [])]);
}

/**
 * A move the team made (no link at hand: only its hash is stored) still gives the resident a
 * working manage link: a further one; the link in earlier mails keeps working. Not for other
 * kinds of mail.
 */
async function freshManageToken(
  trx: Trx,
  a: AppointmentView,
  kind: ResidentMailKind,
  now: Date,
): Promise<string | null> {
  if (kind !== 'rescheduled' || !a.email || a.status !== 'booked') return null;
  return issueManageLink(trx, a.id, now);
}

export function residentMailOf(
  a: ResidentMailFacts,
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
    // Cancelled: a new sign-up with the question filled in (core/rebook-link.ts).
    rebookUrl: kind === 'cancelled' && ctx.secret ? `${ctx.publicUrl}${rebookPath(ctx.secret, a.id)}` : null,
  });
  const ics = appointmentIcs({
    uid: `appointment-${a.id}@${new URL(ctx.publicUrl).hostname}`,
    start: a.starts_at,
    end: a.ends_at,
    summary: t('mail.icsSummary', { team: a.team_name }),
    description: `${t('mail.who')}: ${coaches}\n${manageUrl ?? ''}`,
    location: placeLocation(a),
    url: manageUrl ?? ctx.publicUrl,
    method: kind === 'cancelled' ? 'CANCEL' : 'REQUEST',
    sequence: a.sequence,
    organizerName: a.team_name,
    organizerEmail: a.team_email,
    attendee: { name: a.name, email: a.email },
    stamp: ctx.now,
  });
  return { to: a.email, subject: t(`mail.resident.${kind}.subject`, { when }), text, ics };
}
