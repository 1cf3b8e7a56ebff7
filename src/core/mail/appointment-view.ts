// The view of an appointment every appointment mail is written from, and the texts they share.
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { coachesOfBlock } from '../blocks.js';
import { appointmentsWithReferrer, whenWhereColumns } from '../appointment-query.js';

export interface MailContext {
  publicUrl: string;
  municipalityName: string;
  fromEmail: string;
  /** When the mail is written (the app's clock): the calendar file's DTSTAMP. */
  now: Date;
  /** The portal's secret: links in a mail that are derived from it (the rebooking link). */
  secret?: string;
}

export type Trx = Transaction<Database>;

export async function loadAppointmentView(trx: Trx, appointmentId: number) {
  const row = await appointmentsWithReferrer(trx)
    .select([
      ...whenWhereColumns,
      'appointment.referrer_joins',
      'appointment.referrer_location',
      'appointment.sequence',
      'referrer.name as referrer_name',
      'referrer.email as referrer_email',
      'referrer.mail_locale as referrer_locale',
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

export { placeText } from './place.js';

export type AppointmentView = Awaited<ReturnType<typeof loadAppointmentView>>;

/** What the resident's mail about their appointment states (a payload of mail/later.ts holds it). */
export type ResidentMailFacts = Pick<
  AppointmentView,
  | 'id'
  | 'starts_at'
  | 'ends_at'
  | 'mode'
  | 'street'
  | 'house_number'
  | 'postcode'
  | 'city'
  | 'office_address'
  | 'referrer_location'
  | 'referrer_joins'
  | 'sequence'
  | 'name'
  | 'email'
  | 'mail_locale'
  | 'team_name'
  | 'team_phone'
  | 'team_email'
  | 'referrer_name'
  | 'referrer_organisation'
> & { coaches: { name: string }[] };

/** What a coach's mail about an appointment states: when and how, never the resident's address. */
export type CoachMailFacts = Pick<
  AppointmentView,
  'id' | 'starts_at' | 'ends_at' | 'mode' | 'office_address' | 'referrer_location'
>;

export function firstNames(coaches: { name: string }[]): string {
  return coaches.map((c) => c.name.split(' ')[0]).join(' & ');
}
