// The daily note of each team's free capacity (for "the first free moment over time" in the
// figures): written by the periodic jobs once per team per local day, with the first free time a
// resident would be offered and the free slots in the next 14 days and up to the horizon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeTeam } from '../helpers/fixtures.js';
import { makeLogin } from '../helpers/staff.js';
import { noteCapacity } from '../../src/features/figures/snapshots.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();

describe('daily capacity notes', () => {
  let t: TestApp;
  let now = at('2026-11-24T10:00');
  let team: number;
  let empty: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => now });
    team = (await makeTeam(t.app.db)).id;
    empty = (await makeTeam(t.app.db)).id;
    const a = await makeLogin(t.app, team, 'coach');
    const b = await makeLogin(t.app, team, 'coach');
    // Bookable from the next working day (min notice 1): 26 Nov (within 14 days), 10 and 14 Dec (after).
    for (const [start, end] of [
      ['2026-11-24T13:00', '2026-11-24T16:00'],
      ['2026-11-26T09:00', '2026-11-26T12:00'],
      ['2026-12-10T09:00', '2026-12-10T12:00'],
      ['2026-12-14T09:00', '2026-12-14T12:00'],
    ] as const)
      await makeBlock(t.app.db, { teamId: team, start: at(start), end: at(end), coachIds: [a.id, b.id] });
  });
  afterAll(async () => t.close());

  const notes = () => t.app.db.selectFrom('capacity_snapshot').selectAll().orderBy('day').orderBy('team_id').execute();

  it('notes every team once a day, through the periodic jobs', async () => {
    expect((await t.app.jobs.runOnce()).capacityNotes).toBe(2);
    const rows = await notes();
    expect(rows.map((r) => [r.team_id, r.day])).toEqual([
      [team, '2026-11-24'],
      [empty, '2026-11-24'],
    ]);
    const own = rows.find((r) => r.team_id === team)!;
    // Today's block is before the minimum notice: the first free time is 26 November, 09:00.
    expect(own.first_free_at).toEqual(at('2026-11-26T09:00'));
    // Two slots per 3-hour block (60 min + 30 min travel); 14 Dec ends after the 14 days (8 Dec 23:59).
    expect(own.free_soon).toBe(2);
    expect(own.free_ahead).toBe(6);
    expect(rows.find((r) => r.team_id === empty)).toMatchObject({ first_free_at: null, free_soon: 0, free_ahead: 0 });
    // The same day again: nothing new, the first note stays.
    now = at('2026-11-24T23:30');
    expect(await noteCapacity(t.app.db, now)).toBe(0);
    expect(await notes()).toHaveLength(2);
  });

  it('notes the next local day, also when that day starts before midnight UTC', async () => {
    now = at('2026-11-25T00:10');
    expect(await noteCapacity(t.app.db, now)).toBe(2);
    const rows = (await notes()).filter((r) => r.day === '2026-11-25');
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.team_id === team)!.first_free_at).toEqual(at('2026-11-26T09:00'));
  });
});
