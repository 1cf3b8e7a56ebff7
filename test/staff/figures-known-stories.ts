// The known history of test/staff/figures-known.test.ts: stories whose figures are known by
// construction, written five times (other residents) and one once. Shared with the retention
// test (test/privacy/retention-figures.test.ts), which proves anonymising keeps every figure.
import { DateTime } from 'luxon';
import type { Story } from '../../src/db/seed/history.js';

export const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();

type Base = Omit<Story, 'teamId'> & { team: 'A' | 'B' };
const held = (startsAt: string, createdAt: string, result: Story['appointments'][number]['result'] = null) => ({
  startsAt: at(startsAt),
  createdAt: at(createdAt),
  outcome: 'held' as const,
  result,
});
const person = (name: string) => ({ resident: { name, email: `${name.toLowerCase()}@example.nl` } });

/** The stories, by index; returningOf/sameResidentAs point into this list. */
const BASE: Base[] = [
  // 0: closed in March; comes back in October (story 7).
  {
    team: 'A',
    ...person('Nul'),
    channel: 'online',
    submittedAt: at('2026-02-02T10:00'),
    appointments: [held('2026-02-12T09:00', '2026-02-02T10:00', 'advice_only')],
    closedAt: at('2026-03-15T12:00'),
  },
  // 1: 14 calendar / 10 working days; a plan 11 calendar / 7 working days after the conversation.
  {
    team: 'A',
    ...person('Een'),
    channel: 'online',
    submittedAt: at('2026-10-01T10:00'),
    appointments: [held('2026-10-15T09:00', '2026-10-01T10:00', 'plan_made')],
    planAt: at('2026-10-26T12:00'),
  },
  // 2: 18 / 14; solved at the table and closed the same day.
  {
    team: 'A',
    ...person('Twee'),
    channel: 'online',
    submittedAt: at('2026-10-05T09:00'),
    appointments: [held('2026-10-23T09:00', '2026-10-05T09:00', 'solved')],
    closedAt: at('2026-10-23T12:00'),
  },
  // 3: a huisarts; signed up at 00:30 on 7 October (6 October in UTC), conversation after the clock change: 20 / 14.
  {
    team: 'A',
    ...person('Drie'),
    channel: 'referrer',
    referrerKind: 'huisarts',
    submittedAt: at('2026-10-07T00:30'),
    appointments: [held('2026-10-27T10:30', '2026-10-07T00:30', 'advice_only')],
  },
  // 4: a school; did not come on 21 October, rebooked for 2 November (no first conversation in October).
  {
    team: 'A',
    ...person('Vier'),
    channel: 'referrer',
    referrerKind: 'school',
    submittedAt: at('2026-10-07T11:00'),
    appointments: [
      { startsAt: at('2026-10-21T09:00'), createdAt: at('2026-10-07T11:00'), outcome: 'no_show' },
      held('2026-11-02T09:00', '2026-10-21T12:00'),
    ],
  },
  // 5: front office, urgent: called back after 26 hours; 4 / 2 from the sign-up, 3 / 1 from the call.
  {
    team: 'A',
    ...person('Vijf'),
    channel: 'phone',
    urgent: true,
    callbackRequested: true,
    callbackDoneAt: at('2026-10-09T10:00'),
    submittedAt: at('2026-10-08T08:00'),
    appointments: [held('2026-10-12T09:00', '2026-10-09T10:00', 'support_continues')],
  },
  // 6: cancelled by the resident, withdrawn without a conversation.
  {
    team: 'A',
    ...person('Zes'),
    channel: 'online',
    submittedAt: at('2026-10-09T14:00'),
    appointments: [
      {
        startsAt: at('2026-10-20T09:00'),
        createdAt: at('2026-10-09T14:00'),
        outcome: 'cancelled',
        cancelledAt: at('2026-10-12T08:00'),
        cancelledBy: 'resident',
      },
    ],
    withdrawn: true,
    closedAt: at('2026-10-12T08:00'),
  },
  // 7: the resident of story 0 back with a new question: 7 / 5.
  {
    team: 'A',
    sameResidentAs: 0,
    returningOf: 0,
    channel: 'online',
    submittedAt: at('2026-10-13T09:00'),
    appointments: [held('2026-10-20T10:30', '2026-10-13T09:00', 'referred_on')],
  },
  // 8: signed up at 23:30 on 30 September (September's inflow), conversation 1 October: 1 / 1, no result.
  {
    team: 'A',
    ...person('Acht'),
    channel: 'online',
    submittedAt: at('2026-09-30T23:30'),
    appointments: [held('2026-10-01T09:00', '2026-09-30T23:30')],
  },
  // 9: September.
  {
    team: 'A',
    ...person('Negen'),
    channel: 'online',
    submittedAt: at('2026-09-01T09:00'),
    appointments: [held('2026-09-10T09:00', '2026-09-01T09:00', 'advice_only')],
  },
  // 10, 11: team B; 11 cancelled by staff, still open.
  {
    team: 'B',
    ...person('Tien'),
    channel: 'online',
    submittedAt: at('2026-10-14T09:00'),
    appointments: [held('2026-10-28T09:00', '2026-10-14T09:00', 'support_continues')],
  },
  {
    team: 'B',
    ...person('Elf'),
    channel: 'walkin',
    submittedAt: at('2026-10-15T09:00'),
    appointments: [
      {
        startsAt: at('2026-10-22T09:00'),
        createdAt: at('2026-10-15T09:00'),
        outcome: 'cancelled',
        cancelledAt: at('2026-10-19T09:00'),
        cancelledBy: 'staff',
      },
    ],
  },
  // 12 → 13: closed 1 Nov 2025, back 1 June 2026 (7 months: within 12, not within 6).
  {
    team: 'A',
    ...person('Twaalf'),
    channel: 'online',
    submittedAt: at('2025-10-01T09:00'),
    appointments: [held('2025-10-15T09:00', '2025-10-01T09:00', 'advice_only')],
    closedAt: at('2025-11-01T12:00'),
  },
  {
    team: 'A',
    sameResidentAs: 12,
    returningOf: 12,
    channel: 'online',
    submittedAt: at('2026-06-01T09:00'),
    appointments: [held('2026-06-10T09:00', '2026-06-01T09:00', 'solved')],
    closedAt: at('2026-07-01T12:00'),
  },
  // 14 → 15: closed 1 Dec 2025, back 2 March 2026 (within 6; 12 months not yet passed on 24 Nov 2026).
  {
    team: 'A',
    ...person('Veertien'),
    channel: 'online',
    submittedAt: at('2025-11-03T09:00'),
    appointments: [held('2025-11-13T09:00', '2025-11-03T09:00', 'solved')],
    closedAt: at('2025-12-01T12:00'),
  },
  {
    team: 'A',
    sameResidentAs: 14,
    returningOf: 14,
    channel: 'online',
    submittedAt: at('2026-03-02T09:00'),
    appointments: [held('2026-03-12T09:00', '2026-03-02T09:00', 'advice_only')],
  },
];

export function stories(teams: { A: number; B: number }): Story[] {
  const out: Story[] = [];
  for (let copy = 0; copy < 5; copy++) {
    const offset = copy * BASE.length;
    for (const { team, ...s } of BASE) {
      out.push({
        ...s,
        teamId: teams[team],
        ...(s.resident ? { resident: { ...s.resident, email: `${copy}.${s.resident.email}` } } : {}),
        ...(s.sameResidentAs !== undefined ? { sameResidentAs: s.sameResidentAs + offset } : {}),
        ...(s.returningOf !== undefined ? { returningOf: s.returningOf + offset } : {}),
      });
    }
  }
  // Once only: its count (1) is hidden.
  out.push({
    teamId: teams.B,
    ...person('Zeventien'),
    channel: 'referrer',
    referrerKind: 'veilig_thuis',
    submittedAt: at('2026-10-20T09:00'),
    appointments: [],
  });
  return out;
}
