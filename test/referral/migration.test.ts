// The referral migration goes down and up cleanly, and its constraints hold in the database:
// no Veilig Thuis referral without a reason, no place at the referrer's without the referrer joining.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { migrateDownAll, migrateToLatest } from '../../src/db/migrate.js';
import { makeBlock, makeRequest, makeStaff, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { at } from './world.js';

describe(`referral migration (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb({ migrate: false });
  });
  afterAll(async () => t.close());

  it('goes up, down and up again', async () => {
    await migrateToLatest(t.db);
    await migrateDownAll(t.db);
    const left = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%'`.execute(
      t.db,
    );
    expect(left.rows[0]!.n).toBe(0);
    const again = await migrateToLatest(t.db);
    expect(again.results?.some((r) => r.migrationName === '20261124T1730-referral' && r.status === 'Success')).toBe(
      true,
    );
  });

  it('refuses a Veilig Thuis referral without a reason and a place without the referrer joining', async () => {
    const team = await makeTeam(t.db);
    const a = await makeStaff(t.db, team.id);
    const b = await makeStaff(t.db, team.id);
    const request = await makeRequest(t.db, team.id);
    await expect(
      t.db
        .updateTable('request')
        .set({ consent_referrer_form: 'none_veilig_thuis' })
        .where('id', '=', request.id)
        .execute(),
    ).rejects.toThrow(/request_no_consent_reason/);
    await t.db
      .updateTable('request')
      .set({ consent_referrer_form: 'none_veilig_thuis', no_consent_reason: 'Veiligheid kind' })
      .where('id', '=', request.id)
      .execute();
    const blockId = await makeBlock(t.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
    const base = {
      request_id: request.id,
      block_id: blockId,
      starts_at: at('2026-12-08T09:00'),
      ends_at: at('2026-12-08T10:00'),
      manage_token_hash: newTokenHash(),
    };
    await expect(
      t.db
        .insertInto('appointment')
        .values({ ...base, mode: 'office', referrer_location: 'Schoolstraat 1' })
        .execute(),
    ).rejects.toThrow(/appointment_referrer_location/);
    await t.db
      .insertInto('appointment')
      .values({ ...base, mode: 'office', referrer_joins: true, referrer_location: 'Schoolstraat 1' })
      .execute();
  });
});
