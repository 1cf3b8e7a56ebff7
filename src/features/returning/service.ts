// The rules of the way back for a resident who was helped before:
// - /opnieuw: the same answer and the same kind of stored state whether or not the details
//   match, so nobody can learn who is a client (one link row and one mail either way);
// - the one-time link (30 minutes, once) opens a new sign-up with the known details;
// - routing: the known coach's free times, else the duo partner's, else the team's;
// - the new request starts with the known coach as lead, and that coach is told.
import type { Kysely, Transaction } from 'kysely';
import type { Database, Team } from '../../db/schema.js';
import {
  coversAll,
  knownCoachOf,
  overlapsAny,
  partnerOf,
  routeReturning,
  type CoachState,
  type Routing,
} from '../../domain/routing.js';
import { distinctTimes, type Slot } from '../../domain/slots.js';
import { local } from '../../domain/time.js';
import { hashToken, newToken } from '../../domain/tokens.js';
import type { Locale } from '../../core/i18n.js';
import { bookingWindow, teamFreeSlots } from '../../core/availability.js';
import type { Draft } from '../../core/signup-draft.js';
import { audit } from '../../core/audit.js';
import { teamById, teamForPostcode } from '../../core/teams.js';
import type { BookInput } from '../../core/booking.js';
import { coachNoticeMail, linkMail, noMatchMail, type ReturnMailContext } from './mails.js';
import {
  absencesBetween,
  insertLink,
  lastHeldOf,
  lockAddress,
  lastRequestOf,
  linksSince,
  markReturning,
  recentBlockCoaches,
  residentByEmailAndPostcode,
  residentById,
  staffById,
  usableLink,
  useLink,
} from './repository.js';

export const LINK_MINUTES = 30;
/** At most this many links per address an hour: /opnieuw cannot be used to flood a mailbox. */
export const LINKS_PER_ADDRESS = 3;
const LINKS_WINDOW_MINUTES = 60;

const emailHashOf = (email: string) => hashToken(`return-link:${email.trim().toLowerCase()}`);

export async function requestLink(
  db: Kysely<Database>,
  input: { email: string; postcode: string; now: Date; locale: Locale; ctx: ReturnMailContext },
): Promise<void> {
  const email = input.email.trim();
  const emailHash = emailHashOf(email);
  const resident = await residentByEmailAndPostcode(db, email, input.postcode);
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    // Counted and written under a lock per address, so requests that arrive together count
    // each other (30 at once still send at most LINKS_PER_ADDRESS mails).
    await lockAddress(trx, emailHash);
    if (
      (await linksSince(trx, emailHash, new Date(input.now.getTime() - LINKS_WINDOW_MINUTES * 60_000))) >=
      LINKS_PER_ADDRESS
    )
      return;
    await insertLink(trx, {
      tokenHash: hashToken(token),
      residentId: resident?.id ?? null,
      emailHash,
      expiresAt: new Date(input.now.getTime() + LINK_MINUTES * 60_000),
      now: input.now,
    });
    if (resident) await linkMail(trx, input.ctx, email, resident.name, token, LINK_MINUTES, input.locale);
    else await noMatchMail(trx, input.ctx, email, input.locale);
  });
}

const tokenShape = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

/** Whether the link can still be opened (without using it up). */
export async function linkIsUsable(db: Kysely<Database>, token: string, now: Date): Promise<boolean> {
  return tokenShape(token) && (await usableLink(db, hashToken(token), now)) !== null;
}

/** "1984-05-17" -> "17-05-1984", as the details form takes it. */
function birthDateForForm(iso: string | null): string | undefined {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  return m ? `${m[3]}-${m[2]}-${m[1]}` : undefined;
}

/**
 * Uses the link up and returns the new sign-up draft: the known details, the team (of the last
 * request, else by postcode), the known coach and their duo partner. Null: not (or no longer) valid.
 */
export async function openLink(db: Kysely<Database>, token: string, now: Date): Promise<Omit<Draft, 'key'> | null> {
  if (!tokenShape(token)) return null;
  return db.transaction().execute(async (trx) => {
    const residentId = await useLink(trx, hashToken(token), now);
    if (residentId === null) return null;
    const r = (await residentById(trx, residentId))!;
    const last = await lastRequestOf(trx, residentId);
    const team =
      (last?.team_id ? await teamById(trx, last.team_id) : null) ??
      (r.postcode ? await teamForPostcode(trx, r.postcode) : null);
    const held = await lastHeldOf(trx, residentId, team?.id ?? null);
    const knownCoachId = knownCoachOf({
      lastRequestLead: last?.lead_coach_id ?? null,
      residentLead: r.lead_coach_id,
      lastHeld: held,
    });
    const partnerCoachId =
      knownCoachId === null
        ? null
        : partnerOf(knownCoachId, held?.blockCoachIds ?? [], await recentBlockCoaches(trx, knownCoachId, now));
    await audit(trx, {
      action: 'return_link_used',
      subjectType: 'resident',
      subjectId: residentId,
      teamId: team?.id ?? null,
      detail: { knownCoachId, partnerCoachId },
    });
    const u = <T>(v: T | null) => v ?? undefined;
    return {
      postcode: u(r.postcode),
      houseNumber: u(r.house_number),
      teamId: team?.id ?? null,
      outOfArea: !team,
      name: r.name,
      email: u(r.email),
      phone: u(r.phone),
      street: u(r.street),
      city: u(r.city),
      language: r.language,
      interpreter: r.interpreter,
      dateOfBirth: birthDateForForm(r.date_of_birth),
      about: last?.about,
      returningResidentId: residentId,
      knownCoachId,
      partnerCoachId,
      previousRequestId: last?.id ?? null,
    };
  });
}

export interface CoachView {
  id: number;
  firstName: string;
}

export interface ReturningRoute {
  routing: Routing;
  known: CoachView | null;
  partner: CoachView | null;
  /** The times to offer for tier 'known' or 'partner'; empty for 'team' (the normal calendar). */
  slots: Slot[];
}

async function coachFacts(
  db: Kysely<Database>,
  id: number,
  team: Team,
  now: Date,
): Promise<{ state: CoachState; slots: Slot[] } | null> {
  const s = await staffById(db, id);
  if (!s) return null;
  const inTeam = s.active && s.team_id === team.id && (s.role === 'coach' || s.role === 'teamlead');
  const w = bookingWindow(team, now);
  const absences = await absencesBetween(db, id, now, w.to);
  const absent = coversAll(w.from, w.to, absences);
  // A short absence only takes out the times it covers.
  const slots =
    inTeam && !absent
      ? distinctTimes(await teamFreeSlots(db, team, now, { coachId: id })).filter((x) => !overlapsAny(x, absences))
      : [];
  return { state: { id, name: s.name, inTeam, absent, freeSlots: slots.length }, slots };
}

/** Where a returning draft's new conversation can be: the known coach, the partner or the team. */
export async function routeFor(
  db: Kysely<Database>,
  team: Team,
  d: Pick<Draft, 'knownCoachId' | 'partnerCoachId'>,
  now: Date,
): Promise<ReturningRoute> {
  const known = d.knownCoachId ? await coachFacts(db, d.knownCoachId, team, now) : null;
  const partner = known && d.partnerCoachId ? await coachFacts(db, d.partnerCoachId, team, now) : null;
  const routing = routeReturning(known?.state ?? null, partner?.state ?? null);
  const view = (f: typeof known): CoachView | null =>
    f ? { id: f.state.id, firstName: f.state.name.trim().split(/\s+/)[0]! } : null;
  const slots = routing.tier === 'known' ? known!.slots : routing.tier === 'partner' ? partner!.slots : [];
  return { routing, known: view(known), partner: view(partner), slots };
}

/** Whole days in Amsterdam between two instants (the return-after-closure figure). */
export function daysBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round(local(to).startOf('day').diff(local(from).startOf('day'), 'days').days));
}

/** Who leads the new request: the known coach while they work in the request's team, else the partner. */
async function leadFor(db: Kysely<Database>, d: Draft, teamId: number | null): Promise<number | null> {
  for (const id of [d.knownCoachId, d.partnerCoachId]) {
    if (!id) continue;
    const s = await staffById(db, id);
    if (s && s.active && s.team_id === teamId && (s.role === 'coach' || s.role === 'teamlead')) return id;
  }
  return null;
}

/**
 * What a returning draft adds to book(): the existing resident, the lead coach, and (inside the
 * booking's transaction) the returning mark and the note to the lead coach. {} for other drafts.
 */
export async function returningBooking(
  db: Kysely<Database>,
  d: Draft,
  teamId: number | null,
  now: Date,
  publicUrl: string,
): Promise<Partial<BookInput>> {
  if (!d.returningResidentId) return {};
  const residentId = d.returningResidentId;
  const leadCoachId = await leadFor(db, d, teamId);
  return {
    residentId,
    leadCoachId,
    within: async (trx: Transaction<Database>, ids: { requestId: number; appointmentId: number | null }) => {
      await markAsReturning(trx, residentId, ids.requestId, now);
      if (leadCoachId !== null)
        await trx
          .updateTable('resident')
          .set({ lead_coach_id: leadCoachId })
          .where('id', '=', residentId)
          .where('lead_coach_id', 'is', null)
          .execute();
      await tellLead(trx, publicUrl, leadCoachId, teamId, ids.appointmentId, 'returning');
      await audit(trx, {
        action: 'returning_request',
        subjectType: 'request',
        subjectId: ids.requestId,
        teamId,
        detail: { knownCoachId: d.knownCoachId ?? null, leadCoachId },
      });
    },
  };
}

/** Marks the request with the resident's request before it and the days since that one closed. */
export async function markAsReturning(
  trx: Transaction<Database>,
  residentId: number,
  requestId: number,
  submittedAt: Date,
): Promise<void> {
  const previous = await lastRequestOf(trx, residentId, requestId);
  const days =
    previous && previous.status === 'closed' && previous.closed_at
      ? daysBetween(previous.closed_at, submittedAt)
      : null;
  await markReturning(trx, requestId, previous?.id ?? null, days);
}

/** The lead coach hears of the new question (the team's address when there is no lead). */
export async function tellLead(
  trx: Transaction<Database>,
  publicUrl: string,
  leadCoachId: number | null,
  teamId: number | null,
  appointmentId: number | null,
  kind: 'returning' | 'linked',
): Promise<void> {
  const coach = leadCoachId ? await staffById(trx, leadCoachId) : null;
  const team = teamId ? await teamById(trx, teamId) : null;
  await coachNoticeMail(trx, publicUrl, coach, team?.email ?? null, { appointmentId }, kind);
}
