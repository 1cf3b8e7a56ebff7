// `npm run bench`: the calendar and booking under load, each figure a ratio against a ceiling
// measured in the same run on the same machine (see the Performance section of README.md).
// Loopback only; bounded durations and request counts; always cleans up its processes, its
// databases and (without TEST_DATABASE_URL) its throwaway PostgreSQL cluster.
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDemo } from '../../src/db/seed.js';
import { createDatabase, pgbench, serverVersion, startPostgres } from './postgres.js';
import { freePort, memoryOf, start, stopAll, waitFor200, type Service } from './processes.js';
import {
  appointmentsAt,
  bookedCount,
  calendarSession,
  combineLoads,
  confirm,
  doubleBookings,
  load,
  loadWindow,
  percentile,
  prepare,
  teamsOf,
  type Load,
  type TeamEntry,
} from './scenarios.js';
import { fixed, percent, printTable, writeResults } from './report.js';
import { writeChart } from './chart.js';
import { pageWeight } from './page-weight.js';
import { measureScaling } from './processes-scaling.js';
import { firstAfterWrite } from './first-after-write.js';
import { figuresBench } from './figures.js';
import { measureEmbedded } from './embedded.js';
import { bookingCeiling } from './booking-ceiling.js';
import { passOf, panelsOf, rowsOf, type Figures } from './summary.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const resultsFile = path.join(repo, 'test/bench/results.json');
const chartFile = path.join(repo, 'test/bench/results.svg');

// Sizes: Arnhem scale, as in the issue.
// No year of history here (the figures step seeds its own): the calendar's data as before.
const SCALE = { coaches: 174, blocksPerDuoPerWeek: 6, weeks: 3, bookedShare: 0.3, historyPerYear: 0 };
const LOAD = { connections: 32, seconds: 10 };
const PGBENCH = { clients: 8, threads: 2, seconds: 10 };
const BOOKING = { perTeam: 40, concurrency: Number(process.env.BENCH_BOOKING_CONCURRENCY ?? 8), prepareConcurrency: 4 };
const RACE = { clients: 200, slots: 20 };
/**
 * The calendar while residents book: calm and booking windows taken in turn (3 of each, 4 s), so
 * that a slow moment of a shared machine weighs on both sides of the ratio alike.
 */
const STEADY = { bookingsPerSec: 5, rounds: 3, windowSeconds: 4 };
/** What a phone's browser sends: the calendar is measured compressed, as it goes out to residents. */
const PHONE_ENCODINGS = 'gzip, deflate, br, zstd';
const TIME_LIMIT_MS = 20 * 60_000;

const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await stopAll();
    while (cleanups.length) {
      const c = cleanups.pop()!;
      try {
        await c.fn();
      } catch (err) {
        console.error(`cleanup (${c.name}) failed:`, err);
      }
    }
  })();
  return cleaning;
}
// Ctrl-C reaches this process twice (from the terminal and relayed by tsx): the handler stays
// installed, so a second signal cannot kill the process before the cleanup is done.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (cleaning) return;
    console.error(`\n${sig}: stopping the bench and cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  console.error(`the bench ran longer than ${TIME_LIMIT_MS / 60_000} minutes: stopping`);
  void cleanup().finally(() => process.exit(1));
}, TIME_LIMIT_MS);

/** Runs `fn` once, however often it is called (a step's own call and the cleanup's). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | null = null;
  return () => (p ??= fn());
}

const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

// BENCH_ONLY=calendar: measures hello and the calendar only.
// BENCH_PROFILE=<dir>: the portal writes a CPU profile there when it stops (open it in Chrome
// DevTools or speedscope) to see where the time of a slow figure goes.
const profileDir = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : null;

/** A TypeScript file run with tsx (the bench's own helpers). */
function node(name: string, script: string, env: NodeJS.ProcessEnv): Service {
  return start(name, process.execPath, ['--import', 'tsx', script], env, repo);
}

async function main(): Promise<number> {
  const startedAt = new Date();
  /** The figures of the steps measured by their own modules (each step fills in its own). */
  const extra: Partial<
    Pick<Figures, 'bookingCeiling' | 'firstAfterWrite' | 'pageWeight' | 'processes' | 'mail' | 'embedded' | 'figures'>
  > = {};
  const machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? '?',
    memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2))),
  };
  log(
    `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, load ${machine.loadAverageAtStart.join(' ')}`,
  );

  // PostgreSQL and the data.
  const pgServer = await startPostgres(repo);
  cleanups.push({ name: 'PostgreSQL', fn: pgServer.stop });
  const appDb = await createDatabase(pgServer.adminUrl, 'kt_bench');
  cleanups.push({ name: 'bench database', fn: once(appDb.drop) });
  const postgresVersion = await serverVersion(pgServer.adminUrl);
  log(`PostgreSQL ${postgresVersion} (${pgServer.kind})`);
  const handle = await openDatabase({ kind: 'server', url: appDb.url, poolSize: 2 });
  const closeDb = once(handle.close);
  cleanups.push({ name: 'bench connection', fn: closeDb });
  const db = handle.db;
  await migrateToLatest(db);
  let t = performance.now();
  await seedDemo(db, new Date(), SCALE);
  const count = async (table: 'staff_user' | 'block' | 'team') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const data = {
    teams: await count('team'),
    coaches: Number(
      (
        await db
          .selectFrom('staff_user')
          .where('role', '=', 'coach')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    blocks: await count('block'),
    slots: (await count('block')) * 2,
    booked: await bookedCount(db),
  };
  log(
    `seeded in ${fixed((performance.now() - t) / 1000, 1)} s: ${data.teams} teams, ${data.coaches} coaches, ${data.blocks} blocks, ${data.slots} slots, ${data.booked} booked (${percent(data.booked / data.slots)})`,
  );

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kt-bench-'));
  cleanups.push({ name: 'data dir', fn: () => rmSync(dataDir, { recursive: true, force: true }) });

  // 1. hello: the HTTP ceiling.
  const helloPort = await freePort();
  const hello = node('hello', 'test/bench/hello.ts', { ...process.env, PORT: String(helloPort) });
  await waitFor200(`http://127.0.0.1:${helloPort}/`, hello, 30_000);
  log('hello: measuring');
  const helloLoad = await load(`http://127.0.0.1:${helloPort}/`, LOAD);
  await hello.stop();
  log(`hello: ${fixed(helloLoad.requestsPerSec)} req/s`);

  // The portal in production mode, as its own process: compiled (npm run build), run by node
  // itself as `npm run serve` does, without the TypeScript loader of `npm start` (~45 MB).
  log('portal: npm run build');
  await run('npm', ['run', 'build'], { cwd: repo });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = start(
    'portal',
    process.execPath,
    [...prof, 'dist/src/server.js'],
    {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: appDb.url,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      QUESTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: '',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'never',
      SMTP_URL: '',
      DATA_DIR: dataDir,
      PUBLIC_POST_LIMIT: '1000000',
    },
    repo,
  );
  await waitFor200(`${base}/healthz`, server, 60_000);
  const pid = server.child.pid!;
  const rssMb: Record<string, number> = { started: Math.round(memoryOf(pid).rssMb) };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  cleanups.push({ name: 'agent', fn: () => agent.destroy() });
  const teams = await teamsOf(db);

  // 2. calendar: the biggest team's slot page, 3 weeks.
  const biggest = await db
    .selectFrom('block')
    .select(['team_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('team_id')
    .orderBy('n', 'desc')
    .executeTakeFirstOrThrow();
  const calendarTeam = teams.find((x) => x.id === biggest.team_id)!;
  const cal = await calendarSession(base, agent, calendarTeam);
  if (cal.slots.length === 0) throw new Error('the calendar page offers no slots');
  log(
    `calendar: team ${calendarTeam.slug}, ${cal.slots.length} times offered, page ${fixed(cal.html.length / 1024, 1)} kB: measuring`,
  );
  const calendarLoad = await load(`${base}/aanmelden/moment`, {
    ...LOAD,
    headers: { cookie: cal.cookie, 'accept-language': 'nl', 'accept-encoding': PHONE_ENCODINGS },
  });
  rssMb.afterCalendar = Math.round(memoryOf(pid).rssMb);
  log(
    `calendar: ${fixed(calendarLoad.requestsPerSec)} req/s, p50 ${calendarLoad.p50Ms} ms, p99 ${calendarLoad.p99Ms} ms, non-2xx ${calendarLoad.non2xx}`,
  );

  // 2b. the same calendar while residents book at 5 a second, spread over every team as in real
  // life (the calendar's own team gets its share): each booking makes the database notify that
  // team's change, and only that team's kept free times are read again.
  const steady = await calendarWhileBooking(base, agent, teams, calendarTeam, cal.cookie);
  rssMb.afterCalendarWhileBooking = Math.round(memoryOf(pid).rssMb);
  log(
    `calendar while ${fixed(steady.bookingsPerSec)} bookings/s: ${fixed(steady.load.requestsPerSec)} req/s against ${fixed(steady.calm.requestsPerSec)} calm in the windows between (${percent(steady.load.requestsPerSec / steady.calm.requestsPerSec)}), p50 ${steady.load.p50Ms} ms, p99 ${steady.load.p99Ms} ms`,
  );

  if (process.env.BENCH_ONLY === 'calendar') {
    // For working on the calendar (with BENCH_PROFILE): no other steps, no results file.
    log(
      `calendar / hello: ${percent(calendarLoad.requestsPerSec / helloLoad.requestsPerSec)}; while booking / calm: ${percent(steady.load.requestsPerSec / steady.calm.requestsPerSec)}; RSS ${rssMb.afterCalendar} MB`,
    );
    agent.destroy();
    await server.stop();
    return 0;
  }

  // 3. pgbench -N on the same server: the write ceiling.
  const benchDb = await createDatabase(pgServer.adminUrl, 'kt_pgbench');
  const dropBenchDb = once(benchDb.drop);
  cleanups.push({ name: 'pgbench database', fn: dropBenchDb });
  log('pgbench: measuring');
  const pgb = await pgbench(pgServer.bin, benchDb.url, PGBENCH);
  await dropBenchDb();
  log(`pgbench: ${fixed(pgb.tps)} tps`);

  // 3b. the booking's own transaction in pgbench (src/core/booking.pgbench.sql, checked against
  // what the portal sends by test/booking/pgbench-script.test.ts): the like-for-like ceiling.
  const ceilingDb = await createDatabase(pgServer.adminUrl, 'kt_ceiling');
  const dropCeilingDb = once(ceilingDb.drop);
  cleanups.push({ name: 'booking ceiling database', fn: dropCeilingDb });
  log("pgbench with the booking's own transaction: measuring");
  const ceiling = await bookingCeiling(pgServer.bin, ceilingDb.url, { clients: PGBENCH.clients });
  await dropCeilingDb();
  extra.bookingCeiling = { ...ceiling, clients: PGBENCH.clients };
  log(`booking's own transaction: ${fixed(ceiling.tps)} tps`);

  // 4. booking: distinct free slots, every session walked through the steps first.
  const offered = new Map<TeamEntry, string[]>();
  for (const team of teams) offered.set(team, (await calendarSession(base, agent, team)).slots);
  const plan = teams.flatMap((team) =>
    offered
      .get(team)!
      .slice(0, BOOKING.perTeam)
      .map((slot) => ({ team, slot })),
  );
  log(`booking: preparing ${plan.length} sessions`);
  t = performance.now();
  const sessions = await prepare(base, plan, BOOKING.prepareConcurrency, 0);
  log(
    `booking: prepared in ${fixed((performance.now() - t) / 1000, 1)} s; confirming ${sessions.length} at ${BOOKING.concurrency} at a time`,
  );
  const before = await bookedCount(db);
  const fireAgent = new http.Agent({ keepAlive: true, maxSockets: BOOKING.concurrency });
  t = performance.now();
  const confirmed = await poolConfirm(base, fireAgent, sessions, BOOKING.concurrency);
  const bookingSeconds = (performance.now() - t) / 1000;
  fireAgent.destroy();
  const booked = confirmed.filter((c) => c.status === 303 && c.location === '/aanmelden/bevestiging').length;
  const bookingCreated = (await bookedCount(db)) - before;
  const booking = {
    attempts: sessions.length,
    booked,
    createdInDatabase: bookingCreated,
    otherStatuses: confirmed.filter((c) => c.status !== 303).map((c) => c.status),
    bookingsPerSec: booked / bookingSeconds,
    p50Ms: percentile(
      confirmed.map((c) => c.ms),
      50,
    ),
    p99Ms: percentile(
      confirmed.map((c) => c.ms),
      99,
    ),
  };
  rssMb.afterBooking = Math.round(memoryOf(pid).rssMb);
  log(
    `booking: ${booked}/${sessions.length} booked in ${fixed(bookingSeconds, 2)} s = ${fixed(booking.bookingsPerSec)} bookings/s (p50 ${fixed(booking.p50Ms, 1)} ms, p99 ${fixed(booking.p99Ms, 1)} ms)`,
  );

  // 5. race: 200 clients, 20 slots, all confirming at once.
  const fresh: string[][] = [];
  for (const team of teams) fresh.push((await calendarSession(base, agent, team)).slots);
  const raceSlots: { team: TeamEntry; slot: string }[] = [];
  for (let round = 0; raceSlots.length < RACE.slots; round++) {
    let added = false;
    teams.forEach((team, i) => {
      const slot = fresh[i]![round];
      if (slot && raceSlots.length < RACE.slots) {
        raceSlots.push({ team, slot });
        added = true;
      }
    });
    if (!added) throw new Error('not enough free slots for the race');
  }
  const racePlan = Array.from({ length: RACE.clients }, (_, i) => raceSlots[i % RACE.slots]!);
  log(`race: preparing ${racePlan.length} sessions for ${raceSlots.length} slots`);
  const raceSessions = await prepare(base, racePlan, BOOKING.prepareConcurrency, 10_000);
  const raceBefore = await bookedCount(db);
  const raceAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const results = await Promise.all(raceSessions.map((s) => confirm(base, raceAgent, s)));
  raceAgent.destroy();
  const perSlot = await appointmentsAt(
    db,
    raceSlots.map((r) => r.slot),
  );
  const race = {
    clients: results.length,
    slots: raceSlots.length,
    booked: results.filter((r) => r.status === 303 && r.location === '/aanmelden/bevestiging').length,
    justTaken: results.filter((r) => r.status === 409 && r.taken).length,
    serverErrors: results.filter((r) => r.status >= 500).length,
    other: results
      .filter((r) => !(r.status === 303 || (r.status === 409 && r.taken) || r.status >= 500))
      .map((r) => r.status),
    slotsWithExactlyOne: [...perSlot.values()].filter((n) => n === 1).length,
    slotsWithMoreThanOne: [...perSlot.values()].filter((n) => n > 1).length,
    createdInDatabase: (await bookedCount(db)) - raceBefore,
    doubleBookingsInDatabase: await doubleBookings(db),
  };
  const raceOk =
    race.slotsWithExactlyOne === race.slots &&
    race.slotsWithMoreThanOne === 0 &&
    race.doubleBookingsInDatabase === 0 &&
    race.booked === race.slots &&
    race.createdInDatabase === race.slots &&
    race.justTaken === race.clients - race.slots &&
    race.serverErrors === 0;
  log(
    `race: ${race.booked} booked, ${race.justTaken} "just taken" (409), ${race.serverErrors} 5xx, ${race.slotsWithExactlyOne}/${race.slots} slots with exactly one appointment`,
  );

  // 5b. bytes on the wire for a first and a repeat visit, in Chromium.
  log('page weight: first and repeat visits in Chromium');
  extra.pageWeight = await pageWeight(base);
  log(
    `page weight: start page ${extra.pageWeight.startFirstKb} / ${extra.pageWeight.startRepeatKb} kB, calendar ${extra.pageWeight.calendarFirstKb} / ${extra.pageWeight.calendarRepeatKb} kB (first / repeat)`,
  );

  // 6. memory after the run.
  const memory = memoryOf(pid);
  log(
    `memory: RSS ${fixed(memory.rssMb)} MB (peak ${fixed(memory.peakMb)} MB; after start ${rssMb.started}, calendar ${rssMb.afterCalendar}, booking ${rssMb.afterBooking} MB)`,
  );
  agent.destroy();
  await server.stop();

  // 6b. the same portal as 1 and as 2 processes (WORKERS), on the same data.
  log('processes: calendar and bookings with WORKERS=1 and WORKERS=2');
  const scaling = await measureScaling({ repo, databaseUrl: appDb.url, db, dataDir, log });
  extra.processes = scaling.map((x) => ({
    workers: x.workers,
    calendarPerSec: x.calendar.requestsPerSec,
    bookingsPerSec: x.booking.bookingsPerSec,
  }));
  await closeDb();

  // 6c. the first calendar read after a write, for a 300-coach team over 8 weeks (its own database).
  log('first read after a write: 300 coaches, 8 weeks');
  const faw = await firstAfterWrite(pgServer.adminUrl, { log });
  extra.firstAfterWrite = {
    coaches: faw.coaches,
    weeks: 8,
    blocks: faw.blocks,
    p50Ms: faw.p50,
    p99Ms: faw.p99,
    samples: 200,
  };
  log(
    `first read after a write: p50 ${fixed(faw.p50, 1)} ms, p99 ${fixed(faw.p99, 1)} ms (whole team: p99 ${fixed(faw.wholeP99, 1)} ms)`,
  );

  // 6d. the figures page and its exports on a year of 20,000 sign-ups and five years of 100,000
  // (their own databases). A failure here is reported, and the other figures still written.
  log('figures: a year of 20,000 sign-ups, then five years of 100,000');
  try {
    extra.figures = await figuresBench(pgServer.adminUrl, { log });
  } catch (err) {
    log(`figures: not measured (${err instanceof Error ? err.message : String(err)})`);
  }

  // 7. the embedded default: npm start on a fresh data dir (demo data), the calendar under load,
  // its memory, and a later start on that dir.
  log('embedded: npm start on a fresh data dir (loads the demo data)');
  const embedded = await measureEmbedded({ repo, dataDir: path.join(dataDir, 'embedded'), log });
  extra.embedded = { rssMbAfterLoad: embedded.rssMb.afterLoad, peakMb: embedded.rssMb.peak };
  const coldFirst = embedded.firstStartSeconds;
  const coldSecond = embedded.laterStartSeconds;
  log(
    `embedded: first start ${fixed(coldFirst, 2)} s, later start ${fixed(coldSecond, 2)} s, RSS after load ${fixed(embedded.rssMb.afterLoad)} MB`,
  );

  // 8. mail: outbox messages delivered per second to an SMTP server on loopback (its own process).
  log('mail: delivering to a local SMTP server');
  const mailRun = await run('npm', ['run', '--silent', 'bench:mail'], {
    cwd: repo,
    env: { ...process.env, BENCH_MAIL_JSON: '1', TEST_DATABASE_URL: '' },
    maxBuffer: 10 * 2 ** 20,
  });
  const mailLine = mailRun.stdout.split('\n').find((l) => l.startsWith('BENCH_MAIL_JSON '));
  if (mailLine) {
    const m = JSON.parse(mailLine.slice('BENCH_MAIL_JSON '.length)) as { messages: number; perSecond: number };
    extra.mail = { messages: m.messages, perSecond: m.perSecond };
    log(`mail: ${m.perSecond} messages/s`);
  }

  // The table, results.json and the chart.
  const figures: Figures = {
    hello: helloLoad,
    calendar: { team: calendarTeam.slug, weeks: SCALE.weeks, ...calendarLoad },
    calendarWhileBooking: {
      ...steady.load,
      bookingsPerSec: steady.bookingsPerSec,
      booked: steady.booked,
      calmRequestsPerSec: steady.calm.requestsPerSec,
    },
    pgbench: pgb,
    booking: { ...booking, concurrency: BOOKING.concurrency },
    race: { ...race, ok: raceOk },
    memory: { rssMb: memory.rssMb, peakMb: memory.peakMb, startedMb: rssMb.started! },
    coldStart: { firstSeconds: coldFirst, secondSeconds: coldSecond },
    ...extra,
  };
  const pass = passOf(figures);
  const table = printTable(rowsOf(figures));
  writeChart(chartFile, 'Keukentafel bench, ' + startedAt.toISOString().slice(0, 10), panelsOf(figures));
  writeResults(resultsFile, {
    date: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))) },
    node: process.version,
    postgres: { version: postgresVersion, server: pgServer.kind },
    data: data,
    config: {
      scale: SCALE,
      load: LOAD,
      pgbench: PGBENCH,
      booking: BOOKING,
      race: RACE,
      dbPoolSize: Number(process.env.DB_POOL_SIZE ?? 10),
    },
    figures: {
      ...figures,
      calendar: {
        ...figures.calendar,
        timesOffered: cal.slots.length,
        ratioToHello: calendarLoad.requestsPerSec / helloLoad.requestsPerSec,
      },
      calendarWhileBooking: {
        ...figures.calendarWhileBooking,
        attempts: steady.attempts,
        ratioToCalm: steady.load.requestsPerSec / steady.calm.requestsPerSec,
        windows: { rounds: STEADY.rounds, seconds: STEADY.windowSeconds },
      },
      booking: {
        ...figures.booking,
        seconds: bookingSeconds,
        ratioToPgbench: booking.bookingsPerSec / pgb.tps,
        ...(figures.bookingCeiling
          ? { ratioToOwnTransaction: booking.bookingsPerSec / figures.bookingCeiling.tps }
          : {}),
      },
      memory: { ...memory, rssMbByStage: rssMb },
      coldStart: { ...figures.coldStart, mode: 'embedded (PGlite), npm start, NODE_ENV=production' },
    },
    pass,
    table,
  });
  log(`results written to ${path.relative(repo, resultsFile)} and ${path.relative(repo, chartFile)}`);
  const missed = Object.entries(pass)
    .filter(([, ok]) => !ok)
    .map(([k]) => k);
  if (missed.length) log(`targets missed: ${missed.join(', ')}`);
  // Speed varies with the machine and its load; correctness does not: a failed race fails the run.
  return raceOk ? 0 : 1;
}

/**
 * The calendar under LOAD while one booking is confirmed every 1/STEADY.bookingsPerSec seconds,
 * round-robin over the teams (sessions walked to the check page beforehand, not counted).
 */
async function calendarWhileBooking(
  base: string,
  agent: http.Agent,
  teams: TeamEntry[],
  calendarTeam: TeamEntry,
  cookie: string,
) {
  const bookingSeconds = STEADY.rounds * STEADY.windowSeconds;
  const needed = Math.ceil(STEADY.bookingsPerSec * (bookingSeconds + STEADY.rounds)) + 5;
  const byTeam = new Map<TeamEntry, string[]>();
  // From the end of each team's list: the booking step takes the first ones.
  for (const team of teams) byTeam.set(team, (await calendarSession(base, agent, team)).slots.slice().reverse());
  const plan: { team: TeamEntry; slot: string }[] = [];
  for (let i = 0; plan.length < needed && i < needed * teams.length; i++) {
    const team = teams[i % teams.length]!;
    const slot = byTeam.get(team)!.shift();
    if (slot) plan.push({ team, slot });
  }
  log(
    `calendar while booking: preparing ${plan.length} sessions (the calendar's team has ${plan.filter((p) => p.team === calendarTeam).length})`,
  );
  const sessions = await prepare(base, plan, BOOKING.prepareConcurrency, 20_000);
  const fireAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const fired: Promise<Awaited<ReturnType<typeof confirm>>>[] = [];
  const url = `${base}/aanmelden/moment`;
  const opts = {
    connections: LOAD.connections,
    seconds: STEADY.windowSeconds,
    headers: { cookie, 'accept-language': 'nl', 'accept-encoding': PHONE_ENCODINGS },
  };
  const calm: Load[] = [];
  const busy: Load[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    await loadWindow(url, { ...opts, seconds: 2 }); // warm-up, not counted
    for (let round = 0; round < STEADY.rounds; round++) {
      calm.push(await loadWindow(url, opts));
      timer = setInterval(() => {
        const s = sessions[fired.length];
        if (s) fired.push(confirm(base, fireAgent, s));
      }, 1000 / STEADY.bookingsPerSec);
      busy.push(await loadWindow(url, opts));
      clearInterval(timer);
    }
    const results = await Promise.all(fired);
    const booked = results.filter((c) => c.status === 303 && c.location === '/aanmelden/bevestiging').length;
    return {
      load: combineLoads(busy, bookingSeconds),
      calm: combineLoads(calm, bookingSeconds),
      attempts: results.length,
      booked,
      bookingsPerSec: results.length / bookingSeconds,
    };
  } finally {
    clearInterval(timer);
    fireAgent.destroy();
  }
}

async function poolConfirm(
  base: string,
  agent: http.Agent,
  sessions: Awaited<ReturnType<typeof prepare>>,
  limit: number,
) {
  const out: Awaited<ReturnType<typeof confirm>>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < sessions.length) out.push(await confirm(base, agent, sessions[next++]!));
    }),
  );
  return out;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error('\nbench failed:', err);
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(code);
