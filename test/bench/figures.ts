// The figures page and its exports for the council on a big history: a year of 20,000 sign-ups
// (all teams, periode=jaar) and five years of 100,000 (periode=eigen, five years back to
// yesterday), each in its own database on the bench's PostgreSQL server, seeded with the demo's
// teams and staff and a history (src/db/seed/history.ts). Logged in as the demo's policy officer
// (beleid), each page and export is asked for a few times; the answer times' p50 and p99 are
// printed. Targets: 1 s for a year, 3 s for five years.
//
//   TEST_DATABASE_URL=… npx tsx test/bench/figures.ts   (or without: a throwaway cluster)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { openDatabase } from '../../src/db/client.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { demoLogins, seedDemo } from '../../src/db/seed.js';
import { Client, createTestApp } from '../helpers/app.js';
import { createDatabase, startPostgres } from './postgres.js';
import { percentile } from './scenarios.js';

export const FIGURES_TARGETS = { oneYearMs: 1000, fiveYearsMs: 3000 };

export interface FiguresCase {
  years: number;
  requests: number;
  seedSeconds: number;
  /** Per route (page, csv, xlsx, json): status of the answers and their times. */
  routes: { name: string; status: number; p50Ms: number; p99Ms: number; kb: number }[];
  /** Whether every route answered 200 (the routes may not exist yet). */
  answered: boolean;
  targetMs: number;
}

export interface FiguresBench {
  oneYear: FiguresCase;
  fiveYears: FiguresCase;
}

/** The portal's clock in this bench: mid-January, so the last full year is the year before. */
const NOW = DateTime.fromISO('2027-01-15T10:00', { zone: 'Europe/Amsterdam' }).toJSDate();
const PER_YEAR = 20_000;
const ROUTES = [
  ['page', '/medewerker/cijfers'],
  ['csv', '/medewerker/cijfers/export.csv'],
  ['xlsx', '/medewerker/cijfers/export.xlsx'],
  ['json', '/medewerker/cijfers/export.json'],
] as const;

async function measureCase(
  adminUrl: string,
  years: number,
  query: string,
  o: { runs: number; log: (line: string) => void },
): Promise<FiguresCase> {
  const database = await createDatabase(adminUrl, `kt_figures_${years}y`);
  const handle = await openDatabase({ kind: 'server', url: database.url, poolSize: 4 });
  try {
    await migrateToLatest(handle.db);
    const started = performance.now();
    await seedDemo(handle.db, NOW, { historyPerYear: PER_YEAR, historyMonths: 12 * years });
    const seedSeconds = (performance.now() - started) / 1000;
    const requests = Number(
      (
        await handle.db
          .selectFrom('request')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    o.log(`figures, ${years} year(s): ${requests} requests seeded in ${seedSeconds.toFixed(1)} s`);
    const t = await createTestApp({
      now: () => NOW,
      testDb: { db: handle.db, kind: 'server', url: database.url, close: async () => {} },
    });
    try {
      const beleid = demoLogins.users.find((u) => u.role === 'beleid')!;
      const c = new Client(t.app);
      const login = await c.submit('/medewerker/inloggen', { email: beleid.email, password: demoLogins.password });
      if (login.statusCode !== 303) throw new Error(`login as beleid failed: ${login.statusCode}`);
      const routes: FiguresCase['routes'] = [];
      for (const [name, url] of ROUTES) {
        const times: number[] = [];
        let status = 0;
        let kb = 0;
        // The first answer warms the caches and the prepared statements; it is not counted.
        for (let i = 0; i <= o.runs; i++) {
          const start = performance.now();
          const res = await c.get(`${url}?${query}`);
          const ms = performance.now() - start;
          status = res.statusCode;
          kb = res.rawPayload.length / 1024;
          if (status !== 200) break;
          if (i > 0) times.push(ms);
        }
        const r = {
          name,
          status,
          p50Ms: times.length ? percentile(times, 50) : NaN,
          p99Ms: times.length ? percentile(times, 99) : NaN,
          kb,
        };
        routes.push(r);
        o.log(
          status === 200
            ? `  ${name}: p50 ${r.p50Ms.toFixed(0)} ms, p99 ${r.p99Ms.toFixed(0)} ms (${kb.toFixed(1)} kB)`
            : `  ${name}: answers ${status}, not measured (${url})`,
        );
      }
      const targetMs = years === 1 ? FIGURES_TARGETS.oneYearMs : FIGURES_TARGETS.fiveYearsMs;
      return { years, requests, seedSeconds, routes, answered: routes.every((r) => r.status === 200), targetMs };
    } finally {
      await t.close();
    }
  } finally {
    await handle.close();
    await database.drop();
  }
}

/** Both cases, one after the other, each in its own database (dropped afterwards). */
export async function figuresBench(
  adminUrl: string,
  o: { runs?: number; log?: (line: string) => void } = {},
): Promise<FiguresBench> {
  const opts = { runs: o.runs ?? 5, log: o.log ?? (() => undefined) };
  const lastYear = DateTime.fromJSDate(NOW, { zone: 'Europe/Amsterdam' }).year - 1;
  const oneYear = await measureCase(adminUrl, 1, `periode=jaar&jaar=${lastYear}&team=alle`, opts);
  const yesterday = DateTime.fromJSDate(NOW, { zone: 'Europe/Amsterdam' }).minus({ days: 1 });
  const from = yesterday.minus({ years: 5 }).plus({ days: 1 });
  const five = `periode=eigen&van=${from.toISODate()}&tot=${yesterday.toISODate()}&team=alle`;
  const fiveYears = await measureCase(adminUrl, 5, five, opts);
  return { oneYear, fiveYears };
}

/** Met when every route answered and its p99 is within the target. */
export function figuresMet(c: FiguresCase): boolean {
  return c.answered && c.routes.every((r) => r.p99Ms <= c.targetMs);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = fileURLToPath(new URL('../..', import.meta.url));
  const server = await startPostgres(repo);
  let code = 0;
  try {
    const r = await figuresBench(server.adminUrl, { log: (l) => console.log(l) });
    for (const c of [r.oneYear, r.fiveYears]) {
      const worst = Math.max(...c.routes.map((x) => x.p99Ms));
      console.log(
        c.answered
          ? `figures, ${c.years} year(s), ${c.requests} requests: worst p99 ${worst.toFixed(0)} ms (target ${c.targetMs} ms): ${figuresMet(c) ? 'met' : 'MISSED'}`
          : `figures, ${c.years} year(s): the figures routes do not answer 200 yet (${c.routes.map((x) => `${x.name} ${x.status}`).join(', ')})`,
      );
      if (!figuresMet(c)) code = 1;
    }
  } finally {
    await server.stop();
  }
  process.exit(code);
}
