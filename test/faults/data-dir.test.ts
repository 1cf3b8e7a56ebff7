// Two portals on one embedded data folder lose each other's bookings, so the second one must
// refuse to start, with one line that says which folder and which process; a lock left by a
// killed portal must not keep the next one out.
// Clock-free: the portals run as child processes on a fixed clock (helpers/portal-process.ts).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, runScript, startPortal, stopPortal, type PortalProcess } from '../helpers/portal-process.js';

function lockPid(dataDir: string): number {
  return (JSON.parse(readFileSync(path.join(dataDir, 'portal.lock'), 'utf8')) as { pid: number }).pid;
}

/** The exit code, or 'still running' (then the process is stopped) after `ms`. */
async function exitWithin(p: PortalProcess, ms: number): Promise<number | null | 'still running'> {
  const result = await Promise.race([p.exited, sleep(ms).then(() => 'still running' as const)]);
  if (result === 'still running') await stopPortal(p);
  return result;
}

describe('one process per embedded data folder', () => {
  it('refuses a second portal and a migration while one runs, and takes over the lock of a killed one', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kt-lock-'));
    const first = startPortal(dataDir, await freePort());
    await first.ready;
    expect(lockPid(dataDir)).toBe(first.child.pid);

    const second = startPortal(dataDir, await freePort());
    const started = Date.now();
    expect(await exitWithin(second, 15_000)).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    const lines = second.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Cannot start: the data folder .+ is in use by process \d+ /);
    expect(lines[0]).toContain(dataDir);
    expect(lines[0]).toContain(`process ${first.child.pid} `);

    const migrate = await runScript('src/db/migrate-cli.ts', [], dataDir);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr.trim()).toBe(lines[0]!.replace('Cannot start', 'Cannot migrate'));

    // The first one never noticed.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    expect(lockPid(dataDir)).toBe(first.child.pid); // left behind

    const third = startPortal(dataDir, await freePort());
    await third.ready;
    expect(lockPid(dataDir)).toBe(third.child.pid);
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
    expect(await stopPortal(third)).toBe(0);
    // A clean stop frees the folder: no lock, no control socket.
    expect(existsSync(path.join(dataDir, 'portal.lock'))).toBe(false);
    expect(readdirSync(dataDir).sort()).toEqual(['pg', 'question-key', 'session-secret']);
    rmSync(dataDir, { recursive: true });
  }, 90_000);
});
