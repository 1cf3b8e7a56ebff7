// The rules of booking: one transaction writes the resident, the request, the appointment and
// the mail to send. The database refuses a taken slot; we turn that into KT_SLOT_TAKEN with
// the nearest free times, and a repeated submit into the booking it already made.
import { createHmac } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AppointmentMode, Database, Team } from '../db/schema.js';
import { hashToken } from '../domain/tokens.js';
import { isConstraintViolation, isKtError } from '../errors.js';
import { audit } from './audit.js';
import { lockSlot, takenBy } from './booking-rule.js';
import {
  insertAppointment,
  insertBooking,
  insertRequest,
  writeResident,
  type RequestInput,
  type ResidentInput,
} from './booking-rows.js';
import { sameResident, useResident } from './resident-reuse.js';
import { bookingMails } from './mail/appointment-mails.js';
import { auditAndQueueBooked } from './mail/booked-later.js';
import type { Slot } from '../domain/slots.js';
import { type MailContext } from './mail/appointment-view.js';

/**
 * The manage token is derived from the sign-up's random idempotency key, so a repeated submit
 * of the same sign-up finds the same link again; only its hash is stored.
 */
export function manageTokenFor(secret: string, idempotencyKey: string): string {
  return createHmac('sha256', secret).update(`manage:${idempotencyKey}`).digest('base64url');
}

export type { RequestInput, ResidentInput };

export interface BookingResult {
  requestId: number;
  appointmentId: number | null;
  manageToken: string | null;
  repeated: boolean;
}

export async function existingBooking(
  db: Kysely<Database>,
  secret: string,
  key: string,
): Promise<BookingResult | null> {
  const row = await db
    .selectFrom('request')
    .leftJoin('appointment', (j) =>
      j.onRef('appointment.request_id', '=', 'request.id').on('appointment.status', '=', 'booked'),
    )
    .select(['request.id as requestId', 'appointment.id as appointmentId'])
    .where('request.idempotency_key', '=', hashToken(key))
    .executeTakeFirst();
  if (!row) return null;
  return {
    requestId: row.requestId,
    appointmentId: row.appointmentId,
    manageToken: row.appointmentId ? manageTokenFor(secret, key) : null,
    repeated: true,
  };
}

export interface BookInput {
  team: Team | null;
  resident: ResidentInput;
  request: RequestInput;
  /** Absent: a sign-up without an appointment (outside every area, or a call-back request). */
  slot: { blockId: number; start: Date; mode: AppointmentMode } | null;
  status?: 'new' | 'callback';
  /** The staff member booking on a resident's behalf (phone, walk-in); absent for residents. */
  bookedBy?: number | null;
  /**
   * A returning resident (src/features/returning): their existing row is updated with what was
   * typed instead of writing a new resident. Absent for everyone else.
   */
  residentId?: number | null;
  /** The lead coach (regie) the new request starts with; absent: none yet. */
  leadCoachId?: number | null;
  now: Date;
  secret: string;
  mail: MailContext;
  /**
   * Runs inside the booking's transaction once the request (and appointment) are written, before
   * the mails: a referral records its referrer, consent and 3-gesprek here, so the resident's
   * mail can name the referrer and nothing is half-saved.
   */
  within?: (trx: Transaction<Database>, ids: { requestId: number; appointmentId: number | null }) => Promise<void>;
  /**
   * A plain sign-up (no residentId) may belong to a resident the team knows (resident-reuse.ts):
   * given this, such a sign-up is written for that row, and this runs inside the transaction
   * once the request (and appointment) are written. Absent: always a new resident row.
   */
  linkKnown?: (
    trx: Transaction<Database>,
    ids: { residentId: number; requestId: number; appointmentId: number | null },
  ) => Promise<void>;
}

/**
 * Books in one transaction. A sign-up sent again finds the booking it already made: its request
 * is refused by the unique idempotency key (or its time by the rules, a day later), and then the
 * earlier booking is looked up, so a first submit pays no look-up in advance.
 */
export async function book(db: Kysely<Database>, input: BookInput): Promise<BookingResult> {
  const key = input.request.idempotencyKey;
  try {
    return await db.transaction().execute((trx) => bookWithin(trx, input));
  } catch (err) {
    if (isConstraintViolation(err, 'request_idempotency_key_key') || isKtError(err, 'KT_SLOT_UNAVAILABLE')) {
      const again = await existingBooking(db, input.secret, key);
      if (again) return again;
    }
    const taken = input.team && input.slot ? await takenBy(err, db, input.team, input.slot.start, input.now) : null;
    if (taken) throw taken;
    throw err;
  }
}

/**
 * The booking's statements, in this order: lock the slot, the resident, the request, the
 * appointment, the caller's own part (`within`), the audit event and the mails. A new resident
 * with a time (the usual case) is written in one statement, and so are its audit event and mails.
 */
async function bookWithin(trx: Transaction<Database>, input: BookInput): Promise<BookingResult> {
  const slot =
    input.slot && input.team
      ? await lockSlot(trx, {
          teamId: input.team.id,
          blockId: input.slot.blockId,
          start: input.slot.start,
          now: input.now,
          window: input.team,
        })
      : null;
  const found =
    !input.residentId && input.linkKnown ? await sameResident(trx, input.resident, input.request.teamId) : null;
  const token = slot ? manageTokenFor(input.secret, input.request.idempotencyKey) : null;
  const ids =
    slot && input.slot && token && !found && !input.residentId
      ? await insertBooking(
          trx,
          { resident: input.resident, request: input.request, leadCoachId: input.leadCoachId ?? null, now: input.now },
          { slot, mode: input.slot.mode, token, bookedBy: input.bookedBy ?? null },
        )
      : await writeRows(trx, input, { found, slot, token });
  const { residentId, requestId, appointmentId } = ids;
  if (input.within) await input.within(trx, { requestId, appointmentId });
  if (found && input.linkKnown) await input.linkKnown(trx, { residentId, requestId, appointmentId });
  const action = slot ? 'booking_created' : input.status === 'callback' ? 'callback_requested' : 'signup_unassigned';
  const auditEvent = {
    action,
    actorStaffId: input.bookedBy ?? null,
    subjectType: 'request',
    subjectId: requestId,
    teamId: input.request.teamId,
    detail: { channel: input.request.channel },
  };
  if (slot && appointmentId) {
    await auditAndQueueBooked(trx, {
      appointmentId,
      token,
      start: slot.start,
      end: slot.end,
      residentLocale: input.resident.mailLocale,
      audit: auditEvent,
    });
  } else {
    await audit(trx, auditEvent);
    await bookingMails(trx, input.mail, {
      requestId,
      appointmentId,
      manageToken: token,
      status: input.status ?? 'new',
    });
  }
  return { requestId, appointmentId, manageToken: token, repeated: false };
}

/** The rows one at a time: a known or returning resident, or a sign-up without a time. */
async function writeRows(
  trx: Transaction<Database>,
  input: BookInput,
  b: { found: number | null; slot: Slot | null; token: string | null },
): Promise<{ residentId: number; requestId: number; appointmentId: number | null }> {
  const residentId = b.found
    ? await useResident(trx, b.found, input.resident.mailLocale)
    : await writeResident(trx, input.resident, input.residentId ?? null);
  const requestId = await insertRequest(trx, input.request, {
    residentId,
    status: b.slot ? 'scheduled' : (input.status ?? 'new'),
    leadCoachId: input.leadCoachId ?? null,
    now: input.now,
  });
  const appointmentId =
    b.slot && input.slot && b.token
      ? await insertAppointment(trx, {
          requestId,
          slot: b.slot,
          mode: input.slot.mode,
          token: b.token,
          bookedBy: input.bookedBy ?? null,
          now: input.now,
        })
      : null;
  return { residentId, requestId, appointmentId };
}
