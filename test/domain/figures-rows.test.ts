// The figures as rows (the same for the page, the charts and every export), with small numbers
// suppressed; the periods they are computed over; sign-ups per month; and a text for every row.
import { describe, expect, it } from 'vitest';
import {
  computeFigures,
  customPeriod,
  FIGURE_GROUPS,
  FIGURE_KEYS,
  figureRows,
  monthlyInflow,
  periodOf,
  previousPeriod,
} from '../../src/domain/figures.js';
import type { FigureRow } from '../../src/domain/figures-model.js';
import { messages } from '../../src/core/i18n.js';
import { at, fact, waitingFacts } from './figures-facts.js';

const MARCH = periodOf('month', '2026-03-15');
const NOW = at('2026-06-01T12:00');
const DEF = { from: 'signup', days: 'calendar' } as const;
const iso = (d: Date) => d.toISOString();

describe('periods', () => {
  it('are whole local months, quarters and years', () => {
    expect(iso(MARCH.from)).toBe('2026-02-28T23:00:00.000Z');
    expect(iso(MARCH.to)).toBe('2026-03-31T22:00:00.000Z'); // 1 April, summer time
    const q4 = periodOf('quarter', '2026-11-30');
    expect([iso(q4.from), iso(q4.to)]).toEqual(['2026-09-30T22:00:00.000Z', '2026-12-31T23:00:00.000Z']);
    const year = periodOf('year', '2026-07-01');
    expect([iso(year.from), iso(year.to)]).toEqual(['2025-12-31T23:00:00.000Z', '2026-12-31T23:00:00.000Z']);
  });

  it('go back one month, quarter or year', () => {
    const feb = previousPeriod(MARCH, 'month');
    expect([iso(feb.from), iso(feb.to)]).toEqual(['2026-01-31T23:00:00.000Z', '2026-02-28T23:00:00.000Z']);
    const q4 = previousPeriod(periodOf('quarter', '2026-02-01'), 'quarter');
    expect([iso(q4.from), iso(q4.to)]).toEqual(['2025-09-30T22:00:00.000Z', '2025-12-31T23:00:00.000Z']);
    const y = previousPeriod(periodOf('year', '2026-02-01'), 'year');
    expect([iso(y.from), iso(y.to)]).toEqual(['2024-12-31T23:00:00.000Z', '2025-12-31T23:00:00.000Z']);
  });

  it('go back the same number of local days for chosen dates, also across a clock change', () => {
    const week = customPeriod('2026-10-26', '2026-11-01');
    expect([iso(week.from), iso(week.to)]).toEqual(['2026-10-25T23:00:00.000Z', '2026-11-01T23:00:00.000Z']);
    const before = previousPeriod(week, 'custom');
    // Monday 19 to Sunday 25 October: the clocks went back on the 25th, so 7 days are 169 hours.
    expect([iso(before.from), iso(before.to)]).toEqual(['2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    const oneDay = previousPeriod(customPeriod('2026-03-30', '2026-03-30'), 'custom');
    expect([iso(oneDay.from), iso(oneDay.to)]).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
  });
});

describe('figure rows', () => {
  const facts = waitingFacts();
  const current = computeFigures(facts, MARCH, DEF, NOW);
  const previous = computeFigures(facts, previousPeriod(MARCH, 'month'), DEF, NOW);
  const rows = figureRows(current, previous);
  const row = (key: string): FigureRow => rows.find((r) => r.key === key)!;

  it('list every figure once, in the fixed order of the groups', () => {
    expect(rows.map((r) => r.key)).toEqual(FIGURE_KEYS);
    expect(new Set(FIGURE_KEYS).size).toBe(FIGURE_KEYS.length);
    const groupOrder = rows.map((r) => FIGURE_GROUPS.indexOf(r.group as (typeof FIGURE_GROUPS)[number]));
    expect(groupOrder.every((g, i) => g >= 0 && (i === 0 || g >= groupOrder[i - 1]!))).toBe(true);
    expect(new Set(rows.map((r) => r.group))).toEqual(new Set(FIGURE_GROUPS));
    expect(rows[0]!.key).toBe('inflow.total');
  });

  it('show counts of 5 and more, and 0, with the previous period next to them', () => {
    // March: 10 sign-ups; February: 3 (27, 26 and 18 February) plus the one of 20 February.
    expect(row('inflow.total')).toEqual({
      key: 'inflow.total',
      group: 'inflow',
      unit: 'count',
      value: 10,
      suppressed: false,
      previous: null,
      previousSuppressed: true,
    });
    expect(row('waiting.n')).toMatchObject({ value: 10, suppressed: false, previous: null, previousSuppressed: true });
    expect(row('outcomes.referred_on')).toMatchObject({ value: 0, suppressed: false, previous: 0 });
    expect(row('waiting.within14')).toMatchObject({ value: 6, suppressed: false });
  });

  it('hide a count of 1 to 4', () => {
    expect(row('outcomes.solved')).toMatchObject({ value: null, suppressed: true });
    expect(row('outcomes.none')).toMatchObject({ value: null, suppressed: true });
    expect(row('waitingdist.0-7')).toMatchObject({
      value: null,
      suppressed: true,
      unit: 'count',
      group: 'waitingdist',
    });
    expect(row('waitingdist.29plus')).toMatchObject({ value: null, suppressed: true });
  });

  it('hide a median, percentile or share over 1 to 4, and leave it empty over none', () => {
    expect(row('waiting.median')).toMatchObject({ unit: 'days', value: 12, suppressed: false });
    expect(row('waiting.p80').value).toBeCloseTo(21.2, 10);
    expect(row('waiting.within14share')).toMatchObject({ unit: 'share', value: 0.6, suppressed: false });
    // February: one conversation (28 February, 23:30).
    expect(row('waiting.median')).toMatchObject({ previous: null, previousSuppressed: true });
    expect(row('waiting.within21share')).toMatchObject({ previous: null, previousSuppressed: true });
    // No plans at all: nothing to compute, nothing hidden.
    expect(row('leadtime.n')).toMatchObject({ value: 0, suppressed: false });
    expect(row('leadtime.median')).toMatchObject({ value: null, suppressed: false, previous: null });
    expect(row('leadtime.median').previousSuppressed).toBe(false);
    expect(row('callbacks.urgentMedianHours')).toMatchObject({ unit: 'hours', value: null, suppressed: false });
  });

  it('hide a share of 1 to 4 people, also over a larger base (it would give their count back)', () => {
    // Ten first conversations in March: two within 14 days, all ten within 21 days.
    const facts = Array.from({ length: 10 }, (_, i) =>
      fact({
        submittedAt: at('2026-03-01T09:00'),
        firstConversationAt: at(i < 2 ? '2026-03-10T09:00' : '2026-03-20T09:00'),
      }),
    );
    const r = figureRows(computeFigures(facts, MARCH, DEF, NOW), computeFigures([], MARCH, DEF, NOW));
    const get = (key: string) => r.find((x) => x.key === key)!;
    expect(get('waiting.within14')).toMatchObject({ value: null, suppressed: true });
    expect(get('waiting.within14share')).toMatchObject({ value: null, suppressed: true });
    expect(get('waiting.within21share')).toMatchObject({ value: 1, suppressed: false });
    expect(get('waiting.median')).toMatchObject({ value: 19, suppressed: false });
  });

  it('hide a share over a base of 1 to 4 in return after closure', () => {
    const closed = Array.from({ length: 3 }, (_, i) =>
      fact({ residentId: 500 + i, submittedAt: at('2025-12-01T10:00'), closedAt: at(`2026-01-0${i + 2}T10:00`) }),
    );
    const q1 = periodOf('quarter', '2026-01-01');
    const f = computeFigures(closed, q1, DEF, at('2027-06-01T12:00'));
    const r = figureRows(f, f).find((x) => x.key === 'recidive.share6')!;
    expect(f.recidive.share6).toBe(0);
    expect(r).toMatchObject({ value: null, suppressed: true, previous: null, previousSuppressed: true });
  });
});

describe('monthly inflow', () => {
  it('gives every month of the period and every channel, by local month', () => {
    const facts = [
      fact({ submittedAt: at('2026-02-28T23:30') }), // 22:30 UTC: still February
      fact({ submittedAt: at('2026-03-31T23:30'), channel: 'phone' }), // 21:30 UTC: March
      fact({ submittedAt: at('2026-03-02T10:00'), channel: 'referrer' }),
      fact({ submittedAt: at('2026-03-03T10:00'), returning: true }),
      fact({ submittedAt: at('2026-04-10T23:59') }),
      fact({ submittedAt: at('2026-04-11T00:00') }), // after the period
      fact({ submittedAt: at('2026-02-14T23:59') }), // before the period
    ];
    const months = monthlyInflow(facts, customPeriod('2026-02-15', '2026-04-10'));
    expect(months).toEqual([
      { month: '2026-02', channel: 'self', count: 1 },
      { month: '2026-02', channel: 'referrer', count: 0 },
      { month: '2026-02', channel: 'frontoffice', count: 0 },
      { month: '2026-02', channel: 'return', count: 0 },
      { month: '2026-03', channel: 'self', count: 0 },
      { month: '2026-03', channel: 'referrer', count: 1 },
      { month: '2026-03', channel: 'frontoffice', count: 1 },
      { month: '2026-03', channel: 'return', count: 1 },
      { month: '2026-04', channel: 'self', count: 1 },
      { month: '2026-04', channel: 'referrer', count: 0 },
      { month: '2026-04', channel: 'frontoffice', count: 0 },
      { month: '2026-04', channel: 'return', count: 0 },
    ]);
  });
});

describe('texts', () => {
  it('exist in Dutch and English for every row, group and definition choice', () => {
    const keys = [
      'figures.suppressed',
      'figures.suppressedNote',
      ...FIGURE_KEYS.map((k) => `figures.rows.${k}`),
      ...FIGURE_GROUPS.flatMap((g) => [`figures.groups.${g}`, `figures.definitions.${g}`]),
      ...['from.signup', 'from.contact', 'days.calendar', 'days.working'].flatMap((k) => [
        `figures.definition.${k}`,
        `figures.definitionHelp.${k}`,
      ]),
    ];
    for (const locale of ['nl', 'en'] as const) {
      expect(keys.filter((k) => !messages[locale].has(k))).toEqual([]);
    }
    // No texts for rows that do not exist.
    const rowTexts = [...messages.nl.keys()].filter((k) => k.startsWith('figures.rows.'));
    expect(rowTexts.sort()).toEqual(FIGURE_KEYS.map((k) => `figures.rows.${k}`).sort());
  });
});
