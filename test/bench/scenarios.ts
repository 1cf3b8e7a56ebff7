// The measurements of the bench, each against a running server on loopback.
import http from 'node:http';
import { sql, type Kysely } from 'kysely';
import autocannon from 'autocannon';
import type { Database } from '../../src/db/schema.js';
import { Browser, pool, request, walkToCheck, walkToMoment } from './http.js';

export interface Load {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** autocannon for `seconds` at `connections`, counted from the first request (no warm-up). */
export async function loadWindow(
  url: string,
  o: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<Load> {
  const r = await autocannon({
    url,
    connections: o.connections,
    headers: o.headers ?? {},
    timeout: 10,
    duration: o.seconds,
  });
  return {
    requestsPerSec: r.requests.total / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

/** Several windows as one: requests and errors added up, the median p50 and the worst p99. */
export function combineLoads(windows: Load[], seconds: number): Load {
  const sum = (f: (l: Load) => number) => windows.reduce((n, l) => n + f(l), 0);
  const p50s = windows.map((l) => l.p50Ms).sort((a, b) => a - b);
  return {
    requestsPerSec: sum((l) => l.requests) / seconds,
    p50Ms: p50s[Math.floor(p50s.length / 2)] ?? 0,
    p99Ms: Math.max(0, ...windows.map((l) => l.p99Ms)),
    requests: sum((l) => l.requests),
    non2xx: sum((l) => l.non2xx),
    errors: sum((l) => l.errors),
  };
}

/** autocannon for `seconds` at `connections`, after a short warm-up that is not counted. */
export async function load(
  url: string,
  o: { connections: number; seconds: number; headers?: Record<string, string> },
): Promise<Load> {
  await loadWindow(url, { ...o, seconds: 2 });
  return loadWindow(url, o);
}

export interface TeamEntry {
  id: number;
  slug: string;
  postcode: string;
}

export async function teamsOf(db: Kysely<Database>): Promise<TeamEntry[]> {
  const rows = await db
    .selectFrom('team')
    .innerJoin('team_area', 'team_area.team_id', 'team.id')
    .select(['team.id', 'team.slug', 'team_area.postcode_from as postcode'])
    .orderBy('team.id')
    .execute();
  return rows;
}

/** A resident's session that has reached the moment page of `team`; its slots and cookie. */
export async function calendarSession(
  base: string,
  agent: http.Agent,
  team: TeamEntry,
): Promise<{ cookie: string; slots: string[]; html: string }> {
  const b = new Browser(base, agent);
  const m = await walkToMoment(b, team.postcode, '1');
  return { cookie: b.cookie!, slots: m.slots, html: m.html };
}

export interface Prepared {
  cookie: string;
  csrf: string;
  slot: string;
}

/** Walks one session per planned slot up to the check page, `concurrency` at a time. */
export async function prepare(
  base: string,
  plan: { team: TeamEntry; slot: string }[],
  concurrency: number,
  firstN: number,
): Promise<Prepared[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    return await pool(plan, concurrency, async ({ team, slot }, i) => {
      const b = new Browser(base, agent);
      const m = await walkToMoment(b, team.postcode, String(1 + (i % 200)));
      if (!m.slots.includes(slot)) throw new Error(`slot ${slot} is not offered to team ${team.slug}`);
      const csrf = await walkToCheck(b, m.csrf, slot, firstN + i);
      return { cookie: b.cookie!, csrf, slot };
    });
  } finally {
    agent.destroy();
  }
}

export interface Confirmed {
  status: number;
  location: string | null;
  taken: boolean;
  ms: number;
}

/** The final POST of the check page, exactly as the browser sends it. */
export async function confirm(base: string, agent: http.Agent, s: Prepared): Promise<Confirmed> {
  const body = new URLSearchParams({ _csrf: s.csrf }).toString();
  const res = await request(
    agent,
    `${base}/aanmelden/controleren`,
    'POST',
    { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'nl' },
    body,
  );
  return { status: res.status, location: res.location, taken: res.body.includes('id="taken"'), ms: res.ms };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function bookedCount(db: Kysely<Database>): Promise<number> {
  const r = await db
    .selectFrom('appointment')
    .where('status', '=', 'booked')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Pairs of active appointments that overlap in one block: must be 0. */
export async function doubleBookings(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from appointment a join appointment b
      on a.block_id = b.block_id and a.id < b.id
     and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)
   where a.status = 'booked' and b.status = 'booked'`.execute(db);
  return r.rows[0]!.n;
}

/** Active appointments per slot key ("<blockId>_<ISO start>"). */
export async function appointmentsAt(db: Kysely<Database>, keys: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const key of keys) {
    const [blockId, start] = key.split('_');
    const r = await db
      .selectFrom('appointment')
      .where('block_id', '=', Number(blockId))
      .where('starts_at', '=', new Date(start!))
      .where('status', '=', 'booked')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out.set(key, Number(r.n));
  }
  return out;
}
