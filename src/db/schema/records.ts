// What the portal keeps for itself: mails waiting in the outbox, the audit trail and sign-up drafts.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json, Timestamp } from './columns.js';

export interface OutboxMessageTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  /** Null for a mail rendered just before sending: then `kind` and `payload` say what to write. */
  body_text: string | null;
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
  /** What a mail rendered later is (core/mail/later.ts); null for a rendered body. */
  kind: string | null;
  /** Its facts as of queueing; a secret in it is removed once the mail is sent. */
  payload: ColumnType<
    Record<string, unknown> | null,
    string | Record<string, unknown> | null,
    string | Record<string, unknown> | null
  >;
  /** When retention removed its text (body, calendar file, payload); who, when and what kind stay. */
  purged_at: Timestamp | null;
}

/** A municipality-wide setting (migrations/20261202T1200-retention.ts), e.g. the retention terms. */
export interface SettingTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Timestamp | null;
  updated_by: number | null;
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
  /** Set by the database when the writing transaction commits (the seal): its number in the chain, */
  seq: number | null;
  /** the hash of the entry before it (or of the checkpoint; null for the very first), */
  prev_hash: string | null;
  /** and sha256 (hex) of this entry, seq and prev_hash (core/audit-chain.ts). Null only until then. */
  hash: string | null;
}

/** Where the chain starts after old entries were removed (audit_prune): at most one row. */
export interface AuditCheckpointTable {
  one: Generated<boolean>;
  last_seq: number;
  last_id: number;
  last_hash: string;
  last_at: Timestamp;
  removed: number;
  pruned_before: Timestamp;
  pruned_at: Generated<Date>;
}

/** The chain's newest entry, kept by the database as it seals entries: one row. */
export interface AuditHeadTable {
  one: Generated<boolean>;
  seq: number;
  hash: string;
}

export interface DraftTable {
  id: string;
  data: Json<Record<string, unknown>>;
  expires_at: Timestamp;
  created_at: CreatedAt;
}
