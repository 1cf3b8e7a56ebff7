// The rows a booking writes, each one step of core/booking.ts's transaction: the resident (a new
// one, a returning resident's row updated, or the row a plain sign-up is sure to belong to:
// resident-reuse.ts), the request and the appointment.
import { sql, type Transaction } from 'kysely';
import type { AppointmentMode, Database } from '../db/schema.js';
import type { Slot } from '../domain/slots.js';
import { hashToken } from '../domain/tokens.js';
import { parseBirthDate } from './intake.js';
import { keepPrepared } from '../db/prepared.js';
import { sealQuestion } from './question-key.js';
import { emailHash, phoneHash } from './pseudonym.js';

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

/** The resident's details as a sign-up's draft holds them (typed by the resident or a referrer). */
export interface DraftResident {
  name?: string;
  email?: string;
  phone?: string;
  postcode?: string;
  houseNumber?: string;
  street?: string;
  city?: string;
  dateOfBirth?: string;
  language?: string;
  interpreter?: boolean;
}

/** The resident row a finished draft writes; empty fields are stored as null. */
export function residentFromDraft(d: DraftResident, mailLocale: 'nl' | 'en'): ResidentInput {
  return {
    name: d.name!,
    email: d.email || null,
    phone: d.phone || null,
    postcode: d.postcode ?? null,
    houseNumber: d.houseNumber ?? null,
    street: d.street || null,
    city: d.city || null,
    dateOfBirth: d.dateOfBirth ? parseBirthDate(d.dateOfBirth) : null,
    language: d.language ?? 'nl',
    interpreter: d.interpreter === true,
    mailLocale,
  };
}

/** The draft's details as a form shows them again ('' for what the draft does not hold). */
export function residentFormValues(d: DraftResident): Record<string, string> {
  return {
    name: d.name ?? '',
    email: d.email ?? '',
    phone: d.phone ?? '',
    houseNumber: d.houseNumber ?? '',
    street: d.street ?? '',
    city: d.city ?? '',
    language: d.language ?? 'nl',
    interpreter: d.interpreter ? 'yes' : '',
    dateOfBirth: d.dateOfBirth ?? '',
  };
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

/** A new resident, or a returning resident's row updated with what was typed. */
export async function writeResident(
  trx: Transaction<Database>,
  r: ResidentInput,
  residentId: number | null,
): Promise<number> {
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
    email_hash: emailHash(r.email),
    phone_hash: phoneHash(r.phone),
    // A resident anonymised before who signs up again is a known person again.
    anonymised_at: null,
  };
  const resident = residentId
    ? await trx
        .updateTable('resident')
        // A birth date left empty keeps the one we know.
        .set((eb) => ({ ...details, date_of_birth: eb.fn.coalesce(eb.val(r.dateOfBirth), 'date_of_birth') }))
        .where('id', '=', residentId)
        .returning('id')
        .executeTakeFirstOrThrow()
    : await trx.insertInto('resident').values(details).returning('id').executeTakeFirstOrThrow();
  return resident.id;
}

/** The request, in the status it starts with (scheduled when it has an appointment). */
export async function insertRequest(
  trx: Transaction<Database>,
  q: RequestInput,
  r: { residentId: number; status: 'scheduled' | 'new' | 'callback'; leadCoachId: number | null; now: Date },
): Promise<number> {
  const request = await trx
    .insertInto('request')
    .values({
      resident_id: r.residentId,
      team_id: q.teamId,
      referrer_id: q.referrerId ?? null,
      channel: q.channel,
      // Encrypted at rest (core/secret-text.ts): a copy of the database alone does not reveal it.
      question: sealQuestion(q.question),
      topics: q.topics,
      about: q.about,
      danger_now: q.dangerNow,
      urgent_24h: q.urgent24h,
      safety_flag: q.dangerNow || q.urgent24h,
      status: r.status,
      companion: q.companion,
      consent_processing_at: q.consentAt,
      // Stored hashed: with the raw key and the session secret one could derive the manage link.
      idempotency_key: hashToken(q.idempotencyKey),
      submitted_at: r.now,
      assigned_at: q.teamId ? r.now : null,
      lead_coach_id: r.leadCoachId,
      scheduled_at: r.status === 'scheduled' ? r.now : null,
      callback_requested_at: r.status === 'callback' ? r.now : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return request.id;
}

/** The appointment in the locked slot, with the hash of its manage link. */
export async function insertAppointment(
  trx: Transaction<Database>,
  a: { requestId: number; slot: Slot; mode: AppointmentMode; token: string; bookedBy: number | null; now: Date },
): Promise<number> {
  const appt = await trx
    .insertInto('appointment')
    .values({
      request_id: a.requestId,
      block_id: a.slot.blockId,
      starts_at: a.slot.start,
      ends_at: a.slot.end,
      mode: a.mode,
      manage_token_hash: hashToken(a.token),
      created_at: a.now,
      booked_by: a.bookedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return appt.id;
}

/**
 * A new resident, their request (scheduled) and the appointment in the locked slot, as one
 * statement: the booking's usual case, in one round trip instead of three. Same rows, same
 * constraints as writeResident, insertRequest and insertAppointment one after the other.
 */
export async function insertBooking(
  trx: Transaction<Database>,
  p: { resident: ResidentInput; request: RequestInput; leadCoachId: number | null; now: Date },
  a: { slot: Slot; mode: AppointmentMode; token: string; bookedBy: number | null },
): Promise<{ residentId: number; requestId: number; appointmentId: number }> {
  const r = p.resident;
  const q = p.request;
  const query = sql<{ resident_id: number; request_id: number; appointment_id: number }>`
    with res as (
      insert into resident (name, email, phone, postcode, house_number, street, city, date_of_birth, language,
        interpreter, mail_locale, email_hash, phone_hash)
      values (${r.name}, ${r.email}, ${r.phone}, ${r.postcode}, ${r.houseNumber}, ${r.street}, ${r.city},
        ${r.dateOfBirth}, ${r.language}, ${r.interpreter}, ${r.mailLocale}, ${emailHash(r.email)}, ${phoneHash(r.phone)})
      returning id
    ), req as (
      insert into request (resident_id, team_id, referrer_id, channel, question, topics, about, danger_now,
        urgent_24h, safety_flag, status, companion, consent_processing_at, idempotency_key, submitted_at,
        assigned_at, lead_coach_id, scheduled_at)
      values ((select id from res), ${q.teamId}, ${q.referrerId ?? null}, ${q.channel}, ${sealQuestion(q.question)}, ${q.topics},
        ${q.about}, ${q.dangerNow}, ${q.urgent24h}, ${q.dangerNow || q.urgent24h}, 'scheduled', ${q.companion},
        ${q.consentAt}, ${hashToken(q.idempotencyKey)}, ${p.now}, ${q.teamId ? p.now : null}, ${p.leadCoachId},
        ${p.now})
      returning id
    ), app as (
      insert into appointment (request_id, block_id, starts_at, ends_at, mode, manage_token_hash, created_at,
        booked_by)
      values ((select id from req), ${a.slot.blockId}, ${a.slot.start}, ${a.slot.end}, ${a.mode},
        ${hashToken(a.token)}, ${p.now}, ${a.bookedBy})
      returning id
    )
    select (select id from res) as resident_id, (select id from req) as request_id, (select id from app) as appointment_id`.compile(
    trx,
  );
  keepPrepared(query.sql);
  const row = (await trx.executeQuery(query)).rows[0]!;
  return { residentId: row.resident_id, requestId: row.request_id, appointmentId: row.appointment_id };
}

/**
 * Cancels a booked appointment and with it its request (a first conversation that will not take
 * place ends the sign-up; booking again makes a new one). Null when the appointment was no longer
 * booked: nothing changed.
 */
export async function cancelBooked(
  trx: Transaction<Database>,
  appointmentId: number,
  reason: string | null,
  now: Date,
): Promise<{ request_id: number } | null> {
  const r = await trx
    .updateTable('appointment')
    .set({ status: 'cancelled', cancel_reason: reason, cancelled_at: now })
    .where('id', '=', appointmentId)
    .where('status', '=', 'booked')
    .returning('request_id')
    .executeTakeFirst();
  if (!r) return null;
  await trx
    .updateTable('request')
    .set({ status: 'cancelled', closed_at: now })
    .where('id', '=', r.request_id)
    .execute();
  return r;
}
