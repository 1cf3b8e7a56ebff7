// What the fault tests are made of: a private PostgreSQL server that a test may restart, the
// portal as a real child process (killed with SIGKILL when a test says so), a resident who
// books over real HTTP, and a reconciliation of what residents were told against what the
// database and the mail server hold. Nothing is mocked.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, chownSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParsedMail } from 'mailparser';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { hashToken } from '../../src/domain/tokens.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// A PostgreSQL server of the test's own, with fsync on (as in production), so restarting it
// touches no other test.

function pgBin(): string {
  const candidates = [
    process.env.PG_BIN,
    '/usr/lib/postgresql/15/bin',
    '/usr/lib/postgresql/16/bin',
    '/usr/lib/postgresql/17/bin',
  ];
  const found = candidates.find((d) => d && existsSync(path.join(d, 'pg_ctl')));
  if (!found) throw new Error('PostgreSQL server binaries not found (set PG_BIN, or apt-get install postgresql)');
  return found;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function runPg(args: string[], options: { allowFail?: boolean } = {}): string {
  const [cmd, ...rest] = args;
  const r = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', cmd!, ...rest], { encoding: 'utf8' })
    : spawnSync(cmd!, rest, { encoding: 'utf8' });
  if (r.status !== 0 && !options.allowFail) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export interface PgServer {
  url: string;
  /** `pg_ctl restart -m fast`: every connection is cut, the server is back within seconds. */
  restart(): void;
  stop(): void;
}

export async function startPgServer(): Promise<PgServer> {
  const bin = pgBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'kt-fault-pg-'));
  if (asRoot) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), 0);
  const port = await freePort();
  const data = path.join(dir, 'data');
  runPg([path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=on -c synchronous_commit=on`;
  const ctl = (action: string, extra: string[] = []) =>
    runPg([path.join(bin, 'pg_ctl'), '-D', data, '-l', path.join(dir, 'log'), '-w', '-o', opts, ...extra, action]);
  ctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => ctl('restart', ['-m', 'fast']),
    stop: () => {
      runPg([path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'], { allowFail: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The portal as its own process, as `npm start` runs it.

export interface Portal {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process ended. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

export async function startPortal(env: Record<string, string>, port?: number): Promise<Portal> {
  const p = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(p),
      LOG_LEVEL: 'warn',
      SESSION_SECRET: 'fault-test-secret-'.padEnd(64, 'x'),
      PUBLIC_POST_LIMIT: '100000',
      OUTBOX_INTERVAL_MS: '200',
      SEED_DEMO: 'never',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const url = `http://127.0.0.1:${p}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`portal exited at start:\n${out}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`portal not ready within 60 s:\n${out}`);
    await sleep(200);
  }
  return {
    url,
    child,
    output: () => out,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A resident booking over HTTP, with cookies and the forms' hidden fields, who tries a step
// again after a 503 as the page asks.

export interface Outcome {
  /** The manage token shown on the confirmation page, when the booking was confirmed. */
  token: string | null;
  email: string;
  statuses: number[];
  /** Network errors (the portal went away mid-request). */
  dropped: number;
}

class Browser {
  cookies = new Map<string, string>();
  statuses: number[] = [];
  dropped = 0;
  constructor(readonly base: () => string) {}

  async request(
    method: 'GET' | 'POST',
    url: string,
    form?: URLSearchParams,
  ): Promise<{ status: number; location: string | null; body: string }> {
    const res = await fetch(this.base() + url, {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: form.toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const body = await res.text();
    this.statuses.push(res.status);
    return { status: res.status, location: res.headers.get('location'), body };
  }
}

/** Every hidden field of the page's main post form (CSRF token and whatever else it carries). */
function hiddenFields(html: string): Record<string, string> {
  const main = html.slice(Math.max(0, html.indexOf('<main')));
  const form = /<form[^>]*method="post"[\s\S]*?<\/form>/.exec(main)?.[0] ?? '';
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    out[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  return out;
}

const RETRIES = 40;

/**
 * GETs a form page and posts it; on a 503 (or a dropped connection) waits and starts that step
 * again, as a resident would. Returns the answer to the post.
 */
async function step(b: Browser, page: string, fields: (html: string) => Record<string, string | string[]>) {
  for (let i = 0; ; i++) {
    try {
      const got = await b.request('GET', page);
      if (got.status === 503) throw new Error('503');
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...hiddenFields(got.body), ...fields(got.body) })) {
        for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
      }
      const res = await b.request('POST', page, body);
      if (res.status === 503) throw new Error('503');
      return res;
    } catch (err) {
      if ((err as Error).message !== '503') b.dropped += 1;
      if (i >= RETRIES) throw err;
      await sleep(250);
    }
  }
}

/** Books one conversation from the start page on; `pick` chooses among the offered times. */
export async function bookAsResident(
  base: () => string,
  postcode: string,
  email: string,
  pick: number,
): Promise<Outcome> {
  const b = new Browser(base);
  const outcome = (token: string | null): Outcome => ({ token, email, statuses: b.statuses, dropped: b.dropped });
  try {
    await step(b, '/aanmelden', () => ({ postcode, houseNumber: '7' }));
    await step(b, '/aanmelden/vraag', () => ({
      question: 'Hulp bij de administratie',
      topics: ['money'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    }));
    await step(b, '/aanmelden/moment', (html) => {
      const slots = [...html.matchAll(/name="slot" id="[^"]*" value="([^"]+)"/g)].map((m) => m[1]!);
      return { slot: slots[pick % Math.max(1, slots.length)] ?? '', mode: 'home' };
    });
    await step(b, '/aanmelden/gegevens', () => ({
      name: 'Sam Bewoner',
      email,
      phone: '',
      street: 'Steenstraat',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      consent: 'yes',
    }));
    const confirm = await step(b, '/aanmelden/controleren', () => ({}));
    if (confirm.location !== '/aanmelden/bevestiging') return outcome(null);
    for (let i = 0; i <= RETRIES; i++) {
      try {
        const page = await b.request('GET', '/aanmelden/bevestiging');
        const m = /href="\/afspraak\/([A-Za-z0-9_-]{43,})"/.exec(page.body);
        if (m) return outcome(m[1]!);
      } catch {
        b.dropped += 1;
      }
      await sleep(250);
    }
    return outcome(null);
  } catch {
    return outcome(null);
  }
}

// ---------------------------------------------------------------------------------------------
// What was promised against what is there.

export interface Reconciliation {
  confirmed: number;
  /** Confirmation pages whose appointment is not in the database. */
  lostBookings: number;
  appointments: number;
  /** Outbox messages that never reached the mail server. */
  lostMails: number;
  /** Messages the mail server received more than once (same Message-ID), and how often extra. */
  duplicateMails: number;
  /** Booked appointments without a mail to their resident. */
  appointmentsWithoutMail: number;
  /** Outbox messages not yet marked sent. */
  unsent: number;
}

export async function reconcile(
  db: Kysely<Database>,
  outcomes: Outcome[],
  received: ParsedMail[],
): Promise<Reconciliation> {
  const tokens = outcomes.filter((o) => o.token).map((o) => hashToken(o.token!));
  const found = tokens.length
    ? await db
        .selectFrom('appointment')
        .select('manage_token_hash')
        .where('manage_token_hash', 'in', tokens)
        .where('status', '=', 'booked')
        .execute()
    : [];
  const outbox = await db.selectFrom('outbox_message').select(['message_key', 'status', 'to_address']).execute();
  const counts = new Map<string, number>();
  for (const m of received) counts.set(m.messageId ?? '', (counts.get(m.messageId ?? '') ?? 0) + 1);
  const receivedKey = (key: string) => [...counts.keys()].some((id) => id.startsWith(`<${key}@`));
  const mailedTo = new Set(
    received.flatMap((m) =>
      (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address)),
    ),
  );
  const booked = await db
    .selectFrom('appointment')
    .innerJoin('request', 'request.id', 'appointment.request_id')
    .innerJoin('resident', 'resident.id', 'request.resident_id')
    .select('resident.email')
    .where('appointment.status', '=', 'booked')
    .where('resident.email', 'in', outcomes.length ? outcomes.map((o) => o.email) : [''])
    .execute();
  return {
    confirmed: tokens.length,
    lostBookings: tokens.length - found.length,
    appointments: booked.length,
    lostMails: outbox.filter((o) => !receivedKey(o.message_key)).length,
    duplicateMails: [...counts.values()].reduce((sum, n) => sum + (n - 1), 0),
    appointmentsWithoutMail: booked.filter((b) => b.email && !mailedTo.has(b.email)).length,
    unsent: outbox.filter((o) => o.status !== 'sent').length,
  };
}

/** Waits until every outbox message is marked sent (or the time is up). */
export async function drainOutbox(db: Kysely<Database>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await db
      .selectFrom('outbox_message')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '!=', 'sent')
      .executeTakeFirstOrThrow();
    if (Number(left.n) === 0) return;
    if (Date.now() > deadline) throw new Error(`${left.n} message(s) still unsent after ${timeoutMs} ms`);
    await sleep(250);
  }
}
