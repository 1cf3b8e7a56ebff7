// The mails a referral sends, written to the outbox inside the booking's transaction:
// - the referrer: what was arranged, the team's contact coach and (with the resident's consent
//   to feedback) the status link; never the resident's manage link, never the question;
// - the team: that a sign-up came in, with a link; never the question.
// The resident's own mail (with the manage link and who signed them up) is in core/mail/appointment-mails.ts.
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { translator, type Locale } from '../../core/i18n.js';
import { formatters } from '../../domain/time.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { appointmentIcs } from '../../core/mail/ics.js';
import { loadAppointmentView, placeText, type MailContext } from '../../core/mail/appointment-view.js';
import { contactFor, type Contact } from './repository.js';

type Trx = Transaction<Database>;

export const STATUS_PATH = '/verwijzen/status/';
/** How long the status link keeps working after the request is closed. */
export const STATUS_GRACE_DAYS = 30;

async function requestView(trx: Trx, requestId: number) {
  return trx
    .selectFrom('request')
    .innerJoin('resident', 'resident.id', 'request.resident_id')
    .innerJoin('referrer', 'referrer.id', 'request.referrer_id')
    .leftJoin('team', 'team.id', 'request.team_id')
    .select([
      'request.id',
      'request.team_id',
      'request.urgent_24h',
      'request.submitted_at',
      'resident.name as resident_name',
      'referrer.name as referrer_name',
      'referrer.email as referrer_email',
      'referrer.organisation',
      'referrer.kind',
      'referrer.mail_locale',
      'team.name as team_name',
      'team.phone as team_phone',
      'team.email as team_email',
    ])
    .where('request.id', '=', requestId)
    .executeTakeFirstOrThrow();
}

export function contactLines(
  t: ReturnType<typeof translator>,
  team: { name: string | null; phone: string | null },
  contact: Contact | null,
  fallback: string,
): string[] {
  if (contact)
    return [
      t('referral.mail.contact', {
        team: team.name ?? fallback,
        name: contact.coach_name,
        email: contact.coach_email,
        phone: contact.phone,
      }),
    ];
  return [t('referral.mail.noContact', { team: team.name ?? fallback, phone: team.phone ?? '' })];
}

export async function referralMails(
  trx: Trx,
  ctx: MailContext,
  b: { requestId: number; appointmentId: number | null; statusToken: string | null },
): Promise<void> {
  const r = await requestView(trx, b.requestId);
  const a = b.appointmentId ? await loadAppointmentView(trx, b.appointmentId) : null;
  const contact = r.team_id ? await contactFor(trx, r.team_id, r.organisation) : null;
  const teamName = a?.team_name ?? r.team_name ?? ctx.municipalityName;

  // The referrer.
  if (r.referrer_email) {
    const locale = r.mail_locale as Locale;
    const t = translator(locale);
    const f = formatters(locale);
    const lines = [
      t('mail.greeting', { name: r.referrer_name }),
      '',
      t('referral.mail.referrer.intro', { resident: r.resident_name, team: teamName }),
      '',
    ];
    let ics: string | null = null;
    if (a) {
      const coaches = a.coaches.map((c) => c.name.split(' ')[0]).join(' & ');
      lines.push(
        `${t('mail.when')}: ${f.range(a.starts_at, a.ends_at)}`,
        `${t('mail.where')}: ${placeText(t, a)}`,
        `${t('mail.who')}: ${coaches} (${a.team_name})`,
      );
      if (a.referrer_joins) {
        lines.push('', t('referral.mail.referrer.threeWay'));
        // The referrer's own calendar entry: no manage link in it.
        ics = appointmentIcs({
          uid: `appointment-${a.id}-referrer@${new URL(ctx.publicUrl).hostname}`,
          start: a.starts_at,
          end: a.ends_at,
          summary: t('referral.mail.referrer.icsSummary', { team: a.team_name }),
          description: `${t('mail.who')}: ${coaches}`,
          location: a.mode === 'home' || a.mode === 'office' ? placeText(t, a) : null,
          url: ctx.publicUrl,
          method: 'PUBLISH',
          sequence: 0,
          organizerName: a.team_name,
          organizerEmail: a.team_email,
          stamp: ctx.now,
        });
      }
      lines.push('', t('referral.mail.referrer.residentManages'));
    } else if (r.team_id) {
      lines.push(t(r.urgent_24h ? 'referral.mail.referrer.callbackUrgent' : 'referral.mail.referrer.callback'));
    } else {
      lines.push(t('referral.mail.referrer.unassigned'));
    }
    lines.push('', ...contactLines(t, { name: r.team_name, phone: r.team_phone }, contact, ctx.municipalityName));
    if (b.statusToken)
      lines.push(
        '',
        t('referral.mail.referrer.status', { days: STATUS_GRACE_DAYS }),
        `${ctx.publicUrl}${STATUS_PATH}${b.statusToken}`,
      );
    else lines.push('', t('referral.mail.referrer.noFeedback'));
    lines.push('', t('referral.mail.referrer.noContent'), '', t('mail.signature', { team: teamName }));
    await enqueueMail(trx, {
      to: r.referrer_email,
      subject: t('referral.mail.referrer.subject', { team: teamName }),
      text: lines.join('\n'),
      ics,
    });
  }

  // The team: a link only.
  if (r.team_email && r.team_id) {
    const t = translator('nl');
    const f = formatters('nl');
    const kind = t(`referral.kinds.${r.kind}`);
    const key = a ? 'booked' : r.urgent_24h ? 'callbackUrgent' : 'callback';
    const lines = [t(`referral.mail.team.${key}.intro`, { kind, when: a ? f.range(a.starts_at, a.ends_at) : '' })];
    if (a?.referrer_joins) lines.push(t('referral.mail.team.threeWay', { place: placeText(t, a) }));
    lines.push(
      '',
      a ? `${ctx.publicUrl}/medewerker/afspraken/${a.id}` : `${ctx.publicUrl}/medewerker/wachtrij`,
      '',
      t('mail.coach.noContent'),
    );
    await enqueueMail(trx, {
      to: r.team_email,
      subject: t(`referral.mail.team.${key}.subject`, { kind }),
      text: lines.join('\n'),
    });
  }
}
