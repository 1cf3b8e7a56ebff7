// /metrics for the operator's Prometheus: who may read it, that it is valid exposition text,
// and that bookings, the outbox and the routes are counted as they happen, on the real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { makeBlock, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { teamFreeSlots } from '../../src/core/availability.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');
const TOKEN = randomBytes(24).toString('base64url');
const slotKey = (blockId: number, local: string) => `${blockId}_${at(local).toISOString()}`;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format strictly enough to refuse anything a scraper would. */
function parseExposition(text: string): Sample[] {
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const typed = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      typed.set(type[1]!, type[2]!);
      continue;
    }
    if (new RegExp(`^# HELP ${name} .+$`).test(line)) continue;
    const m = new RegExp(`^(${name})(?:\\{(.*)\\})? (\\S+)$`).exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    let rest = m[2] ?? '';
    while (rest !== '') {
      const l = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/.exec(rest);
      if (!l) throw new Error(`bad labels: ${line}`);
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(l[0].length);
    }
    // As Prometheus reads numbers (Go's ParseFloat): NaN and Inf in any case.
    const special = /^(?:([+-]?)inf(?:inity)?|(nan))$/i.exec(m[3]!);
    const value = special ? (special[2] ? NaN : special[1] === '-' ? -Infinity : Infinity) : Number(m[3]);
    if (Number.isNaN(value) && !special) throw new Error(`bad value: ${line}`);
    const family = [...typed.keys()].find(
      (f) => m[1] === f || (/^(_bucket|_sum|_count)$/.test(m[1]!.slice(f.length)) && m[1]!.startsWith(f)),
    );
    if (!family) throw new Error(`sample without # TYPE: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

/** The sum of the samples of `name` that carry these labels; undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.length ? found.reduce((sum, s) => sum + s.value, 0) : undefined;
}

async function scrape(app: FastifyInstance): Promise<Sample[]> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode).toBe(200);
  return parseExposition(res.body);
}

describe('METRICS_TOKEN in the configuration', () => {
  it('needs at least 32 printable characters without spaces', () => {
    const load = (v: string) => () => loadConfig({ NODE_ENV: 'test', METRICS_TOKEN: v });
    expect(load('kort')).toThrow('Invalid configuration: METRICS_TOKEN must be at least 32 characters');
    expect(load(`${'a'.repeat(20)} ${'b'.repeat(20)}`)).toThrow(
      'Invalid configuration: METRICS_TOKEN must be printable ASCII without spaces',
    );
    expect(loadConfig({ NODE_ENV: 'test', METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(loadConfig({ NODE_ENV: 'test' }).metricsToken).toBeNull();
  });
});

// One database for the apps below (a fresh embedded one costs seconds); each app has its own registry.
let shared: TestDb;
beforeAll(async () => {
  shared = await createTestDb();
});
afterAll(async () => shared?.close());

describe('without METRICS_TOKEN', () => {
  it('has no /metrics: 404 as for any unknown address, whatever is sent', async () => {
    const t = await createTestApp({ now: () => NOW, testDb: shared });
    try {
      expect(t.app.routeRules.some((r) => r.url === '/metrics')).toBe(false);
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }]) {
        const res = await t.app.inject({ method: 'GET', url: '/metrics', headers });
        const unknown = await t.app.inject({ method: 'GET', url: '/bestaat-niet', headers });
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toBe(unknown.headers['content-type']);
        expect(res.body).not.toContain('keukentafel_');
      }
    } finally {
      await t.close();
    }
  });
});

describe(`/metrics (${onServer ? 'server' : 'embedded'} database)`, () => {
  let t: TestApp;
  let teamId: number;
  let blockId: number;
  let coachEmail: string;
  let pastBlockId: number;
  /** The Authorization header of every request to /metrics that got past the access check. */
  const reached: string[] = [];
  beforeAll(async () => {
    t = await createTestApp({
      now: () => NOW,
      config: { metricsToken: TOKEN },
      testDb: shared,
      beforeReady: (app) => {
        app.addHook('preHandler', async (req) => {
          if (req.routeOptions.url === '/metrics') reached.push(req.headers.authorization ?? '(none)');
        });
        // A page whose statement PostgreSQL refuses (division by zero).
        app.get(
          '/proef/fout',
          { config: { access: 'public' } },
          async () => (await sql<{ n: number }>`select 1 / (random() * 0)::int as n`.execute(app.db)).rows,
        );
      },
    });
    const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    teamId = team.id;
    const a = await makeLogin(t.app, team.id, 'coach', 'Fatima El Amrani');
    const b = await makeLogin(t.app, team.id, 'coach', 'Jeroen Bakker');
    coachEmail = a.email;
    // 09:00–17:00 with 60 + 30: slots at 09:00, 10:30, 12:00, 13:30 and 15:00.
    blockId = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T17:00'),
      coachIds: [a.id, b.id],
    });
    pastBlockId = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-11-23T09:00'),
      end: at('2026-11-23T12:00'),
      coachIds: [a.id, b.id],
    });
  });
  afterAll(async () => t?.close());

  it('answers 401 without the right bearer token, also to a logged-in admin, and runs no handler', async () => {
    const admin = await loggedIn(t.app, (await makeLogin(t.app, null, 'admin')).email);
    reached.length = 0;
    const wrong = `${TOKEN.slice(0, -1)}${TOKEN.endsWith('A') ? 'B' : 'A'}`;
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${wrong}` },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, 10)}` },
      { authorization: 'Bearer' },
      { authorization: `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}` },
      { authorization: TOKEN },
      { cookie: admin.cookieString() },
    ];
    for (const headers of attempts) {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).not.toContain('keukentafel_');
    }
    const inQuery = await t.app.inject({ method: 'GET', url: `/metrics?token=${TOKEN}` });
    expect(inQuery.statusCode).toBe(401);
    // Refused in onRequest (plugins/access.ts): the preHandler stage is never reached.
    expect(reached).toEqual([]);
    // The scheme is case-insensitive (RFC 7235).
    const lower = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `bearer ${TOKEN}` } });
    expect(lower.statusCode).toBe(200);
  });

  it('answers Prometheus text that is never cached or rate limited', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const samples = await scrape(t.app);
    const names = new Set(samples.map((s) => s.name));
    for (const name of [
      'keukentafel_http_requests_total',
      'keukentafel_http_request_duration_seconds_bucket',
      'keukentafel_bookings_total',
      'keukentafel_reschedules_total',
      'keukentafel_cancellations_total',
      'keukentafel_database_up',
      'keukentafel_outbox_pending_messages',
      'keukentafel_outbox_oldest_pending_age_seconds',
      'keukentafel_database_errors_total',
      'keukentafel_kept_reads_total',
      'keukentafel_kept_pages_total',
      'keukentafel_process_cpu_seconds_total',
      'keukentafel_nodejs_heap_size_used_bytes',
    ]) {
      expect(names, name).toContain(name);
    }
    expect(valueOf(samples, 'keukentafel_database_up')).toBe(1);
    // Every channel has its series from the start.
    for (const channel of ['online', 'phone', 'walkin', 'referrer'])
      expect(valueOf(samples, 'keukentafel_bookings_total', { channel })).toBe(0);
    // Pool figures exist only for a PostgreSQL server; the embedded database is one connection.
    expect(names.has('keukentafel_database_pool_connections')).toBe(onServer);
    expect(names.has('keukentafel_database_connection_errors_total')).toBe(onServer);
    if (onServer) expect(valueOf(samples, 'keukentafel_database_pool_connections')).toBeGreaterThanOrEqual(1);
  });

  it('counts a booking made through the pages exactly once, then its move and its cancellation', async () => {
    const before = await scrape(t.app);
    const c = new Client(t.app);
    let res = await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12a' });
    expect(res.headers.location).toBe('/aanmelden/vraag');
    res = await c.submit('/aanmelden/vraag', {
      question: 'Schulden',
      topics: ['money'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    expect(res.headers.location).toBe('/aanmelden/moment');
    res = await c.submit('/aanmelden/moment', { slot: slotKey(blockId, '2026-12-08T10:30'), mode: 'home' });
    expect(res.headers.location).toBe('/aanmelden/gegevens');
    res = await c.submit('/aanmelden/gegevens', {
      name: 'Anna de Vries',
      email: 'anna@example.nl',
      phone: '',
      street: 'Steenstraat',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      consent: 'yes',
    });
    expect(res.headers.location).toBe('/aanmelden/controleren');
    const check = await c.get('/aanmelden/controleren');
    res = await c.post('/aanmelden/controleren', { _csrf: csrfFrom(check.body) });
    expect(res.headers.location).toBe('/aanmelden/bevestiging');
    // The same form sent again (a double click) finds the booking it made: no second count.
    res = await c.post('/aanmelden/controleren', { _csrf: csrfFrom(check.body) });
    expect(res.headers.location).toBe('/aanmelden/bevestiging');
    expect(await t.app.db.selectFrom('appointment').select('id').execute()).toHaveLength(1);
    const token = /href="\/afspraak\/([^"]+)"/.exec((await c.get('/aanmelden/bevestiging')).body)![1]!;

    const booked = await scrape(t.app);
    const count = (s: Sample[], name: string, labels: Record<string, string>) => valueOf(s, name, labels) ?? 0;
    expect(
      count(booked, 'keukentafel_bookings_total', { channel: 'online' }) -
        count(before, 'keukentafel_bookings_total', { channel: 'online' }),
    ).toBe(1);
    expect(valueOf(booked, 'keukentafel_bookings_total')! - valueOf(before, 'keukentafel_bookings_total')!).toBe(1);
    expect(valueOf(booked, 'keukentafel_reschedules_total')).toBe(valueOf(before, 'keukentafel_reschedules_total'));

    const movePage = await c.get(`/afspraak/${token}/verzetten`);
    res = await c.post(`/afspraak/${token}/verzetten`, {
      _csrf: csrfFrom(movePage.body),
      slot: slotKey(blockId, '2026-12-08T13:30'),
      mode: 'home',
    });
    expect(res.statusCode).toBe(303);
    const cancelPage = await c.get(`/afspraak/${token}/annuleren`);
    res = await c.post(`/afspraak/${token}/annuleren`, { _csrf: csrfFrom(cancelPage.body), reason: '' });
    expect(res.statusCode).toBe(303);
    // Sent again after it was cancelled: nothing changes, nothing is counted.
    await c.post(`/afspraak/${token}/annuleren`, { _csrf: csrfFrom(cancelPage.body), reason: '' });

    const after = await scrape(t.app);
    expect(
      count(after, 'keukentafel_reschedules_total', { by: 'resident' }) -
        count(booked, 'keukentafel_reschedules_total', { by: 'resident' }),
    ).toBe(1);
    expect(
      count(after, 'keukentafel_cancellations_total', { by: 'resident' }) -
        count(booked, 'keukentafel_cancellations_total', { by: 'resident' }),
    ).toBe(1);
    expect(count(after, 'keukentafel_cancellations_total', { by: 'staff' })).toBe(
      count(booked, 'keukentafel_cancellations_total', { by: 'staff' }),
    );
    expect(valueOf(after, 'keukentafel_bookings_total')).toBe(valueOf(booked, 'keukentafel_bookings_total'));
  });

  it('counts a cancellation by staff on the appointment page', async () => {
    const resident = await t.app.db
      .insertInto('resident')
      .values({ name: 'Bas Jansen', phone: '06 12345678' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const request = await t.app.db
      .insertInto('request')
      .values({
        resident_id: resident.id,
        team_id: teamId,
        channel: 'phone',
        question: 'Huur',
        status: 'scheduled',
        idempotency_key: newTokenHash(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const appt = await t.app.db
      .insertInto('appointment')
      .values({
        request_id: request.id,
        block_id: pastBlockId,
        starts_at: at('2026-11-23T09:00'),
        ends_at: at('2026-11-23T10:00'),
        manage_token_hash: newTokenHash(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const before = await scrape(t.app);
    const coach = await loggedIn(t.app, coachEmail);
    const page = `/medewerker/afspraken/${appt.id}`;
    const res = await coach.submit(page, { outcome: 'cancelled', result: '' }, `${page}/uitkomst`);
    expect(res.statusCode).toBe(303);
    const after = await scrape(t.app);
    expect(
      valueOf(after, 'keukentafel_cancellations_total', { by: 'staff' })! -
        valueOf(before, 'keukentafel_cancellations_total', { by: 'staff' })!,
    ).toBe(1);
  });

  it('labels requests with the route pattern, never the address that was asked for', async () => {
    const secret = `Zz${randomBytes(20).toString('hex')}`;
    for (const url of [
      `/afspraak/${secret}`,
      `/afspraak/${secret}/verzetten`,
      `/?ref=${secret}`,
      `/niet-hier-${secret}`,
    ])
      await t.app.inject(url);
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.body).not.toContain(secret);
    const samples = parseExposition(res.body);
    const routes = new Set(
      samples.filter((s) => s.name === 'keukentafel_http_requests_total').map((s) => s.labels.route),
    );
    expect(routes).toContain('/afspraak/:token');
    expect(routes).toContain('/afspraak/:token/verzetten');
    expect(routes).toContain('/');
    expect(routes).toContain('(none)');
    // Only the app's own route patterns (a fixed, small set), and "(none)" for what matched none.
    const patterns = new Set(['(none)', ...t.app.routeRules.map((r) => r.url)]);
    expect([...routes].filter((r) => !patterns.has(r!))).toEqual([]);
    const shown = { route: '/afspraak/:token', method: 'GET' };
    expect(valueOf(samples, 'keukentafel_http_requests_total', shown)).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'keukentafel_http_request_duration_seconds_count', shown)).toBe(
      valueOf(samples, 'keukentafel_http_requests_total', shown),
    );
    expect(valueOf(samples, 'keukentafel_http_request_duration_seconds_bucket', { ...shown, le: '+Inf' })).toBe(
      valueOf(samples, 'keukentafel_http_requests_total', shown),
    );
    for (const s of samples.filter((x) => x.name === 'keukentafel_http_requests_total'))
      expect(s.labels.status_class).toMatch(/^[1-5]xx$/);
  });

  it('counts requests that failed on a statement PostgreSQL refused', async () => {
    const before = await scrape(t.app);
    expect((await t.app.inject('/proef/fout')).statusCode).toBe(500);
    const after = await scrape(t.app);
    const errors = (s: Sample[], kind: string) => valueOf(s, 'keukentafel_database_errors_total', { kind });
    expect(errors(after, 'query')! - errors(before, 'query')!).toBe(1);
    expect(errors(after, 'unavailable')).toBe(errors(before, 'unavailable'));
  });

  it('counts calendar reads kept in memory and those read from the database', async () => {
    const team = await t.app.db.selectFrom('team').selectAll().where('id', '=', teamId).executeTakeFirstOrThrow();
    const before = await scrape(t.app);
    const kept = (s: Sample[], result: string) => valueOf(s, 'keukentafel_kept_reads_total', { result })!;
    await t.app.db.updateTable('team').set({ phone: '026 111 1111' }).where('id', '=', teamId).execute();
    await teamFreeSlots(t.app.db, team, NOW);
    const first = await scrape(t.app);
    expect(kept(first, 'miss')).toBeGreaterThan(kept(before, 'miss'));
    await teamFreeSlots(t.app.db, team, NOW);
    const second = await scrape(t.app);
    expect(kept(second, 'hit')).toBeGreaterThan(kept(first, 'hit'));
    expect(kept(second, 'miss')).toBe(kept(first, 'miss'));
  });

  it('counts calendar pages made and those served again from memory', async () => {
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '14' });
    const question = { question: 'Post', topics: ['money'], about: 'self', dangerNow: 'no', urgent24h: 'no' };
    expect((await c.submit('/aanmelden/vraag', question)).headers.location).toBe('/aanmelden/moment');
    const pages = (s: Sample[], result: string) => valueOf(s, 'keukentafel_kept_pages_total', { result }) ?? 0;
    const before = await scrape(t.app);
    expect((await c.get('/aanmelden/moment')).statusCode).toBe(200);
    expect((await c.get('/aanmelden/moment')).statusCode).toBe(200);
    const after = await scrape(t.app);
    // The first view may find the page made by an earlier test (same free times); the second reuses it.
    expect(pages(after, 'made') + pages(after, 'reused') - pages(before, 'made') - pages(before, 'reused')).toBe(2);
    expect(pages(after, 'reused')).toBeGreaterThan(pages(before, 'reused'));
    for (const result of ['made', 'waited', 'reused'] as const) {
      expect(pages(after, result)).toBe(t.app.keptPageCounts[result]);
    }
  });

  it('shows an empty outbox as 0 messages, 0 seconds old', async () => {
    // Mail of the bookings above, as if the worker had sent it.
    await t.app.db.deleteFrom('outbox_message').execute();
    const samples = await scrape(t.app);
    expect(valueOf(samples, 'keukentafel_outbox_pending_messages')).toBe(0);
    expect(valueOf(samples, 'keukentafel_outbox_oldest_pending_age_seconds')).toBe(0);
  });

  it('shows how many mails wait and how old the oldest is by the portal clock; sent and failed mail do not count', async () => {
    const mail = { to_address: 'anna@example.nl', subject: 'Uw afspraak', body_text: 'Tot dan.' };
    await t.app.db
      .insertInto('outbox_message')
      .values([
        { ...mail, status: 'pending', created_at: new Date(NOW.getTime() - 7 * 60_000) },
        {
          ...mail,
          status: 'sent',
          created_at: new Date(NOW.getTime() - 60 * 60_000),
          sent_at: new Date(NOW.getTime() - 59 * 60_000),
        },
        { ...mail, status: 'failed', created_at: new Date(NOW.getTime() - 30 * 60_000) },
      ])
      .execute();
    let samples = await scrape(t.app);
    expect(valueOf(samples, 'keukentafel_outbox_pending_messages')).toBe(1);
    expect(valueOf(samples, 'keukentafel_outbox_oldest_pending_age_seconds')).toBe(420);
    await t.app.db
      .insertInto('outbox_message')
      .values({ ...mail, status: 'pending', created_at: new Date(NOW.getTime() - 60_000) })
      .execute();
    samples = await scrape(t.app);
    expect(valueOf(samples, 'keukentafel_outbox_pending_messages')).toBe(2);
    expect(valueOf(samples, 'keukentafel_outbox_oldest_pending_age_seconds')).toBe(420);
  });
});

describe('/metrics while the database is unreachable', () => {
  it('still answers, with database_up 0, no outbox figures, and the failed requests counted', async () => {
    const testDb = await createTestDb();
    const t = await createTestApp({ now: () => NOW, config: { metricsToken: TOKEN }, testDb });
    try {
      expect(valueOf(await scrape(t.app), 'keukentafel_database_up')).toBe(1);
      await testDb.close();
      const page = await t.app.inject(`/afspraak/${'x'.repeat(43)}`);
      expect(page.statusCode).toBe(503);
      const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.statusCode).toBe(200);
      const samples = parseExposition(res.body);
      expect(valueOf(samples, 'keukentafel_database_up')).toBe(0);
      expect(valueOf(samples, 'keukentafel_outbox_pending_messages')).toBeUndefined();
      expect(valueOf(samples, 'keukentafel_outbox_oldest_pending_age_seconds')).toBeUndefined();
      expect(valueOf(samples, 'keukentafel_database_errors_total', { kind: 'unavailable' })).toBeGreaterThanOrEqual(1);
      expect(
        valueOf(samples, 'keukentafel_http_requests_total', { route: '/afspraak/:token', status_class: '5xx' }),
      ).toBe(1);
    } finally {
      await t.app.close();
    }
  });

  it('answers within seconds when a PostgreSQL server takes connections but never replies', async () => {
    // A server that accepts and then says nothing: the scrape must not wait for it.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/keukentafel`;
    const handle = await openDatabase({ kind: 'server', url, poolSize: 2 });
    const t = await createTestApp({
      now: () => NOW,
      config: { metricsToken: TOKEN },
      testDb: { db: handle.db, kind: 'server', url, close: handle.close },
    });
    try {
      const started = performance.now();
      const samples = await scrape(t.app);
      expect(performance.now() - started).toBeLessThan(4_500);
      expect(valueOf(samples, 'keukentafel_database_up')).toBe(0);
      expect(valueOf(samples, 'keukentafel_outbox_pending_messages')).toBeUndefined();
      expect(valueOf(samples, 'keukentafel_database_pool_connections')).toBeGreaterThanOrEqual(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await t.app.close();
      await handle.close();
    }
  });
});
