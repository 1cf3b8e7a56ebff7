// Routing a returning resident to a coach they know (issue 6; "same face" in DOMAIN.md).
// Pure rules, no I/O: the repository gathers the facts, this decides.
//
// The known coach is the lead (regie) of the resident's last request, else the resident's lead,
// else a coach of the last conversation (the coach who went alone, if one did). The last
// conversation is the one with the latest start among the held and the booked ones: a booked
// conversation that has not taken place yet already names the duo the resident will meet (or
// met, when nobody registered the outcome yet), and residents come back before a first
// conversation too ("I have one more question"). A cancelled or no-show conversation names
// nobody the resident spoke to, so it does not count. When that
// coach has left the team, is away for the whole bookable period, or has no free time, the
// resident is offered the duo partner, then the whole team, and is told so plainly. The new
// request starts with the known coach as lead while they still work in the team (an absent
// coach keeps the lead and hears of it when back), else with the partner.

export interface LastConversation {
  /** Who went alone (if one did). */
  soloCoachId: number | null;
  /** The coaches of its block, those still working in the team first. */
  blockCoachIds: number[];
  /** Booked and still ahead: the resident has not met them yet. */
  upcoming: boolean;
}

export interface History {
  lastRequestLead: number | null;
  residentLead: number | null;
  /** The last held or booked conversation (see the top of this file). */
  lastConversation: LastConversation | null;
}

/**
 * Why the resident knows this coach, as the page tells them: the coach holds the lead ('lead'),
 * the resident spoke to them last time ('met'), or has a conversation with them ahead ('upcoming').
 */
export const knownWhys = ['lead', 'met', 'upcoming'] as const;
export type KnownWhy = (typeof knownWhys)[number];

/** The coach a returning resident knows and why, or null when nobody can be named. */
export function knownOf(h: History): { id: number; why: KnownWhy } | null {
  if (h.lastRequestLead !== null) return { id: h.lastRequestLead, why: 'lead' };
  if (h.residentLead !== null) return { id: h.residentLead, why: 'lead' };
  const c = h.lastConversation;
  const id = c ? (c.soloCoachId ?? c.blockCoachIds[0] ?? null) : null;
  return c && id !== null ? { id, why: c.upcoming ? 'upcoming' : 'met' } : null;
}

/** The coach a returning resident knows, or null when nobody can be named. */
export function knownCoachOf(h: History): number | null {
  return knownOf(h)?.id ?? null;
}

/**
 * The known coach's duo partner: the other coach of the last conversation's block when the
 * known coach was in it, else the other coach of the known coach's most recent block.
 */
export function partnerOf(
  knownId: number | null,
  lastBlockCoachIds: number[],
  recentBlockCoachIds: number[],
): number | null {
  if (knownId === null) return null;
  if (lastBlockCoachIds.includes(knownId)) {
    const other = lastBlockCoachIds.find((id) => id !== knownId);
    if (other !== undefined) return other;
  }
  return recentBlockCoachIds.find((id) => id !== knownId) ?? null;
}

export interface CoachState {
  id: number;
  name: string;
  /** Still works in the resident's team (active account, same team). */
  inTeam: boolean;
  /** An absence covers the whole period from now to the end of the booking horizon. */
  absent: boolean;
  /** Free times in blocks this coach takes part in (absences left out). */
  freeSlots: number;
}

/** Why a coach is not offered: left the team, away, or no free time. */
export type Reason = 'left' | 'absent' | 'full';
export type Tier = 'known' | 'partner' | 'team';

export interface Routing {
  tier: Tier;
  /** Whose blocks to offer; null: the whole team. */
  coachId: number | null;
  knownReason: Reason | null;
  partnerReason: Reason | null;
  /** Holds the lead of the new request and is told about it; null: nobody (the team is told). */
  leadCoachId: number | null;
}

export function reasonOf(c: CoachState): Reason | null {
  if (!c.inTeam) return 'left';
  if (c.absent) return 'absent';
  if (c.freeSlots === 0) return 'full';
  return null;
}

export function routeReturning(known: CoachState | null, partner: CoachState | null): Routing {
  const knownReason = known ? reasonOf(known) : null;
  const partnerReason = partner ? reasonOf(partner) : null;
  const leadCoachId = known?.inTeam ? known.id : partner?.inTeam ? partner.id : null;
  if (known && knownReason === null)
    return { tier: 'known', coachId: known.id, knownReason, partnerReason: null, leadCoachId };
  if (known && partner && partnerReason === null)
    return { tier: 'partner', coachId: partner.id, knownReason, partnerReason, leadCoachId };
  return { tier: 'team', coachId: null, knownReason, partnerReason, leadCoachId };
}

/** True when [start, end) overlaps any of the periods. */
export function overlapsAny(s: { start: Date; end: Date }, periods: { starts_at: Date; ends_at: Date }[]): boolean {
  return periods.some((p) => s.start < p.ends_at && s.end > p.starts_at);
}

/** True when one of the periods covers [from, to) entirely. */
export function coversAll(from: Date, to: Date, periods: { starts_at: Date; ends_at: Date }[]): boolean {
  return periods.some((p) => p.starts_at <= from && p.ends_at >= to);
}

/** The first name, as residents get to hear it ("Fatima"). */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}
