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
