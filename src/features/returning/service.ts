// The rules of the way back for a resident who was helped before, once the one-time link
// (return-link.ts) opened a new sign-up with the known details:
// - routing: the known coach's free times, else the duo partner's, else the team's;
// - the new request starts with the known coach as lead, and that coach is told.
import type { Kysely, Transaction } from 'kysely';
import type { Database, Team } from '../../db/schema.js';
import { coversAll, overlapsAny, routeReturning, type CoachState, type Routing } from '../../domain/routing.js';
import { distinctTimes, type Slot } from '../../domain/slots.js';
import { local } from '../../domain/time.js';
import { bookingWindow, teamFreeSlots } from '../../core/availability.js';
import type { Draft } from '../../core/signup-draft.js';
import { audit } from '../../core/audit.js';
import { teamById } from '../../core/teams.js';
import type { BookInput } from '../../core/booking.js';
import { coachNoticeMail } from './mails.js';
import { absencesBetween, lastRequestOf, markReturning, setLeadIfNone, staffById } from './repository.js';

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
