// The audit log nobody can quietly change (issue 17): the database refuses every change and
// removal except audit_prune, and what someone with the power to switch the rules off does
// anyway is found by verifyAuditChain (hashes computed again outside the database).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { audit } from '../../src/core/audit.js';
import { entryHash, pruneAudit, verifyAuditChain, type ChainRow } from '../../src/core/audit-chain.js';
import type { Database } from '../../src/db/schema.js';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import * as chainMigration from '../../migrations/20261202T1000-audit-chain.js';

const T0 = new Date('2026-01-05T09:00:00.123456Z');

/** Runs statements as a superuser who switched the triggers off (only for this transaction). */
async function asSuperuser(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await fn(trx);
  });
}

async function write(db: Kysely<Database>, n: number, at: Date, prefix = 'test'): Promise<void> {
  for (let i = 0; i < n; i++)
    await audit(db, {
      action: `${prefix}_${i}`,
      subjectType: 'request',
      subjectId: i,
      teamId: null,
      at,
      detail: { i },
    });
}

async function ids(db: Kysely<Database>): Promise<number[]> {
  return (await db.selectFrom('audit_event').select('id').orderBy('id').execute()).map((r) => r.id);
}

describe(`audit chain (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    // Each test starts from an empty log, the one way the database allows.
    await pruneAudit(t.db, new Date('9999-01-01T00:00:00Z'));
  });

  it('chains every entry to the one before, with the hash the code computes on its own', async () => {
    await write(t.db, 5, T0);
    await audit(t.db, { action: 'odd', detail: { name: 'Zoë "x" | 1:2', nested: { b: [1, null] }, emoji: '🙂' } });
    const rows = (
      await sql<ChainRow>`
        select seq::text as seq, id, (extract(epoch from at) * 1000000)::bigint::text as at_us, actor_staff_id, action,
          subject_type, subject_id, team_id, detail::text as detail, prev_hash, hash
        from audit_event order by audit_event.seq`.execute(t.db)
    ).rows;
    expect(rows).toHaveLength(6);
    for (let i = 1; i < rows.length; i++) {
      expect(Number(rows[i]!.seq)).toBe(Number(rows[i - 1]!.seq) + 1);
      expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    }
    expect(rows[0]!.at_us).toBe(String(T0.getTime() * 1000));
    for (const r of rows) expect(entryHash(r, r.prev_hash)).toBe(r.hash);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 6, firstBad: null, head: rows[5]!.hash });
  });

  it('seals an entry when its transaction commits, so a long transaction keeps nobody waiting', async () => {
    let inside: { seq: number | null; hash: string | null } | undefined;
    await t.db.transaction().execute(async (trx) => {
      await audit(trx, { action: 'early' });
      inside = await trx.selectFrom('audit_event').select(['seq', 'hash']).executeTakeFirst();
      // Another transaction writes and commits meanwhile (on the server: its own connection).
      if (onServer) await audit(t.db, { action: 'meanwhile' });
    });
    expect(inside).toEqual({ seq: null, hash: null });
    const rows = await t.db.selectFrom('audit_event').select(['action', 'seq']).orderBy('seq').execute();
    expect(rows.map((r) => r.action)).toEqual(onServer ? ['meanwhile', 'early'] : ['early']);
    expect(rows.every((r) => r.seq !== null)).toBe(true);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: rows.length });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of an entry, for the portal and anyone else', async () => {
    await write(t.db, 3, T0);
    const [first] = await ids(t.db);
    await expect(
      t.db.updateTable('audit_event').set({ action: 'changed' }).where('id', '=', first!).execute(),
    ).rejects.toThrow(/append-only: UPDATE/);
    await expect(t.db.deleteFrom('audit_event').where('id', '=', first!).execute()).rejects.toThrow(
      /append-only: DELETE/,
    );
    await expect(sql`truncate audit_event`.execute(t.db)).rejects.toThrow(/append-only: TRUNCATE/);
    // The prune function's own way round is closed too: moving the checkpoint back or removing it.
    await pruneAudit(t.db, new Date(T0.getTime() + 1));
    await expect(t.db.updateTable('audit_checkpoint').set({ last_id: 0 }).execute()).rejects.toThrow(
      /only moves forward/,
    );
    await expect(t.db.deleteFrom('audit_checkpoint').execute()).rejects.toThrow(/only moves forward/);
    await expect(sql`truncate audit_checkpoint`.execute(t.db)).rejects.toThrow(/TRUNCATE/);
    expect(await t.db.selectFrom('audit_checkpoint').select('removed').executeTakeFirst()).toBeTruthy();
  });

  it('finds an entry a superuser altered with the triggers off, by its id', async () => {
    await write(t.db, 6, T0);
    const all = await ids(t.db);
    const victim = all[3]!;
    const before = await t.db.selectFrom('audit_event').selectAll().where('id', '=', victim).executeTakeFirstOrThrow();
    await asSuperuser(t.db, (trx) =>
      trx
        .updateTable('audit_event')
        .set({ detail: JSON.stringify({ i: 99 }) })
        .where('id', '=', victim)
        .execute(),
    );
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBad: victim, problem: 'altered', checked: 3 });
    // Changing its time by one microsecond is found as well.
    await asSuperuser(t.db, (trx) =>
      trx
        .updateTable('audit_event')
        .set({ detail: JSON.stringify(before.detail), at: sql`at + interval '1 microsecond'` })
        .where('id', '=', victim)
        .execute(),
    );
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBad: victim, problem: 'altered' });
    // Rewriting its hash too moves the break to the next entry's link.
    await asSuperuser(t.db, (trx) =>
      sql`update audit_event set hash = audit_entry_hash(seq, id, at, actor_staff_id, action, subject_type, subject_id,
            team_id, detail, prev_hash) where id = ${victim}`.execute(trx),
    );
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBad: all[4], problem: 'removed' });
    // Put back exactly as it was, the chain is whole again.
    await asSuperuser(t.db, (trx) =>
      trx.updateTable('audit_event').set({ at: before.at, hash: before.hash }).where('id', '=', victim).execute(),
    );
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 6 });
  });

  it('finds a removed entry in the middle and at the start', async () => {
    await write(t.db, 5, T0);
    const all = await ids(t.db);
    await asSuperuser(t.db, (trx) => trx.deleteFrom('audit_event').where('id', '=', all[2]!).execute());
    const middle = await verifyAuditChain(t.db);
    expect(middle).toMatchObject({ ok: false, firstBad: all[3], problem: 'removed', checked: 2 });
    expect(middle.reason).toContain(`from entry ${all[1]} to ${all[3]}`);
  });

  it('finds an entry removed from the start', async () => {
    await write(t.db, 3, T0);
    const all = await ids(t.db);
    await asSuperuser(t.db, (trx) => trx.deleteFrom('audit_event').where('id', '=', all[0]!).execute());
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBad: all[1], problem: 'removed' });
  });

  it('finds an entry written with the rules switched off, and one put in between with a correct hash', async () => {
    await write(t.db, 4, T0);
    const all = await ids(t.db);
    const rows = await t.db.selectFrom('audit_event').select(['id', 'seq', 'hash']).orderBy('seq').execute();
    // Written past the triggers: never sealed, so outside the chain.
    const outside = await t.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      return (
        await trx
          .insertInto('audit_event')
          .values({ action: 'forged', detail: '{}' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBad: outside, problem: 'inserted' });
    await asSuperuser(t.db, (trx) => trx.deleteFrom('audit_event').where('id', '=', outside).execute());
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 4 });
    // Put in as the third entry, with the hash the rules would give it: the entries after it
    // must be numbered on, and their hashes no longer fit.
    const third = Number(rows[2]!.seq);
    await asSuperuser(t.db, async (trx) => {
      await sql`update audit_event set seq = seq + 100 where seq >= ${third}`.execute(trx);
      await sql`update audit_event set seq = seq - 99 where seq >= ${third + 100}`.execute(trx);
      const forged = {
        seq: String(third),
        id: 999_999,
        at_us: String(T0.getTime() * 1000),
        actor_staff_id: null,
        action: 'forged',
        subject_type: null,
        subject_id: null,
        team_id: null,
        detail: '{}',
      };
      await sql`insert into audit_event (id, seq, at, action, detail, prev_hash, hash) overriding system value
        values (999999, ${third}, ${T0}, 'forged', '{}', ${rows[1]!.hash}, ${entryHash(forged, rows[1]!.hash)})`.execute(
        trx,
      );
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, firstBad: all[2], problem: 'altered', checked: 3 });
    // Taken out again and numbered back, the chain is whole.
    await asSuperuser(t.db, async (trx) => {
      await trx.deleteFrom('audit_event').where('id', '=', 999_999).execute();
      await sql`update audit_event set seq = seq - 1 where seq > ${third}`.execute(trx);
    });
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 4 });
  });

  it('prunes old entries from the start only, and the chain still verifies from the checkpoint', async () => {
    const old = new Date('2020-03-01T10:00:00Z');
    const recent = new Date('2026-03-01T10:00:00Z');
    await write(t.db, 4, old);
    await write(t.db, 1, recent);
    await write(t.db, 2, old, 'late_old'); // older by its clock, but after a recent one in the chain
    await write(t.db, 2, recent);
    const all = await ids(t.db);
    const cut = new Date('2021-03-01T00:00:00Z');
    expect(await pruneAudit(t.db, cut)).toBe(4);
    expect(await ids(t.db)).toEqual(all.slice(4));
    const cp = await t.db.selectFrom('audit_checkpoint').selectAll().executeTakeFirstOrThrow();
    expect(cp).toMatchObject({ last_id: all[3], pruned_before: cut, last_at: old });
    const r = await verifyAuditChain(t.db);
    expect(r).toMatchObject({ ok: true, checked: 5, checkpoint: { lastId: all[3] } });
    // Nothing older left at the start: a second run removes nothing.
    expect(await pruneAudit(t.db, cut)).toBe(0);
    // New entries link on, also after everything was removed.
    expect(await pruneAudit(t.db, new Date('2030-01-01T00:00:00Z'))).toBe(5);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 0 });
    await write(t.db, 3, recent);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 3 });
    // A removed first entry after the checkpoint is still found.
    const [firstAfter] = await ids(t.db);
    await asSuperuser(t.db, (trx) => trx.deleteFrom('audit_event').where('id', '=', firstAfter!).execute());
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: false, problem: 'removed' });
  });

  it('keeps one chain when many transactions write at the same time', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, k) =>
        t.db.transaction().execute(async (trx) => {
          for (let i = 0; i < 10; i++) {
            await audit(trx, { action: `parallel_${k}`, detail: { i } });
            await sql`select pg_sleep(0.001)`.execute(trx);
          }
        }),
      ),
    );
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 80 });
  });

  it('chains the entries a database already held when it is migrated, and its down step removes it all', async () => {
    await write(t.db, 3, T0);
    await chainMigration.down(t.db);
    // Before the chain: plain rows, freely changed.
    await write(t.db, 3, T0, 'before');
    await t.db
      .updateTable('audit_event')
      .set({ detail: JSON.stringify({ changed: true }) })
      .execute();
    await chainMigration.up(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 6, checkpoint: null });
    await write(t.db, 2, T0, 'after');
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 8 });
    await expect(t.db.deleteFrom('audit_event').execute()).rejects.toThrow(/append-only/);
  });

  it('checks a long log a batch at a time', async () => {
    await sql`insert into audit_event (action, detail, at)
      select 'bulk', jsonb_build_object('n', g), ${T0}::timestamptz + g * interval '1 second'
      from generate_series(1, 12000) g`.execute(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 12000 });
  });
});

/** `npm run audit:verify` as an operator runs it, against this test's own server database. */
async function runVerify(url: string): Promise<{ code: number; out: string }> {
  const root = path.resolve(import.meta.dirname, '../..');
  try {
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/db/audit-verify-cli.ts'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: url, LOG_LEVEL: 'warn' },
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe.skipIf(!onServer)('npm run audit:verify (server)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.close());

  it('exits 0 on an intact log and 1 naming the entry a superuser altered', async () => {
    await write(t.db, 4, T0);
    const ok = await runVerify(t.url!);
    expect(ok.out).toContain('Audit log intact: 4 entries checked');
    expect(ok.code).toBe(0);
    const victim = (await ids(t.db))[2]!;
    await asSuperuser(t.db, (trx) =>
      trx.updateTable('audit_event').set({ action: 'nothing_to_see' }).where('id', '=', victim).execute(),
    );
    const broken = await runVerify(t.url!);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`Audit log BROKEN at entry ${victim} (altered)`);
  }, 60_000);
});
