// The PostgreSQL server of the bench: TEST_DATABASE_URL when given, else a throwaway cluster
// started exactly as CI does (.ci/pg.sh: fsync off, max_connections 300, loopback only).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PgServer {
  /** A URL with rights to create databases. */
  adminUrl: string;
  bin: string;
  kind: 'throwaway' | 'TEST_DATABASE_URL';
  stop(): Promise<void>;
}

export async function startPostgres(repoDir: string): Promise<PgServer> {
  const given = process.env.TEST_DATABASE_URL;
  const bin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
  if (given) return { adminUrl: given, bin, kind: 'TEST_DATABASE_URL', stop: async () => {} };
  const script = 'source .ci/pg.sh; pg_start; printf "%s\\n%s\\n%s\\n" "$PG_DIR" "$PG_PORT" "$PG_BIN"';
  const { stdout } = await run('bash', ['-c', script], { cwd: repoDir, env: { ...process.env, PG_BIN: bin } });
  const [dir, port, usedBin] = stdout.trim().split('\n').slice(-3);
  if (!dir || !port || !usedBin) throw new Error(`could not start PostgreSQL: ${stdout}`);
  let stopped = false;
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    bin: usedBin,
    kind: 'throwaway',
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await run('bash', ['-c', 'source .ci/pg.sh; pg_stop'], {
        cwd: repoDir,
        env: { ...process.env, PG_DIR: dir, PG_BIN: usedBin },
      });
    },
  };
}

export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Makes a new database on the server; returns its URL and a function that drops it. */
export async function createDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => void (await adminQuery(adminUrl, `drop database if exists ${name} with (force)`)),
  };
}

export async function serverVersion(url: string): Promise<string> {
  const [row] = await adminQuery<{ server_version: string }>(url, 'show server_version');
  return row!.server_version;
}

/** pgbench -N (no updates of tellers and branches) on its own database: transactions/s. */
export async function pgbench(
  bin: string,
  url: string,
  o: { clients: number; threads: number; seconds: number },
): Promise<{ tps: number; latencyMs: number }> {
  const u = new URL(url);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  const conn = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username) || 'postgres'];
  const db = u.pathname.slice(1);
  await run(`${bin}/pgbench`, ['-i', '-s', '1', '-q', ...conn, db], { env });
  const { stdout } = await run(
    `${bin}/pgbench`,
    ['-N', '-c', String(o.clients), '-j', String(o.threads), '-T', String(o.seconds), ...conn, db],
    { env, timeout: (o.seconds + 60) * 1000 },
  );
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
  const latency = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
  if (!tps) throw new Error(`pgbench gave no tps:\n${stdout}`);
  return { tps: Number(tps), latencyMs: Number(latency) };
}
