// Reads kept in memory (src/db/changes.ts) against the real database: a committed write to a
// watched table makes every kept read out of date, a write still in its transaction does not
// (and a rolled-back one never), and reads inside a transaction always see the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { cachedRead, watchOf, writesWatchedTable } from '../../src/db/changes.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { makeTeam } from '../helpers/fixtures.js';

describe('which statements change what the calendar is made of', () => {
  it('knows writes to blocks, coaches of blocks, appointments and teams, as Kysely and people write them', () => {
    for (const q of [
      'insert into "appointment" ("request_id") values ($1) returning "id"',
      'update "block" set "status" = $1 where "id" = $2',
      'delete from "block_coach" where "block_id" = $1',
      'insert into "team_area" ("team_id") values ($1)',
      'UPDATE team SET name = $1',
      'with moved as (update appointment set status = $1 returning id) select * from moved',
      'truncate table team_neighbour',
      'update public.appointment set mode = $1',
    ]) {
      expect(writesWatchedTable(q), q).toBe(true);
    }
  });

  it('ignores reads, locks and writes to other tables', () => {
    for (const q of [
      'select * from "appointment" where "block_id" = $1',
      'select "id" from "block" where "id" = $1 for update',
      'update "draft" set "data" = $1',
      'insert into "audit_event" ("action") values ($1)',
      'insert into "outbox_message" ("subject") values ($1)',
      'update "appointment_note" set x = 1',
      'insert into "blocklist" values (1)',
    ]) {
      expect(writesWatchedTable(q), q).toBe(false);
    }
  });
});

describe('kept reads on the database', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  const teamNames = () => t.db.selectFrom('team').select('name').orderBy('id').execute();
  const kept = () => cachedRead(t.db, 'test:teams', { ttlMs: 60_000 }, teamNames);

  it('keeps a read until a write to a watched table is committed', async () => {
    const team = await makeTeam(t.db, { name: 'Wijkteam Oost' });
    const first = await kept();
    expect(first.map((r) => r.name)).toContain('Wijkteam Oost');
    expect(await kept()).toBe(first);
    // A write outside a transaction: seen at once.
    await t.db.updateTable('team').set({ name: 'Wijkteam Oost-Arnhem' }).where('id', '=', team.id).execute();
    const second = await kept();
    expect(second).not.toBe(first);
    expect(second.map((r) => r.name)).toContain('Wijkteam Oost-Arnhem');
    // Raw SQL goes through the same client and counts too.
    await sql`update team set name = 'Wijkteam Oost (raw)' where id = ${team.id}`.execute(t.db);
    expect((await kept()).map((r) => r.name)).toContain('Wijkteam Oost (raw)');
  });

  it('does not change for writes to other tables', async () => {
    const before = await kept();
    await t.db.insertInto('audit_event').values({ action: 'test', detail: '{}' }).execute();
    expect(await kept()).toBe(before);
  });

  it('counts a transaction at its commit, and a rolled-back one never', async () => {
    const team = await makeTeam(t.db, { name: 'Wijkteam Zuid' });
    const watch = watchOf(t.db)!;
    const before = watch.version;
    await t.db.transaction().execute(async (trx) => {
      await trx.updateTable('team').set({ name: 'Wijkteam Zuid-Arnhem' }).where('id', '=', team.id).execute();
      expect(watch.version).toBe(before);
      // Inside the transaction, reads go to the database and see the transaction's own write.
      const inside = await cachedRead(trx, 'test:inside', { ttlMs: 60_000 }, () =>
        trx.selectFrom('team').select('name').where('id', '=', team.id).executeTakeFirstOrThrow(),
      );
      expect(inside.name).toBe('Wijkteam Zuid-Arnhem');
    });
    expect(watch.version).toBe(before + 1);
    expect((await kept()).map((r) => r.name)).toContain('Wijkteam Zuid-Arnhem');

    const rolledBack = watch.version;
    await expect(
      t.db.transaction().execute(async (trx) => {
        await trx.updateTable('team').set({ name: 'Nooit' }).where('id', '=', team.id).execute();
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(watch.version).toBe(rolledBack);
    expect((await kept()).map((r) => r.name)).not.toContain('Nooit');
  });

  it('does not keep a read that a commit overtook, and shares one read between waiting callers', async () => {
    let reads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowRead = async () => {
      reads += 1;
      const rows = await teamNames();
      await gate;
      return rows;
    };
    const a = cachedRead(t.db, 'test:slow', { ttlMs: 60_000 }, slowRead);
    const b = cachedRead(t.db, 'test:slow', { ttlMs: 60_000 }, slowRead);
    // A change commits while the read is under way: its result may be from before the change.
    await t.db.updateTable('team').set({ phone: '026 111 1111' }).execute();
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(reads).toBe(1);
    expect(rb).toBe(ra);
    const again = await cachedRead(t.db, 'test:slow', { ttlMs: 60_000 }, async () => {
      reads += 1;
      return teamNames();
    });
    expect(reads).toBe(2);
    expect(again).not.toBe(ra);
  });

  it('reads again after the time limit, for changes made by other processes', async () => {
    let reads = 0;
    const read = async () => ({ n: ++reads });
    expect((await cachedRead(t.db, 'test:ttl', { ttlMs: 50 }, read)).n).toBe(1);
    expect((await cachedRead(t.db, 'test:ttl', { ttlMs: 50 }, read)).n).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    expect((await cachedRead(t.db, 'test:ttl', { ttlMs: 50 }, read)).n).toBe(2);
  });

  it('reads again when the kept value does not serve the question', async () => {
    let reads = 0;
    const read = async () => ({ upTo: 10 * ++reads });
    expect((await cachedRead(t.db, 'test:valid', { ttlMs: 60_000, valid: (v) => v.upTo >= 5 }, read)).upTo).toBe(10);
    expect((await cachedRead(t.db, 'test:valid', { ttlMs: 60_000, valid: (v) => v.upTo >= 15 }, read)).upTo).toBe(20);
  });
});
