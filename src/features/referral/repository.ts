// SQL for referrals. Every function takes the executor first, so it runs inside the caller's
// transaction when given one.
import type { ExpressionBuilder, Transaction } from 'kysely';
import type { AppointmentStatus, Database } from '../../db/schema.js';
import type { Db } from '../../core/db.js';
import { appointmentsWithReferrer, requestStateColumns, requestsInContext } from '../../core/appointment-query.js';

type Trx = Transaction<Database>;

/** How a typed organisation name is matched: case and spacing do not matter. */
export function organisationKey(organisation: string): string {
  return organisation.trim().toLowerCase().replace(/\s+/g, ' ');
}

export interface NewReferrer {
  kind: string;
  schoolRole: 'ib' | 'teacher' | 'care_coordinator' | null;
  organisation: string;
  name: string;
  phone: string;
  email: string;
  agbCode: string | null;
  mailLocale: 'nl' | 'en';
}

export async function insertReferrer(trx: Trx, r: NewReferrer): Promise<number> {
  const row = await trx
    .insertInto('referrer')
    .values({
      kind: r.kind,
      school_role: r.schoolRole,
      organisation: r.organisation,
      name: r.name,
      phone: r.phone,
      email: r.email,
      agb_code: r.agbCode,
      mail_locale: r.mailLocale,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ReferralFields {
  referrerId: number;
  consentForm: 'spoken' | 'written' | 'none_veilig_thuis';
  consentAt: Date | null;
  consentFeedback: boolean;
  noConsentReason: string | null;
  consentProcessingAt: Date | null;
  statusTokenHash: string | null;
  done: string | null;
}

export async function recordReferral(trx: Trx, requestId: number, f: ReferralFields): Promise<void> {
  await trx
    .updateTable('request')
    .set({
      referrer_id: f.referrerId,
      consent_referrer_form: f.consentForm,
      consent_referrer_at: f.consentAt,
      consent_feedback: f.consentFeedback,
      no_consent_reason: f.noConsentReason,
      consent_processing_at: f.consentProcessingAt,
      referrer_token_hash: f.statusTokenHash,
      referrer_done: f.done,
    })
    .where('id', '=', requestId)
    .execute();
}

/** A 3-gesprek: the referrer joins, at `location` (the practice or school) or where the mode says. */
export async function markThreeWay(trx: Trx, appointmentId: number, location: string | null): Promise<void> {
  await trx
    .updateTable('appointment')
    .set({ referrer_joins: true, referrer_location: location })
    .where('id', '=', appointmentId)
    .execute();
}

export interface Contact {
  coach_name: string;
  coach_email: string;
  phone: string;
}

/** A team's contacts for referring organisations, with their coaches. */
function contactsOf(db: Db, teamId: number) {
  return db
    .selectFrom('referrer_contact')
    .innerJoin('staff_user', 'staff_user.id', 'referrer_contact.coach_id')
    .where('referrer_contact.team_id', '=', teamId);
}

/** The team's contact coach for a referring organisation, if named and still active. */
export async function contactFor(db: Db, teamId: number, organisation: string): Promise<Contact | null> {
  const row = await contactsOf(db, teamId)
    .innerJoin('team', 'team.id', 'referrer_contact.team_id')
    .select([
      'staff_user.name as coach_name',
      'staff_user.email as coach_email',
      'referrer_contact.phone',
      'team.phone as team_phone',
    ])
    .where('referrer_contact.organisation_key', '=', organisationKey(organisation))
    .where('staff_user.active', '=', true)
    .where('staff_user.team_id', '=', teamId)
    .executeTakeFirst();
  return row ? { coach_name: row.coach_name, coach_email: row.coach_email, phone: row.phone ?? row.team_phone } : null;
}

/** Whether the request has an appointment in this state. */
function hasAppointment(eb: ExpressionBuilder<Database, 'request'>, status: AppointmentStatus) {
  return eb.exists(
    eb
      .selectFrom('appointment')
      .select('appointment.id')
      .whereRef('appointment.request_id', '=', 'request.id')
      .where('appointment.status', '=', status),
  );
}

/** What the referrer's status page may know of a request: its state, nothing of its content. */
export async function requestByStatusToken(db: Db, tokenHash: string) {
  const row = await db
    .selectFrom('request')
    .select((eb) => [
      'request.id',
      'request.consent_feedback',
      ...requestStateColumns,
      hasAppointment(eb, 'booked').as('has_booked'),
      hasAppointment(eb, 'held').as('has_held'),
    ])
    .where('request.referrer_token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ?? null;
}

/** The request has a status link that still works (the resident did not withdraw their consent). */
export async function hasStatusToken(db: Db, requestId: number): Promise<boolean> {
  const row = await db
    .selectFrom('request')
    .select(['referrer_token_hash', 'consent_feedback'])
    .where('id', '=', requestId)
    .executeTakeFirst();
  return Boolean(row?.referrer_token_hash && row.consent_feedback);
}

// The team's contact coaches (staff page).

export async function contactsOfTeam(db: Db, teamId: number) {
  return contactsOf(db, teamId)
    .select([
      'referrer_contact.organisation',
      'referrer_contact.organisation_key',
      'referrer_contact.phone',
      'staff_user.name as coach_name',
      'staff_user.active as coach_active',
    ])
    .orderBy('referrer_contact.organisation_key')
    .execute();
}

/** Organisations that referred residents to this team, for the staff page's suggestions. */
export async function referringOrganisations(db: Db, teamId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('request')
    .innerJoin('referrer', 'referrer.id', 'request.referrer_id')
    .select('referrer.organisation')
    .distinct()
    .where('request.team_id', '=', teamId)
    .orderBy('referrer.organisation')
    .limit(200)
    .execute();
  return rows.map((r) => r.organisation);
}

export async function upsertContact(
  trx: Trx,
  c: { teamId: number; organisation: string; coachId: number; phone: string | null; staffId: number },
): Promise<void> {
  await trx
    .insertInto('referrer_contact')
    .values({
      team_id: c.teamId,
      organisation: c.organisation,
      organisation_key: organisationKey(c.organisation),
      coach_id: c.coachId,
      phone: c.phone,
      updated_by: c.staffId,
    })
    .onConflict((oc) =>
      oc
        .columns(['team_id', 'organisation_key'])
        .doUpdateSet({ organisation: c.organisation, coach_id: c.coachId, phone: c.phone, updated_by: c.staffId }),
    )
    .execute();
}

export async function deleteContact(trx: Trx, teamId: number, key: string): Promise<number> {
  const r = await trx
    .deleteFrom('referrer_contact')
    .where('team_id', '=', teamId)
    .where('organisation_key', '=', key)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** What the staff appointment page shows of a referral: the 3-gesprek and what the referrer already did. */
export async function referralOfAppointment(db: Db, appointmentId: number) {
  const row = await appointmentsWithReferrer(db)
    .select([
      'appointment.referrer_joins',
      'appointment.referrer_location',
      'request.referrer_done',
      'referrer.name',
      'referrer.organisation',
      'referrer.phone',
      'referrer.school_role',
    ])
    .where('appointment.id', '=', appointmentId)
    .executeTakeFirst();
  return row && row.name ? row : null;
}

/** What the confirmation page after a referral shows of its request: the team and the referrer. */
export async function confirmationOf(db: Db, requestId: number) {
  return requestsInContext(db)
    .innerJoin('referrer', 'referrer.id', 'request.referrer_id')
    .select(['request.team_id', 'request.urgent_24h', 'request.consent_feedback', 'referrer.organisation'])
    .select(['team.name as team_name', 'team.phone as team_phone'])
    .where('request.id', '=', requestId)
    .executeTakeFirst();
}

/** The appointment a referral booked, while it still stands. */
export async function bookedAppointment(db: Db, appointmentId: number) {
  return db
    .selectFrom('appointment')
    .select(['id', 'starts_at', 'ends_at', 'mode', 'block_id', 'referrer_joins', 'referrer_location'])
    .where('id', '=', appointmentId)
    .where('status', '=', 'booked')
    .executeTakeFirst();
}
