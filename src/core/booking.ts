// The rules of booking: one transaction writes the resident, the request, the appointment and
// the mail to send. The database refuses a taken slot; we turn that into SlotTakenError with
// the nearest free times, and a repeated submit into the booking it already made.
import { createHmac } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AppointmentMode, Database, Team } from '../db/schema.js';
import { hashToken } from '../domain/tokens.js';
import { DomainError, isConstraintViolation } from '../errors.js';
import { audit } from './audit.js';
import { lockSlot, takenBy } from './booking-rule.js';
import { coachesOfBlock } from './blocks.js';
import { bookingMails } from './mail/appointment-mails.js';
import { type MailContext } from './mail/appointment-view.js';

/**
 * The manage token is derived from the sign-up's random idempotency key, so a repeated submit
 * of the same sign-up finds the same link again; only its hash is stored.
 */
export function manageTokenFor(secret: string, idempotencyKey: string): string {
  return createHmac('sha256', secret).update(`manage:${idempotencyKey}`).digest('base64url');
}

export interface ResidentInput {
  name: string;
  email: string | null;
  phone: string | null;
  postcode: string | null;
  houseNumber: string | null;
  street: string | null;
  city: string | null;
  dateOfBirth: string | null;
  language: string;
  interpreter: boolean;
  mailLocale: 'nl' | 'en';
}

export interface RequestInput {
  teamId: number | null;
  channel: 'online' | 'phone' | 'walkin' | 'referrer';
  question: string;
  topics: string[];
  about: 'self' | 'child' | 'partner' | 'parent' | 'other';
  dangerNow: boolean;
  urgent24h: boolean;
  companion: string | null;
  consentAt: Date;
  idempotencyKey: string;
  referrerId?: number | null;
}

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
}

export async function book(db: Kysely<Database>, input: BookInput): Promise<BookingResult> {
  const key = input.request.idempotencyKey;
  const before = await existingBooking(db, input.secret, key);
  if (before) return before;
  try {
    return await db.transaction().execute(async (trx) => {
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
      const r = input.resident;
      const details = {
        name: r.name,
        email: r.email,
        phone: r.phone,
        postcode: r.postcode,
        house_number: r.houseNumber,
        street: r.street,
        city: r.city,
        date_of_birth: r.dateOfBirth,
        language: r.language,
        interpreter: r.interpreter,
        mail_locale: r.mailLocale,
      };
      const resident = input.residentId
        ? await trx
            .updateTable('resident')
            // A birth date left empty keeps the one we know.
            .set((eb) => ({ ...details, date_of_birth: eb.fn.coalesce(eb.val(r.dateOfBirth), 'date_of_birth') }))
            .where('id', '=', input.residentId)
            .returning('id')
            .executeTakeFirstOrThrow()
        : await trx.insertInto('resident').values(details).returning('id').executeTakeFirstOrThrow();
      const q = input.request;
      const request = await trx
        .insertInto('request')
        .values({
          resident_id: resident.id,
          team_id: q.teamId,
          referrer_id: q.referrerId ?? null,
          channel: q.channel,
          question: q.question,
          topics: q.topics,
          about: q.about,
          danger_now: q.dangerNow,
          urgent_24h: q.urgent24h,
          safety_flag: q.dangerNow || q.urgent24h,
          status: slot ? 'scheduled' : (input.status ?? 'new'),
          companion: q.companion,
          consent_processing_at: q.consentAt,
          // Stored hashed: with the raw key and the session secret one could derive the manage link.
          idempotency_key: hashToken(key),
          submitted_at: input.now,
          assigned_at: q.teamId ? input.now : null,
          lead_coach_id: input.leadCoachId ?? null,
          scheduled_at: slot ? input.now : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      let appointmentId: number | null = null;
      let token: string | null = null;
      if (slot && input.slot) {
        token = manageTokenFor(input.secret, key);
        const appt = await trx
          .insertInto('appointment')
          .values({
            request_id: request.id,
            block_id: slot.blockId,
            starts_at: slot.start,
            ends_at: slot.end,
            mode: input.slot.mode,
            manage_token_hash: hashToken(token),
            created_at: input.now,
            booked_by: input.bookedBy ?? null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        appointmentId = appt.id;
      }
      if (input.within) await input.within(trx, { requestId: request.id, appointmentId });
      await audit(trx, {
        actorStaffId: input.bookedBy ?? null,
        action: slot ? 'booking_created' : input.status === 'callback' ? 'callback_requested' : 'signup_unassigned',
        subjectType: 'request',
        subjectId: request.id,
        teamId: q.teamId,
        detail: { channel: q.channel },
      });
      await bookingMails(trx, input.mail, {
        requestId: request.id,
        appointmentId,
        manageToken: token,
        status: input.status ?? 'new',
      });
      return { requestId: request.id, appointmentId, manageToken: token, repeated: false };
    });
  } catch (err) {
    if (isConstraintViolation(err, 'request_idempotency_key_key')) {
      const again = await existingBooking(db, input.secret, key);
      if (again) return again;
    }
    const taken = input.team && input.slot ? await takenBy(err, db, input.team, input.slot.start, input.now) : null;
    if (taken) throw taken;
    throw err;
  }
}

export { DomainError };
export type { Team };
export async function coachFirstNames(db: Kysely<Database>, blockId: number): Promise<string[]> {
  return (await coachesOfBlock(db, blockId)).map((c) => c.name.split(' ')[0]!);
}
