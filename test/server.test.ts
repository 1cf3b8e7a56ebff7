// `npm start` as a newcomer runs it (the sources compiled by esbuild, then plain node): embedded
// database in a data folder, demo data on first start, the start page served, a graceful stop,
// and the data still there after a restart.
// Clock-free: the portal runs as a child process, which TEST_WALL_CLOCK does not move.
import { describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function start(
  dataDir: string,
  port: number,
  o: { command: readonly [string, ...string[]]; env?: NodeJS.ProcessEnv },
): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const [command, ...args] = o.command;
  const child = spawn(command, args, {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    // A first start loads the demo data: up to a minute on a busy two-core machine.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not ready in 90 s:\n${out}`));
    }, 90_000);
    child.stdout!.on('data', () => {
      if (out.includes('Keukentafel runs at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
  return { child, output: () => out, ready };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('npm start on the embedded database', () => {
  it('serves the start page with demo data, stops gracefully and keeps the data', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kt-start-'));
    const port = await freePort();
    const first = start(dataDir, port, { command: ['npm', 'start'] });
    await first.ready;
    expect(first.output()).toContain('loading demo data');
    expect(first.output()).toContain('fatima@wijkteam.example.nl');
    const home = await fetch(`http://127.0.0.1:${port}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Hulp van het wijkteam');
    expect(await stop(first.child)).toBe(0);
    // The generated secrets: the session's and the key the questions are encrypted with.
    expect(readdirSync(dataDir).sort()).toEqual(['pg', 'question-key', 'session-secret']);

    const second = start(dataDir, port, { command: ['npm', 'start'] });
    await second.ready;
    expect(second.output()).not.toContain('loading demo data');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', migrations: 'current' });
    expect(await stop(second.child)).toBe(0);
  }, 240_000);
});

describe('two npm starts from one checkout', () => {
  const cache = path.resolve(import.meta.dirname, '../node_modules/.cache/keukentafel');
  const compiled = () =>
    readdirSync(cache)
      .filter((d) => d.startsWith('start'))
      .sort();

  it('start at the same moment without touching each other, and leave nothing behind', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const env = { SEED_DEMO: 'never' };
    const a = start(mkdtempSync(path.join(tmpdir(), 'kt-start-a-')), portA, { command: ['npm', 'start'], env });
    const b = start(mkdtempSync(path.join(tmpdir(), 'kt-start-b-')), portB, { command: ['npm', 'start'], env });
    await Promise.all([a.ready, b.ready]);
    // Each runs from its own compiled folder, named after its process.
    const running = compiled();
    expect(running.filter((d) => /^start-\d+$/.test(d)).length).toBeGreaterThanOrEqual(2);
    for (const port of [portA, portB]) expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    expect(await stop(a.child), a.output()).toBe(0);
    expect(await stop(b.child), b.output()).toBe(0);

    // The next start removes the folders of ended processes and keeps only its own, also where
    // the process id now belongs to another program (1: init).
    mkdirSync(path.join(cache, 'start-1'));
    const c = start(mkdtempSync(path.join(tmpdir(), 'kt-start-c-')), await freePort(), {
      command: ['npm', 'start'],
      env,
    });
    await c.ready;
    const after = compiled();
    for (const d of [...running, 'start-1']) expect(after).not.toContain(d);
    expect(after).toHaveLength(1);
    expect(await stop(c.child)).toBe(0);
  }, 240_000);
});

describe('npm run build, then npm run serve (production)', () => {
  it('runs the compiled portal: migrations, pages, texts, stylesheets', async () => {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: path.resolve(import.meta.dirname, '..') });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kt-serve-'));
    const port = await freePort();
    const server = start(dataDir, port, {
      command: ['node', 'dist/src/server.js'],
      env: { NODE_ENV: 'production', SEED_DEMO: 'never' },
    });
    await server.ready;
    const home = await fetch(`http://127.0.0.1:${port}/?lang=en`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Help from the neighbourhood team');
    const signUp = await fetch(`http://127.0.0.1:${port}/aanmelden`);
    expect(await signUp.text()).toContain('name="_csrf"');
    for (const css of ['/static/css/app.css', '/static/nlds/index.css']) {
      const res = await fetch(`http://127.0.0.1:${port}${css}`);
      expect(res.status, css).toBe(200);
      expect(res.headers.get('content-type'), css).toMatch(/text\/css/);
      expect((await res.text()).length, css).toBeGreaterThan(1000);
    }
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', migrations: 'current' });
    expect(await stop(server.child), server.output()).toBe(0);
  }, 180_000);
});
