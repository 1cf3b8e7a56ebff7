// The mails of the way back: the one-time link (or, for details we do not know, how to reach
// the team), the note to the coach that a resident they know has a new question, and the
// resident's mail when their fixed contact changes. Never the question text.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { translator, type Locale } from '../../core/i18n.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { mailText } from '../../core/mail/render.js';
import { firstName } from '../../domain/routing.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ReturnMailContext {
  publicUrl: string;
  municipalityName: string;
  municipalityPhone: string;
}

/** To a known resident: the link that opens a new sign-up with their details filled in. */
export async function linkMail(
  db: Db,
  ctx: ReturnMailContext,
  to: string,
  name: string,
  token: string,
  minutes: number,
  locale: Locale,
): Promise<void> {
  const t = translator(locale);
  await enqueueMail(db, {
    to,
    subject: t('returning.mail.link.subject'),
    text: mailText('returning/link', locale, {
      name,
      link: `${ctx.publicUrl}/opnieuw/${token}`,
      minutes,
      municipality: ctx.municipalityName,
    }),
  });
}

/** To an address we could not match: no link, but how to reach the team or sign up anew. */
export async function noMatchMail(db: Db, ctx: ReturnMailContext, to: string, locale: Locale): Promise<void> {
  const t = translator(locale);
  await enqueueMail(db, {
    to,
    subject: t('returning.mail.noMatch.subject'),
    text: mailText('returning/no-match', locale, {
      municipality: ctx.municipalityName,
      phone: ctx.municipalityPhone,
      signUpUrl: `${ctx.publicUrl}/aanmelden`,
    }),
  });
}

/**
 * To the coach who holds the lead of a returning resident's new request (or the team's address
 * when nobody can): a link to the staff page, never the question.
 */
export async function coachNoticeMail(
  db: Db,
  publicUrl: string,
  to: { email: string; name: string } | null,
  teamEmail: string | null,
  target: { appointmentId: number | null },
  kind: 'returning' | 'linked',
): Promise<void> {
  const t = translator('nl');
  const link = target.appointmentId
    ? `${publicUrl}/medewerker/afspraken/${target.appointmentId}`
    : `${publicUrl}/medewerker/wachtrij`;
  if (to) {
    await enqueueMail(db, {
      to: to.email,
      subject: t(`returning.mail.coach.${kind}.subject`),
      text: mailText('returning/coach', 'nl', { name: firstName(to.name), kind, link }),
    });
  } else if (teamEmail) {
    await enqueueMail(db, {
      to: teamEmail,
      subject: t('returning.mail.team.subject'),
      text: mailText('returning/team', 'nl', { link }),
    });
  }
}

/** To the resident: their fixed contact (regie) is now another coach. No note, no case content. */
export async function handoverMail(
  db: Db,
  r: { email: string; name: string; locale: Locale },
  coachName: string,
  team: { name: string; phone: string },
): Promise<void> {
  const t = translator(r.locale);
  await enqueueMail(db, {
    to: r.email,
    subject: t('returning.mail.handover.subject', { name: firstName(coachName) }),
    text: mailText('returning/handover', r.locale, {
      name: r.name,
      coach: firstName(coachName),
      team: team.name,
      phone: team.phone,
    }),
  });
}
