// The mails a referral sends, written to the outbox inside the booking's transaction:
// - the referrer: what was arranged, the team's contact coach and (with the resident's consent
//   to feedback) the status link; never the resident's manage link, never the question;
// - the team: that a sign-up came in, with a link; never the question.
// The resident's own mail (with the manage link and who signed them up) is in core/mail/appointment-mails.ts.
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { translator, type Locale } from '../../core/i18n.js';
import { formatters } from '../../domain/time.js';
import { enqueueMail, type OutgoingMail } from '../../core/mail/outbox.js';
import { referrerIcs } from '../../core/mail/referrer-mails.js';
import { mailText } from '../../core/mail/render.js';
import {
  firstNames,
  loadAppointmentView,
  placeText,
  type AppointmentView,
  type MailContext,
} from '../../core/mail/appointment-view.js';
import { requestHeadColumns, requestsInContext } from '../../core/appointment-query.js';
import { contactFor, type Contact } from './repository.js';

type Trx = Transaction<Database>;

export const STATUS_PATH = '/verwijzen/status/';
/** How long the status link keeps working after the request is closed. */
export const STATUS_GRACE_DAYS = 30;

/** A referral as its mails tell it: the request, its resident, referrer and team. */
export function referralsInContext(trx: Trx) {
  return requestsInContext(trx)
    .innerJoin('referrer', 'referrer.id', 'request.referrer_id')
    .select([
      ...requestHeadColumns,
      'resident.name as resident_name',
      'referrer.name as referrer_name',
      'referrer.email as referrer_email',
      'referrer.organisation',
      'referrer.kind',
      'referrer.mail_locale',
      'team.phone as team_phone',
      'team.email as team_email',
    ]);
}

async function requestView(trx: Trx, requestId: number) {
  return referralsInContext(trx).where('request.id', '=', requestId).executeTakeFirstOrThrow();
}

/** What the referrer reads about reaching the team (views/mail/partials/referral-contact.eta). */
export function contactData(
  team: { name: string | null; phone: string | null },
  contact: Contact | null,
  fallback: string,
) {
  return { team: team.name ?? fallback, phone: team.phone ?? '', coach: contact };
}

type RequestView = Awaited<ReturnType<typeof requestView>>;

export async function referralMails(
  trx: Trx,
  ctx: MailContext,
  b: { requestId: number; appointmentId: number | null; statusToken: string | null },
): Promise<void> {
  const r = await requestView(trx, b.requestId);
  const a = b.appointmentId ? await loadAppointmentView(trx, b.appointmentId) : null;
  if (r.referrer_email) {
    const contact = r.team_id ? await contactFor(trx, r.team_id, r.organisation) : null;
    await enqueueMail(trx, referrerMail(r, r.referrer_email, a, contact, ctx, b.statusToken));
  }
  if (r.team_email && r.team_id) await enqueueMail(trx, teamMail(r, r.team_email, a, ctx));
}

/** The referrer: what was arranged, their way to the team and the status link. */
function referrerMail(
  r: RequestView,
  to: string,
  a: AppointmentView | null,
  contact: Contact | null,
  ctx: MailContext,
  statusToken: string | null,
): OutgoingMail {
  const locale = r.mail_locale as Locale;
  const t = translator(locale);
  const team = a?.team_name ?? r.team_name ?? ctx.municipalityName;
  const coaches = a ? firstNames(a.coaches) : '';
  const text = mailText('referral/referrer', locale, {
    name: r.referrer_name,
    resident: r.resident_name,
    team,
    appointment: a && {
      when: formatters(locale).range(a.starts_at, a.ends_at),
      place: placeText(t, a),
      coaches,
      team: a.team_name,
      threeWay: a.referrer_joins,
    },
    hasTeam: r.team_id !== null,
    urgent: r.urgent_24h,
    contact: contactData({ name: r.team_name, phone: r.team_phone }, contact, ctx.municipalityName),
    statusUrl: statusToken ? `${ctx.publicUrl}${STATUS_PATH}${statusToken}` : null,
    statusDays: STATUS_GRACE_DAYS,
  });
  return {
    to,
    subject: t('referral.mail.referrer.subject', { team }),
    text,
    ics: a?.referrer_joins ? referrerIcs(a, { name: r.referrer_name, email: to }, locale, ctx) : null,
  };
}

/** The team: that a referral came in, with a link only. */
function teamMail(r: RequestView, to: string, a: AppointmentView | null, ctx: MailContext): OutgoingMail {
  const t = translator('nl');
  const kind = t(`referral.kinds.${r.kind}`);
  const key = a ? 'booked' : r.urgent_24h ? 'callbackUrgent' : 'callback';
  return {
    to,
    subject: t(`referral.mail.team.${key}.subject`, { kind }),
    text: mailText('referral/team', 'nl', {
      key,
      kind,
      when: a ? formatters('nl').range(a.starts_at, a.ends_at) : '',
      threeWayPlace: a?.referrer_joins ? placeText(t, a) : null,
      link: a ? `${ctx.publicUrl}/medewerker/afspraken/${a.id}` : `${ctx.publicUrl}/medewerker/wachtrij`,
    }),
  };
}
