import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { migrateDownAll, migrateToLatest } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/client.js';

async function tables(t: TestDb): Promise<string[]> {
  const r = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(t.db);
  return r.rows.map((x) => x.table_name);
}

describe(`migrations (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ migrate: false });
  });
  afterAll(async () => t.close());

  it('go up, down and up again', async () => {
    await migrateToLatest(t.db);
    expect(await tables(t)).toEqual([
      'absence',
      'appointment',
      'audit_checkpoint',
      'audit_event',
      'audit_head',
      'block',
      'block_coach',
      'capacity_snapshot',
      'draft',
      'login_throttle',
      'manage_link',
      'outbox_message',
      'referrer',
      'referrer_contact',
      'request',
      'resident',
      'return_link',
      'setting',
      'staff_token',
      'staff_user',
      'team',
      'team_area',
      'team_neighbour',
    ]);
    await migrateDownAll(t.db);
    expect(await tables(t)).toEqual([]);
    const again = await migrateToLatest(t.db);
    expect(again.results?.every((r) => r.status === 'Success')).toBe(true);
    expect(await tables(t)).toContain('appointment');
  });
});

describe.skipIf(onServer)('embedded database on disk', () => {
  it('keeps data across a restart', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kt-pg-')), 'pg');
    const first = await openDatabase({ kind: 'embedded', dataDir: dir });
    await migrateToLatest(first.db);
    await first.db
      .insertInto('team')
      .values({ slug: 'test', name: 'Wijkteam Test', phone: '1', email: 't@example.nl', office_address: 'x' })
      .execute();
    await first.close();
    const second = await openDatabase({ kind: 'embedded', dataDir: dir });
    const rows = await second.db.selectFrom('team').select('slug').execute();
    await second.close();
    expect(rows).toEqual([{ slug: 'test' }]);
  });
});
