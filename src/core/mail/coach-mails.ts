// The coaches' mails about an appointment in their block: a link to it, never the question text.
import { translator } from '../i18n.js';
import { formatters } from '../../domain/time.js';
import { enqueueMail, enqueueMails, type OutgoingMail } from './outbox.js';
import { mailText } from './render.js';
import { coachesOfBlock } from '../blocks.js';
import {
  type CoachMailFacts,
  type MailContext,
  type Trx,
  loadAppointmentView,
  type AppointmentView,
} from './appointment-view.js';
import { placeLine } from './place.js';

export async function coachAppointmentMail(
  trx: Trx,
  ctx: MailContext,
  appointmentId: number,
  kind: 'booked' | 'rescheduled' | 'cancelled',
  view?: AppointmentView,
): Promise<void> {
  await enqueueMails(trx, coachMailsOf(view ?? (await loadAppointmentView(trx, appointmentId)), ctx, kind));
}

export function coachMailsOf(
  a: AppointmentView,
  ctx: MailContext,
  kind: 'booked' | 'rescheduled' | 'cancelled',
): OutgoingMail[] {
  return a.coaches.map((coach) => coachMailOf(a, coach, ctx, kind));
}

/** One coach's mail about an appointment in their block. */
export function coachMailOf(
  a: CoachMailFacts,
  coach: { name: string; email: string },
  ctx: MailContext,
  kind: 'booked' | 'rescheduled' | 'cancelled',
): OutgoingMail {
  const t = translator('nl');
  const when = formatters('nl').range(a.starts_at, a.ends_at);
  return {
    to: coach.email,
    subject: t(`mail.coach.${kind}.subject`, { when }),
    text: mailText('coach/appointment', 'nl', {
      name: coach.name.split(' ')[0]!,
      kind,
      when,
      place: placeLine(t, a, { homeAddress: false }),
      link: `${ctx.publicUrl}/medewerker/afspraken/${a.id}`,
    }),
  };
}

/**
 * The other coaches of the block hear when a colleague changed how the conversation goes (mode,
 * or one coach going alone): a link, no question text.
 */
export async function coachChangedMail(
  trx: Trx,
  ctx: MailContext,
  appointmentId: number,
  changedBy: number,
  soloCoachId: number | null,
): Promise<void> {
  const a = await loadAppointmentView(trx, appointmentId);
  const t = translator('nl');
  const when = formatters('nl').range(a.starts_at, a.ends_at);
  const solo = a.coaches.find((c) => c.id === soloCoachId);
  for (const coach of a.coaches.filter((c) => c.id !== changedBy)) {
    await enqueueMail(trx, {
      to: coach.email,
      subject: t('mail.coach.changed.subject', { when }),
      text: mailText('coach/changed', 'nl', {
        name: coach.name.split(' ')[0]!,
        when,
        place: placeLine(t, a, { homeAddress: false }),
        solo: solo ? solo.name.split(' ')[0]! : null,
        link: `${ctx.publicUrl}/medewerker/afspraken/${a.id}`,
      }),
    });
  }
}

/** The duo of the old block hears that the resident moved the appointment to another duo. */
export async function coachMovedAwayMail(
  trx: Trx,
  ctx: MailContext,
  appointmentId: number,
  oldBlockId: number,
): Promise<void> {
  const t = translator('nl');
  for (const coach of await coachesOfBlock(trx, oldBlockId)) {
    await enqueueMail(trx, {
      to: coach.email,
      subject: t('mail.coach.movedAway.subject'),
      text: mailText('coach/moved-away', 'nl', {
        name: coach.name.split(' ')[0]!,
        link: `${ctx.publicUrl}/medewerker/afspraken/${appointmentId}`,
      }),
    });
  }
}
