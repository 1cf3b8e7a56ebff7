// The view of an appointment every appointment mail is written from, and the texts they share.
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { translator } from '../i18n.js';
import { coachesOfBlock } from '../blocks.js';
import { appointmentsWithReferrer, whenWhereColumns } from '../appointment-query.js';

export interface MailContext {
  publicUrl: string;
  municipalityName: string;
  fromEmail: string;
  /** When the mail is written (the app's clock): the calendar file's DTSTAMP. */
  now: Date;
}

export type Trx = Transaction<Database>;

export async function loadAppointmentView(trx: Trx, appointmentId: number) {
  const row = await appointmentsWithReferrer(trx)
    .select([
      ...whenWhereColumns,
      'appointment.referrer_joins',
      'appointment.referrer_location',
      'referrer.name as referrer_name',
      'referrer.organisation as referrer_organisation',
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

export function firstNames(coaches: { name: string }[]): string {
  return coaches.map((c) => c.name.split(' ')[0]).join(' & ');
}
