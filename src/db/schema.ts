// The database as Kysely sees it. Mirrors migrations/; nullable columns are `T | null`.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
// jsonb columns default to '{}', so an insert may leave them out.
type Json<T> = ColumnType<T, string | T | undefined, string | T>;

export type Role = 'coach' | 'teamlead' | 'frontoffice' | 'admin';
export type LocationKind = 'home' | 'office' | 'school';
export type AppointmentMode = 'home' | 'office' | 'phone' | 'video';
export type AppointmentStatus = 'booked' | 'cancelled' | 'held' | 'no_show';
export type RequestStatus = 'new' | 'callback' | 'scheduled' | 'held' | 'closed' | 'cancelled';
export type Channel = 'online' | 'referrer' | 'phone' | 'walkin';
export type About = 'self' | 'child' | 'partner' | 'parent' | 'other';

export interface TeamTable {
  id: Generated<number>;
  slug: string;
  name: string;
  phone: string;
  email: string;
  office_address: string;
  horizon_days: Generated<number>;
  min_notice_days: Generated<number>;
  promise_days: Generated<number>;
  free_slot_threshold: Generated<number>;
  reminder_days: Generated<number>;
  created_at: CreatedAt;
}

export interface TeamNeighbourTable {
  team_id: number;
  neighbour_id: number;
}

export interface TeamAreaTable {
  id: Generated<number>;
  team_id: number;
  postcode_from: string;
  postcode_to: string;
}

export interface StaffUserTable {
  id: Generated<number>;
  team_id: number | null;
  name: string;
  email: string;
  password_hash: string | null;
  role: Role;
  active: Generated<boolean>;
  expertise: Generated<string[]>;
  ical_token_hash: string | null;
  /** Raised to end every session of this person (sessions carry the version they began with). */
  session_version: Generated<number>;
  created_at: CreatedAt;
}

export interface BlockTable {
  id: Generated<number>;
  team_id: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  solo: Generated<boolean>;
  slot_minutes: Generated<number>;
  buffer_minutes: Generated<number>;
  location_kind: Generated<LocationKind>;
  status: Generated<'active' | 'cancelled'>;
  series_id: string | null;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface BlockCoachTable {
  block_id: number;
  coach_id: number;
  /** tstzrange, written as '[start,end)' text; set from the block by trigger on every write */
  period: string;
  active: Generated<boolean>;
}

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
  result: 'advice_only' | 'plan_made' | 'referred_on' | 'support_continues' | null;
  booked_by: number | null;
  referrer_joins: Generated<boolean>;
  referrer_location: string | null;
}

export interface OutboxMessageTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  ics: string | null;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  /** The Message-ID's left part: fixed per row, so a re-sent message is the same mail. */
  message_key: Generated<string>;
}

export interface AuditEventTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor_staff_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: number | null;
  team_id: number | null;
  detail: Json<Record<string, unknown>>;
}

export interface DraftTable {
  id: string;
  data: Json<Record<string, unknown>>;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

export interface StaffTokenTable {
  id: Generated<number>;
  staff_id: number;
  kind: 'reset' | 'invite' | 'unlock';
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

/** Wrong passwords per typed address (a hash of it), whether or not the address is known. */
export interface LoginThrottleTable {
  key_hash: string;
  failures: Generated<number>;
  locked_until: Timestamp | null;
  updated_at: Timestamp;
}

export interface AbsenceTable {
  id: Generated<number>;
  staff_id: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  kind: 'leave' | 'sick' | 'other';
  note: string | null;
  created_by: number | null;
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

export interface Database {
  staff_token: StaffTokenTable;
  login_throttle: LoginThrottleTable;
  absence: AbsenceTable;
  team: TeamTable;
  team_neighbour: TeamNeighbourTable;
  team_area: TeamAreaTable;
  staff_user: StaffUserTable;
  block: BlockTable;
  block_coach: BlockCoachTable;
  resident: ResidentTable;
  referrer: ReferrerTable;
  referrer_contact: ReferrerContactTable;
  request: RequestTable;
  appointment: AppointmentTable;
  outbox_message: OutboxMessageTable;
  audit_event: AuditEventTable;
  draft: DraftTable;
  return_link: ReturnLinkTable;
}

export type Team = Selectable<TeamTable>;
export type StaffUser = Selectable<StaffUserTable>;
export type Block = Selectable<BlockTable>;
export type Appointment = Selectable<AppointmentTable>;
export type Request = Selectable<RequestTable>;
export type Resident = Selectable<ResidentTable>;
export type NewOutboxMessage = Insertable<OutboxMessageTable>;
export type TeamUpdate = Updateable<TeamTable>;
