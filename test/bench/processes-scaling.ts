// The portal on one PostgreSQL server with WORKERS=1 and WORKERS=2 (node's cluster module, one
// port): calendar requests a second and bookings a second for each, on the same seeded data.
// From the bench (after `npm run build`, with the bench's seeded database):
//   const scaling = await measureScaling({ repo, databaseUrl: appDb.url, db, dataDir, log });
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { pool } from './http.js';
import { freePort, memoryOf, start, waitFor200 } from './processes.js';
import {
  bookedCount,
  calendarSession,
  confirm,
  load,
  percentile,
  prepare,
  teamsOf,
  type Load,
  type TeamEntry,
} from './scenarios.js';

export interface ScalingOptions {
  repo: string;
  /** A migrated, seeded database on the server (the bench's). */
  databaseUrl: string;
  /** A connection to it, to pick teams and count bookings. */
  db: Kysely<Database>;
  /** DATA_DIR for the portal (mail files). */
  dataDir: string;
  /** The portal's command; default the compiled one, as `npm run serve`. */
  command?: { command: string; args: string[] };
  workers?: number[];
  load?: { connections: number; seconds: number };
  booking?: { perTeam: number; concurrency: number };
  log?: (msg: string) => void;
}

export interface ScalingFigures {
  workers: number;
  calendar: Load;
  booking: { attempts: number; booked: number; bookingsPerSec: number; p50Ms: number; p99Ms: number };
  /** The primary and its workers together, after the run, in MB. */
  rssMb: number;
}

/** RSS of a process and its children (the cluster's workers), in MB. */
function rssOfTree(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return [pid, ...children.map(Number)].reduce((sum, p) => sum + memoryOf(p).rssMb, 0);
}

async function bookingRound(base: string, teams: TeamEntry[], o: Required<ScalingOptions>['booking'], n: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  try {
    const plan: { team: TeamEntry; slot: string }[] = [];
    for (const team of teams) {
      const { slots } = await calendarSession(base, agent, team);
      for (const slot of slots.slice(0, o.perTeam)) plan.push({ team, slot });
    }
    const sessions = await prepare(base, plan, 4, 40_000 + n * 1_000);
    const fire = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
    const began = performance.now();
    const results = await pool(sessions, o.concurrency, (s) => confirm(base, fire, s));
    const seconds = (performance.now() - began) / 1000;
    fire.destroy();
    const booked = results.filter((r) => r.status === 303 && r.location === '/aanmelden/bevestiging').length;
    const ms = results.map((r) => r.ms);
    return {
      attempts: results.length,
      booked,
      bookingsPerSec: booked / seconds,
      p50Ms: percentile(ms, 50),
      p99Ms: percentile(ms, 99),
    };
  } finally {
    agent.destroy();
  }
}

export async function measureScaling(o: ScalingOptions): Promise<ScalingFigures[]> {
  const log = o.log ?? (() => {});
  const cmd = o.command ?? { command: process.execPath, args: ['dist/src/server.js'] };
  const teams = await teamsOf(o.db);
  const biggest = await o.db
    .selectFrom('block')
    .select(['team_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('team_id')
    .orderBy('n', 'desc')
    .executeTakeFirstOrThrow();
  const calendarTeam = teams.find((t) => t.id === biggest.team_id)!;
  const out: ScalingFigures[] = [];
  for (const [round, workers] of (o.workers ?? [1, 2]).entries()) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const portal = start(
      `portal (WORKERS=${workers})`,
      cmd.command,
      cmd.args,
      {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: o.databaseUrl,
        SESSION_SECRET: randomBytes(32).toString('hex'),
        QUESTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
        WORKERS: String(workers),
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: '',
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'never',
        SMTP_URL: '',
        DATA_DIR: o.dataDir,
        PUBLIC_POST_LIMIT: '1000000',
      },
      o.repo,
    );
    try {
      await waitFor200(`${base}/healthz`, portal, 60_000);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
      const cal = await calendarSession(base, agent, calendarTeam);
      agent.destroy();
      log(`WORKERS=${workers}: calendar (${calendarTeam.slug}) under load`);
      const calendar = await load(`${base}/aanmelden/moment`, {
        ...(o.load ?? { connections: 32, seconds: 10 }),
        headers: { cookie: cal.cookie, 'accept-language': 'nl' },
      });
      const before = await bookedCount(o.db);
      const booking = await bookingRound(base, teams, o.booking ?? { perTeam: 20, concurrency: 8 }, round);
      if ((await bookedCount(o.db)) - before !== booking.booked) throw new Error('bookings confirmed but not stored');
      const rssMb = rssOfTree(portal.child.pid!);
      log(
        `WORKERS=${workers}: calendar ${calendar.requestsPerSec.toFixed(0)} req/s (p99 ${calendar.p99Ms} ms), ${booking.bookingsPerSec.toFixed(0)} bookings/s (${booking.booked}/${booking.attempts}), RSS ${rssMb.toFixed(0)} MB`,
      );
      out.push({ workers, calendar, booking, rssMb });
    } finally {
      await portal.stop();
    }
  }
  return out;
}
