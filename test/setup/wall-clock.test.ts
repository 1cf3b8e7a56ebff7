// The shifted wall clock (TEST_WALL_CLOCK, see wall-clock.ts) really is in place when asked for,
// so a run with it cannot pass by quietly using today; and only Date moves.
import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import { createTestDb } from '../helpers/db.js';

const value = process.env.TEST_WALL_CLOCK;

describe.skipIf(!value)('the shifted wall clock', () => {
  const start = Date.parse(value ?? '');

  it('starts at TEST_WALL_CLOCK and keeps ticking in real time', async () => {
    const a = Date.now();
    expect(a - start).toBeGreaterThanOrEqual(0);
    expect(a - start).toBeLessThan(60_000);
    expect(Math.abs(new Date().getTime() - a)).toBeLessThan(1000);
    expect(Math.abs(DateTime.now().toMillis() - a)).toBeLessThan(1000);
    expect(Math.abs(Date.parse(Date()) - a)).toBeLessThan(2000);
    const t0 = performance.now();
    await sleep(200);
    const ran = performance.now() - t0;
    expect(Date.now() - a).toBeGreaterThanOrEqual(190);
    expect(Math.abs(Date.now() - a - ran)).toBeLessThan(50);
  });

  it('leaves timers real and Dates ordinary', async () => {
    let fired = false;
    setTimeout(() => (fired = true), 20);
    await sleep(60);
    expect(fired).toBe(true);
    expect(new Date() instanceof Date).toBe(true);
    expect(statSync('.').mtime instanceof Date).toBe(true);
    expect(new Date(0).constructor).toBe(Date);
    expect(new Date('2026-01-01T00:00:00Z')).toEqual(new Date(Date.UTC(2026, 0, 1)));
    expect(Object.prototype.toString.call(new Date())).toBe('[object Date]');
  });

  it('moves the embedded database clock with it', async ({ skip }) => {
    const db = await createTestDb({ migrate: false });
    try {
      if (db.kind !== 'embedded') skip('a PostgreSQL server keeps its own clock');
      const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db.db);
      expect(Math.abs(rows[0]!.now.getTime() - Date.now())).toBeLessThan(10_000);
    } finally {
      await db.close();
    }
  });
});
