// The mails of the way back: the one-time link (or, for details we do not know, how to reach
// the team), the note to the coach that a resident they know has a new question, and the
// resident's mail when their fixed contact changes. Never the question text.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { translator, type Locale } from '../../core/i18n.js';
import { enqueueMail } from '../../core/mail/outbox.js';
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
    text: [
      t('mail.greeting', { name }),
      '',
      t('returning.mail.link.intro'),
      '',
      `${ctx.publicUrl}/opnieuw/${token}`,
      '',
      t('returning.mail.link.expires', { minutes }),
      '',
      t('returning.mail.link.notYou'),
      '',
      t('mail.signature', { team: ctx.municipalityName }),
    ].join('\n'),
  });
}

/** To an address we could not match: no link, but how to reach the team or sign up anew. */
export async function noMatchMail(db: Db, ctx: ReturnMailContext, to: string, locale: Locale): Promise<void> {
  const t = translator(locale);
  await enqueueMail(db, {
    to,
    subject: t('returning.mail.noMatch.subject'),
    text: [
      t('returning.mail.noMatch.greeting'),
      '',
      t('returning.mail.noMatch.intro'),
      '',
      t('returning.mail.noMatch.call', { name: ctx.municipalityName, phone: ctx.municipalityPhone }),
      '',
      t('returning.mail.noMatch.signUp'),
      `${ctx.publicUrl}/aanmelden`,
      '',
      t('returning.mail.link.notYou'),
      '',
      t('mail.signature', { team: ctx.municipalityName }),
    ].join('\n'),
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
      text: [
        t('mail.greeting', { name: firstName(to.name) }),
        '',
        t(`returning.mail.coach.${kind}.intro`),
        '',
        link,
        '',
        t('mail.coach.noContent'),
      ].join('\n'),
    });
  } else if (teamEmail) {
    await enqueueMail(db, {
      to: teamEmail,
      subject: t('returning.mail.team.subject'),
      text: [t('returning.mail.team.intro'), '', link, '', t('mail.coach.noContent')].join('\n'),
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
    text: [
      t('mail.greeting', { name: r.name }),
      '',
      t('returning.mail.handover.intro', { name: firstName(coachName), team: team.name }),
      '',
      t('returning.mail.handover.why', { name: firstName(coachName) }),
      '',
      t('mail.questions', { team: team.name, phone: team.phone }),
      '',
      t('mail.signature', { team: team.name }),
    ].join('\n'),
  });
}
