// The tables of the cases: residents, referrers and their contacts, requests, appointments, and
// the links a returning resident signs in with.
import type { Generated } from 'kysely';
import type {
  About,
  AppointmentMode,
  AppointmentStatus,
  Channel,
  CreatedAt,
  RequestStatus,
  Timestamp,
} from './columns.js';

export interface ResidentTable {
  id: Generated<number>;
  name: string;
  email: string | null;
  phone: string | null;
  postcode: string | null;
  house_number: string | null;
  street: string | null;
  city: string | null;
  date_of_birth: string | null;
  language: Generated<string>;
  interpreter: Generated<boolean>;
  mail_locale: Generated<'nl' | 'en'>;
  lead_coach_id: number | null;
  created_at: CreatedAt;
  /** Keyed hashes (core/pseudonym.ts): they outlive anonymisation, for a returning resident. */
  email_hash: string | null;
  phone_hash: string | null;
  anonymised_at: Timestamp | null;
}

export interface ReferrerTable {
  id: Generated<number>;
  kind: string;
  organisation: string;
  name: string;
  phone: string | null;
  email: string | null;
  agb_code: string | null;
  created_at: CreatedAt;
  school_role: 'ib' | 'teacher' | 'care_coordinator' | null;
  mail_locale: Generated<'nl' | 'en'>;
}

export interface RequestTable {
  id: Generated<number>;
  resident_id: number;
  team_id: number | null;
  referrer_id: number | null;
  channel: Channel;
  question: string;
  topics: Generated<string[]>;
  about: Generated<About>;
  danger_now: Generated<boolean>;
  urgent_24h: Generated<boolean>;
  safety_flag: Generated<boolean>;
  status: Generated<RequestStatus>;
  companion: string | null;
  consent_processing_at: Timestamp | null;
  consent_referrer_form: string | null;
  consent_referrer_at: Timestamp | null;
  consent_feedback: Generated<boolean>;
  no_consent_reason: string | null;
  lead_coach_id: number | null;
  idempotency_key: string | null;
  submitted_at: Generated<Date>;
  assigned_at: Timestamp | null;
  scheduled_at: Timestamp | null;
  first_contact_at: Timestamp | null;
  /** A call-back was asked for (figures: migrations/20261201T1000-figures.ts). */
  callback_requested_at: Timestamp | null;
  /** The call-back took place (the first contact may also be the first conversation). */
  callback_done_at: Timestamp | null;
  plan_at: Timestamp | null;
  closed_at: Timestamp | null;
  close_note: string | null;
  closed_by: number | null;
  callback_note: string | null;
  callback_by: number | null;
  referrer_token_hash: string | null;
  referrer_done: string | null;
  referrer_feedback_at: Timestamp | null;
  referrer_feedback_kind: 'held' | 'not_reached' | 'closed' | null;
  /** A returning resident's request (issue 6): the request before it, days since that one closed. */
  returning_resident: Generated<boolean>;
  previous_request_id: number | null;
  days_since_closure: number | null;
  /** The note written when the lead role (regie) was last handed over. */
  lead_note: string | null;
  /** Set by retention or erasure (core/anonymise.ts): the personal content is gone. */
  anonymised_at: Timestamp | null;
}

export interface AppointmentTable {
  id: Generated<number>;
  request_id: number;
  block_id: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  mode: Generated<AppointmentMode>;
  status: Generated<AppointmentStatus>;
  manage_token_hash: string;
  cancel_reason: string | null;
  cancelled_at: Timestamp | null;
  reminder_sent_at: Timestamp | null;
  created_at: CreatedAt;
  called_at: Timestamp | null;
  call_note: string | null;
  solo_coach_id: number | null;
  outcome: 'held' | 'no_show' | 'cancelled' | null;
  outcome_at: Timestamp | null;
  result: 'solved' | 'advice_only' | 'plan_made' | 'referred_on' | 'support_continues' | null;
  booked_by: number | null;
  referrer_joins: Generated<boolean>;
  referrer_location: string | null;
  /** The calendar entries' SEQUENCE: raised by the database on every change they show. */
  sequence: Generated<number>;
}

/** A further manage link of an appointment (migrations/20261130T1740-manage-links.ts). */
export interface ManageLinkTable {
  token_hash: string;
  appointment_id: number;
  created_at: CreatedAt;
}

export interface ReferrerContactTable {
  id: Generated<number>;
  team_id: number;
  organisation: string;
  organisation_key: string;
  coach_id: number;
  phone: string | null;
  updated_by: number | null;
  created_at: CreatedAt;
}

/** A one-time link mailed from /opnieuw; resident_id is null when the details matched nobody. */
export interface ReturnLinkTable {
  id: Generated<number>;
  token_hash: string;
  resident_id: number | null;
  email_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}
