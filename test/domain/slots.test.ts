// Pure unit tests of the calendar logic: slots cut from blocks, free slots, keys, and the
// booking window, all in Europe/Amsterdam, including the two days a year the clocks change.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  bySlotOrder,
  cutSlots,
  distinctTimes,
  freeInBlock,
  freeSlots,
  mergeSlots,
  groupByDay,
  nearest,
  overlaps,
  parseSlotKey,
  slotKey,
  type BlockForSlots,
  type Busy,
  type Slot,
} from '../../src/domain/slots.js';
import { atLocal, earliestBookable, formatters, horizonEnd, isWeekend, local, ZONE } from '../../src/domain/time.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const utc = (iso: string) => new Date(iso);
/** Local wall-clock "HH:mm" of an instant, computed independently of the code under test. */
const hhmm = (d: Date) => DateTime.fromJSDate(d, { zone: 'Europe/Amsterdam' }).toFormat('HH:mm');

function block(fields: Partial<BlockForSlots> & { start: string; end: string }): BlockForSlots {
  return {
    id: fields.id ?? 1,
    starts_at: at(fields.start),
    ends_at: at(fields.end),
    slot_minutes: fields.slot_minutes ?? 60,
    buffer_minutes: fields.buffer_minutes ?? 30,
  };
}

const busy = (blockId: number, start: string, end: string): Busy => ({
  block_id: blockId,
  starts_at: at(start),
  ends_at: at(end),
});
const starts = (slots: Slot[]) => slots.map((s) => s.start.toISOString());
const slot = (blockId: number, start: string, minutes = 60): Slot => ({
  blockId,
  start: at(start),
  end: new Date(at(start).getTime() + minutes * 60_000),
});

describe('cutSlots', () => {
  it('cuts a block every slot length + travel buffer, while the conversation fits', () => {
    const slots = cutSlots(block({ id: 7, start: '2026-12-08T09:00', end: '2026-12-08T17:00' }));
    expect(slots.map((s) => hhmm(s.start))).toEqual(['09:00', '10:30', '12:00', '13:30', '15:00']);
    expect(slots.map((s) => hhmm(s.end))).toEqual(['10:00', '11:30', '13:00', '14:30', '16:00']);
    for (const s of slots) {
      expect(s.blockId).toBe(7);
      expect(s.end.getTime() - s.start.getTime()).toBe(60 * 60_000);
    }
  });

  it('takes the last slot only when it fits entirely, and allows it to end exactly at the block end', () => {
    // 09:00–12:00 with 60 + 30: 09:00, 10:30; 12:00 would end at 13:00.
    expect(cutSlots(block({ start: '2026-12-08T09:00', end: '2026-12-08T12:00' })).map((s) => hhmm(s.start))).toEqual([
      '09:00',
      '10:30',
    ]);
    // 09:00–11:30: the 10:30 slot ends exactly at 11:30 and fits.
    expect(cutSlots(block({ start: '2026-12-08T09:00', end: '2026-12-08T11:30' })).map((s) => hhmm(s.start))).toEqual([
      '09:00',
      '10:30',
    ]);
    // One minute shorter: it no longer fits.
    expect(cutSlots(block({ start: '2026-12-08T09:00', end: '2026-12-08T11:29' })).map((s) => hhmm(s.start))).toEqual([
      '09:00',
    ]);
  });

  it("uses the block's own slot length and buffer", () => {
    const b = block({ start: '2026-12-08T09:00', end: '2026-12-08T11:00', slot_minutes: 45, buffer_minutes: 15 });
    const slots = cutSlots(b);
    expect(slots.map((s) => `${hhmm(s.start)}-${hhmm(s.end)}`)).toEqual(['09:00-09:45', '10:00-10:45']);
    const noBuffer = cutSlots(block({ start: '2026-12-08T09:00', end: '2026-12-08T12:00', buffer_minutes: 0 }));
    expect(noBuffer.map((s) => `${hhmm(s.start)}-${hhmm(s.end)}`)).toEqual([
      '09:00-10:00',
      '10:00-11:00',
      '11:00-12:00',
    ]);
  });

  it('yields nothing for a block shorter than one conversation', () => {
    expect(cutSlots(block({ start: '2026-12-08T09:00', end: '2026-12-08T09:59' }))).toEqual([]);
  });

  describe('on the days the clocks change', () => {
    it('2026-10-25 (summer time ends): 09:00 and 10:30 local, in CET (UTC+1)', () => {
      const slots = cutSlots(block({ start: '2026-10-25T09:00', end: '2026-10-25T12:00' }));
      expect(starts(slots)).toEqual(['2026-10-25T08:00:00.000Z', '2026-10-25T09:30:00.000Z']);
      expect(slots.map((s) => s.end.toISOString())).toEqual(['2026-10-25T09:00:00.000Z', '2026-10-25T10:30:00.000Z']);
      const f = formatters('nl');
      expect(slots.map((s) => f.time(s.start))).toEqual(['09:00', '10:30']);
      expect(f.range(slots[0]!.start, slots[0]!.end)).toBe('zondag 25 oktober 2026, 09:00–10:00');
      expect(f.range(slots[1]!.start, slots[1]!.end)).toBe('zondag 25 oktober 2026, 10:30–11:30');
      expect(formatters('en').date(slots[0]!.start)).toBe('Sunday 25 October 2026');
      // The day before is still summer time: the same local time is an hour earlier in UTC.
      expect(cutSlots(block({ start: '2026-10-24T09:00', end: '2026-10-24T10:00' }))[0]!.start.toISOString()).toBe(
        '2026-10-24T07:00:00.000Z',
      );
    });

    it('2027-03-28 (summer time starts): 09:00 and 10:30 local, in CEST (UTC+2)', () => {
      const slots = cutSlots(block({ start: '2027-03-28T09:00', end: '2027-03-28T12:00' }));
      expect(starts(slots)).toEqual(['2027-03-28T07:00:00.000Z', '2027-03-28T08:30:00.000Z']);
      expect(slots.map((s) => s.end.toISOString())).toEqual(['2027-03-28T08:00:00.000Z', '2027-03-28T09:30:00.000Z']);
      const f = formatters('nl');
      expect(slots.map((s) => f.time(s.start))).toEqual(['09:00', '10:30']);
      expect(f.range(slots[0]!.start, slots[0]!.end)).toBe('zondag 28 maart 2027, 09:00–10:00');
      expect(f.date(slots[1]!.start)).toBe('zondag 28 maart 2027');
      expect(f.shortDate(slots[1]!.start)).toBe('zo 28 mrt');
      // The day before is still winter time.
      expect(cutSlots(block({ start: '2027-03-27T09:00', end: '2027-03-27T10:00' }))[0]!.start.toISOString()).toBe(
        '2027-03-27T08:00:00.000Z',
      );
    });

    it('steps in real minutes across the change itself, so every conversation lasts an hour', () => {
      // 01:00 CEST (23:00Z) to 05:00 CET (04:00Z): five real hours.
      const back = cutSlots(block({ start: '2026-10-25T01:00', end: '2026-10-25T05:00' }));
      expect(starts(back)).toEqual([
        '2026-10-24T23:00:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T02:00:00.000Z',
      ]);
      for (const s of back) expect(s.end.getTime() - s.start.getTime()).toBe(3600_000);
      // 01:00 CET (00:00Z) to 05:00 CEST (03:00Z): three real hours.
      const forward = cutSlots(block({ start: '2027-03-28T01:00', end: '2027-03-28T05:00' }));
      expect(starts(forward)).toEqual(['2027-03-28T00:00:00.000Z', '2027-03-28T01:30:00.000Z']);
      expect(forward.map((s) => formatters('nl').time(s.start))).toEqual(['01:00', '03:30']);
      for (const s of forward) expect(s.end.getTime() - s.start.getTime()).toBe(3600_000);
    });
  });
});

describe('freeSlots', () => {
  const b1 = block({ id: 1, start: '2026-12-08T09:00', end: '2026-12-08T12:00' }); // 09:00, 10:30
  const b2 = block({ id: 2, start: '2026-12-08T09:00', end: '2026-12-08T12:00' }); // 09:00, 10:30
  const from = at('2026-12-01T00:00');
  const to = at('2026-12-31T00:00');

  it('returns every slot when nothing is booked, sorted by time and then block', () => {
    const free = freeSlots([b2, b1], [], from, to);
    expect(free.map((s) => `${s.blockId}@${hhmm(s.start)}`)).toEqual(['1@09:00', '2@09:00', '1@10:30', '2@10:30']);
  });

  it('removes a slot overlapped by an appointment in the same block only', () => {
    const free = freeSlots([b1, b2], [busy(1, '2026-12-08T09:00', '2026-12-08T10:00')], from, to);
    expect(free.map((s) => `${s.blockId}@${hhmm(s.start)}`)).toEqual(['2@09:00', '1@10:30', '2@10:30']);
  });

  it('treats times as half-open: touching is not overlapping, one minute is', () => {
    const slots = (b: Busy) => freeSlots([b1], [b], from, to).map((s) => hhmm(s.start));
    // Ends exactly when the 09:00 slot starts / starts exactly when it ends: both slots stay free.
    expect(slots(busy(1, '2026-12-08T08:00', '2026-12-08T09:00'))).toEqual(['09:00', '10:30']);
    expect(slots(busy(1, '2026-12-08T10:00', '2026-12-08T10:30'))).toEqual(['09:00', '10:30']);
    // One minute into either side is an overlap.
    expect(slots(busy(1, '2026-12-08T08:00', '2026-12-08T09:01'))).toEqual(['10:30']);
    expect(slots(busy(1, '2026-12-08T09:59', '2026-12-08T10:31'))).toEqual([]);
    // An appointment inside the slot, or around it.
    expect(slots(busy(1, '2026-12-08T10:45', '2026-12-08T11:00'))).toEqual(['09:00']);
    expect(slots(busy(1, '2026-12-08T08:00', '2026-12-08T12:00'))).toEqual([]);
  });

  it('keeps only slots entirely inside the window [from, to]', () => {
    const free = (f: string, t: string) => freeSlots([b1], [], at(f), at(t)).map((s) => hhmm(s.start));
    expect(free('2026-12-08T09:00', '2026-12-08T12:00')).toEqual(['09:00', '10:30']);
    expect(free('2026-12-08T09:01', '2026-12-08T12:00')).toEqual(['10:30']);
    expect(free('2026-12-08T09:00', '2026-12-08T11:29')).toEqual(['09:00']);
    expect(free('2026-12-09T00:00', '2026-12-10T00:00')).toEqual([]);
  });

  it('overlaps() is symmetric in meaning and half-open', () => {
    const s = { start: at('2026-12-08T09:00'), end: at('2026-12-08T10:00') };
    expect(overlaps(s, { starts_at: at('2026-12-08T10:00'), ends_at: at('2026-12-08T11:00') })).toBe(false);
    expect(overlaps(s, { starts_at: at('2026-12-08T08:00'), ends_at: at('2026-12-08T09:00') })).toBe(false);
    expect(overlaps(s, { starts_at: at('2026-12-08T09:30'), ends_at: at('2026-12-08T09:45') })).toBe(true);
    expect(overlaps(s, { starts_at: at('2026-12-08T09:00'), ends_at: at('2026-12-08T10:00') })).toBe(true);
  });
});

describe('free slots per block, and merging sorted lists (the kept free times are patched with these)', () => {
  /** A small seeded random number generator: the same cases on every run. */
  function dice(seed: number) {
    let s = seed;
    return (n: number) => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s % n;
    };
  }
  /** The rule as written first: every cut slot inside the window that no appointment overlaps. */
  const byTheRule = (blocks: BlockForSlots[], taken: Busy[], from: Date, to: Date) =>
    blocks
      .flatMap((b) =>
        cutSlots(b).filter(
          (x) => x.start >= from && x.end <= to && !taken.some((t) => t.block_id === b.id && overlaps(x, t)),
        ),
      )
      .sort(bySlotOrder);

  it('gives the same free slots as the rule, for random blocks, appointments and windows', () => {
    const roll = dice(42);
    for (let round = 0; round < 200; round++) {
      const blocks: BlockForSlots[] = [];
      const taken: Busy[] = [];
      for (let id = 1; id <= 1 + roll(6); id++) {
        const start = at('2026-12-07T08:00').getTime() + roll(5) * 86_400_000 + roll(16) * 900_000;
        blocks.push({
          id,
          starts_at: new Date(start),
          ends_at: new Date(start + (30 + roll(300)) * 60_000),
          slot_minutes: 15 + roll(90),
          buffer_minutes: roll(45),
        });
        for (let k = roll(4); k > 0; k--) {
          const s = start + roll(300) * 60_000;
          taken.push({ block_id: id, starts_at: new Date(s), ends_at: new Date(s + (1 + roll(90)) * 60_000) });
        }
      }
      const from = new Date(at('2026-12-07T00:00').getTime() + roll(3) * 86_400_000 + roll(24) * 3_600_000);
      const to = new Date(from.getTime() + (1 + roll(5)) * 86_400_000);
      const expected = byTheRule(blocks, taken, from, to);
      expect(freeSlots(blocks, taken, from, to)).toEqual(expected);
      const perBlock = blocks.flatMap((b) =>
        freeInBlock(
          b,
          taken.filter((t) => t.block_id === b.id).map((t) => [t.starts_at.getTime(), t.ends_at.getTime()] as const),
          from.getTime(),
          to.getTime(),
        ),
      );
      expect(perBlock.sort(bySlotOrder)).toEqual(expected);
    }
  });

  it('merges two sorted lists into the one sorted list, by time and then block', () => {
    const roll = dice(7);
    for (let round = 0; round < 100; round++) {
      const slot = (): Slot => {
        const start = new Date(at('2026-12-07T09:00').getTime() + roll(20) * 1_800_000);
        return { blockId: 1 + roll(9), start, end: new Date(start.getTime() + 3_600_000) };
      };
      const a = Array.from({ length: roll(30) }, slot).sort(bySlotOrder);
      const b = Array.from({ length: roll(30) }, slot).sort(bySlotOrder);
      expect(mergeSlots(a, b)).toEqual([...a, ...b].sort(bySlotOrder));
    }
  });
});

describe('distinctTimes, groupByDay, nearest', () => {
  it('distinctTimes keeps one slot per start time: the first one (lowest block after sorting)', () => {
    const input = [
      slot(1, '2026-12-08T09:00'),
      slot(2, '2026-12-08T09:00'),
      slot(1, '2026-12-08T10:30'),
      slot(3, '2026-12-08T10:30'),
      slot(2, '2026-12-09T09:00'),
    ];
    expect(distinctTimes(input).map((s) => `${s.blockId}@${s.start.toISOString()}`)).toEqual([
      `1@${at('2026-12-08T09:00').toISOString()}`,
      `1@${at('2026-12-08T10:30').toISOString()}`,
      `2@${at('2026-12-09T09:00').toISOString()}`,
    ]);
    expect(distinctTimes([])).toEqual([]);
  });

  it('groupByDay groups by the local Amsterdam date, keeping order', () => {
    const input = [
      slot(1, '2026-12-08T09:00'),
      slot(1, '2026-12-08T23:30'), // 22:30Z, still the 8th locally
      slot(1, '2026-12-09T00:30'), // 23:30Z on the 8th in UTC, but the 9th in Amsterdam
      slot(1, '2026-12-10T09:00'),
    ];
    const days = groupByDay(input);
    expect(days.map((d) => d.date)).toEqual(['2026-12-08', '2026-12-09', '2026-12-10']);
    expect(days.map((d) => d.slots.length)).toEqual([2, 1, 1]);
    expect(days[1]!.slots[0]!.start.toISOString()).toBe('2026-12-08T23:30:00.000Z');
    expect(groupByDay([])).toEqual([]);
  });

  it('groupByDay puts slots around the clock change on the right local day', () => {
    const days = groupByDay(cutSlots(block({ start: '2026-10-25T01:00', end: '2026-10-25T05:00' })));
    expect(days.map((d) => [d.date, d.slots.length])).toEqual([['2026-10-25', 3]]);
  });

  it('nearest returns the n slots closest to the target, in time order, earlier first on a tie', () => {
    const free = ['09:00', '10:30', '12:00', '13:30', '15:00'].map((h) => slot(1, `2026-12-08T${h}`));
    const target = at('2026-12-08T10:30');
    // 09:00 and 12:00 are both 90 minutes away; 13:30 is 180 minutes away; 15:00 is 270.
    expect(
      nearest(
        free.filter((s) => hhmm(s.start) !== '10:30'),
        target,
        3,
      ).map((s) => hhmm(s.start)),
    ).toEqual(['09:00', '12:00', '13:30']);
    // Tie with room for one: the earlier one wins, whatever the input order.
    const reversed = free.filter((s) => hhmm(s.start) !== '10:30').reverse();
    expect(nearest(reversed, target, 1).map((s) => hhmm(s.start))).toEqual(['09:00']);
    expect(nearest(free, at('2026-12-08T14:50'), 2).map((s) => hhmm(s.start))).toEqual(['13:30', '15:00']);
    expect(nearest(free, target, 10)).toHaveLength(5);
    expect(nearest([], target, 3)).toEqual([]);
    // The input is not reordered.
    const shuffled = [free[4]!, free[0]!, free[2]!];
    nearest(shuffled, target, 2);
    expect(shuffled.map((s) => hhmm(s.start))).toEqual(['15:00', '09:00', '12:00']);
  });
});

describe('slotKey / parseSlotKey', () => {
  it('round-trips a slot through a form field', () => {
    for (const s of [
      slot(42, '2026-12-08T10:30'),
      slot(1, '2026-10-25T09:00'),
      slot(999_999_999, '2027-03-28T09:00'),
    ]) {
      const key = slotKey(s);
      expect(key).toBe(`${s.blockId}_${s.start.toISOString()}`);
      const back = parseSlotKey(key);
      expect(back).toEqual({ blockId: s.blockId, start: s.start });
      expect(slotKey(back!)).toBe(key);
    }
    expect(slotKey(slot(42, '2026-12-08T10:30'))).toBe('42_2026-12-08T09:30:00.000Z');
  });

  it.each([
    '',
    ' ',
    'abc',
    '42',
    '42_',
    '_2026-12-08T09:30:00.000Z',
    'x_2026-12-08T09:30:00.000Z',
    '-1_2026-12-08T09:30:00.000Z',
    '1.5_2026-12-08T09:30:00.000Z',
    '1234567890_2026-12-08T09:30:00.000Z', // block id longer than 9 digits
    '42_2026-12-08T09:30:00Z', // no milliseconds: not what slotKey writes
    '42_2026-12-08T09:30:00.000+01:00',
    '42_2026-12-08 09:30:00.000Z',
    '42_2026-12-08T09:30:00.000z',
    ' 42_2026-12-08T09:30:00.000Z',
    '42_2026-12-08T09:30:00.000Z ',
    '42_2026-12-08T09:30:00.000Z\n',
    '42_2026-13-08T09:30:00.000Z', // month 13
    '42_2026-12-08T25:30:00.000Z',
    '42_2026-12-08T09:60:00.000Z',
    '42_2026-12-32T09:30:00.000Z',
    "42_2026-12-08T09:30:00.000Z' or 1=1 --",
    '42-2026-12-08T09:30:00.000Z',
  ])('rejects %j', (key) => {
    expect(parseSlotKey(key)).toBeNull();
  });

  it('rejects impossible calendar dates instead of rolling them over', () => {
    expect(parseSlotKey('42_2026-02-30T09:30:00.000Z')).toBeNull();
    expect(parseSlotKey('42_2026-02-31T09:30:00.000Z')).toBeNull();
    expect(parseSlotKey('42_2026-12-08T24:00:00.000Z')).toBeNull();
  });
});

describe('booking window: earliestBookable and horizonEnd', () => {
  const iso = (d: DateTime) => d.toUTC().toISO();

  it('counts minimum notice in working days from the start of today', () => {
    // Tuesday 24 November 2026, 10:00.
    const tue = at('2026-11-24T10:00');
    expect(iso(earliestBookable(tue, 0))).toBe(iso(DateTime.fromISO('2026-11-24T00:00', { zone: ZONE })));
    expect(iso(earliestBookable(tue, 1))).toBe(iso(DateTime.fromISO('2026-11-25T00:00', { zone: ZONE })));
    expect(iso(earliestBookable(tue, 3))).toBe(iso(DateTime.fromISO('2026-11-27T00:00', { zone: ZONE })));
    expect(earliestBookable(tue, 1).zoneName).toBe(ZONE);
  });

  it('skips the weekend', () => {
    const fri = at('2026-11-27T16:30');
    expect(earliestBookable(fri, 1).toISODate()).toBe('2026-11-30'); // Monday
    expect(earliestBookable(fri, 2).toISODate()).toBe('2026-12-01'); // Tuesday
    expect(earliestBookable(fri, 6).toISODate()).toBe('2026-12-07'); // the Monday after, over two weekends
    expect(earliestBookable(at('2026-11-28T09:00'), 1).toISODate()).toBe('2026-11-30'); // Saturday -> Monday
    expect(earliestBookable(at('2026-11-29T23:59'), 1).toISODate()).toBe('2026-11-30'); // Sunday -> Monday
    expect(earliestBookable(at('2026-11-29T23:59'), 5).toISODate()).toBe('2026-12-04'); // Sunday -> Friday
    expect(earliestBookable(at('2026-11-26T12:00'), 2).toISODate()).toBe('2026-11-30'); // Thursday -> Monday
  });

  it('uses the Amsterdam day, not the UTC day, late in the evening', () => {
    // 23:30 local on Monday 30 November is 22:30Z on the same day; 00:30 local on Tuesday is still
    // Monday in UTC. Notice is counted from the local day.
    expect(earliestBookable(at('2026-12-01T00:30'), 1).toISODate()).toBe('2026-12-02');
    expect(earliestBookable(at('2026-11-30T23:30'), 1).toISODate()).toBe('2026-12-01');
  });

  it('lands on local midnight across a clock change', () => {
    // Friday 23 October 2026 + 1 working day = Monday 26 October, after summer time ended: CET.
    expect(earliestBookable(at('2026-10-23T10:00'), 1).toUTC().toISO()).toBe('2026-10-25T23:00:00.000Z');
    // Friday 26 March 2027 + 1 = Monday 29 March, after summer time started: CEST.
    expect(earliestBookable(at('2027-03-26T10:00'), 1).toUTC().toISO()).toBe('2027-03-28T22:00:00.000Z');
  });

  it('horizonEnd is the end of the local day `days` calendar days ahead (weekends count)', () => {
    expect(horizonEnd(at('2026-11-24T10:00'), 21).toUTC().toISO()).toBe('2026-12-15T22:59:59.999Z');
    expect(horizonEnd(at('2026-11-28T10:00'), 1).toISODate()).toBe('2026-11-29'); // Saturday + 1 = Sunday
    expect(horizonEnd(at('2026-11-24T00:00'), 0).toUTC().toISO()).toBe('2026-11-24T22:59:59.999Z');
    // Across the clock changes: the end of the local day in the offset of that day.
    expect(horizonEnd(at('2026-10-20T10:00'), 10).toUTC().toISO()).toBe('2026-10-30T22:59:59.999Z');
    expect(horizonEnd(at('2027-03-25T10:00'), 5).toUTC().toISO()).toBe('2027-03-30T21:59:59.999Z');
    expect(horizonEnd(at('2026-10-24T10:00'), 1).toUTC().toISO()).toBe('2026-10-25T22:59:59.999Z'); // a 25-hour day
  });

  it('a block on a clock-change day is inside a window computed around it', () => {
    const now = at('2026-10-22T12:00'); // Thursday
    const from = earliestBookable(now, 1).toJSDate(); // Friday 23 Oct
    const to = horizonEnd(now, 3).toJSDate(); // end of Sunday 25 Oct
    const free = freeSlots([block({ id: 5, start: '2026-10-25T09:00', end: '2026-10-25T12:00' })], [], from, to);
    expect(starts(free)).toEqual(['2026-10-25T08:00:00.000Z', '2026-10-25T09:30:00.000Z']);
    expect(
      freeSlots(
        [block({ id: 5, start: '2026-10-25T09:00', end: '2026-10-25T12:00' })],
        [],
        from,
        horizonEnd(now, 2).toJSDate(),
      ),
    ).toEqual([]);
  });
});

describe('time helpers', () => {
  it('local, atLocal and isWeekend work in Amsterdam time', () => {
    expect(atLocal('2026-10-25', '09:00').toUTC().toISO()).toBe('2026-10-25T08:00:00.000Z');
    expect(atLocal('2027-03-28', '09:00').toUTC().toISO()).toBe('2027-03-28T07:00:00.000Z');
    expect(local(utc('2026-10-25T08:00:00Z')).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-10-25 09:00');
    expect(local('2027-03-28T09:00').toUTC().toISO()).toBe('2027-03-28T07:00:00.000Z');
    expect(isWeekend(local('2026-11-28T12:00'))).toBe(true);
    expect(isWeekend(local('2026-11-29T12:00'))).toBe(true);
    expect(isWeekend(local('2026-11-30T12:00'))).toBe(false);
    // Sunday 23:30 UTC is already Monday in Amsterdam.
    expect(isWeekend(local(utc('2026-11-29T23:30:00Z')))).toBe(false);
  });

  it('formatters write Dutch and English texts in local time', () => {
    const s = at('2026-12-08T10:30');
    const e = at('2026-12-08T11:30');
    expect(formatters('nl').range(s, e)).toBe('dinsdag 8 december 2026, 10:30–11:30');
    expect(formatters('nl').shortDate(s)).toBe('di 8 dec');
    expect(formatters('en').range(s, e)).toBe('Tuesday 8 December 2026, 10:30–11:30');
    expect(formatters('nl').time(utc('2026-10-25T00:30:00Z'))).toBe('02:30'); // still CEST
    expect(formatters('nl').time(utc('2026-10-25T01:30:00Z'))).toBe('02:30'); // the repeated hour, CET
    expect(formatters('nl').time(utc('2027-03-28T01:00:00Z'))).toBe('03:00'); // 02:00 does not exist
  });
});
