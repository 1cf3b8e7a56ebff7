// The pure routing rules of src/domain/routing.ts.
import { describe, expect, it } from 'vitest';
import {
  coversAll,
  knownCoachOf,
  knownOf,
  partnerOf,
  routeReturning,
  type CoachState,
} from '../../src/domain/routing.js';

const coach = (id: number, o: Partial<CoachState> = {}): CoachState => ({
  id,
  name: `Coach ${id}`,
  inTeam: true,
  absent: false,
  freeSlots: 3,
  ...o,
});

describe('the known coach', () => {
  it("is the lead of the last request, else the resident's lead, else a coach of the last conversation", () => {
    const held = { soloCoachId: null, blockCoachIds: [7, 8], upcoming: false };
    expect(knownCoachOf({ lastRequestLead: 1, residentLead: 2, lastConversation: held })).toBe(1);
    expect(knownCoachOf({ lastRequestLead: null, residentLead: 2, lastConversation: held })).toBe(2);
    expect(knownCoachOf({ lastRequestLead: null, residentLead: null, lastConversation: held })).toBe(7);
    expect(
      knownCoachOf({
        lastRequestLead: null,
        residentLead: null,
        lastConversation: { soloCoachId: 8, blockCoachIds: [7, 8], upcoming: false },
      }),
    ).toBe(8);
    expect(knownCoachOf({ lastRequestLead: null, residentLead: null, lastConversation: null })).toBeNull();
  });

  it('says why: the lead, the coach met last time, or the coach of a conversation still ahead', () => {
    const c = (upcoming: boolean) => ({ soloCoachId: null, blockCoachIds: [7, 8], upcoming });
    expect(knownOf({ lastRequestLead: 1, residentLead: null, lastConversation: c(true) })).toEqual({
      id: 1,
      why: 'lead',
    });
    expect(knownOf({ lastRequestLead: null, residentLead: 2, lastConversation: c(true) })).toEqual({
      id: 2,
      why: 'lead',
    });
    expect(knownOf({ lastRequestLead: null, residentLead: null, lastConversation: c(false) })).toEqual({
      id: 7,
      why: 'met',
    });
    expect(knownOf({ lastRequestLead: null, residentLead: null, lastConversation: c(true) })).toEqual({
      id: 7,
      why: 'upcoming',
    });
    // A block without coaches left names nobody.
    expect(
      knownOf({
        lastRequestLead: null,
        residentLead: null,
        lastConversation: { soloCoachId: null, blockCoachIds: [], upcoming: true },
      }),
    ).toBeNull();
  });

  it('has as partner the other coach of the held conversation, else of their most recent block', () => {
    expect(partnerOf(7, [7, 8], [7, 9])).toBe(8);
    expect(partnerOf(1, [7, 8], [1, 9])).toBe(9);
    expect(partnerOf(1, [7, 8], [])).toBeNull();
    expect(partnerOf(null, [7, 8], [7, 9])).toBeNull();
  });
});

describe('routing', () => {
  it('offers the known coach when they can', () => {
    expect(routeReturning(coach(1), coach(2))).toEqual({
      tier: 'known',
      coachId: 1,
      knownReason: null,
      partnerReason: null,
      leadCoachId: 1,
    });
  });

  it('falls back to the partner, then the team, keeping the known coach as lead while they work in the team', () => {
    expect(routeReturning(coach(1, { absent: true }), coach(2))).toMatchObject({
      tier: 'partner',
      coachId: 2,
      knownReason: 'absent',
      leadCoachId: 1,
    });
    expect(routeReturning(coach(1, { freeSlots: 0 }), coach(2))).toMatchObject({
      tier: 'partner',
      knownReason: 'full',
      leadCoachId: 1,
    });
    expect(routeReturning(coach(1, { absent: true }), coach(2, { freeSlots: 0 }))).toMatchObject({
      tier: 'team',
      coachId: null,
      knownReason: 'absent',
      partnerReason: 'full',
      leadCoachId: 1,
    });
    expect(routeReturning(coach(1, { absent: true }), null)).toMatchObject({ tier: 'team', leadCoachId: 1 });
  });

  it('gives the lead to the partner when the known coach left, and to nobody when both left', () => {
    expect(routeReturning(coach(1, { inTeam: false }), coach(2))).toMatchObject({
      tier: 'partner',
      knownReason: 'left',
      leadCoachId: 2,
    });
    expect(routeReturning(coach(1, { inTeam: false }), coach(2, { inTeam: false }))).toMatchObject({
      tier: 'team',
      partnerReason: 'left',
      leadCoachId: null,
    });
    expect(routeReturning(null, null)).toEqual({
      tier: 'team',
      coachId: null,
      knownReason: null,
      partnerReason: null,
      leadCoachId: null,
    });
  });

  it('calls a coach absent only when an absence covers the whole period', () => {
    const from = new Date('2026-11-25T00:00:00Z');
    const to = new Date('2026-12-15T00:00:00Z');
    expect(
      coversAll(from, to, [{ starts_at: new Date('2026-11-20T00:00:00Z'), ends_at: new Date('2027-01-01T00:00:00Z') }]),
    ).toBe(true);
    expect(
      coversAll(from, to, [{ starts_at: new Date('2026-11-20T00:00:00Z'), ends_at: new Date('2026-12-10T00:00:00Z') }]),
    ).toBe(false);
  });
});
