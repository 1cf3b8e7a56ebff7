// More than one portal process on one PostgreSQL server, as real child processes: two portals
// on two ports (as behind a proxy) and one portal with WORKERS=2 (node's cluster module on one
// port). What must hold across processes: a booking on one takes the time off the other's
// calendar, a session made on one works on the other, every outbox message reaches the (real)
// SMTP server exactly once, and periodic jobs never run in two processes at once.
// Server only (TEST_DATABASE_URL); in CI the server run of the suite always runs it.
// Clock-free: the portals run as child processes on a fixed clock; server only anyway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import { drainOutbox, sleep, startPortal, type Portal } from '../faults/harness.js';
import { Browser, walkToCheck, walkToMoment } from '../bench/http.js';
import { confirm } from '../bench/scenarios.js';
import { openDatabase, type DbHandle } from '../../src/db/client.js';
import { enqueueMails } from '../../src/core/mail/outbox.js';
import { JOBS_LOCK, whileHoldingJobsLock } from '../../src/plugins/jobs.js';

// Every portal of this file runs on this clock (a Monday morning in Amsterdam).
const CLOCK = '2026-12-07T09:00:00+01:00';
const POSTCODE = '6824AB';
const at = (local: string) => new Date(`${local}:00+01:00`);

/** The times a calendar page offers (slot keys), as the resident's browser sees them. */
async function offeredOn(base: string, cookie: string): Promise<string[]> {
  const b = new Browser(base, new http.Agent({ keepAlive: false }));
  b.cookie = cookie;
  const page = await b.get('/aanmelden/moment');
  expect(page.status).toBe(200);
  return [...page.body.matchAll(/name="slot" id="[^"]*" value="([^"]+)"/g)].map((m) => m[1]!);
}

/** The pids of a process's children (the cluster's workers), from /proc. */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

async function until<T>(what: string, fn: () => Promise<T | null> | T | null, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await sleep(50);
  }
}

describe.runIf(onServer)('several portal processes on one PostgreSQL server', () => {
  let testDb: TestDb;
  let smtp: SmtpReceiver;
  const portals: Portal[] = [];
  let one: Portal;
  let two: Portal;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  const start = async (env: Record<string, string> = {}) => {
    const p = await startPortal({ DATABASE_URL: testDb.url!, SMTP_URL: smtp.url, CLOCK_START: CLOCK, ...env });
    portals.push(p);
    return p;
  };

  beforeAll(async () => {
    testDb = await createTestDb();
    smtp = await startSmtpReceiver();
    const db = testDb.db;
    const team = await makeTeam(db, { name: 'Wijkteam West', from: '6824AA', to: '6825ZZ' });
    const coaches = await Promise.all([0, 1, 2, 3].map(() => makeStaff(db, team.id)));
    for (const day of ['2026-12-09', '2026-12-10', '2026-12-11']) {
      for (const [a, b] of [
        [0, 1],
        [2, 3],
      ] as const) {
        await makeBlock(db, {
          teamId: team.id,
          start: at(`${day}T09:00`),
          end: at(`${day}T12:00`),
          coachIds: [coaches[a]!.id, coaches[b]!.id],
        });
      }
    }
    [one, two] = await Promise.all([start(), start()]);
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    await Promise.all(portals.map((p) => p.kill('SIGTERM')));
    await smtp?.stop();
    await testDb?.close();
  });

  it('a booking on one process takes the time off the calendar the other serves', async () => {
    const watcher = new Browser(two.url, agent);
    const seen = await walkToMoment(watcher, POSTCODE, '3');
    const slot = seen.slots[0]!;
    // Read twice: the second process keeps this team's free times in memory now.
    expect(await offeredOn(two.url, watcher.cookie!)).toContain(slot);

    const resident = new Browser(one.url, agent);
    const moment = await walkToMoment(resident, POSTCODE, '5');
    const csrf = await walkToCheck(resident, moment.csrf, slot, 1);
    const res = await confirm(one.url, agent, { cookie: resident.cookie!, csrf, slot });
    expect(res.status).toBe(303);

    // The database notifies every connection of every process when the booking commits.
    await until('the second process stops offering the booked time', async () =>
      (await offeredOn(two.url, watcher.cookie!)).includes(slot) ? null : true,
    );
    expect(await offeredOn(one.url, watcher.cookie!)).not.toContain(slot);
  });

  it('a session and sign-up begun on one process carry on and book on the other', async () => {
    const onOne = new Browser(one.url, agent);
    const moment = await walkToMoment(onOne, POSTCODE, '7');
    const slot = moment.slots[0]!;
    // The same cookie (and the CSRF token it belongs to) on the other process.
    const onTwo = new Browser(two.url, agent);
    onTwo.cookie = onOne.cookie;
    const csrf = await walkToCheck(onTwo, moment.csrf, slot, 2);
    const res = await confirm(one.url, agent, { cookie: onTwo.cookie!, csrf, slot });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/aanmelden/bevestiging');
  });

  it('sends every outbox message exactly once while both processes deliver', async () => {
    // Many messages due at once: both processes' workers claim batches of the same table.
    await enqueueMails(
      testDb.db,
      Array.from({ length: 120 }, (_, i) => ({
        to: `bewoner${i}@example.nl`,
        subject: `Bericht ${i}`,
        text: `Bericht ${i}`,
      })),
    );
    await drainOutbox(testDb.db, 60_000);
    const rows = await testDb.db.selectFrom('outbox_message').select('message_key').execute();
    const received = new Map<string, number>();
    for (const m of smtp.messages) {
      const key = /^<([^@]+)@/.exec(m.messageId ?? '')?.[1] ?? '';
      received.set(key, (received.get(key) ?? 0) + 1);
    }
    expect(rows.length).toBeGreaterThanOrEqual(120);
    expect(rows.filter((r) => received.get(r.message_key) !== 1)).toEqual([]);
    expect(smtp.messages.length).toBe(rows.length);
  });

  it('lets one process at a time run the periodic jobs (advisory lock), the others skip', async () => {
    // Two pools of connections, as two processes have.
    const pools: DbHandle[] = await Promise.all(
      [0, 1].map(() => openDatabase({ kind: 'server', url: testDb.url!, poolSize: 3 })),
    );
    try {
      let active = 0;
      let most = 0;
      let runs = 0;
      const job = async () => {
        active += 1;
        most = Math.max(most, active);
        // Held while the other process tries: its attempt must find the lock taken.
        await sleep(50);
        runs += 1;
        active -= 1;
        return runs;
      };
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => whileHoldingJobsLock(pools[i % 2]!.db, job)),
      );
      expect(most).toBe(1);
      expect(runs).toBeGreaterThanOrEqual(1);
      expect(results.filter((r) => r === null).length).toBe(12 - runs);
      // Released after every run: nobody holds it now.
      const held = await sql<{ n: number }>`
        select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = ${JOBS_LOCK}`.execute(
        testDb.db,
      );
      expect(held.rows[0]!.n).toBe(0);
      // The portals' own runs take the same lock: held by this test, they skip theirs.
      const other = await whileHoldingJobsLock(pools[0]!.db, () => whileHoldingJobsLock(pools[1]!.db, job));
      expect(other).toBeNull();
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it('runs WORKERS=2 on one port: sessions work on both, a dead worker is replaced, a stop ends all', async () => {
    const cluster = await start({ WORKERS: '2' });
    const primary = cluster.child.pid!;
    const workers = await until('two workers', () => (childrenOf(primary).length === 2 ? childrenOf(primary) : null));
    await until('both workers listen', () => (cluster.output().includes('(2 processes)') ? true : null));

    // A new connection for every request: the primary hands them out in turn to the workers.
    const fresh = new http.Agent({ keepAlive: false });
    const b = new Browser(cluster.url, fresh);
    const moment = await walkToMoment(b, POSTCODE, '9');
    const slot = moment.slots[0]!;
    const csrf = await walkToCheck(b, moment.csrf, slot, 3);
    const res = await confirm(cluster.url, fresh, { cookie: b.cookie!, csrf, slot });
    expect(res.location).toBe('/aanmelden/bevestiging');

    process.kill(workers[0]!, 'SIGKILL');
    const now = await until('a new worker', () => {
      const c = childrenOf(primary);
      return c.length === 2 && !c.includes(workers[0]!) ? c : null;
    });
    expect(now).toContain(workers[1]);
    expect(cluster.output()).toContain('starting a new one');
    // New connections go to both workers in turn, the new one included: all answer.
    for (let i = 0; i < 6; i++) {
      const ready = await until('an answer', () =>
        fetch(`${cluster.url}/readyz`).then(
          (r) => r.status,
          () => null,
        ),
      );
      expect(ready).toBe(200);
    }

    expect(await cluster.kill('SIGTERM')).toBe(0);
    for (const pid of now) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe('the jobs lock on the embedded database', () => {
  it('takes and releases the same advisory lock on PGlite (one process, one session)', async () => {
    const handle = await openDatabase({ kind: 'embedded', dataDir: null });
    try {
      expect(await whileHoldingJobsLock(handle.db, async () => 'ran')).toBe('ran');
      const held = await sql<{ n: number }>`
        select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = ${JOBS_LOCK}`.execute(
        handle.db,
      );
      expect(held.rows[0]!.n).toBe(0);
    } finally {
      await handle.close();
    }
  });
});
