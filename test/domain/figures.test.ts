// The figures for team leads and the council, computed from requests built by hand so every
// answer is known: sign-ups per channel, waiting time under each definition, lead time, outcomes,
// no-shows, return after closure and call-backs.
import { describe, expect, it } from 'vitest';
import { computeFigures, percentile, periodOf, type Figures } from '../../src/domain/figures.js';
import type { WaitingDefinition } from '../../src/domain/figures-model.js';
import { at, fact, waitingFacts } from './figures-facts.js';

const MARCH = periodOf('month', '2026-03-15');
const NOW = at('2026-06-01T12:00');
const SIGNUP_CALENDAR: WaitingDefinition = { from: 'signup', days: 'calendar' };

describe('percentile', () => {
  it('interpolates like PostgreSQL percentile_cont', () => {
    // Position p × (n − 1): 0.8 × 3 = 2.4 → 4 + 0.4 × (10 − 4).
    expect(percentile([1, 2, 4, 10], 0.8)).toBeCloseTo(6.4, 10);
    expect(percentile([1, 2, 4, 10], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5], 0.8)).toBeCloseTo(4.2, 10);
    expect(percentile([7], 0.8)).toBe(7);
    expect(percentile([3, 9], 0)).toBe(3);
    expect(percentile([3, 9], 1)).toBe(9);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('inflow', () => {
  it('counts sign-ups in the period per channel, returning residents first, and referrers by kind', () => {
    const march = (day: string) => at(`2026-03-${day}T10:00`);
    const facts = [
      fact({ submittedAt: march('01'), channel: 'online' }),
      fact({ submittedAt: march('02'), channel: 'online' }),
      fact({ submittedAt: march('03'), channel: 'online' }),
      fact({ submittedAt: march('04'), channel: 'referrer', referrerKind: 'huisarts' }),
      fact({ submittedAt: march('05'), channel: 'referrer', referrerKind: 'huisarts' }),
      fact({ submittedAt: march('06'), channel: 'referrer', referrerKind: 'school' }),
      fact({ submittedAt: march('07'), channel: 'referrer', referrerKind: null }),
      fact({ submittedAt: march('08'), channel: 'referrer', referrerKind: 'unknown-kind' }),
      fact({ submittedAt: march('09'), channel: 'phone' }),
      fact({ submittedAt: march('10'), channel: 'walkin' }),
      fact({ submittedAt: march('11'), channel: 'online', returning: true }),
      fact({ submittedAt: march('12'), channel: 'referrer', referrerKind: 'huisarts', returning: true }),
      // Outside March (local): the last minute of February and the first of April.
      fact({ submittedAt: at('2026-02-28T23:59'), channel: 'online' }),
      fact({ submittedAt: at('2026-04-01T00:00'), channel: 'online' }),
    ];
    const f = computeFigures(facts, MARCH, SIGNUP_CALENDAR, NOW);
    expect(f.inflow.total).toBe(12);
    expect(f.inflow.channel).toEqual({ self: 3, referrer: 5, frontoffice: 2, return: 2 });
    expect(f.inflow.referrer).toEqual({
      huisarts: 2,
      poh_ggz: 0,
      jeugdarts: 0,
      school: 1,
      wijkverpleging: 0,
      veilig_thuis: 0,
      woningcorporatie: 0,
      other: 2,
    });
    expect(f.returning).toBe(2);
  });
});

describe('waiting time', () => {
  const facts = waitingFacts();
  const waiting = (def: WaitingDefinition) => computeFigures(facts, MARCH, def, NOW).waiting;

  it('counts calendar days from the sign-up, for conversations in the period only', () => {
    const w = waiting(SIGNUP_CALENDAR);
    // [0, 3, 7, 8, 10, 14, 15, 21, 22, 30]: median (10 + 14) / 2; p80 at 7.2: 21 + 0.2 × (22 − 21).
    expect(w).toMatchObject({ n: 10, median: 12, within14: 6, within21: 8, within14share: 0.6, within21share: 0.8 });
    expect(w.p80).toBeCloseTo(21.2, 10);
    expect(w.buckets).toEqual({ '0-7': 3, '8-14': 3, '15-21': 2, '22-28': 1, '29plus': 1 });
  });

  it('counts working days when the definition says so', () => {
    const w = waiting({ from: 'signup', days: 'working' });
    // [0, 3, 5, 6, 8, 10, 11, 15, 16, 22]
    expect(w).toMatchObject({ n: 10, median: 9, within14: 7, within21: 9 });
    expect(w.p80).toBeCloseTo(15.2, 10);
    expect(w.buckets).toEqual({ '0-7': 4, '8-14': 3, '15-21': 2, '22-28': 1, '29plus': 0 });
  });

  it('starts at the call-back when counting from the first contact', () => {
    // [0, 3, 7, 8, 10, 14, 15, 21, 21, 23]
    const calendar = waiting({ from: 'contact', days: 'calendar' });
    expect(calendar).toMatchObject({ n: 10, median: 12, p80: 21, within14: 6, within21: 9 });
    expect(calendar.buckets).toEqual({ '0-7': 3, '8-14': 3, '15-21': 3, '22-28': 1, '29plus': 0 });
    // [0, 3, 5, 6, 8, 10, 11, 15, 15, 17]
    const working = waiting({ from: 'contact', days: 'working' });
    expect(working).toMatchObject({ n: 10, median: 9, p80: 15, within14: 7, within21: 10, within21share: 1 });
  });

  it('counts sign-ups without a conversation in the inflow only', () => {
    const f = computeFigures(facts, MARCH, SIGNUP_CALENDAR, NOW);
    // Seven of the ten signed up in March, plus three more sign-ups without a March conversation.
    expect(f.inflow.total).toBe(10);
    expect(f.waiting.n).toBe(10);
  });

  it('counts the outcome of the first conversation over the same requests', () => {
    const f = computeFigures(facts, MARCH, SIGNUP_CALENDAR, NOW);
    expect(f.outcomes).toEqual({
      n: 10,
      result: { solved: 4, advice_only: 2, plan_made: 1, support_continues: 1, referred_on: 0, none: 2 },
    });
  });

  it('has nothing to compute without conversations', () => {
    const w = computeFigures(facts, periodOf('month', '2026-05-01'), SIGNUP_CALENDAR, NOW).waiting;
    expect(w).toMatchObject({ n: 0, median: null, p80: null, within14: 0, within14share: null });
  });
});

describe('lead time', () => {
  const facts = [
    fact({ submittedAt: at('2026-03-01T10:00'), firstConversationAt: at('2026-03-12T10:00'), planAt: at('2026-03-10T10:00') }),
    fact({ submittedAt: at('2026-03-01T10:00'), firstConversationAt: at('2026-03-02T10:00'), planAt: at('2026-03-03T10:00') }),
    fact({ submittedAt: at('2026-03-01T10:00'), firstConversationAt: at('2026-03-02T10:00'), planAt: at('2026-03-04T10:00') }),
    fact({ submittedAt: at('2026-02-01T10:00'), firstConversationAt: at('2026-02-25T10:00'), planAt: at('2026-03-02T10:00') }),
    fact({ submittedAt: at('2026-03-01T10:00'), firstConversationAt: at('2026-03-06T10:00'), planAt: at('2026-03-15T10:00') }),
    fact({ submittedAt: at('2026-02-01T10:00'), firstConversationAt: at('2026-02-20T10:00'), planAt: at('2026-03-22T10:00') }),
    // A plan without a conversation, and a plan in April: not counted.
    fact({ submittedAt: at('2026-03-01T10:00'), planAt: at('2026-03-05T10:00') }),
    fact({ submittedAt: at('2026-03-01T10:00'), firstConversationAt: at('2026-03-02T10:00'), planAt: at('2026-04-01T00:00') }),
  ]; // prettier-ignore

  it('counts days from the first conversation to the plan, a plan before the conversation as 0', () => {
    // Calendar [0, 1, 2, 5, 9, 30]: median (2 + 5) / 2, p80 at position 4.
    expect(computeFigures(facts, MARCH, SIGNUP_CALENDAR, NOW).leadtime).toEqual({ n: 6, median: 3.5, p80: 9 });
    // Working [0, 1, 2, 3, 5, 20].
    const working = computeFigures(facts, MARCH, { from: 'signup', days: 'working' }, NOW).leadtime;
    expect(working).toEqual({ n: 6, median: 2.5, p80: 5 });
  });
});

describe('no-shows and cancellations', () => {
  it('count the moments in the period over all requests', () => {
    const facts = [
      fact({ submittedAt: at('2026-01-05T10:00'), noShowsAt: [at('2026-03-01T00:00'), at('2026-03-15T10:00')] }),
      fact({
        submittedAt: at('2026-01-06T10:00'),
        noShowsAt: [at('2026-02-28T23:59'), at('2026-03-31T23:59'), at('2026-04-01T00:00')],
        cancellationsAt: [
          { at: at('2026-03-03T10:00'), by: 'resident' },
          { at: at('2026-03-05T10:00'), by: 'staff' },
          { at: at('2026-04-01T00:00'), by: 'resident' },
        ],
      }),
      fact({
        submittedAt: at('2026-01-07T10:00'),
        cancellationsAt: [
          { at: at('2026-03-10T10:00'), by: 'resident' },
          { at: at('2026-03-31T23:00'), by: 'resident' },
        ],
      }),
    ];
    const f = computeFigures(facts, MARCH, SIGNUP_CALENDAR, NOW);
    expect(f.noshows).toBe(3);
    expect(f.cancellations).toEqual({ total: 4, resident: 3, staff: 1 });
    expect(f.inflow.total).toBe(0);
  });
});

function recidiveFacts() {
  const closed = (resident: number, closedAt: string, fields: { withdrawn?: boolean } = {}) =>
    fact({ residentId: resident, submittedAt: at('2025-11-01T10:00'), closedAt: at(closedAt), ...fields });
  const again = (resident: number, submittedAt: string) =>
    fact({ residentId: resident, submittedAt: at(submittedAt), returning: true });
  return [
    closed(1, '2026-01-10T10:00'), again(1, '2026-05-01T10:00'), // back within 6 (and 12) months
    closed(2, '2026-01-20T10:00'), again(2, '2026-09-01T10:00'), // back within 12 months only
    closed(3, '2026-02-01T10:00'), again(3, '2027-03-01T10:00'), // back after 12 months
    closed(4, '2026-03-10T10:00'), // not back; too recent to judge for 12 months
    closed(5, '2026-03-20T10:00', { withdrawn: true }), again(5, '2026-04-01T10:00'), // withdrawn: not counted
    closed(6, '2025-12-31T10:00'), again(6, '2026-02-01T10:00'), // closed before the period
    closed(7, '2026-03-31T23:00'), again(7, '2026-09-30T23:00'), // back exactly 6 months later
    closed(8, '2026-02-10T10:00'), again(8, '2026-01-05T10:00'), // another request, but before the closure
    closed(9, '2026-03-15T10:00'), again(9, '2026-09-15T10:01'), // one minute after 6 months
  ]; // prettier-ignore
}

describe('return after closure', () => {
  const Q1 = periodOf('quarter', '2026-02-01');

  it('judges closures at least 6 and 12 months before now', () => {
    const r = computeFigures(recidiveFacts(), Q1, SIGNUP_CALENDAR, at('2027-02-15T12:00')).recidive;
    // Closed in Q1 and not withdrawn: residents 1, 2, 3, 4, 7, 8, 9. Closed by 15 February 2026: 1, 2, 3, 8.
    expect(r).toMatchObject({ closed: 7, base6: 7, returned6: 2, base12: 4, returned12: 2, share12: 0.5 });
    expect(r.share6).toBeCloseTo(2 / 7, 10);
  });

  it('leaves out closures too recent to judge', () => {
    const r = computeFigures(recidiveFacts(), Q1, SIGNUP_CALENDAR, at('2026-08-01T12:00')).recidive;
    // Six months before now: 1 February 2026 12:00, so residents 1, 2 and 3 (closed 10:00).
    expect(r).toEqual({ closed: 7, base6: 3, returned6: 1, share6: 1 / 3, base12: 0, returned12: 0, share12: null });
  });

  it('counts the returning sign-ups of the period', () => {
    const f: Figures = computeFigures(recidiveFacts(), Q1, SIGNUP_CALENDAR, at('2027-02-15T12:00'));
    expect(f.returning).toBe(2); // residents 6 and 8
  });
});

describe('call-backs', () => {
  const urgent = (submitted: string, hours: number | null) =>
    fact({
      submittedAt: at(submitted),
      urgent: true,
      callbackRequestedAt: at(submitted),
      callbackDoneAt: hours === null ? null : new Date(at(submitted).getTime() + hours * 3_600_000),
    });
  const facts = [
    urgent('2026-03-02T10:00', 2),
    urgent('2026-03-03T10:00', 5),
    // 20:00 to 20:00 the next day across the start of summer time: 23 hours.
    fact({
      submittedAt: at('2026-03-28T20:00'),
      urgent: true,
      callbackRequestedAt: at('2026-03-28T20:00'),
      callbackDoneAt: at('2026-03-29T20:00'),
    }),
    urgent('2026-03-10T10:00', 30),
    urgent('2026-03-11T10:00', null),
    urgent('2026-03-12T10:00', null),
    urgent('2026-02-27T10:00', 1), // signed up in February
    fact({ submittedAt: at('2026-03-15T10:00'), callbackRequestedAt: at('2026-03-15T10:00') }),
    fact({
      submittedAt: at('2026-02-27T10:00'),
      callbackRequestedAt: at('2026-02-27T10:00'),
      callbackDoneAt: at('2026-03-02T10:00'),
    }),
  ];

  it('count requests and call-backs, and how fast urgent sign-ups were called', () => {
    expect(computeFigures(facts, MARCH, SIGNUP_CALENDAR, NOW).callbacks).toEqual({
      requested: 7,
      done: 4,
      urgent: 6,
      urgentCalled: 4,
      urgentMedianHours: 14, // [2, 5, 23, 30]
      urgentWithin24: 3,
      urgentWithin24share: 0.5,
    });
  });
});

describe('speed', () => {
  it('computes five years of a municipality (the time is printed; the bench holds the target)', () => {
    const facts = [];
    const day = 86_400_000;
    for (let i = 0; i < 60_000; i += 1) {
      const ms = Date.parse('2022-01-01T08:00:00Z') + i * 2_600_000;
      facts.push(
        fact({
          residentId: i % 40_000,
          submittedAt: new Date(ms),
          channel: (['online', 'referrer', 'phone', 'walkin'] as const)[i % 4]!,
          callbackDoneAt: i % 3 ? null : new Date(ms + (i % 5) * day),
          firstConversationAt: new Date(ms + (i % 40) * day),
          planAt: new Date(ms + (i % 50) * day),
          closedAt: new Date(ms + (i % 90) * day),
          noShowsAt: i % 7 ? [] : [new Date(ms)],
        }),
      );
    }
    const period = { from: at('2022-01-01T00:00'), to: at('2027-01-01T00:00') };
    // Warm up on a small part (compiling the code), then time the whole.
    computeFigures(facts.slice(0, 2000), period, { from: 'contact', days: 'working' }, at('2027-06-01T12:00'));
    const t0 = performance.now();
    const f = computeFigures(facts, period, { from: 'contact', days: 'working' }, at('2027-06-01T12:00'));
    const ms = performance.now() - t0;
    // Printed, not asserted: timing belongs to the bench (test/bench), the machines are noisy.
    console.info(`computeFigures: 60,000 requests over 5 years in ${ms.toFixed(0)} ms`);
    expect(f.inflow.total).toBe(60_000);
  });
});
