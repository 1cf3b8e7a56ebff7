// Free times kept in memory and patched per block (src/core/availability.ts): after any sequence
// of bookings, cancels, block moves, new and cancelled blocks, coaches deactivated or moved, all
// written by another connection (on the server: another pool, as another portal process), the
// kept free times equal the ones computed from scratch, for the team and per coach; a block
// change reads only that block again; a change in one team never reads another team again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { teamFreeSlots } from '../../src/core/availability.js';
import { feedOf, type ChangeFeed } from '../../src/db/changes.js';
import { openDatabase, type DbHandle } from '../../src/db/client.js';
import type { Database, Team } from '../../src/db/schema.js';
import type { Slot } from '../../src/domain/slots.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { makeBlock, makeRequest, makeStaff, makeTeam, newTokenHash } from '../helpers/fixtures.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');
const MINUTE = 60_000;

/** A small seeded random number generator: the same sequence on every run. */
function dice(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const keys = (slots: readonly Slot[]) =>
  slots.map((s) => `${s.blockId}@${s.start.toISOString()}-${s.end.toISOString()}`);

describe('free times patched per block', () => {
  let t: TestDb;
  let other: DbHandle | null = null;
  /** Where the changes are written: another pool on the server, the one connection when embedded. */
  let writer: Kysely<Database>;
  let feed: ChangeFeed;
  const heard: string[] = [];
  let oost: Team;
  let zuid: Team;
  let west: Team;
  let coaches: number[];
  let syncs = 0;
  let refused = 0;

  beforeAll(async () => {
    t = await createTestDb({ poolSize: 3 });
    if (t.url) other = await openDatabase({ kind: 'server', url: t.url, poolSize: 2 });
    writer = other?.db ?? t.db;
    feed = feedOf(t.db)!;
    const changed = feed.changed.bind(feed);
    feed.changed = (payload: string) => {
      heard.push(payload);
      changed(payload);
    };
    oost = await makeTeam(t.db, { name: 'Wijkteam Oost' });
    zuid = await makeTeam(t.db, { name: 'Wijkteam Zuid' });
    west = await makeTeam(t.db, { name: 'Wijkteam West' });
    coaches = [];
    for (let i = 0; i < 6; i++) coaches.push((await makeStaff(t.db, oost.id, { name: `Coach ${i}` })).id);
    for (let day = 1; day <= 12; day++) {
      const d = `2026-12-${String(day).padStart(2, '0')}`;
      for (let duo = 0; duo < 3; duo++) {
        await makeBlock(t.db, {
          teamId: oost.id,
          start: at(`${d}T09:00`),
          end: at(`${d}T13:00`),
          coachIds: [coaches[duo * 2]!, coaches[duo * 2 + 1]!],
        });
      }
    }
    const z = [await makeStaff(t.db, zuid.id), await makeStaff(t.db, zuid.id)];
    await makeBlock(t.db, {
      teamId: zuid.id,
      start: at('2026-12-02T09:00'),
      end: at('2026-12-02T12:00'),
      coachIds: z.map((c) => c.id),
    });
  });
  afterAll(async () => {
    await other?.close();
    await t.close();
  });

  /** Waits until this process heard every change the writer committed so far. */
  async function settle(): Promise<void> {
    const token = `sync-${++syncs}`;
    await sql`select pg_notify('kt_change', ${token})`.execute(writer);
    const started = Date.now();
    while (!heard.includes(token)) {
      if (Date.now() - started > 5_000) throw new Error('the change was not heard');
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** Computed from scratch: inside a transaction nothing is kept. */
  const fresh = (team: Team, coachId?: number) =>
    t.db.transaction().execute((trx) => teamFreeSlots(trx, team, NOW, coachId === undefined ? {} : { coachId }));

  async function expectKeptEqualsFresh(): Promise<void> {
    expect(keys(await teamFreeSlots(t.db, oost, NOW))).toEqual(keys(await fresh(oost)));
    for (const c of coaches.slice(0, 3)) {
      expect(keys(await teamFreeSlots(t.db, oost, NOW, { coachId: c }))).toEqual(keys(await fresh(oost, c)));
    }
  }

  const blocksOf = async (teamId: number) =>
    (await writer.selectFrom('block').select('id').where('team_id', '=', teamId).execute()).map((b) => b.id);
  const booked = async () =>
    writer
      .selectFrom('appointment')
      .innerJoin('block', 'block.id', 'appointment.block_id')
      .select(['appointment.id', 'appointment.block_id'])
      .where('block.team_id', '=', oost.id)
      .where('appointment.status', '=', 'booked')
      .orderBy('appointment.id')
      .execute();

  async function book(r: ReturnType<typeof dice>): Promise<void> {
    const free = await fresh(oost);
    if (free.length === 0) return;
    const slot = r.pick(free);
    const request = await makeRequest(writer, oost.id);
    await writer
      .insertInto('appointment')
      .values({
        request_id: request.id,
        block_id: slot.blockId,
        starts_at: slot.start,
        ends_at: slot.end,
        manage_token_hash: newTokenHash(),
      })
      .execute();
  }

  /** One random change to team Oost, written by the writer; one the database refuses changes nothing. */
  async function randomChange(r: ReturnType<typeof dice>): Promise<void> {
    const kind = r.pick(['book', 'book', 'book', 'cancel', 'cancel-two', 'move', 'new', 'drop', 'coach', 'team']);
    const appointments = await booked();
    const blockIds = await blocksOf(oost.id);
    const coach = r.pick(coaches);
    const shift = `${r.pick([-60, -30, 30, 60])} minutes`;
    const change: Record<string, () => Promise<unknown>> = {
      book: () => book(r),
      cancel: async () => {
        if (appointments.length === 0) return;
        const a = r.pick(appointments);
        await writer.updateTable('appointment').set({ status: 'cancelled' }).where('id', '=', a.id).execute();
      },
      // One statement for the appointments of two blocks.
      'cancel-two': () =>
        writer
          .updateTable('appointment')
          .set({ status: 'cancelled' })
          .where('block_id', 'in', [r.pick(blockIds), r.pick(blockIds)])
          .where('status', '=', 'booked')
          .execute(),
      move: () =>
        sql`update block set starts_at = starts_at + ${shift}::interval, ends_at = ends_at + ${shift}::interval
          where id = ${r.pick(blockIds)}`.execute(writer),
      new: () => {
        const start = at(`2026-12-${String(1 + Math.floor(r.next() * 12)).padStart(2, '0')}T14:00`);
        const i = Math.floor(r.next() * 3) * 2;
        return makeBlock(writer, {
          teamId: oost.id,
          start,
          end: new Date(start.getTime() + 180 * MINUTE),
          coachIds: [coaches[i]!, coaches[i + 1]!],
        });
      },
      drop: () => writer.updateTable('block').set({ status: 'cancelled' }).where('id', '=', r.pick(blockIds)).execute(),
      coach: () =>
        sql`update staff_user set active = not active where id = ${coach} and role = 'coach'`.execute(writer),
      // A coach moves to team West and back: their blocks in Oost are not offered meanwhile.
      team: () =>
        sql`update staff_user set team_id = case when team_id = ${oost.id} then ${west.id} else ${oost.id} end
          where id = ${coach}`.execute(writer),
    };
    try {
      await change[kind]!();
    } catch {
      // Refused by a constraint (a coach in two places, an appointment outside its block).
      refused += 1;
    }
  }

  it('keeps the same free times as computed from scratch after any sequence of changes', async () => {
    const r = dice(20261201);
    await expectKeptEqualsFresh();
    const zuidKept = await teamFreeSlots(t.db, zuid, NOW);
    const patchesBefore = feed.patches;
    for (let step = 0; step < 80; step++) {
      await randomChange(r);
      await settle();
      await expectKeptEqualsFresh();
    }
    // Most changes named their blocks: read by patching, not from scratch.
    expect(feed.patches - patchesBefore).toBeGreaterThan(20);
    expect(refused).toBeLessThan(40);
    // Nothing in Zuid changed: its kept free times are the very same list.
    expect(await teamFreeSlots(t.db, zuid, NOW)).toBe(zuidKept);
  });

  it('offers a coach’s new block in that coach’s free times at once', async () => {
    // Every coach back in the team and active, whatever the random changes left.
    await writer.updateTable('staff_user').set({ active: true, team_id: oost.id }).where('id', 'in', coaches).execute();
    await settle();
    const before = await teamFreeSlots(t.db, oost, NOW, { coachId: coaches[0]! });
    const id = await makeBlock(writer, {
      teamId: oost.id,
      start: at('2026-12-14T14:00'),
      end: at('2026-12-14T17:00'),
      coachIds: [coaches[0]!, coaches[1]!],
    });
    await settle();
    const after = await teamFreeSlots(t.db, oost, NOW, { coachId: coaches[0]! });
    expect(after.filter((s) => s.blockId === id)).toHaveLength(2);
    expect(after.length).toBe(before.length + 2);
    expect(keys(after)).toEqual(keys(await fresh(oost, coaches[0]!)));
    expect(await teamFreeSlots(t.db, oost, NOW, { coachId: coaches[2]! })).not.toContainEqual(after[0]);
  });

  it('reads only the booked block again, and never another team', async () => {
    const kept = await teamFreeSlots(t.db, oost, NOW);
    const zuidKept = await teamFreeSlots(t.db, zuid, NOW);
    const [patches, misses] = [feed.patches, feed.misses];
    const before = heard.length;
    await book(dice(7));
    await settle();
    const booking = heard.slice(before).filter((p) => !p.startsWith('sync-'));
    // The notification names the team and the one block.
    expect(booking).toHaveLength(1);
    expect(booking[0]).toMatch(new RegExp(`^${oost.id}:\\d+$`));
    const after = await teamFreeSlots(t.db, oost, NOW);
    expect(feed.patches - patches).toBe(1);
    expect(feed.misses - misses).toBe(1);
    expect(after.length).toBe(kept.length - 1);
    // Every other block's times are the very same objects as before.
    const blockId = Number(booking[0]!.split(':')[1]);
    const othersBefore = kept.filter((s) => s.blockId !== blockId);
    expect(after.filter((s) => s.blockId !== blockId).every((s, i) => s === othersBefore[i])).toBe(true);
    expect(await teamFreeSlots(t.db, zuid, NOW)).toBe(zuidKept);
    expect(feed.misses - misses).toBe(1);
    expect(Object.isFrozen(after)).toBe(true);
  });
});
