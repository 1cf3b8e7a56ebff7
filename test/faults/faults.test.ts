// Faults as an operator meets them, on a PostgreSQL server of this file's own (fsync on) with the
// portal running as its own process and a real SMTP server: the database restarts under booking
// load, the portal is killed with SIGKILL in the middle of bookings, and the mail server is away
// for a while. After each, what residents were told is reconciled with what the database and the
// mail server hold. Runs with the server suite (TEST_DATABASE_URL); needs PostgreSQL's binaries.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { onServer } from '../helpers/db.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import { openDatabase, type DbHandle } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/db/seed.js';
import {
  bookAsResident,
  drainOutbox,
  reconcile,
  sleep,
  startPgServer,
  startPortal,
  type Outcome,
  type PgServer,
  type Portal,
} from './harness.js';

// The portals' clock: a Monday morning in Amsterdam when this file starts, ticking on from there,
// the same for every portal process this file starts (each gets "now" on that one timeline).
const CLOCK_ZERO = new Date('2026-12-07T09:00:00+01:00');
const startedAt = performance.now();
const clockNow = () => new Date(CLOCK_ZERO.getTime() + (performance.now() - startedAt));
const POSTCODES = ['6811AB', '6815CD', '6821EF', '6824GH', '6827JK', '6834LM', '6837NP', '6843RS'];

/** Residents booking one after another on `lanes` lanes until `until()` says stop. */
function bookingLoad(base: () => string, lanes: number, tag: string) {
  const outcomes: Outcome[] = [];
  let stopping = false;
  let n = 0;
  const done = Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (!stopping) {
        const i = n++;
        outcomes.push(
          await bookAsResident(
            base,
            POSTCODES[(lane + i) % POSTCODES.length]!,
            `${tag}-${i}@example.nl`,
            lane * 7 + i * 3,
          ),
        );
      }
    }),
  );
  return {
    outcomes,
    stop: async () => {
      stopping = true;
      await done;
      return outcomes;
    },
  };
}

function figures(name: string, values: Record<string, number | string>) {
  console.log(
    `[fault] ${name}: ${Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
}

describe.runIf(onServer)('faults on a real PostgreSQL server', () => {
  let pg: PgServer;
  let handle: DbHandle;
  let smtp: SmtpReceiver;
  const portals: Portal[] = [];

  const start = async (env: Record<string, string> = {}, port?: number) => {
    const p = await startPortal(
      { DATABASE_URL: pg.url, SMTP_URL: smtp.url, CLOCK_START: clockNow().toISOString(), ...env },
      port,
    );
    portals.push(p);
    return p;
  };

  beforeAll(async () => {
    pg = await startPgServer();
    handle = await openDatabase({ kind: 'server', url: pg.url, poolSize: 4 });
    await migrateToLatest(handle.db);
    await seedDemo(handle.db, clockNow());
    // Only what this file's residents cause is reconciled.
    await handle.db.deleteFrom('outbox_message').execute();
    smtp = await startSmtpReceiver();
  }, 180_000);

  // Whatever a test left running is stopped, and its mail counted out, before the next one.
  afterEach(async () => {
    await Promise.all(portals.splice(0).map((p) => p.kill('SIGKILL')));
    await handle.db.deleteFrom('outbox_message').execute();
    smtp.messages.splice(0);
  });

  afterAll(async () => {
    await handle?.close();
    await smtp?.stop();
    pg?.stop();
  });

  it('keeps running through a database restart under booking load, answers 503 meanwhile, and loses nothing', async () => {
    const portal = await start();
    const load = bookingLoad(() => portal.url, 6, 'restart');
    await sleep(4_000);

    const restartAt = performance.now();
    pg.restart();
    const restartMs = performance.now() - restartAt;
    // Back in service: /readyz answers 200 again.
    let readyMs = -1;
    for (let i = 0; i < 200; i++) {
      if (
        (await fetch(`${portal.url}/readyz`).then(
          (r) => r.status,
          () => 0,
        )) === 200
      ) {
        readyMs = performance.now() - restartAt - restartMs;
        break;
      }
      await sleep(50);
    }
    await sleep(4_000);
    const outcomes = await load.stop();

    // The process never exited.
    expect(portal.child.exitCode).toBeNull();
    expect(portal.child.signalCode).toBeNull();
    expect(readyMs).toBeGreaterThanOrEqual(0);
    expect(readyMs).toBeLessThan(10_000);

    const statuses = outcomes.flatMap((o) => o.statuses);
    // Every answer was a page a resident can act on: no 500, and 503 only with the friendly page.
    const failures = portal
      .output()
      .split('\n')
      .filter((l) => l.includes('"level":50'))
      .join('\n');
    expect(
      statuses.filter((s) => s >= 500 && s !== 503),
      failures,
    ).toEqual([]);
    expect(outcomes.reduce((n, o) => n + o.dropped, 0)).toBe(0);

    await drainOutbox(handle.db, 60_000);
    const r = await reconcile(handle.db, outcomes, smtp.messages);
    figures('database restart', {
      restartMs: Math.round(restartMs),
      readyAfterRestartMs: Math.round(readyMs),
      processExits: portal.child.exitCode === null ? 0 : 1,
      confirmed: r.confirmed,
      answers503: statuses.filter((s) => s === 503).length,
      lostBookings: r.lostBookings,
      lostMails: r.lostMails,
      duplicateMails: r.duplicateMails,
    });
    expect(r.confirmed).toBeGreaterThan(10);
    expect(r.lostBookings).toBe(0);
    expect(r.lostMails).toBe(0);
    expect(r.appointmentsWithoutMail).toBe(0);
    expect(r.duplicateMails).toBeLessThanOrEqual(1);
    await portal.kill('SIGTERM');
  }, 180_000);

  it('loses no confirmed booking and no mail when the portal is killed with SIGKILL mid-bookings, and sends at most one mail twice', async () => {
    const first = await start();
    const port = Number(new URL(first.url).port);
    let base = first.url;
    const load = bookingLoad(() => base, 6, 'kill');
    // Wait until mail is flowing, so the crash lands between bookings and deliveries.
    for (let i = 0; i < 200 && smtp.messages.length < 10; i++) await sleep(50);
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    const killedAt = performance.now();
    // Started again by its supervisor, on the same port.
    const second = await start({}, port);
    base = second.url;
    const restartMs = performance.now() - killedAt;
    await sleep(3_000);
    const outcomes = await load.stop();

    await drainOutbox(handle.db, 90_000);
    const r = await reconcile(handle.db, outcomes, smtp.messages);
    figures('kill -9', {
      restartMs: Math.round(restartMs),
      confirmed: r.confirmed,
      lostBookings: r.lostBookings,
      lostMails: r.lostMails,
      duplicateMails: r.duplicateMails,
      droppedRequests: outcomes.reduce((n, o) => n + o.dropped, 0),
    });
    expect(r.confirmed).toBeGreaterThan(5);
    expect(r.lostBookings).toBe(0);
    expect(r.lostMails).toBe(0);
    expect(r.appointmentsWithoutMail).toBe(0);
    expect(r.duplicateMails).toBeLessThanOrEqual(1);
    // Nothing of the crashed requests is left half-written: every request has its resident and
    // every booked appointment its request.
    const orphans = await sql<{ n: number }>`
      select count(*)::int as n from appointment a left join request r on r.id = a.request_id where r.id is null`.execute(
      handle.db,
    );
    expect(orphans.rows[0]!.n).toBe(0);
    await second.kill('SIGTERM');
  }, 180_000);

  it('keeps every mail while the SMTP server is away and delivers each exactly once when it is back', async () => {
    const portal = await start();
    const port = smtp.port;
    await smtp.stop();
    const load = bookingLoad(() => portal.url, 3, 'smtp');
    await sleep(5_000);
    const outcomes = await load.stop();
    const waiting = await handle.db
      .selectFrom('outbox_message')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(Number(waiting.n)).toBeGreaterThan(0);

    const received = smtp.messages;
    smtp = await startSmtpReceiver(port);
    const backAt = performance.now();
    await drainOutbox(handle.db, 90_000);
    const deliveredMs = performance.now() - backAt;
    const r = await reconcile(handle.db, outcomes, [...received, ...smtp.messages]);
    figures('SMTP outage', {
      confirmed: r.confirmed,
      waitingMails: Number(waiting.n),
      allDeliveredAfterReturnMs: Math.round(deliveredMs),
      lostMails: r.lostMails,
      duplicateMails: r.duplicateMails,
    });
    expect(received).toHaveLength(0);
    expect(r.confirmed).toBeGreaterThan(3);
    expect(r.lostBookings).toBe(0);
    expect(r.lostMails).toBe(0);
    expect(r.duplicateMails).toBe(0);
    expect(portal.child.exitCode).toBeNull();
    await portal.kill('SIGTERM');
  }, 180_000);
});
