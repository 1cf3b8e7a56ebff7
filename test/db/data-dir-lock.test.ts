// The lock on an embedded data folder: held by one process at a time, and a lock whose process
// has ended is taken over, by exactly one of the processes that find it at the same moment.
// Clock-free: only processes and a lock file, no dates.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import {
  acquireDataDirLock,
  DataDirInUseError,
  LOCK_FILE,
  removeStale,
  type LockHolder,
} from '../../src/db/data-dir-lock.js';

const root = path.resolve(import.meta.dirname, '../..');
const newDir = () => mkdtempSync(path.join(tmpdir(), 'kt-lockunit-'));
const lockText = (dir: string) => readFileSync(path.join(dir, LOCK_FILE), 'utf8');

/** The pid of a process that has ended (and been reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

function writeLock(dir: string, fields: Partial<LockHolder>): void {
  const holder: LockHolder = {
    pid: deadPid(),
    host: hostname(),
    command: 'the portal',
    startedAt: '2026-12-07T08:00:00.000Z',
    procStart: null,
    nonce: 'old',
    ...fields,
  };
  writeFileSync(path.join(dir, LOCK_FILE), `${JSON.stringify(holder)}\n`);
}

async function refusal(dir: string): Promise<DataDirInUseError> {
  const err = await acquireDataDirLock(dir, 'test').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DataDirInUseError);
  return err as DataDirInUseError;
}

describe('data folder lock', () => {
  it('is held by one taker at a time and names its holder', async () => {
    const dir = newDir();
    const lock = await acquireDataDirLock(dir, 'npm run backup');
    expect(JSON.parse(lockText(dir))).toMatchObject({ pid: process.pid, host: hostname(), command: 'npm run backup' });
    const err = await refusal(dir);
    expect(err.message).toBe(
      `the data folder ${dir} is in use by process ${process.pid} (npm run backup, since ${lock.holder.startedAt})`,
    );
    lock.release();
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    (await acquireDataDirLock(dir, 'test')).release();
  });

  it('takes over a lock whose process has ended, or whose pid now belongs to another process', async () => {
    const dir = newDir();
    writeLock(dir, {});
    const lock = await acquireDataDirLock(dir, 'test');
    expect(JSON.parse(lockText(dir))).toMatchObject({ pid: process.pid, nonce: lock.holder.nonce });
    lock.release();

    // Our own pid, written by an earlier process (containers reuse pids).
    writeLock(dir, { pid: process.pid });
    (await acquireDataDirLock(dir, 'test')).release();

    writeFileSync(path.join(dir, LOCK_FILE), 'not a lock');
    (await acquireDataDirLock(dir, 'test')).release();

    if (existsSync(`/proc/${process.ppid}/stat`)) {
      // A live process, but not the one that wrote the lock: it started at another time.
      writeLock(dir, { pid: process.ppid, procStart: '1' });
      (await acquireDataDirLock(dir, 'test')).release();
      const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
      const ownStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
      writeLock(dir, { pid: process.ppid, procStart: ownStart });
      expect((await refusal(dir)).holder.pid).toBe(process.ppid);
      expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    }
  });

  it('leaves a lock of another machine alone', async () => {
    const dir = newDir();
    writeLock(dir, { host: 'elsewhere' });
    expect((await refusal(dir)).message).toMatch(
      / is in use by process \d+ on elsewhere \(the portal, since 2026-12-07T08:00:00.000Z\)$/,
    );
  });

  it('clears a takeover that was interrupted by the end of its process', async () => {
    const dir = newDir();
    writeLock(dir, {});
    const digest = createHash('sha256').update(lockText(dir)).digest('hex').slice(0, 16);
    const claim: LockHolder = {
      pid: deadPid(),
      host: hostname(),
      command: 'the portal',
      startedAt: 'x',
      procStart: null,
      nonce: 'claim',
    };
    writeFileSync(path.join(dir, `${LOCK_FILE}.${digest}.takeover`), JSON.stringify(claim));
    const lock = await acquireDataDirLock(dir, 'test');
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    lock.release();
  });

  it('never removes a lock that is no longer the stale one a taker saw', async () => {
    const dir = newDir();
    const file = path.join(dir, LOCK_FILE);
    writeLock(dir, {});
    const stale = lockText(dir);
    // A first taker removes the stale lock and takes the folder ...
    const first = await acquireDataDirLock(dir, 'first');
    const fresh = lockText(dir);
    // ... then a second one, which read the stale lock a moment before, tries to remove it.
    await removeStale(file, stale, 'second');
    expect(lockText(dir)).toBe(fresh);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    first.release();
  });

  it('leaves a stale lock to the live process that is taking it over', async () => {
    const dir = newDir();
    const file = path.join(dir, LOCK_FILE);
    writeLock(dir, {});
    const stale = lockText(dir);
    const digest = createHash('sha256').update(stale).digest('hex').slice(0, 16);
    // The claim of a live process (this one, while it takes a lock of its own).
    const other = await acquireDataDirLock(newDir(), 'busy');
    writeFileSync(`${file}.${digest}.takeover`, `${JSON.stringify(other.holder)}\n`);
    await removeStale(file, stale, 'second');
    expect(lockText(dir)).toBe(stale);
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, `${LOCK_FILE}.${digest}.takeover`]);
    other.release();
  });

  it('lets exactly one of several processes take over one stale lock', async () => {
    const contender = `
      const { acquireDataDirLock } = await import(${JSON.stringify(path.join(root, 'src/db/data-dir-lock.ts'))});
      // All start together: on a line from the test, sent once every contender is ready.
      console.log('ready');
      await new Promise((resolve) => process.stdin.once('data', resolve));
      try {
        const lock = await acquireDataDirLock(process.env.LOCK_DIR, 'contender');
        console.log('won');
        // Held a while, so those that come later find it alive.
        setTimeout(() => lock.release(), 1500);
      } catch (err) {
        console.log(err.constructor.name);
      }`;
    for (let round = 0; round < 2; round++) {
      const dir = newDir();
      writeLock(dir, {});
      const children = Array.from({ length: 4 }, () => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', contender], {
          cwd: root,
          env: { ...process.env, LOCK_DIR: dir },
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        let out = '';
        const ready = new Promise<void>((resolve) =>
          child.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('ready') && resolve())),
        );
        const done = new Promise<string>((resolve) =>
          child.on('close', () => resolve(out.replace('ready', '').trim())),
        );
        return { child, ready, done };
      });
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.child.stdin.end('go\n');
      const answers = await Promise.all(children.map((c) => c.done));
      expect(answers.sort()).toEqual(['DataDirInUseError', 'DataDirInUseError', 'DataDirInUseError', 'won']);
      expect(readdirSync(dir)).toEqual([]);
    }
  }, 60_000);
});
