import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { verify } from '@node-rs/argon2';
import { DateTime } from 'luxon';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { demoLogins, isEmpty, seedDemo } from '../../src/db/seed.js';

describe('demo data', () => {
  let t: TestDb;
  const now = new Date('2026-11-24T10:00:00Z');
  beforeAll(async () => {
    t = await createTestDb();
    expect(await isEmpty(t.db)).toBe(true);
    // The demo as planned from `now` on; its year of history is tested in history.test.ts.
    await seedDemo(t.db, now, { historyPerYear: 0 });
  });
  afterAll(async () => t.close());

  it('has 8 wijkteams covering Arnhem postcodes 6811–6846', async () => {
    expect(await isEmpty(t.db)).toBe(false);
    const teams = await t.db.selectFrom('team').select('slug').execute();
    expect(teams).toHaveLength(8);
    const areas = await t.db
      .selectFrom('team_area')
      .select(['postcode_from', 'postcode_to'])
      .orderBy('postcode_from')
      .execute();
    expect(areas[0]!.postcode_from).toBe('6811AA');
    expect(areas.at(-1)!.postcode_to).toBe('6846ZZ');
  });

  it('has 15–25 coaches per team, one teamlead, one front office and one admin', async () => {
    const perTeam = await t.db
      .selectFrom('staff_user')
      .where('role', '=', 'coach')
      .groupBy('team_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .execute();
    expect(perTeam).toHaveLength(8);
    for (const { n } of perTeam) {
      expect(n).toBeGreaterThanOrEqual(15);
      expect(n).toBeLessThanOrEqual(25);
    }
    for (const role of ['teamlead', 'frontoffice', 'admin'] as const) {
      const rows = await t.db.selectFrom('staff_user').where('role', '=', role).select('email').execute();
      expect(rows).toHaveLength(1);
    }
  });

  it('lets every demo login sign in with the documented password', async () => {
    for (const login of demoLogins.users) {
      const user = await t.db
        .selectFrom('staff_user')
        .where('email', '=', login.email)
        .select(['role', 'password_hash'])
        .executeTakeFirstOrThrow();
      expect(user.role).toBe(login.role);
      expect(await verify(user.password_hash!, demoLogins.password)).toBe(true);
    }
  });

  it('puts duo blocks on weekdays in the next 3 weeks, some of them booked', async () => {
    const blocks = await t.db.selectFrom('block').select(['id', 'starts_at', 'ends_at']).execute();
    expect(blocks.length).toBeGreaterThan(300);
    const end = DateTime.fromJSDate(now).plus({ weeks: 3 }).endOf('day');
    for (const b of blocks) {
      const s = DateTime.fromJSDate(b.starts_at, { zone: 'Europe/Amsterdam' });
      expect(s.weekday).toBeLessThanOrEqual(5);
      expect(s > DateTime.fromJSDate(now)).toBe(true);
      expect(s <= end).toBe(true);
      expect([9, 13]).toContain(s.hour);
    }
    const coachCounts = await sql<{ n: number }>`select count(*)::int as n from block_coach group by block_id`.execute(
      t.db,
    );
    expect(coachCounts.rows.every((r) => r.n === 2)).toBe(true);
    const booked = await t.db
      .selectFrom('appointment')
      .where('status', '=', 'booked')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const slots = blocks.length * 2;
    expect(booked.n / slots).toBeGreaterThan(0.15);
    expect(booked.n / slots).toBeLessThan(0.45);
  });

  it('puts call-back requests and a sign-up without a team in the queue', async () => {
    const rows = await t.db
      .selectFrom('request')
      .select(['status', 'urgent_24h', 'team_id'])
      .where('status', 'in', ['callback', 'new'])
      .execute();
    expect(rows.filter((r) => r.status === 'callback' && r.urgent_24h)).toHaveLength(1);
    expect(rows.filter((r) => r.status === 'callback' && !r.urgent_24h)).toHaveLength(1);
    expect(rows.filter((r) => r.team_id === null)).toHaveLength(1);
  });
});
