// A call-back request (or a sign-up without an appointment) that the team books later, from the
// queue: the same request gets the appointment, and the same resident is kept (updated with what
// was typed), so no second request or resident is written. Booking it marks the call-back done
// (first contact now, unless it was already recorded). Same slot rule, constraints and mails as
// every booking; a form posted twice finds the appointment it already made.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Team } from '../../db/schema.js';
import type { StaffSession } from '../../plugins/auth.js';
import { isConstraintViolation, isKtError, ktError } from '../../errors.js';
import { hashToken } from '../../domain/tokens.js';
import { nearest, parseSlotKey } from '../../domain/slots.js';
import { displayPostcode } from '../../domain/postcode.js';
import { audit } from '../../core/audit.js';
import { openQuestion, sealQuestion } from '../../core/question-key.js';
import { lockSlot, takenBy } from '../../core/booking-rule.js';
import { insertAppointment, writeResident } from '../../core/booking-rows.js';
import { manageTokenFor, type BookingResult } from '../../core/booking.js';
import { bookingMails } from '../../core/mail/appointment-mails.js';
import type { MailContext } from '../../core/mail/appointment-view.js';
import type { Parsed, Values } from './schemas.js';
import { offeredTimes, residentOf } from './service.js';

/** The statuses of a request that still waits for its first appointment. */
const WAITING = ['callback', 'new'] as const;

/** The waiting request in the URL, if this staff member may book it; else 404 (another team) or 409 (booked). */
export async function waitingRequest(
  db: Kysely<Database>,
  staff: StaffSession,
  requestId: number,
  /** A form posted again: the request it booked is let through, to find that booking. */
  repeat = false,
) {
  const r = await db
    .selectFrom('request')
    .innerJoin('resident', 'resident.id', 'request.resident_id')
    .select([
      'request.id',
      'request.team_id',
      'request.status',
      'request.question',
      'request.topics',
      'request.about',
      'request.resident_id',
      'resident.name',
      'resident.phone',
      'resident.email',
      'resident.postcode',
      'resident.house_number',
      'resident.street',
      'resident.city',
      'resident.language',
      'resident.interpreter',
    ])
    .where('request.id', '=', requestId)
    .executeTakeFirst();
  if (!r || r.team_id === null || (staff.role !== 'frontoffice' && r.team_id !== staff.teamId))
    throw ktError('KT_NOT_FOUND', 'no such request');
  if (!repeat && !(WAITING as readonly string[]).includes(r.status))
    throw ktError('KT_CONFLICT', 'request has an appointment');
  // The question is stored encrypted (core/secret-text.ts).
  return { ...r, question: openQuestion(r.question) } as typeof r & { team_id: number };
}

export type WaitingRequest = Awaited<ReturnType<typeof waitingRequest>>;

/** The form filled in with what the request and its resident already hold. */
export function valuesOf(r: WaitingRequest, empty: Values): Values {
  return {
    ...empty,
    channel: 'phone',
    name: r.name,
    phone: r.phone ?? '',
    email: r.email ?? '',
    postcode: r.postcode ? displayPostcode(r.postcode) : '',
    houseNumber: r.house_number ?? '',
    street: r.street ?? '',
    city: r.city ?? '',
    language: r.language,
    interpreter: r.interpreter ? 'yes' : '',
    question: r.question,
    topics: r.topics,
    about: r.about,
    dangerNow: 'no',
    urgent24h: 'no',
  };
}

export interface ForRequestInput {
  staff: StaffSession;
  team: Team;
  request: WaitingRequest;
  data: Parsed;
  key: string;
  now: Date;
  secret: string;
  mail: MailContext;
}

/** Books the chosen time for the waiting request. KT_SLOT_TAKEN when the time is no longer free. */
export async function bookForRequest(db: Kysely<Database>, input: ForRequestInput): Promise<BookingResult> {
  const chosen = input.data.slot ? parseSlotKey(input.data.slot) : null;
  if (!chosen) throw ktError('KT_SLOT_TAKEN', { alternatives: [] }, 'no slot');
  const token = manageTokenFor(input.secret, input.key);
  try {
    return await db.transaction().execute((trx) => write(trx, input, chosen, token));
  } catch (err) {
    // Posted twice: the first post booked it.
    if (isConstraintViolation(err, 'appointment_one_active_per_request')) {
      const again = await sameBooking(db, input.request.id, token);
      if (again) return again;
    }
    const taken = await takenBy(err, db, input.team, chosen.start, input.now);
    if (taken) throw taken;
    // No longer bookable (too soon, or gone): the nearest free times instead.
    if (isKtError(err, 'KT_SLOT_UNAVAILABLE'))
      throw ktError('KT_SLOT_TAKEN', {
        alternatives: nearest(await offeredTimes(db, input.team, input.now), chosen.start, 3),
      });
    throw err;
  }
}

async function write(
  trx: Transaction<Database>,
  input: ForRequestInput,
  chosen: { blockId: number; start: Date },
  token: string,
): Promise<BookingResult> {
  const { request, data, now, staff } = input;
  const locked = await trx
    .selectFrom('request')
    .select('status')
    .where('id', '=', request.id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (!(WAITING as readonly string[]).includes(locked.status)) {
    const again = await sameBooking(trx, request.id, token);
    if (again) return again;
    throw ktError('KT_CONFLICT', 'request has an appointment');
  }
  const slot = await lockSlot(trx, {
    teamId: input.team.id,
    blockId: chosen.blockId,
    start: chosen.start,
    now,
    window: input.team,
  });
  const d = data.details;
  await writeResident(trx, residentOf(data), request.resident_id);
  await trx
    .updateTable('request')
    .set((eb) => ({
      status: 'scheduled',
      scheduled_at: now,
      question: sealQuestion(data.question.question),
      topics: data.question.topics,
      about: data.question.about,
      companion: d.companion || null,
      // The call-back is done: this is the contact, unless one was recorded before.
      first_contact_at: eb.fn.coalesce('first_contact_at', eb.val(now)),
      callback_by: eb.fn.coalesce('callback_by', eb.val(staff.id)),
      // For the figures: a call-back asked for has now taken place.
      callback_done_at: sql<Date | null>`case when callback_requested_at is null then null
        else coalesce(callback_done_at, ${now}::timestamptz) end`,
    }))
    .where('id', '=', request.id)
    .execute();
  const appointmentId = await insertAppointment(trx, {
    requestId: request.id,
    slot,
    mode: data.mode,
    token,
    bookedBy: staff.id,
    now,
  });
  await audit(trx, {
    actorStaffId: staff.id,
    action: 'booking_created',
    subjectType: 'request',
    subjectId: request.id,
    teamId: input.team.id,
    at: now,
    detail: { channel: data.channel, from: locked.status },
  });
  await bookingMails(trx, input.mail, { requestId: request.id, appointmentId, manageToken: token, status: 'new' });
  return { requestId: request.id, appointmentId, manageToken: token, repeated: false };
}

/** The appointment this same form already booked for the request (same key, same manage link). */
async function sameBooking(
  db: Kysely<Database> | Transaction<Database>,
  requestId: number,
  token: string,
): Promise<BookingResult | null> {
  const a = await db
    .selectFrom('appointment')
    .select(['id', 'manage_token_hash'])
    .where('request_id', '=', requestId)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  if (!a || a.manage_token_hash !== hashToken(token)) return null;
  return { requestId, appointmentId: a.id, manageToken: token, repeated: true };
}
