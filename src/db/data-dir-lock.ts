// One process per embedded data folder. PGlite does not lock its folder, and two processes that
// write one folder silently lose each other's commits. So the portal and every command that opens
// the embedded database first create DATA_DIR/portal.lock (atomically), naming the process.
// A lock left by a process that no longer runs on this machine is taken over.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../config.js';

export const LOCK_FILE = 'portal.lock';

export interface LockHolder {
  pid: number;
  host: string;
  /** What holds it, such as "the portal" or "npm run backup". */
  command: string;
  startedAt: string;
  /** The process's start time as the kernel counts it (Linux), to notice a reused pid. */
  procStart: string | null;
  /** Unique per lock, so a lock file's text never repeats. */
  nonce: string;
}

export interface DataDirLock {
  readonly dataDir: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
    super(
      `the data folder ${dataDir} is in use by process ${holder.pid}${where} (${holder.command}, since ${holder.startedAt})`,
    );
  }
}

// Nonces of locks this process holds or is taking: its own pid in a lock file is alive only then.
const ownNonces = new Set<string>();

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null where unknown. */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return null;
  }
}

export function isAlive(h: LockHolder): boolean {
  // Processes on another machine (a shared folder) cannot be checked: assume they run.
  if (h.host !== hostname()) return true;
  if (h.pid === process.pid) return ownNonces.has(h.nonce);
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = procStat(h.pid);
  if (stat?.state === 'Z') return false;
  // The pid was given to a new process after the holder ended (containers reuse low pids).
  if (stat && h.procStart && stat.start !== h.procStart) return false;
  return true;
}

function parse(text: string): LockHolder | null {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (!Number.isInteger(v.pid) || (v.pid as number) <= 0 || typeof v.host !== 'string' || typeof v.nonce !== 'string')
      return null;
    return { command: '?', startedAt: '?', procStart: null, ...v } as LockHolder;
  } catch {
    return null;
  }
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Creates `file` with `text` if it does not exist, atomically and never half-written. */
function createExclusive(file: string, text: string): boolean {
  // Written under a private name first, then linked: link() fails if the name exists, and a
  // reader never sees the file before its text is complete.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, text, { mode: 0o644 });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Some shared or mounted file systems have no hard links: create the file directly.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS')
      return createDirectly(file, text);
    throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function createDirectly(file: string, text: string): boolean {
  try {
    fs.writeFileSync(file, text, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Removes `file` if it still holds `seen` (a lock or claim whose holder is gone). Only the
 * process that creates the claim named after `seen` may remove it, so two processes taking over
 * the same stale lock cannot both remove it, and neither can remove the other's new lock.
 */
export async function removeStale(file: string, seen: string, mine: string, depth = 0): Promise<void> {
  const claim = `${file}.${createHash('sha256').update(seen).digest('hex').slice(0, 16)}.takeover`;
  if (createExclusive(claim, mine)) {
    try {
      if (readText(file) === seen) fs.unlinkSync(file);
    } finally {
      fs.rmSync(claim, { force: true });
    }
    return;
  }
  // Another process is taking over. Only if it was killed in that instant is its claim stale.
  const other = readText(claim);
  const claimer = other === null ? null : parse(other);
  if (other !== null && depth < 3 && (!claimer || !isAlive(claimer))) await removeStale(claim, other, mine, depth + 1);
  else await sleep(20 + Math.random() * 30);
}

/** Takes the lock on `dataDir`, or throws DataDirInUseError naming the process that holds it. */
export async function acquireDataDirLock(dataDir: string, command: string): Promise<DataDirLock> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command,
    startedAt: new Date().toISOString(),
    procStart: procStat(process.pid)?.start ?? null,
    nonce: randomBytes(12).toString('hex'),
  };
  const text = `${JSON.stringify(holder)}\n`;
  ownNonces.add(holder.nonce);
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (createExclusive(file, text)) return held(dataDir, file, holder, text);
      const seen = readText(file);
      if (seen === null) continue; // released in the meantime
      const current = parse(seen);
      if (current && isAlive(current)) throw new DataDirInUseError(dataDir, current);
      await removeStale(file, seen, text);
    }
    throw new Error(`could not take the lock ${file}: it keeps changing; remove it if no Keukentafel process runs`);
  } catch (err) {
    ownNonces.delete(holder.nonce);
    throw err;
  }
}

function held(dataDir: string, file: string, holder: LockHolder, text: string): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    ownNonces.delete(holder.nonce);
    if (readText(file) === text) fs.rmSync(file, { force: true });
  };
  // Whatever way the process ends, the folder is free once it has: a crash, a failed start.
  process.on('exit', release);
  return { dataDir, holder, release };
}

/**
 * For the embedded database: takes the lock on DATA_DIR, or ends the process with one line on
 * stderr ("<refusal>: the data folder … is in use by process …"). Null for a PostgreSQL server,
 * which serves many processes itself.
 */
export async function lockEmbeddedOrExit(
  config: AppConfig,
  command: string,
  refusal: string,
): Promise<DataDirLock | null> {
  if (config.database.kind !== 'embedded' || !config.dataDir) return null;
  try {
    return await acquireDataDirLock(config.dataDir, command);
  } catch (err) {
    console.error(`${refusal}: ${err instanceof Error ? err.message : String(err)}.`);
    process.exit(1);
  }
}
