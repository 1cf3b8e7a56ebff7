// The processing register (AVG art. 30): every processing of personal data the portal does, with
// its purpose, legal basis, data, whose data, recipients, retention and security measures. The
// privacy statement (/privacy) is generated from this one list; its texts are in
// src/locales/<lang>/privacystatement.json, keyed by the ids used here.
import type { RetentionTerms } from '../../domain/retention.js';

/** The date of this version of the privacy statement (YYYY-MM-DD): change it with the register. */
export const STATEMENT_VERSION = '2026-12-01';

/** Legal grounds: AVG art. 6, the laws that give the municipality its task, and AVG art. 9. */
export type LegalBasisId =
  'publicTask' | 'wmo' | 'jeugdwet' | 'participatiewet' | 'healthException' | 'consent' | 'legalDuty';

/** Whose data it is. */
export type SubjectId = 'resident' | 'referrer' | 'staff';

/** Who receives the data (besides the portal itself). */
export type RecipientId = 'ownTeam' | 'referrerWithConsent' | 'mailProcessor' | 'privacyOfficer' | 'council';

/** How the data is protected. */
export type MeasureId =
  'teamOnly' | 'encryptedQuestion' | 'hashedLinks' | 'auditChain' | 'hashedPasswords' | 'smallNumbersHidden';

/**
 * How long the data is kept: a live term from the retention settings, a fixed term of the code,
 * or a rule without a number.
 */
export type RetentionId = keyof RetentionTerms | keyof typeof FIXED_TERMS | 'staffAccount' | 'aggregates';

/**
 * Fixed terms that are not settings: the sign-up draft (src/core/drafts.ts), the link to come back
 * (src/features/returning/return-link.ts) and the referrer's status page after closure
 * (src/features/referral/mails.ts). test/privacy/statement.test.ts holds them to the code.
 */
export const FIXED_TERMS = Object.freeze({ draftHours: 24, returnLinkMinutes: 30, statusPageDays: 30 });

/**
 * The categories of data, each with the columns that hold it (table.column). The test checks that
 * every column exists and that every column about a person is in a category.
 */
export const DATA_CATEGORIES = Object.freeze({
  name: ['resident.name'],
  contact: ['resident.email', 'resident.phone', 'resident.language', 'resident.interpreter', 'resident.mail_locale'],
  address: ['resident.postcode', 'resident.house_number', 'resident.street', 'resident.city'],
  dateOfBirth: ['resident.date_of_birth'],
  question: ['request.question', 'request.topics', 'request.about', 'request.companion', 'request.referrer_done'],
  safety: ['request.danger_now', 'request.urgent_24h', 'request.safety_flag'],
  progress: [
    'request.status',
    'request.channel',
    'request.submitted_at',
    'request.assigned_at',
    'request.scheduled_at',
    'request.first_contact_at',
    'request.plan_at',
    'request.closed_at',
  ],
  appointment: [
    'appointment.starts_at',
    'appointment.ends_at',
    'appointment.mode',
    'appointment.status',
    'appointment.referrer_joins',
    'appointment.referrer_location',
    'appointment.cancel_reason',
    'appointment.cancelled_at',
  ],
  teamNotes: [
    'request.close_note',
    'request.lead_note',
    'appointment.call_note',
    'appointment.outcome',
    'appointment.result',
  ],
  consent: [
    'request.consent_processing_at',
    'request.consent_referrer_form',
    'request.consent_referrer_at',
    'request.consent_feedback',
    'request.no_consent_reason',
    'request.referrer_feedback_at',
    'request.referrer_feedback_kind',
  ],
  referrer: [
    'referrer.kind',
    'referrer.organisation',
    'referrer.name',
    'referrer.phone',
    'referrer.email',
    'referrer.agb_code',
    'referrer.school_role',
    'referrer.mail_locale',
  ],
  callback: ['request.callback_requested_at', 'request.callback_done_at', 'request.callback_note'],
  history: [
    'request.returning_resident',
    'request.previous_request_id',
    'request.days_since_closure',
    'request.lead_coach_id',
    'resident.lead_coach_id',
    'resident.email_hash',
    'resident.phone_hash',
    'return_link.email_hash',
  ],
  mailLog: [
    'outbox_message.to_address',
    'outbox_message.subject',
    'outbox_message.body_text',
    'outbox_message.kind',
    'outbox_message.sent_at',
  ],
  staffAccount: [
    'staff_user.name',
    'staff_user.email',
    'staff_user.role',
    'staff_user.team_id',
    'staff_user.expertise',
    'staff_user.password_hash',
  ],
  auditLog: [
    'audit_event.at',
    'audit_event.actor_staff_id',
    'audit_event.action',
    'audit_event.subject_type',
    'audit_event.subject_id',
  ],
} satisfies Record<string, readonly string[]>);

export type DataId = keyof typeof DATA_CATEGORIES;

/** One processing activity: what the statement says about it. */
export interface ProcessingActivity {
  /** Also the key of its title and purpose: privacystatement.activity.<id>.title / .purpose. */
  id: string;
  basis: readonly LegalBasisId[];
  data: readonly DataId[];
  subjects: readonly SubjectId[];
  recipients: readonly RecipientId[];
  retention: readonly RetentionId[];
  measures: readonly MeasureId[];
}

const caseBasis: readonly LegalBasisId[] = ['publicTask', 'wmo', 'jeugdwet', 'participatiewet', 'healthException'];

export const PROCESSING_REGISTER: readonly ProcessingActivity[] = Object.freeze([
  {
    id: 'signup',
    basis: caseBasis,
    data: ['name', 'contact', 'address', 'dateOfBirth', 'question', 'safety', 'progress', 'appointment', 'teamNotes'],
    subjects: ['resident'],
    recipients: ['ownTeam', 'mailProcessor'],
    retention: ['draftHours', 'cancelledSignupMonths', 'closedRequestMonths'],
    measures: ['teamOnly', 'encryptedQuestion', 'hashedLinks', 'auditChain'],
  },
  {
    id: 'referral',
    basis: [...caseBasis, 'consent'],
    data: ['referrer', 'consent', 'name', 'contact', 'address', 'dateOfBirth', 'question', 'safety', 'progress'],
    subjects: ['resident', 'referrer'],
    recipients: ['ownTeam', 'referrerWithConsent', 'mailProcessor'],
    retention: ['cancelledSignupMonths', 'closedRequestMonths', 'statusPageDays'],
    measures: ['teamOnly', 'encryptedQuestion', 'hashedLinks', 'auditChain'],
  },
  {
    id: 'callback',
    basis: caseBasis,
    data: ['name', 'contact', 'safety', 'callback'],
    subjects: ['resident'],
    recipients: ['ownTeam'],
    retention: ['closedRequestMonths'],
    measures: ['teamOnly', 'auditChain'],
  },
  {
    id: 'returning',
    basis: ['publicTask', 'wmo', 'jeugdwet'],
    data: ['name', 'contact', 'history'],
    subjects: ['resident'],
    recipients: ['ownTeam', 'mailProcessor'],
    retention: ['returnLinkMinutes', 'closedRequestMonths'],
    measures: ['teamOnly', 'hashedLinks'],
  },
  {
    id: 'mail',
    basis: ['publicTask'],
    data: ['name', 'contact', 'appointment', 'mailLog'],
    subjects: ['resident', 'referrer', 'staff'],
    recipients: ['mailProcessor'],
    retention: ['mailBodyDays'],
    measures: ['hashedLinks'],
  },
  {
    id: 'staffAudit',
    basis: ['legalDuty', 'publicTask'],
    data: ['staffAccount', 'auditLog'],
    subjects: ['staff', 'resident'],
    recipients: ['privacyOfficer'],
    retention: ['staffAccount', 'auditYears'],
    measures: ['auditChain', 'hashedPasswords'],
  },
  {
    id: 'figures',
    basis: ['publicTask'],
    data: ['progress', 'appointment'],
    subjects: ['resident'],
    recipients: ['council'],
    retention: ['aggregates'],
    measures: ['smallNumbersHidden'],
  },
]);

/** The number a retention text says: the live setting, the fixed term, or none (a rule in words). */
export function retentionCount(id: RetentionId, terms: Readonly<RetentionTerms>): number | null {
  if (id in terms) return terms[id as keyof RetentionTerms];
  if (id in FIXED_TERMS) return FIXED_TERMS[id as keyof typeof FIXED_TERMS];
  return null;
}
