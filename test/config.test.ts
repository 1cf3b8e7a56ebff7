import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.js';

const run = promisify(execFile);

describe('configuration', () => {
  it('has working defaults: embedded database in ./data, port 3000, Dutch', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kt-cfg-'));
    const c = loadConfig({ DATA_DIR: dir });
    expect(c.port).toBe(3000);
    expect(c.defaultLocale).toBe('nl');
    expect(c.database).toEqual({ kind: 'embedded', dataDir: path.join(dir, 'pg') });
    expect(c.smtpUrl).toBeNull();
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('switches to a real server with DATABASE_URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:p@localhost:5432/kt', SESSION_SECRET: 'x'.repeat(40) });
    expect(c.database).toMatchObject({ kind: 'server', url: 'postgres://u:p@localhost:5432/kt' });
  });

  it('generates a session secret once and keeps it in the data folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kt-cfg-'));
    const first = loadConfig({ DATA_DIR: dir }).sessionSecret;
    const second = loadConfig({ DATA_DIR: dir }).sessionSecret;
    expect(first).toHaveLength(64);
    expect(second).toBe(first);
    expect(readFileSync(path.join(dir, 'session-secret'), 'utf8')).toBe(first);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ SMTP_URL: 'localhost:25' }, 'SMTP_URL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DEFAULT_LOCALE: 'de' }, 'DEFAULT_LOCALE'],
    [{ DB_POOL_SIZE: '1' }, 'DB_POOL_SIZE'],
    [{ WAITING_TIME_FROM: 'call' }, 'WAITING_TIME_FROM'],
    [{ WAITING_TIME_DAYS: 'weekdays' }, 'WAITING_TIME_DAYS'],
  ])('rejects %o naming %s', (env, name) => {
    expect(() => loadConfig({ NODE_ENV: 'test', ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', ...env })).toThrow(new RegExp(`^Invalid configuration: ${name} `));
  });

  it('sets the portal clock with CLOCK_START, never in production', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kt-cfg-'));
    expect(loadConfig({ DATA_DIR: dir }).clockStart).toBeNull();
    expect(loadConfig({ DATA_DIR: dir, CLOCK_START: '2026-12-07T09:00:00+01:00' }).clockStart?.toISOString()).toBe(
      '2026-12-07T08:00:00.000Z',
    );
    expect(() => loadConfig({ DATA_DIR: dir, CLOCK_START: '7 december' })).toThrow(
      'CLOCK_START must be a date and time with a zone',
    );
    expect(() => loadConfig({ DATA_DIR: dir, CLOCK_START: '2026-12-07T09:00' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({
        DATA_DIR: dir,
        NODE_ENV: 'production',
        SESSION_SECRET: 'x'.repeat(40),
        CLOCK_START: '2026-12-07T09:00:00Z',
      }),
    ).toThrow('CLOCK_START cannot be used in production');
  });

  it('runs WORKERS processes only on a PostgreSQL server, and shares the post limit out over them', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kt-cfg-'));
    expect(loadConfig({ DATA_DIR: dir }).workers).toBe(1);
    expect(() => loadConfig({ DATA_DIR: dir, WORKERS: '2' })).toThrow(
      'Invalid configuration: WORKERS above 1 needs DATABASE_URL (the embedded database can be opened by one process only)',
    );
    for (const bad of ['0', '33', '1.5', 'two']) {
      expect(() => loadConfig({ DATA_DIR: dir, WORKERS: bad })).toThrow(/^Invalid configuration: WORKERS /);
    }
    const server = { DATA_DIR: dir, DATABASE_URL: 'postgres://localhost/kt', PUBLIC_POST_LIMIT: '30' };
    expect(loadConfig({ ...server, WORKERS: '1' }).publicPostLimit).toBe(30);
    const four = loadConfig({ ...server, WORKERS: '4' });
    expect(four.workers).toBe(4);
    expect(four.publicPostLimit).toBe(8);
  });

  it('requires SESSION_SECRET in production on a real server', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://localhost/kt' })).toThrow(
      /SESSION_SECRET/,
    );
  });

  it('stops start-up with one line naming the bad variable', async () => {
    const err = await run('node', ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: 'abc', NODE_ENV: 'development' },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).not.toBeNull();
    expect(err!.code).toBe(1);
    const lines = err!.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.includes('ExperimentalWarning') && !l.includes('--trace-warnings'));
    expect(lines).toEqual(['Invalid configuration: PORT must be a number']);
  });
});
