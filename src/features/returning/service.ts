// The rules of the way back for a resident who was helped before, once the one-time link
// (return-link.ts) opened a new sign-up with the known details:
// - routing: the known coach's free times, else the duo partner's, else the team's;
// - the new request starts with the known coach as lead, and that coach is told;
// - a plain sign-up of a resident the team knows is linked to them (autoLink, at the end).
import type { Kysely, Transaction } from 'kysely';
import type { Database, Team } from '../../db/schema.js';
import {
  coversAll,
  overlapsAny,
  routeReturning,
  type CoachState,
  type KnownWhy,
  type Routing,
} from '../../domain/routing.js';
import { distinctTimes, type Slot } from '../../domain/slots.js';
import { local } from '../../domain/time.js';
import { bookingWindow, teamFreeSlots } from '../../core/availability.js';
import type { Draft } from '../../core/signup-draft.js';
import { audit } from '../../core/audit.js';
import { teamById } from '../../core/teams.js';
import type { BookInput } from '../../core/booking.js';
import { coachNoticeMail } from './mails.js';
import { samePerson } from './history.js';
import { absencesBetween, lastRequestOf, markReturning, residentById, setLeadIfNone, staffById } from './repository.js';

export interface CoachView {
  id: number;
  firstName: string;
}

export interface ReturningRoute {
  routing: Routing;
  known: CoachView | null;
  /** Why the resident knows the known coach (the page says so); null when there is none. */
  why: KnownWhy | null;
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
  d: Pick<Draft, 'knownCoachId' | 'knownWhy' | 'partnerCoachId'>,
  now: Date,
): Promise<ReturningRoute> {
  const known = d.knownCoachId ? await coachFacts(db, d.knownCoachId, team, now) : null;
  const partner = known && d.partnerCoachId ? await coachFacts(db, d.partnerCoachId, team, now) : null;
  const routing = routeReturning(known?.state ?? null, partner?.state ?? null);
  const view = (f: typeof known): CoachView | null =>
    f ? { id: f.state.id, firstName: f.state.name.trim().split(/\s+/)[0]! } : null;
  const slots = routing.tier === 'known' ? known!.slots : routing.tier === 'partner' ? partner!.slots : [];
  // A draft from before the reason was kept: the coach of the last conversation.
  const why = known ? (d.knownWhy ?? 'met') : null;
  return { routing, known: view(known), why, partner: view(partner), slots };
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
 * booking's transaction) the returning mark and the note to the lead coach. Any other sign-up
 * may still be a resident the team knows: book() then links it (auto-link.ts).
 */
export async function returningBooking(
  db: Kysely<Database>,
  d: Draft,
  teamId: number | null,
  now: Date,
  publicUrl: string,
): Promise<Partial<BookInput>> {
  if (!d.returningResidentId) return { linkKnown: autoLink(teamId, now, publicUrl) };
  const residentId = d.returningResidentId;
  const leadCoachId = await leadFor(db, d, teamId);
  return {
    residentId,
    leadCoachId,
    within: async (trx: Transaction<Database>, ids: { requestId: number; appointmentId: number | null }) => {
      // The request before this one may be on another row of the same person (samePerson).
      await markAsReturning(trx, await samePerson(trx, residentId), ids.requestId, now);
      if (leadCoachId !== null) await setLeadIfNone(trx, residentId, leadCoachId);
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
  residentId: number | number[],
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

// A plain sign-up that core/resident-reuse.ts found to be a resident the team knows is written
// for that resident's row (core/booking.ts); here it is marked returning, starts with the lead
// coach the resident had (while that coach works in the team) and that coach is told, as when
// staff link a sign-up by hand (link.ts). The resident is shown nothing of this: their pages
// and mails are those of any sign-up. Staff can undo it (split.ts).

/** The resident's lead coach, from their last request before this one, else their row, if still in the team. */
export async function carriedLead(
  trx: Transaction<Database>,
  residentId: number,
  requestId: number,
  teamId: number | null,
): Promise<number | null> {
  const candidate =
    (await lastRequestOf(trx, residentId, requestId))?.lead_coach_id ??
    (await residentById(trx, residentId))?.lead_coach_id ??
    null;
  const coach = candidate ? await staffById(trx, candidate) : null;
  return coach && coach.active && coach.team_id === teamId && (coach.role === 'coach' || coach.role === 'teamlead')
    ? coach.id
    : null;
}

/** The part of book() for a sign-up found to be a known resident (BookInput.linkKnown). */
export function autoLink(teamId: number | null, now: Date, publicUrl: string) {
  return async (
    trx: Transaction<Database>,
    ids: { residentId: number; requestId: number; appointmentId: number | null },
  ): Promise<void> => {
    const lead = await carriedLead(trx, ids.residentId, ids.requestId, teamId);
    if (lead !== null) {
      await trx.updateTable('request').set({ lead_coach_id: lead }).where('id', '=', ids.requestId).execute();
      await setLeadIfNone(trx, ids.residentId, lead);
    }
    await markAsReturning(trx, ids.residentId, ids.requestId, now);
    await audit(trx, {
      action: 'resident_auto_linked',
      subjectType: 'request',
      subjectId: ids.requestId,
      teamId,
      detail: { residentId: ids.residentId, leadCoachId: lead },
    });
    if (lead !== null) await tellLead(trx, publicUrl, lead, teamId, ids.appointmentId, 'returning');
  };
}
