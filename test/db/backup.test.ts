// npm run backup and npm run restore on the embedded database, as real processes on a real
// folder: a backup made while the portal runs (and writes) holds every committed row, and the
// portal started on the restored folder finds them.
// Clock-free: the portal and the backup run as child processes on a fixed clock (helpers/portal-process.ts).
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { makeBlock, makeRequest, makeStaff, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { freePort, runScript, startPortal, stopPortal } from '../helpers/portal-process.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();

/** What the test compares: appointment ids and states, and the rows the portal wrote itself. */
async function stored(dataDir: string) {
  const handle = await openDatabase({ kind: 'embedded', dataDir: path.join(dataDir, 'pg') });
  try {
    const appointments = await handle.db.selectFrom('appointment').select(['id', 'status']).orderBy('id').execute();
    const throttled = await handle.db.selectFrom('login_throttle').select('failures').execute();
    return { appointments, throttled };
  } finally {
    await handle.close();
  }
}

/** Eight bookings, two of them cancelled, written before the portal starts. */
async function prepare(dataDir: string): Promise<void> {
  const handle = await openDatabase({ kind: 'embedded', dataDir: path.join(dataDir, 'pg') });
  try {
    await migrateToLatest(handle.db);
    const team = await makeTeam(handle.db);
    const coaches = [(await makeStaff(handle.db, team.id)).id, (await makeStaff(handle.db, team.id)).id];
    const block = await makeBlock(handle.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T17:00'),
      coachIds: coaches,
    });
    for (let hour = 9; hour < 17; hour++) {
      const request = await makeRequest(handle.db, team.id);
      const starts = at(`2026-12-08T${String(hour).padStart(2, '0')}:00`);
      await handle.db
        .insertInto('appointment')
        .values({
          request_id: request.id,
          block_id: block,
          starts_at: starts,
          ends_at: new Date(starts.getTime() + 3_600_000),
          manage_token_hash: newTokenHash(),
        })
        .execute();
    }
    await handle.db
      .updateTable('appointment')
      .set({ status: 'cancelled', cancelled_at: at('2026-12-07T09:00') })
      .where('starts_at', '>=', at('2026-12-08T15:00'))
      .execute();
  } finally {
    await handle.close();
  }
}

/** A wrong password on the staff login: the running portal writes a login_throttle row. */
async function failLogin(url: string): Promise<void> {
  const form = await fetch(`${url}/medewerker/inloggen`);
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const res = await fetch(`${url}/medewerker/inloggen`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: 'nobody@example.nl', password: 'not-the-password' }).toString(),
  });
  expect(res.status).toBe(401);
}

describe('backup and restore of the embedded database', () => {
  it('backs up while the portal runs, refuses unsafe restores, and restores what the portal had', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kt-backup-'));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kt-backup-file-')), 'backup.tar.gz');
    await prepare(dataDir);
    const portal = startPortal(dataDir, await freePort());
    await portal.ready;
    await failLogin(portal.url);

    const backup = await runScript('src/db/backup-cli.ts', [file], dataDir);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout.trim().split('\n')).toHaveLength(1);
    expect(backup.stdout).toMatch(
      new RegExp(
        `^Backup written to ${file} \\([\\d.]+ MB, copied by the running portal, process ${portal.child.pid}\\): `,
      ),
    );
    expect(backup.stdout).toContain('1 team, 2 staff, 8 requests, 8 appointments (6 booked)');
    // The portal's copy is gone, and the portal still serves.
    expect(readdirSync(dataDir).filter((f) => f.startsWith('snapshot-'))).toEqual([]);
    expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);

    const whileRunning = await runScript('src/db/restore-cli.ts', [file, '--force'], dataDir);
    expect(whileRunning.code).toBe(1);
    expect(whileRunning.stderr.trim()).toMatch(
      new RegExp(`^Cannot restore: the data folder ${dataDir} is in use by process ${portal.child.pid} `),
    );

    expect(await stopPortal(portal)).toBe(0);
    const before = await stored(dataDir);
    expect(before.appointments).toHaveLength(8);
    expect(before.throttled).toEqual([{ failures: 1 }]);

    // With the portal stopped the command reads the folder itself; it never overwrites a file.
    const file2 = path.join(path.dirname(file), 'stopped.tar.gz');
    const stoppedBackup = await runScript('src/db/backup-cli.ts', [file2], dataDir);
    expect(stoppedBackup.code).toBe(0);
    expect(stoppedBackup.stdout).toContain(
      'MB, portal not running): 1 team, 2 staff, 8 requests, 8 appointments (6 booked)',
    );
    expect(readdirSync(dataDir).sort()).toEqual(['pg', 'question-key', 'session-secret']);
    const twice = await runScript('src/db/backup-cli.ts', [file], dataDir);
    expect(twice.code).toBe(1);
    expect(twice.stderr.trim()).toBe(`Cannot back up: ${file} already exists; name another file.`);

    const overExisting = await runScript('src/db/restore-cli.ts', [file], dataDir);
    expect(overExisting.code).toBe(1);
    expect(overExisting.stderr.trim()).toBe(
      `Cannot restore: ${path.join(dataDir, 'pg')} already holds a database; add --force to move it aside first (nothing is deleted).`,
    );

    rmSync(dataDir, { recursive: true });
    const restore = await runScript('src/db/restore-cli.ts', [file], dataDir);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout.trim()).toMatch(
      new RegExp(
        `^Restored ${file} into ${path.join(dataDir, 'pg')}: 1 team, 2 staff, 8 requests, 8 appointments \\(6 booked\\), schema \\S+\\.$`,
      ),
    );

    const again = startPortal(dataDir, await freePort());
    await again.ready;
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    expect(await stopPortal(again)).toBe(0);
    expect(await stored(dataDir)).toEqual(before);

    // --force keeps the database that was there, moved aside.
    const forced = await runScript('src/db/restore-cli.ts', [file2, '--force'], dataDir);
    expect(forced.code).toBe(0);
    const aside = /now in (\S+)\.$/.exec(forced.stdout.trim())?.[1] ?? '';
    expect(path.dirname(aside)).toBe(dataDir);
    expect(existsSync(path.join(aside, 'PG_VERSION'))).toBe(true);
    expect(await stored(dataDir)).toEqual(before);
    rmSync(dataDir, { recursive: true });
    rmSync(path.dirname(file), { recursive: true });
  }, 300_000);
});
