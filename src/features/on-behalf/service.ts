// Booking on a resident's behalf (phone, walk-in) with the same service as the public flow:
// book() in core/booking.ts, so the same constraints, idempotency and mails apply. Only the
// channel and booked_by (the staff member) differ.
import type { Kysely } from 'kysely';
import type { Database, Team } from '../../db/schema.js';
import type { StaffSession } from '../../plugins/auth.js';
import { isKtError, ktError } from '../../errors.js';
import { distinctTimes, nearest, parseSlotKey, type Slot } from '../../domain/slots.js';
import { teamFreeSlots } from '../../core/availability.js';
import { teamById, teamForPostcode } from '../../core/teams.js';
import { parseBirthDate } from '../../core/intake.js';
import type { MailContext } from '../../core/mail/appointment-view.js';
import { book, type BookingResult, type ResidentInput } from '../../core/booking.js';
import type { Parsed } from './schemas.js';

/**
 * The team to book in. Coaches and team leads: always their own. Front office: the chosen
 * team, or else the team of the postcode.
 */
export async function resolveTeam(
  db: Kysely<Database>,
  staff: StaffSession,
  chosen: string,
  postcode: string | null,
): Promise<Team | null> {
  if (staff.role !== 'frontoffice') return staff.teamId ? teamById(db, staff.teamId) : null;
  if (/^\d{1,9}$/.test(chosen)) return teamById(db, Number(chosen));
  return postcode ? teamForPostcode(db, postcode) : null;
}

export async function offeredTimes(db: Kysely<Database>, team: Team, now: Date): Promise<readonly Slot[]> {
  return distinctTimes(await teamFreeSlots(db, team, now));
}

/** The resident as the front office typed them. */
export function residentOf(data: Parsed): ResidentInput {
  const d = data.details;
  return {
    name: d.name,
    email: d.email || null,
    phone: d.phone || null,
    postcode: data.postcode,
    houseNumber: data.houseNumber,
    street: d.street || null,
    city: d.city || null,
    dateOfBirth: d.dateOfBirth ? parseBirthDate(d.dateOfBirth) : null,
    language: d.language,
    interpreter: d.interpreter,
    mailLocale: d.language === 'en' ? 'en' : 'nl',
  };
}

export interface OnBehalfInput {
  staff: StaffSession;
  team: Team;
  data: Parsed;
  key: string;
  now: Date;
  secret: string;
  mail: MailContext;
}

/**
 * Books as book() does. A chosen time that cannot be booked (taken, no longer bookable, or not a
 * time at all) is KT_SLOT_TAKEN with the nearest free times, for the form to offer.
 */
export async function bookOnBehalf(db: Kysely<Database>, input: OnBehalfInput): Promise<BookingResult> {
  const { data, team } = input;
  const chosen = data.slot ? parseSlotKey(data.slot) : null;
  const nearestTo = async (at: Date) => nearest(await offeredTimes(db, team, input.now), at, 3);
  if (data.slot && !chosen)
    throw ktError('KT_SLOT_TAKEN', { alternatives: await nearestTo(input.now) }, 'no such slot');
  const d = data.details;
  try {
    return await book(db, {
      team,
      resident: residentOf(data),
      request: {
        teamId: team.id,
        channel: data.channel,
        question: data.question.question,
        topics: data.question.topics,
        about: data.question.about,
        dangerNow: false,
        urgent24h: data.urgent,
        companion: d.companion || null,
        consentAt: input.now,
        idempotencyKey: input.key,
      },
      // No time chosen (urgent, or the call-back list): a call-back request in the team's queue.
      slot: chosen ? { blockId: chosen.blockId, start: chosen.start, mode: data.mode } : null,
      ...(chosen ? {} : { status: 'callback' as const }),
      bookedBy: input.staff.id,
      now: input.now,
      secret: input.secret,
      mail: input.mail,
    });
  } catch (err) {
    // Taken: the error already holds the nearest free times. No longer bookable: offer those.
    if (isKtError(err, 'KT_SLOT_UNAVAILABLE'))
      throw ktError('KT_SLOT_TAKEN', { alternatives: await nearestTo(chosen?.start ?? input.now) }, 'unavailable');
    throw err;
  }
}
