// Reads kept in memory (src/db/changes.ts) against the real database: the database notifies each
// committed change to a team's calendar; a kept read is forgotten for that team only, at once in
// the process that wrote, within milliseconds in another one; a rolled-back write changes
// nothing, and reads inside a transaction always see the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { cachedRead, feedOf, ALL_TEAMS } from '../../src/db/changes.js';
import { openDatabase, type DbHandle } from '../../src/db/client.js';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';

const HOUR = 3_600_000;

describe('kept reads and the changes the database notifies', () => {
  let t: TestDb;
  let oost: number;
  let zuid: number;
  let blockOost: number;
  beforeAll(async () => {
    t = await createTestDb();
    oost = (await makeTeam(t.db, { name: 'Wijkteam Oost' })).id;
    zuid = (await makeTeam(t.db, { name: 'Wijkteam Zuid' })).id;
    const aylin = await makeStaff(t.db, oost, { name: 'Aylin Coach' });
    const bas = await makeStaff(t.db, oost, { name: 'Bas Coach' });
    const start = new Date('2026-12-01T09:00:00Z');
    blockOost = await makeBlock(t.db, {
      teamId: oost,
      start,
      end: new Date(start.getTime() + 3 * HOUR),
      coachIds: [aylin.id, bas.id],
    });
  });
  afterAll(async () => t.close());

  /** The blocks of a team, read through memory: the same array while kept, a new one when read again. */
  const blocksOf = (db: TestDb['db'], team: number) =>
    cachedRead(db, { scope: team, key: 'test:blocks' }, { ttlMs: 60_000 }, async () => {
      return db.selectFrom('block').select(['id', 'status']).where('team_id', '=', team).orderBy('id').execute();
    });

  it('keeps a read until a change to its own team is committed, and only that team’s', async () => {
    const first = await blocksOf(t.db, oost);
    const zuidFirst = await blocksOf(t.db, zuid);
    expect(await blocksOf(t.db, oost)).toBe(first);
    // Written by hand, outside a transaction: the database notifies it all the same.
    await sql`update block set status = 'cancelled' where id = ${blockOost}`.execute(t.db);
    const second = await blocksOf(t.db, oost);
    expect(second).not.toBe(first);
    expect(second.find((b) => b.id === blockOost)?.status).toBe('cancelled');
    // Another team's kept read was not touched.
    expect(await blocksOf(t.db, zuid)).toBe(zuidFirst);
    await t.db.updateTable('block').set({ status: 'active' }).where('id', '=', blockOost).execute();
  });

  it('forgets a team’s read when an appointment or a coach of its blocks changes', async () => {
    const before = await blocksOf(t.db, oost);
    await t.db.updateTable('block_coach').set({ active: true }).where('block_id', '=', blockOost).execute();
    const afterCoach = await blocksOf(t.db, oost);
    expect(afterCoach).not.toBe(before);
    await t.db.updateTable('staff_user').set({ name: 'Aylin de Coach' }).where('team_id', '=', oost).execute();
    expect(await blocksOf(t.db, oost)).not.toBe(afterCoach);
  });

  it('does not change for writes to other tables', async () => {
    const before = await blocksOf(t.db, oost);
    await t.db.insertInto('audit_event').values({ action: 'test', detail: '{}' }).execute();
    expect(await blocksOf(t.db, oost)).toBe(before);
  });

  it('forgets every team when the team tables change', async () => {
    const a = await blocksOf(t.db, oost);
    const b = await blocksOf(t.db, zuid);
    await t.db.updateTable('team').set({ phone: '026 111 1111' }).where('id', '=', zuid).execute();
    expect(await blocksOf(t.db, oost)).not.toBe(a);
    expect(await blocksOf(t.db, zuid)).not.toBe(b);
  });

  it('counts a transaction at its commit, and a rolled-back one never', async () => {
    const before = await blocksOf(t.db, oost);
    await t.db.transaction().execute(async (trx) => {
      await trx.updateTable('block').set({ status: 'cancelled' }).where('id', '=', blockOost).execute();
      // Not committed yet: others still see the kept read.
      expect(await blocksOf(t.db, oost)).toBe(before);
      // Inside the transaction, reads go to the database and see the transaction's own write.
      const inside = await blocksOf(trx, oost);
      expect(inside.find((b) => b.id === blockOost)?.status).toBe('cancelled');
    });
    // Read-your-writes: the commit has returned, so the next read is fresh.
    const after = await blocksOf(t.db, oost);
    expect(after.find((b) => b.id === blockOost)?.status).toBe('cancelled');

    await expect(
      t.db.transaction().execute(async (trx) => {
        await trx.updateTable('block').set({ status: 'active' }).where('id', '=', blockOost).execute();
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await blocksOf(t.db, oost)).toBe(after);
    await t.db.updateTable('block').set({ status: 'active' }).where('id', '=', blockOost).execute();
  });

  it('does not keep a read that a commit overtook, and shares one read between waiting callers', async () => {
    let slowReads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowRead = async () => {
      slowReads += 1;
      const rows = await t.db.selectFrom('block').select('status').where('id', '=', blockOost).execute();
      await gate;
      return rows;
    };
    const at = { scope: oost, key: 'test:slow' };
    const a = cachedRead(t.db, at, { ttlMs: 60_000 }, slowRead);
    const b = cachedRead(t.db, at, { ttlMs: 60_000 }, slowRead);
    // A change commits while the read is under way: its result may be from before the change.
    await t.db.updateTable('block').set({ status: 'active' }).where('id', '=', blockOost).execute();
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(slowReads).toBe(1);
    expect(rb).toBe(ra);
    const again = await cachedRead(t.db, at, { ttlMs: 60_000 }, async () => {
      slowReads += 1;
      return [];
    });
    expect(slowReads).toBe(2);
    expect(again).not.toBe(ra);
  });

  it('reads again after the time limit (a backstop), and when the kept value does not serve the question', async () => {
    let n = 0;
    const read = async () => ({ n: ++n, upTo: 10 * n });
    const at = { scope: ALL_TEAMS, key: 'test:ttl' };
    expect((await cachedRead(t.db, at, { ttlMs: 50 }, read)).n).toBe(1);
    expect((await cachedRead(t.db, at, { ttlMs: 50 }, read)).n).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect((await cachedRead(t.db, at, { ttlMs: 50 }, read)).n).toBe(2);
    const v = { scope: ALL_TEAMS, key: 'test:valid' };
    expect((await cachedRead(t.db, v, { ttlMs: 60_000, valid: (x) => x.upTo >= 5 }, read)).n).toBe(3);
    expect((await cachedRead(t.db, v, { ttlMs: 60_000, valid: (x) => x.upTo >= 45 }, read)).n).toBe(4);
  });

  describe.runIf(onServer)('with a second portal process on the same server', () => {
    let other: DbHandle;
    beforeAll(async () => {
      other = await openDatabase({ kind: 'server', url: t.url!, poolSize: 4 });
      // Its first connection listens once its LISTEN has run; until then nothing is kept.
      await other.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
      expect(feedOf(other.db)!.trusted).toBe(true);
    });
    afterAll(async () => other?.close());

    /** Waits (at most 2 s) until `check` holds. */
    async function within(check: () => Promise<boolean>): Promise<number> {
      const started = performance.now();
      while (!(await check())) {
        if (performance.now() - started > 2_000) throw new Error('not seen within 2 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      return performance.now() - started;
    }

    it('sees a change committed by the other process within milliseconds', async () => {
      const kept = await blocksOf(other.db, oost);
      expect(await blocksOf(other.db, oost)).toBe(kept);
      await t.db.updateTable('block').set({ status: 'cancelled' }).where('id', '=', blockOost).execute();
      await within(
        async () => (await blocksOf(other.db, oost)).find((b) => b.id === blockOost)?.status === 'cancelled',
      );
      await t.db.updateTable('block').set({ status: 'active' }).where('id', '=', blockOost).execute();
      await within(async () => (await blocksOf(other.db, oost)).find((b) => b.id === blockOost)?.status === 'active');
    });

    it('keeps nothing while no connection listens, and forgets everything once one does again', async () => {
      const feed = feedOf(other.db)!;
      await blocksOf(other.db, oost);
      expect(feed.trusted).toBe(true);
      // The server drops every connection of the other process (as in a restart or failover).
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`.execute(t.db);
      await within(async () => !feed.trusted);
      expect(feed.size).toBe(0);
      // A change while nobody listened is not lost: the next read goes to the database.
      await t.db.updateTable('block').set({ status: 'cancelled' }).where('id', '=', blockOost).execute();
      await within(async () => {
        try {
          return (await blocksOf(other.db, oost)).find((b) => b.id === blockOost)?.status === 'cancelled';
        } catch {
          return false;
        }
      });
      await within(async () => feed.trusted);
    });
  });
});
