// The embedded default as a newcomer meets it: `npm start` on a fresh data folder (creates the
// database and loads the demo data), the calendar under load, the server process's memory, then
// a second start on the same folder. Runnable on its own:
//   npx tsx test/bench/embedded.ts            (prints the figures as JSON)
// or from the bench: `await measureEmbedded({ repo })`.
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, memoryOf, start, stopAll, waitFor200, type Service } from './processes.js';
import { calendarSession, load, type Load } from './scenarios.js';

export interface EmbeddedFigures {
  /** Seconds from `npm start` on an empty folder to the first 200 on `/` (demo data loaded). */
  firstStartSeconds: number;
  /** Seconds from `npm start` on that folder, now filled, to the first 200 on `/`. */
  laterStartSeconds: number;
  /** The server process (node, not npm or tsx's wrapper), in MB. */
  rssMb: { started: number; afterLoad: number; peak: number };
  calendar: Load;
}

/** The child processes of `pid` (from /proc), recursively, deepest last. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let children: number[];
    try {
      children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // A task without a children file (or one that just ended): no children to follow.
      children = [];
    }
    for (const c of children) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** `npm start` runs npm → sh → tsx → node: the server is the node process that has no children. */
function serverPid(root: number): number {
  const isNode = (p: number) => {
    try {
      return commandOf(p).includes('node');
    } catch {
      return false;
    }
  };
  const candidates = [root, ...descendants(root)].filter(isNode);
  const leaves = candidates.filter((p) => descendants(p).length === 0);
  const pid = leaves.at(-1) ?? candidates.at(-1);
  if (pid === undefined) throw new Error(`no node process under ${root}`);
  return pid;
}

function commandOf(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
}

function readdirOr(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface EmbeddedOptions {
  repo: string;
  /** The folder to use (emptied first); default a new temporary one, removed afterwards. */
  dataDir?: string;
  load?: { connections: number; seconds: number };
  log?: (msg: string) => void;
}

function startPortal(repo: string, dataDir: string, port: number): Service {
  return start(
    'npm start (embedded)',
    'npm',
    ['start'],
    {
      ...process.env,
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      SESSION_SECRET: '',
      SMTP_URL: '',
      PUBLIC_URL: '',
      SEED_DEMO: '',
      WORKERS: '',
      PUBLIC_POST_LIMIT: '1000000',
    },
    repo,
  );
}

export async function measureEmbedded(o: EmbeddedOptions): Promise<EmbeddedFigures> {
  const log = o.log ?? (() => {});
  const own = !o.dataDir;
  const dataDir = o.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'kt-embedded-'));
  if (readdirOr(dataDir).length > 0) rmSync(dataDir, { recursive: true, force: true });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  try {
    let port = await freePort();
    let began = performance.now();
    let svc = startPortal(o.repo, dataDir, port);
    await waitFor200(`http://127.0.0.1:${port}/`, svc, 180_000);
    const firstStartSeconds = (performance.now() - began) / 1000;
    log(`embedded: first start ${firstStartSeconds.toFixed(2)} s`);
    const pid = serverPid(svc.child.pid!);
    const started = memoryOf(pid).rssMb;
    const base = `http://127.0.0.1:${port}`;
    const cal = await calendarSession(base, agent, { id: 0, slug: 'centrum', postcode: '6811AB' });
    if (cal.slots.length === 0) throw new Error('the demo calendar offers no times');
    const calendar = await load(`${base}/aanmelden/moment`, {
      ...(o.load ?? { connections: 8, seconds: 10 }),
      headers: { cookie: cal.cookie, 'accept-language': 'nl' },
    });
    const after = memoryOf(pid);
    log(
      `embedded: calendar ${calendar.requestsPerSec.toFixed(0)} req/s; RSS after start ${started.toFixed(0)} MB, after load ${after.rssMb.toFixed(0)} MB (peak ${after.peakMb.toFixed(0)} MB)`,
    );
    await svc.stop();

    port = await freePort();
    began = performance.now();
    svc = startPortal(o.repo, dataDir, port);
    await waitFor200(`http://127.0.0.1:${port}/`, svc, 120_000);
    const laterStartSeconds = (performance.now() - began) / 1000;
    log(`embedded: later start ${laterStartSeconds.toFixed(2)} s`);
    await svc.stop();
    return {
      firstStartSeconds,
      laterStartSeconds,
      rssMb: { started, afterLoad: after.rssMb, peak: after.peakMb },
      calendar,
    };
  } finally {
    agent.destroy();
    if (own) rmSync(dataDir, { recursive: true, force: true });
  }
}

// Standalone: `npx tsx test/bench/embedded.ts`.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  let code = 1;
  try {
    const figures = await measureEmbedded({
      repo,
      log: (m) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`),
    });
    console.log(JSON.stringify({ load: os.loadavg(), ...figures }, null, 2));
    code = 0;
  } catch (err) {
    console.error('embedded bench failed:', err);
  } finally {
    await stopAll();
  }
  process.exit(code);
}
