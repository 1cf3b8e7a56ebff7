// The real portal and its commands as child processes on an embedded data folder, the way an
// operator runs them. Always embedded (DATABASE_URL empty), whatever database the suite uses,
// and on a fixed clock so no test depends on the day it runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function childEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    SEED_DEMO: 'never',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    CLOCK_START: '2026-12-07T09:00:00+01:00',
    ...extra,
  };
}

export interface PortalProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves once it listens; rejects if it ends first. */
  ready: Promise<void>;
  /** The exit code (null when ended by a signal). */
  exited: Promise<number | null>;
}

/** `node --import tsx src/server.ts`: the child's pid is the portal's own (no wrapper process). */
export function startPortal(dataDir: string, port: number): PortalProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: childEnv(dataDir, { PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 40 s:\n${out}`)), 40_000);
    const collect = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Keukentafel runs at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    });
  });
  // A portal that ends early is reported through `ready` or `exited`, whichever the test awaits.
  ready.catch(() => {});
  return { child, url: `http://127.0.0.1:${port}`, output: () => out, ready, exited };
}

export async function stopPortal(p: PortalProcess): Promise<number | null> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  return p.exited;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a script of the project (such as src/db/backup-cli.ts) with tsx, to its end. */
export function runScript(
  script: string,
  args: string[],
  dataDir: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<Finished> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: childEnv(dataDir, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}
