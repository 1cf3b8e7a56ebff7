// What must never happen is impossible in the database itself, whatever the code does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { makeBlock, makeRequest, makeStaff, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { isConstraintViolation } from '../../src/errors.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();

describe(`database constraints (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('refuses one coach in two overlapping active blocks', async () => {
    const team = await makeTeam(t.db);
    const [a, b, c] = [await makeStaff(t.db, team.id), await makeStaff(t.db, team.id), await makeStaff(t.db, team.id)];
    await makeBlock(t.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
    // c with a, overlapping 11:00–13:00: a is already busy.
    const err = await makeBlock(t.db, {
      teamId: team.id,
      start: at('2026-12-08T11:00'),
      end: at('2026-12-08T13:00'),
      coachIds: [c.id, a.id],
    }).catch((e: unknown) => e);
    expect(isConstraintViolation(err, 'block_coach_no_overlap')).toBe(true);
    // Touching blocks (12:00–15:00) are fine: ranges are half-open.
    await expect(
      makeBlock(t.db, {
        teamId: team.id,
        start: at('2026-12-08T12:00'),
        end: at('2026-12-08T15:00'),
        coachIds: [a.id, c.id],
      }),
    ).resolves.toBeTypeOf('number');
    // Nothing half-saved: the refused block has no coach rows in an overlapping period.
    const rows = await t.db.selectFrom('block_coach').where('coach_id', '=', c.id).selectAll().execute();
    expect(rows).toHaveLength(1);
  });

  it('allows the overlap once the first block is no longer active', async () => {
    const team = await makeTeam(t.db);
    const a = await makeStaff(t.db, team.id);
    const b = await makeStaff(t.db, team.id);
    const first = await makeBlock(t.db, {
      teamId: team.id,
      start: at('2026-12-09T09:00'),
      end: at('2026-12-09T12:00'),
      coachIds: [a.id, b.id],
    });
    await t.db.updateTable('block_coach').set({ active: false }).where('block_id', '=', first).execute();
    await expect(
      makeBlock(t.db, {
        teamId: team.id,
        start: at('2026-12-09T09:00'),
        end: at('2026-12-09T12:00'),
        coachIds: [a.id, b.id],
      }),
    ).resolves.toBeTypeOf('number');
  });

  it('refuses two active appointments that overlap in one block', async () => {
    const team = await makeTeam(t.db);
    const a = await makeStaff(t.db, team.id);
    const b = await makeStaff(t.db, team.id);
    const block = await makeBlock(t.db, {
      teamId: team.id,
      start: at('2026-12-10T09:00'),
      end: at('2026-12-10T12:00'),
      coachIds: [a.id, b.id],
    });
    const r1 = await makeRequest(t.db, team.id);
    const r2 = await makeRequest(t.db, team.id);
    const r3 = await makeRequest(t.db, team.id);
    await t.db
      .insertInto('appointment')
      .values({
        request_id: r1.id,
        block_id: block,
        starts_at: at('2026-12-10T09:00'),
        ends_at: at('2026-12-10T10:00'),
        manage_token_hash: newTokenHash(),
      })
      .execute();
    const err = await t.db
      .insertInto('appointment')
      .values({
        request_id: r2.id,
        block_id: block,
        starts_at: at('2026-12-10T09:30'),
        ends_at: at('2026-12-10T10:30'),
        manage_token_hash: newTokenHash(),
      })
      .execute()
      .catch((e: unknown) => e);
    expect(isConstraintViolation(err, 'appointment_no_overlap')).toBe(true);
    // A cancelled appointment frees its time.
    await t.db.updateTable('appointment').set({ status: 'cancelled' }).where('request_id', '=', r1.id).execute();
    await t.db
      .insertInto('appointment')
      .values({
        request_id: r3.id,
        block_id: block,
        starts_at: at('2026-12-10T09:00'),
        ends_at: at('2026-12-10T10:00'),
        manage_token_hash: newTokenHash(),
      })
      .execute();
    const active = await t.db
      .selectFrom('appointment')
      .where('block_id', '=', block)
      .where('status', '=', 'booked')
      .select('request_id')
      .execute();
    expect(active).toEqual([{ request_id: r3.id }]);
  });

  it('refuses a second active appointment for one request', async () => {
    const team = await makeTeam(t.db);
    const block = await makeBlock(t.db, {
      teamId: team.id,
      start: at('2026-12-11T09:00'),
      end: at('2026-12-11T12:00'),
      coachIds: [(await makeStaff(t.db, team.id)).id, (await makeStaff(t.db, team.id)).id],
    });
    const r = await makeRequest(t.db, team.id);
    await t.db
      .insertInto('appointment')
      .values({
        request_id: r.id,
        block_id: block,
        starts_at: at('2026-12-11T09:00'),
        ends_at: at('2026-12-11T10:00'),
        manage_token_hash: newTokenHash(),
      })
      .execute();
    const err = await t.db
      .insertInto('appointment')
      .values({
        request_id: r.id,
        block_id: block,
        starts_at: at('2026-12-11T10:30'),
        ends_at: at('2026-12-11T11:30'),
        manage_token_hash: newTokenHash(),
      })
      .execute()
      .catch((e: unknown) => e);
    expect(isConstraintViolation(err, 'appointment_one_active_per_request')).toBe(true);
  });

  it('lets exactly one of 20 concurrent bookings of one slot win', async () => {
    const team = await makeTeam(t.db);
    const block = await makeBlock(t.db, {
      teamId: team.id,
      start: at('2026-12-14T09:00'),
      end: at('2026-12-14T12:00'),
      coachIds: [(await makeStaff(t.db, team.id)).id, (await makeStaff(t.db, team.id)).id],
    });
    const requests = await Promise.all(Array.from({ length: 20 }, () => makeRequest(t.db, team.id)));
    const results = await Promise.allSettled(
      requests.map((r) =>
        t.db.transaction().execute((trx) =>
          trx
            .insertInto('appointment')
            .values({
              request_id: r.id,
              block_id: block,
              starts_at: at('2026-12-14T10:30'),
              ends_at: at('2026-12-14T11:30'),
              manage_token_hash: newTokenHash(),
            })
            .execute(),
        ),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    // Raw inserts racing on an exclusion constraint may also end in a deadlock (40P01) that
    // PostgreSQL resolves by aborting one side; either way no second row gets in. (The booking
    // service locks the block row first, so residents always get a clean "taken".)
    const reasons = lost.map((r) =>
      isConstraintViolation(r.reason, 'appointment_no_overlap') ? 'taken' : (r.reason as { code?: string }).code,
    );
    expect(reasons.filter((x) => x !== 'taken' && x !== '40P01')).toEqual([]);
    const rows = await t.db.selectFrom('appointment').where('block_id', '=', block).select('id').execute();
    expect(rows).toHaveLength(1);
  });
});
