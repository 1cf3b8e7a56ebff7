// What the change notifications say (migration 20261201T0900-change-scope) and reads kept as parts
// (cachedRead with `patch`, src/db/changes.ts): a write to blocks, their coaches or appointments
// names the team and the blocks; broader writes name the team or every team; a kept read made of
// parts is patched with exactly the parts changed since it was read, and a change heard while a
// read or patch is under way is never lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ALL_TEAMS, cachedRead, feedOf, parseChange, type ChangeFeed } from '../../src/db/changes.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';

const HOUR = 3_600_000;

describe('change notifications that name blocks, and reads kept as parts', () => {
  let t: TestDb;
  let feed: ChangeFeed;
  const heard: string[] = [];
  let oost: number;
  let zuid: number;
  let blocks: number[];
  let zuidBlock: number;
  let coach: number;

  beforeAll(async () => {
    t = await createTestDb();
    feed = feedOf(t.db)!;
    const changed = feed.changed.bind(feed);
    feed.changed = (payload: string) => {
      heard.push(payload);
      changed(payload);
    };
    oost = (await makeTeam(t.db)).id;
    zuid = (await makeTeam(t.db)).id;
    const a = await makeStaff(t.db, oost);
    const b = await makeStaff(t.db, oost);
    coach = a.id;
    blocks = [];
    for (let day = 0; day < 3; day++) {
      const start = new Date(Date.UTC(2026, 11, 1 + day, 8));
      blocks.push(
        await makeBlock(t.db, {
          teamId: oost,
          start,
          end: new Date(start.getTime() + 3 * HOUR),
          coachIds: [a.id, b.id],
        }),
      );
    }
    const z = [await makeStaff(t.db, zuid), await makeStaff(t.db, zuid)];
    const start = new Date(Date.UTC(2026, 11, 1, 8));
    zuidBlock = await makeBlock(t.db, {
      teamId: zuid,
      start,
      end: new Date(start.getTime() + 3 * HOUR),
      coachIds: z.map((c) => c.id),
    });
  });
  afterAll(async () => t.close());

  /** What the database notified for one write (one connection hears its own commit before it returns). */
  async function notified(write: () => Promise<unknown>): Promise<string[]> {
    const before = heard.length;
    await write();
    return [...new Set(heard.slice(before))].sort();
  }

  it('names the team and the blocks of a write to blocks, their coaches or appointments', async () => {
    const [b1, b2] = blocks as [number, number];
    expect(await notified(() => sql`update block set buffer_minutes = 30 where id = ${b1}`.execute(t.db))).toEqual([
      `${oost}:${b1}`,
    ]);
    // One statement, two teams: one notification per team, each with its own blocks.
    expect(
      await notified(() =>
        sql`update block set buffer_minutes = 30 where id in (${b1}, ${b2}, ${zuidBlock})`.execute(t.db),
      ),
    ).toEqual([`${oost}:${Math.min(b1, b2)},${Math.max(b1, b2)}`, `${zuid}:${zuidBlock}`].sort());
    expect(
      await notified(() => sql`update block_coach set active = true where block_id = ${b2}`.execute(t.db)),
    ).toEqual([`${oost}:${b2}`]);
    // A statement that changes no row says nothing.
    expect(await notified(() => sql`update block set buffer_minutes = 30 where id = -1`.execute(t.db))).toEqual([]);
  });

  it('names the team alone for a coach, and every team for the team tables', async () => {
    expect(await notified(() => sql`update staff_user set name = 'Aylin' where id = ${coach}`.execute(t.db))).toEqual([
      `${oost}`,
    ]);
    expect(await notified(() => sql`update team set phone = '026 000 0001' where id = ${zuid}`.execute(t.db))).toEqual([
      ALL_TEAMS,
    ]);
  });

  it('names the team alone when a statement touches more than 200 blocks', async () => {
    const got = await notified(() =>
      t.db.transaction().execute(async (trx) => {
        await sql`insert into block (team_id, starts_at, ends_at)
          select ${zuid}, d, d + interval '1 hour' from generate_series(timestamptz '2027-01-04 08:00Z', timestamptz '2027-01-04 08:00Z' + interval '210 days', interval '1 day') d`.execute(
          trx,
        );
      }),
    );
    expect(got).toEqual([`${zuid}`]);
  });

  it('reads a payload as a scope with its parts, or the whole scope', () => {
    expect(parseChange('12:3,45')).toEqual({ scope: '12', parts: [3, 45] });
    expect(parseChange('12')).toEqual({ scope: '12', parts: null });
    expect(parseChange('*')).toEqual({ scope: '*', parts: null });
    expect(parseChange('12:3,x')).toEqual({ scope: '12', parts: null });
  });

  describe('a read kept as parts', () => {
    let reads = 0;
    let patched: number[][] = [];
    let gate: Promise<void> | null = null;
    const read = async () => {
      reads += 1;
      await gate;
      return { reads, patches: 0 };
    };
    const keptRead = () =>
      cachedRead(
        t.db,
        { scope: oost, key: 'test:parts' },
        {
          ttlMs: 60_000,
          patch: async (v: { reads: number; patches: number }, parts) => {
            patched.push([...parts].sort((a, b) => a - b));
            await gate;
            return { ...v, patches: v.patches + 1 };
          },
        },
        read,
      );
    const touch = (id: number) => sql`update block set buffer_minutes = 30 where id = ${id}`.execute(t.db);
    const rename = () => sql`update staff_user set name = ${`Aylin ${reads}`} where id = ${coach}`.execute(t.db);

    it('is patched with the blocks changed since, while a plain kept read of the team is read again', async () => {
      const plain = () =>
        cachedRead(t.db, { scope: oost, key: 'test:plain' }, { ttlMs: 60_000 }, async () => ({ at: Math.random() }));
      const first = await keptRead();
      const plainFirst = await plain();
      expect(await keptRead()).toBe(first);
      await touch(blocks[0]!);
      await touch(blocks[2]!);
      patched = [];
      const second = await keptRead();
      expect(patched).toEqual([[blocks[0], blocks[2]].sort((a, b) => a! - b!)]);
      expect(second).toEqual({ reads: first.reads, patches: 1 });
      expect(await keptRead()).toBe(second);
      expect(await plain()).not.toBe(plainFirst);
      // A change to the whole team reads it again.
      await rename();
      const third = await keptRead();
      expect(third.reads).toBe(first.reads + 1);
      expect(third.patches).toBe(0);
    });

    it('patches again the blocks that changed while a patch was being read', async () => {
      await keptRead();
      await touch(blocks[0]!);
      patched = [];
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      const under = keptRead();
      await new Promise((r) => setTimeout(r, 5));
      // Committed while the patch reads: its result may not hold it.
      await touch(blocks[1]!);
      release();
      await under;
      gate = null;
      const after = await keptRead();
      expect(patched).toEqual([[blocks[0]], [blocks[1]]]);
      expect(await keptRead()).toBe(after);
    });

    it('does not keep a read that a change to the whole team overtook', async () => {
      await rename();
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      const under = keptRead();
      await new Promise((r) => setTimeout(r, 5));
      await rename();
      release();
      const overtaken = await under;
      gate = null;
      const again = await keptRead();
      expect(again).not.toBe(overtaken);
      expect(again.reads).toBe(overtaken.reads + 1);
      expect(feed.size).toBeGreaterThan(0);
    });
  });
});
