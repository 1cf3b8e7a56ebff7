// The mail a booking sends, written to the outbox inside the booking's transaction. Residents
// get their appointment with an .ics file and their manage link; coaches get a link to the
// appointment, never the question text.
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { translator, type Locale } from '../i18n.js';
import { formatters } from '../../domain/time.js';
import { enqueueMail, enqueueMails, type OutgoingMail } from './outbox.js';
import { appointmentIcs } from './ics.js';
import { coachesOfBlock } from '../blocks.js';
import { appointmentsInContext, placeColumns } from '../appointment-query.js';

export interface MailContext {
  publicUrl: string;
  municipalityName: string;
  fromEmail: string;
  /** When the mail is written (the app's clock): the calendar file's DTSTAMP. */
  now: Date;
}

type Trx = Transaction<Database>;

export async function loadAppointmentView(trx: Trx, appointmentId: number) {
  const row = await appointmentsInContext(trx)
    .leftJoin('referrer', 'referrer.id', 'request.referrer_id')
    .select([
      'appointment.referrer_joins',
      'appointment.referrer_location',
      'referrer.name as referrer_name',
      'referrer.organisation as referrer_organisation',
      'appointment.id',
      'appointment.starts_at',
      'appointment.ends_at',
      ...placeColumns,
      'appointment.status',
      'appointment.block_id',
      'request.id as request_id',
      'resident.name',
      'resident.email',
      'resident.mail_locale',
      'team.name as team_name',
      'team.phone as team_phone',
      'team.email as team_email',
    ])
    .where('appointment.id', '=', appointmentId)
    .executeTakeFirstOrThrow();
  const coaches = await coachesOfBlock(trx, row.block_id);
  return { ...row, coaches };
}

export type AppointmentView = Awaited<ReturnType<typeof loadAppointmentView>>;

export function placeText(
  t: ReturnType<typeof translator>,
  a: Pick<AppointmentView, 'mode' | 'street' | 'house_number' | 'postcode' | 'city' | 'office_address'> & {
    referrer_location?: string | null;
  },
): string {
  // A 3-gesprek at the practice or school: the referrer's address, not the team's office.
  if (a.referrer_location && a.mode === 'office') return t('referral.mail.place', { address: a.referrer_location });
  switch (a.mode) {
    case 'home':
      return t('mail.place.home', { address: [a.street, a.house_number].filter(Boolean).join(' ') || '—' });
    case 'office':
      return t('mail.place.office', { address: a.office_address });
    case 'phone':
      return t('mail.place.phone');
    default:
      return t('mail.place.video');
  }
}

function firstNames(coaches: { name: string }[]): string {
  return coaches.map((c) => c.name.split(' ')[0]).join(' & ');
}

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

function residentMailOf(
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
export async function coachAppointmentMail(
  trx: Trx,
  ctx: MailContext,
  appointmentId: number,
  kind: 'booked' | 'rescheduled' | 'cancelled',
  view?: AppointmentView,
): Promise<void> {
  await enqueueMails(trx, coachMailsOf(view ?? (await loadAppointmentView(trx, appointmentId)), ctx, kind));
}

function coachMailsOf(
  a: AppointmentView,
  ctx: MailContext,
  kind: 'booked' | 'rescheduled' | 'cancelled',
): OutgoingMail[] {
  const t = translator('nl');
  const f = formatters('nl');
  const when = f.range(a.starts_at, a.ends_at);
  return a.coaches.map((coach) => ({
    to: coach.email,
    subject: t(`mail.coach.${kind}.subject`, { when }),
    text: [
      t('mail.greeting', { name: coach.name.split(' ')[0]! }),
      '',
      t(`mail.coach.${kind}.intro`, { when, mode: t(`mail.modes.${a.mode}`) }),
      '',
      `${ctx.publicUrl}/medewerker/afspraken/${a.id}`,
      '',
      t('mail.coach.noContent'),
    ].join('\n'),
  }));
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
  const who = solo ? t('mail.coach.changed.solo', { name: solo.name.split(' ')[0]! }) : t('mail.coach.changed.duo');
  for (const coach of a.coaches.filter((c) => c.id !== changedBy)) {
    await enqueueMail(trx, {
      to: coach.email,
      subject: t('mail.coach.changed.subject', { when }),
      text: [
        t('mail.greeting', { name: coach.name.split(' ')[0]! }),
        '',
        t('mail.coach.changed.intro', { when, mode: t(`mail.modes.${a.mode}`) }),
        who,
        '',
        `${ctx.publicUrl}/medewerker/afspraken/${a.id}`,
        '',
        t('mail.coach.noContent'),
      ].join('\n'),
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
      text: [
        t('mail.greeting', { name: coach.name.split(' ')[0]! }),
        '',
        t('mail.coach.movedAway.intro'),
        '',
        `${ctx.publicUrl}/medewerker/afspraken/${appointmentId}`,
      ].join('\n'),
    });
  }
}

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
  const r = await trx
    .selectFrom('request')
    .innerJoin('resident', 'resident.id', 'request.resident_id')
    .leftJoin('team', 'team.id', 'request.team_id')
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
  const t = translator(r.mail_locale as Locale);
  const kind = b.status === 'callback' ? 'callback' : 'unassigned';
  if (r.email) {
    await enqueueMail(trx, {
      to: r.email,
      subject: t(`mail.resident.${kind}.subject`),
      text: [
        t('mail.greeting', { name: r.name }),
        '',
        t(`mail.resident.${kind}.intro`),
        ...(r.referrer_name
          ? [
              '',
              t('referral.mail.resident.signedUpBy', {
                name: r.referrer_name,
                organisation: r.referrer_organisation ?? '',
              }),
            ]
          : []),
        '',
        t('mail.signature', { team: r.team_name ?? ctx.municipalityName }),
      ].join('\n'),
    });
  }
  // A referral tells the team itself (src/features/referral/mails.ts).
  if (r.team_email && kind === 'callback' && r.channel !== 'referrer') {
    const staff = translator('nl');
    const key = r.urgent_24h ? 'callbackUrgent' : 'callback';
    await enqueueMail(trx, {
      to: r.team_email,
      subject: staff(`mail.team.${key}.subject`),
      text: [
        staff(`mail.team.${key}.intro`),
        '',
        `${ctx.publicUrl}/medewerker/wachtrij`,
        '',
        staff('mail.coach.noContent'),
      ].join('\n'),
    });
  }
}
