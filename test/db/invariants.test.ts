// Rules the database keeps by itself: a block's coaches hold the block's time, a booked
// appointment lies inside its block, and every foreign key column leads an index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { makeBlock, makeRequest, makeStaff, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { isConstraintViolation } from '../../src/errors.js';
import type { Database } from '../../src/db/schema.js';
import { migrateToLatest, migrationFolder } from '../../src/db/migrate.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();

async function periods(db: Kysely<Database>, blockId: number) {
  const r = await sql<{ coach_id: number; from: Date; to: Date }>`
    select coach_id, lower(period) as "from", upper(period) as "to" from block_coach where block_id = ${blockId} order by coach_id`.execute(
    db,
  );
  return r.rows.map((x) => ({
    coach_id: x.coach_id,
    from: new Date(x.from).toISOString(),
    to: new Date(x.to).toISOString(),
  }));
}

async function duo(db: Kysely<Database>, teamId: number): Promise<[number, number]> {
  return [(await makeStaff(db, teamId)).id, (await makeStaff(db, teamId)).id];
}

function book(db: Kysely<Database>, blockId: number, requestId: number, start: string, end: string) {
  return db
    .insertInto('appointment')
    .values({
      request_id: requestId,
      block_id: blockId,
      starts_at: at(start),
      ends_at: at(end),
      manage_token_hash: newTokenHash(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

describe(`database invariants (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  let teamId: number;
  beforeAll(async () => {
    t = await createTestDb();
    teamId = (await makeTeam(t.db)).id;
  });
  afterAll(async () => t.close());

  it('moves the coaches with their block, so the exclusion constraint sees the new time', async () => {
    const [a, b] = await duo(t.db, teamId);
    const block = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a, b],
    });
    // Only the block is written: the database moves block_coach along.
    await t.db
      .updateTable('block')
      .set({ starts_at: at('2026-12-08T13:00'), ends_at: at('2026-12-08T16:00') })
      .where('id', '=', block)
      .execute();
    const moved = { from: at('2026-12-08T13:00').toISOString(), to: at('2026-12-08T16:00').toISOString() };
    expect(await periods(t.db, block)).toEqual(
      [a, b].sort((x, y) => x - y).map((coach_id) => ({ coach_id, ...moved })),
    );

    // The morning is free again; the afternoon is taken.
    const c = (await makeStaff(t.db, teamId)).id;
    await expect(
      makeBlock(t.db, { teamId, start: at('2026-12-08T09:00'), end: at('2026-12-08T12:00'), coachIds: [a, c] }),
    ).resolves.toBeTypeOf('number');
    const err = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-08T15:00'),
      end: at('2026-12-08T17:00'),
      coachIds: [b, c],
    }).catch((e: unknown) => e);
    expect(isConstraintViolation(err, 'block_coach_no_overlap')).toBe(true);

    // Moving the block onto the coach's other block is refused by the same constraint.
    const back = await t.db
      .updateTable('block')
      .set({ starts_at: at('2026-12-08T11:00') })
      .where('id', '=', block)
      .execute()
      .catch((e: unknown) => e);
    expect(isConstraintViolation(back, 'block_coach_no_overlap')).toBe(true);
  });

  it('sets a coach row written with a wrong period to the block time', async () => {
    const [a, b] = await duo(t.db, teamId);
    const c = (await makeStaff(t.db, teamId)).id;
    const block = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-09T09:00'),
      end: at('2026-12-09T12:00'),
      coachIds: [a, b],
    });
    const expected = { from: at('2026-12-09T09:00').toISOString(), to: at('2026-12-09T12:00').toISOString() };
    await t.db
      .insertInto('block_coach')
      .values({ block_id: block, coach_id: c, period: '[2000-01-01T00:00Z,2000-01-01T01:00Z)', active: false })
      .execute();
    await t.db
      .updateTable('block_coach')
      .set({ period: '[2030-01-01T00:00Z,2030-01-01T01:00Z)' })
      .where('block_id', '=', block)
      .where('coach_id', '=', a)
      .execute();
    const rows = await periods(t.db, block);
    expect(rows.map(({ from, to }) => ({ from, to }))).toEqual([expected, expected, expected]);
    // A wrong period can therefore not hide a double booking of the coach.
    const other = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-09T11:00'),
      end: at('2026-12-09T13:00'),
      coachIds: [c],
      solo: true,
    });
    const err = await t.db
      .insertInto('block_coach')
      .values({ block_id: other, coach_id: a, period: '[2000-01-01T00:00Z,2000-01-01T01:00Z)' })
      .execute()
      .catch((e: unknown) => e);
    expect(isConstraintViolation(err, 'block_coach_no_overlap')).toBe(true);
  });

  it('refuses an appointment that does not lie inside its block', async () => {
    const block = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-10T09:00'),
      end: at('2026-12-10T12:00'),
      coachIds: await duo(t.db, teamId),
    });
    const other = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-10T13:00'),
      end: at('2026-12-10T15:00'),
      coachIds: await duo(t.db, teamId),
    });
    for (const [start, end] of [
      ['2026-12-10T08:30', '2026-12-10T09:30'],
      ['2026-12-10T11:30', '2026-12-10T12:30'],
      ['2026-12-10T13:00', '2026-12-10T14:00'],
    ] as const) {
      const err = await book(t.db, block, (await makeRequest(t.db, teamId)).id, start, end).catch((e: unknown) => e);
      expect(isConstraintViolation(err, 'appointment_within_block'), `${start}–${end}`).toBe(true);
    }
    // Edges touch: the first and the last hour fit.
    await book(t.db, block, (await makeRequest(t.db, teamId)).id, '2026-12-10T09:00', '2026-12-10T10:00');
    const { id } = await book(
      t.db,
      block,
      (await makeRequest(t.db, teamId)).id,
      '2026-12-10T11:00',
      '2026-12-10T12:00',
    );
    // Moving it later, or into another block at a time that block does not have, is refused too.
    const later = await t.db
      .updateTable('appointment')
      .set({ ends_at: at('2026-12-10T12:30') })
      .where('id', '=', id)
      .execute()
      .catch((e: unknown) => e);
    expect(isConstraintViolation(later, 'appointment_within_block')).toBe(true);
    const elsewhere = await t.db
      .updateTable('appointment')
      .set({ block_id: other })
      .where('id', '=', id)
      .execute()
      .catch((e: unknown) => e);
    expect(isConstraintViolation(elsewhere, 'appointment_within_block')).toBe(true);
    await t.db
      .updateTable('appointment')
      .set({ block_id: other, starts_at: at('2026-12-10T14:00'), ends_at: at('2026-12-10T15:00') })
      .where('id', '=', id)
      .execute();
  });

  it('refuses to shorten a block past a booked appointment, not past a cancelled one', async () => {
    const block = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-11T09:00'),
      end: at('2026-12-11T12:00'),
      coachIds: await duo(t.db, teamId),
    });
    await book(t.db, block, (await makeRequest(t.db, teamId)).id, '2026-12-11T09:00', '2026-12-11T10:00');
    const late = await book(t.db, block, (await makeRequest(t.db, teamId)).id, '2026-12-11T11:00', '2026-12-11T12:00');
    const shorten = (fields: { starts_at?: Date; ends_at?: Date }) =>
      t.db
        .updateTable('block')
        .set(fields)
        .where('id', '=', block)
        .execute()
        .catch((e: unknown) => e);
    expect(isConstraintViolation(await shorten({ ends_at: at('2026-12-11T11:30') }), 'appointment_within_block')).toBe(
      true,
    );
    expect(
      isConstraintViolation(await shorten({ starts_at: at('2026-12-11T09:30') }), 'appointment_within_block'),
    ).toBe(true);
    const row = await t.db
      .selectFrom('block')
      .select(['starts_at', 'ends_at'])
      .where('id', '=', block)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ starts_at: at('2026-12-11T09:00'), ends_at: at('2026-12-11T12:00') });

    // A cancelled appointment holds no time: the block may shrink past it.
    await t.db
      .updateTable('appointment')
      .set({ status: 'cancelled', cancelled_at: at('2026-12-01T09:00') })
      .where('id', '=', late.id)
      .execute();
    expect(await shorten({ ends_at: at('2026-12-11T11:00') })).not.toBeInstanceOf(Error);
    expect((await periods(t.db, block))[0]!.to).toBe(at('2026-12-11T11:00').toISOString());
    // ... but it cannot become booked again outside the block.
    const rebook = await t.db
      .updateTable('appointment')
      .set({ status: 'booked' })
      .where('id', '=', late.id)
      .execute()
      .catch((e: unknown) => e);
    expect(isConstraintViolation(rebook, 'appointment_within_block')).toBe(true);
  });

  it('lets a transaction move a block and its appointment together when it defers the check', async () => {
    const block = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-14T09:00'),
      end: at('2026-12-14T12:00'),
      coachIds: await duo(t.db, teamId),
    });
    const { id } = await book(
      t.db,
      block,
      (await makeRequest(t.db, teamId)).id,
      '2026-12-14T11:00',
      '2026-12-14T12:00',
    );
    await t.db.transaction().execute(async (trx) => {
      await sql`set constraints appointment_within_block deferred`.execute(trx);
      await trx
        .updateTable('block')
        .set({ starts_at: at('2026-12-14T13:00'), ends_at: at('2026-12-14T16:00') })
        .where('id', '=', block)
        .execute();
      await trx
        .updateTable('appointment')
        .set({ starts_at: at('2026-12-14T15:00'), ends_at: at('2026-12-14T16:00') })
        .where('id', '=', id)
        .execute();
    });
    // Deferred is checked at commit all the same.
    const err = await t.db
      .transaction()
      .execute(async (trx) => {
        await sql`set constraints appointment_within_block deferred`.execute(trx);
        await trx
          .updateTable('block')
          .set({ ends_at: at('2026-12-14T15:00') })
          .where('id', '=', block)
          .execute();
      })
      .catch((e: unknown) => e);
    expect(isConstraintViolation(err, 'appointment_within_block')).toBe(true);
  });

  it('gives every foreign key column an index it leads (partial indexes do not count)', async () => {
    const fks = await sql<{ table: string; column: string; indexed: boolean }>`
      select c.conrelid::regclass::text as "table", a.attname as "column",
        exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1] and i.indpred is null) as indexed
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace
      order by 1, 2`.execute(t.db);
    expect(fks.rows.length).toBeGreaterThan(20);
    expect(fks.rows.filter((r) => !r.indexed).map((r) => `${r.table}.${r.column}`)).toEqual([]);
  });
});

/** A migrator that can stop before a given migration, reading the same folder as the app. */
function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({
    db,
    provider: {
      async getMigrations() {
        const out: Record<string, Migration> = {};
        for (const file of readdirSync(migrationFolder)
          .filter((f) => f.endsWith('.ts'))
          .sort()) {
          out[file.replace(/\.ts$/, '')] = (await import(
            pathToFileURL(path.join(migrationFolder, file)).href
          )) as Migration;
        }
        return out;
      },
    },
  });
}

describe(`the invariants migration on existing rows (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ migrate: false });
  });
  afterAll(async () => t.close());

  it('brings drifted coach periods in line and stops at a booked appointment outside its block', async () => {
    const before = await migrator(t.db).migrateTo('20261130T1400-repeat-safe-posts');
    expect(before.error).toBeUndefined();
    const team = await makeTeam(t.db);
    const block = await makeBlock(t.db, {
      teamId: team.id,
      start: at('2026-12-15T09:00'),
      end: at('2026-12-15T12:00'),
      coachIds: await duo(t.db, team.id),
    });
    // Written before the database kept them: the block moved, its coaches did not, and a booking
    // ended up outside the block.
    await t.db
      .updateTable('block')
      .set({ starts_at: at('2026-12-15T13:00'), ends_at: at('2026-12-15T16:00') })
      .where('id', '=', block)
      .execute();
    const { id } = await book(
      t.db,
      block,
      (await makeRequest(t.db, team.id)).id,
      '2026-12-15T09:00',
      '2026-12-15T10:00',
    );

    await expect(migrateToLatest(t.db)).rejects.toThrow(new RegExp(`outside their block.*\\b${id}\\b`));
    expect((await periods(t.db, block))[0]!.from).toBe(at('2026-12-15T09:00').toISOString());

    await t.db.updateTable('appointment').set({ status: 'cancelled' }).where('id', '=', id).execute();
    await migrateToLatest(t.db);
    const moved = { from: at('2026-12-15T13:00').toISOString(), to: at('2026-12-15T16:00').toISOString() };
    expect((await periods(t.db, block)).map(({ from, to }) => ({ from, to }))).toEqual([moved, moved]);
  });
});

// On the embedded database transactions take turns, so races exist only on the server. The row
// lock the triggers take on the block makes the second writer wait and then see the first.
describe.skipIf(!onServer)('the invariants under concurrent writes (server)', () => {
  let t: TestDb;
  let teamId: number;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    t = await createTestDb();
    teamId = (await makeTeam(t.db)).id;
  });
  afterAll(async () => {
    for (const c of clients) await c.end();
    await t.close();
  });

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: t.url! });
    await c.connect();
    clients.push(c);
    return c;
  }

  /** Runs `second` while `first` holds its open transaction, then commits `first`; the second's outcome. */
  async function race(
    first: (c: pg.Client) => Promise<unknown>,
    second: (c: pg.Client) => Promise<unknown>,
  ): Promise<unknown> {
    const [a, b, watcher] = [await client(), await client(), await client()];
    await a.query('begin');
    await first(a);
    let settled = false;
    const outcome = second(b)
      .then(
        () => null,
        (e: unknown) => e,
      )
      .finally(() => (settled = true));
    for (const deadline = Date.now() + 10_000; !settled && Date.now() < deadline;) {
      const r = await watcher.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and state = 'active'",
      );
      if (r.rows[0]!.n > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await a.query('commit');
    return outcome;
  }

  const insertAppointment = (c: pg.Client, blockId: number, requestId: number, start: string, end: string) =>
    c.query(
      'insert into appointment (request_id, block_id, starts_at, ends_at, manage_token_hash) values ($1, $2, $3, $4, $5)',
      [requestId, blockId, at(start), at(end), newTokenHash()],
    );

  it('a block shortened while a booking commits is refused', async () => {
    const block = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-16T09:00'),
      end: at('2026-12-16T12:00'),
      coachIds: await duo(t.db, teamId),
    });
    const request = await makeRequest(t.db, teamId);
    const err = await race(
      (c) => insertAppointment(c, block, request.id, '2026-12-16T11:00', '2026-12-16T12:00'),
      (c) => c.query('update block set ends_at = $1 where id = $2', [at('2026-12-16T11:00'), block]),
    );
    expect(isConstraintViolation(err, 'appointment_within_block')).toBe(true);
  });

  it('a booking made while the block is shortened is refused', async () => {
    const block = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-17T09:00'),
      end: at('2026-12-17T12:00'),
      coachIds: await duo(t.db, teamId),
    });
    const request = await makeRequest(t.db, teamId);
    const err = await race(
      (c) => c.query('update block set ends_at = $1 where id = $2', [at('2026-12-17T11:00'), block]),
      (c) => insertAppointment(c, block, request.id, '2026-12-17T11:00', '2026-12-17T12:00'),
    );
    expect(isConstraintViolation(err, 'appointment_within_block')).toBe(true);
  });

  it('a coach added while the block moves moves with it', async () => {
    const [a, b] = await duo(t.db, teamId);
    const c = (await makeStaff(t.db, teamId)).id;
    const block = await makeBlock(t.db, {
      teamId,
      start: at('2026-12-18T09:00'),
      end: at('2026-12-18T12:00'),
      coachIds: [a, b],
    });
    const err = await race(
      (x) =>
        x.query('insert into block_coach (block_id, coach_id, period, active) values ($1, $2, $3, false)', [
          block,
          c,
          '[2026-12-18T08:00Z,2026-12-18T11:00Z)',
        ]),
      (x) =>
        x.query('update block set starts_at = $1, ends_at = $2 where id = $3', [
          at('2026-12-18T13:00'),
          at('2026-12-18T16:00'),
          block,
        ]),
    );
    expect(err).toBeNull();
    const moved = { from: at('2026-12-18T13:00').toISOString(), to: at('2026-12-18T16:00').toISOString() };
    expect((await periods(t.db, block)).map(({ from, to }) => ({ from, to }))).toEqual([moved, moved, moved]);
  });
});
