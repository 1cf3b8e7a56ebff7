// The tables of the staff: accounts, their one-time tokens, wrong-password counts and absences.
import type { Generated } from 'kysely';
import type { CreatedAt, Role, Timestamp } from './columns.js';

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
  /** 'departure': the person left the team with blocks still to come (not a choice on the form). */
  kind: 'leave' | 'sick' | 'other' | 'departure';
  note: string | null;
  created_by: number | null;
  created_at: CreatedAt;
}
