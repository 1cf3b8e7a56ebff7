// The one rule "may this time be booked" (core/booking-rule.ts), on the real database: the block
// must be the team's and active, the time one of its slots, and inside the booking window for a
// resident's choice or simply later than now when staff move appointments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { lockSlot, type SlotRequest } from '../../src/core/booking-rule.js';
import type { Team } from '../../src/db/schema.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00'); // a Tuesday
/** How a refused time looks: the catalogue's KT_SLOT_UNAVAILABLE (src/errors.ts). */
const UNAVAILABLE = { code: 'KT_SLOT_UNAVAILABLE' };

describe('the booking rule', () => {
  let t: TestApp;
  let team: Team;
  let other: Team;
  let nextWeek: number;
  let today: number;
  let cancelled: number;
  let othersBlock: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    team = await makeTeam(t.app.db, { from: '7101AA', to: '7101ZZ' });
    other = await makeTeam(t.app.db, { from: '7102AA', to: '7102ZZ' });
    const [a, b, c] = [
      await makeStaff(t.app.db, team.id),
      await makeStaff(t.app.db, team.id),
      await makeStaff(t.app.db, other.id),
    ];
    // 09:00–17:00, 60-minute slots with 30 minutes between: 09:00, 10:30, 12:00, 13:30, 15:00.
    nextWeek = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-12-01T09:00'),
      end: at('2026-12-01T17:00'),
      coachIds: [a.id, b.id],
    });
    today = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-11-24T09:00'),
      end: at('2026-11-24T17:00'),
      coachIds: [a.id, b.id],
    });
    cancelled = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-12-02T09:00'),
      end: at('2026-12-02T17:00'),
      coachIds: [a.id, b.id],
    });
    await t.app.db.updateTable('block').set({ status: 'cancelled' }).where('id', '=', cancelled).execute();
    othersBlock = await makeBlock(t.app.db, {
      teamId: other.id,
      start: at('2026-12-01T09:00'),
      end: at('2026-12-01T17:00'),
      coachIds: [c.id],
      solo: true,
    });
  });
  afterAll(async () => t?.close());

  const check = (r: Partial<SlotRequest> & Pick<SlotRequest, 'blockId' | 'start'>) =>
    t.app.db.transaction().execute((trx) => lockSlot(trx, { teamId: team.id, now: NOW, window: team, ...r }));

  it('gives the slot for a time the resident may choose', async () => {
    const slot = await check({ blockId: nextWeek, start: at('2026-12-01T10:30') });
    expect(slot).toMatchObject({ blockId: nextWeek, start: at('2026-12-01T10:30'), end: at('2026-12-01T11:30') });
  });

  it('refuses a time that is not one of the block’s slots, another team’s block, a cancelled block, an unknown block', async () => {
    await expect(check({ blockId: nextWeek, start: at('2026-12-01T10:00') })).rejects.toMatchObject(UNAVAILABLE);
    await expect(check({ blockId: othersBlock, start: at('2026-12-01T09:00') })).rejects.toMatchObject(UNAVAILABLE);
    await expect(check({ blockId: cancelled, start: at('2026-12-02T09:00') })).rejects.toMatchObject(UNAVAILABLE);
    await expect(check({ blockId: 987654, start: at('2026-12-01T09:00') })).rejects.toMatchObject(UNAVAILABLE);
  });

  it('keeps residents inside the booking window, and staff only after now', async () => {
    // Later today: too soon for a resident (minimum notice), fine for staff moving someone.
    await expect(check({ blockId: today, start: at('2026-11-24T13:30') })).rejects.toMatchObject(UNAVAILABLE);
    expect((await check({ blockId: today, start: at('2026-11-24T13:30'), window: 'from-now' })).blockId).toBe(today);
    // Already begun: refused for both.
    await expect(check({ blockId: today, start: at('2026-11-24T09:00'), window: 'from-now' })).rejects.toMatchObject(
      UNAVAILABLE,
    );
  });

  it('refuses a block that is being emptied in the same step', async () => {
    await expect(
      check({ blockId: nextWeek, start: at('2026-12-01T12:00'), window: 'from-now', excluded: new Set([nextWeek]) }),
    ).rejects.toMatchObject(UNAVAILABLE);
  });
});
