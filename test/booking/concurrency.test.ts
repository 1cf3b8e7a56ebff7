// Races on the real database: many residents confirming the same time at once, one resident
// double-clicking, and two residents moving their appointment to the same free time. The
// exclusion constraint on appointment is what decides; these tests prove the app turns its
// refusal into a friendly page and never leaves anything half-saved. With TEST_DATABASE_URL the
// requests really run in parallel on a pool of 60 connections, and a lock held by the test makes
// sure they are all inside their transactions at the same moment (see holdWrites); on the
// embedded database they queue for its single connection.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { onServer } from '../helpers/db.js';
import { makeBlock, makeRequest, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { book } from '../../src/core/booking.js';
import { isKtError } from '../../src/errors.js';
import { reschedule } from '../../src/features/manage/service.js';
import { loadAppointmentByToken } from '../../src/core/managed-appointment.js';
import { hashToken } from '../../src/domain/tokens.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');
const key = (blockId: number, local: string) => `${blockId}_${at(local).toISOString()}`;

/**
 * A Client whose requests come from its own address, as separate residents' browsers do, so the
 * per-address rate limit on public form posts never stands between them and the database.
 */
let ipCounter = 0;
function resident(app: FastifyInstance): Client {
  const n = ++ipCounter;
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const viaOwnAddress = {
    inject: (opts: InjectOptions) => app.inject({ ...opts, remoteAddress: ip }),
  } as unknown as FastifyInstance;
  return new Client(viaOwnAddress);
}

interface Person {
  postcode: string;
  slot: string;
  name: string;
  email: string;
}

/** Walks the sign-up flow up to the check page; returns that page's CSRF token. */
async function walkToCheck(c: Client, p: Person): Promise<string> {
  let res = await c.submit('/aanmelden', { postcode: p.postcode, houseNumber: '7' });
  expect(res.headers.location).toBe('/aanmelden/vraag');
  res = await c.submit('/aanmelden/vraag', {
    question: 'Hulp bij de administratie',
    topics: ['money'],
    about: 'self',
    dangerNow: 'no',
    urgent24h: 'no',
  });
  expect(res.headers.location).toBe('/aanmelden/moment');
  res = await c.submit('/aanmelden/moment', { slot: p.slot, mode: 'home' });
  expect(res.headers.location).toBe('/aanmelden/gegevens');
  res = await c.submit('/aanmelden/gegevens', {
    name: p.name,
    email: p.email,
    phone: '',
    street: 'Steenstraat',
    city: 'Arnhem',
    language: 'nl',
    dateOfBirth: '',
    companion: '',
    consent: 'yes',
  });
  expect(res.headers.location).toBe('/aanmelden/controleren');
  const page = await c.get('/aanmelden/controleren');
  expect(page.statusCode).toBe(200);
  return csrfFrom(page.body);
}

/** Books through the whole flow and returns the manage token from the confirmation page. */
async function bookFlow(c: Client, p: Person): Promise<string> {
  const csrf = await walkToCheck(c, p);
  const res = await c.post('/aanmelden/controleren', { _csrf: csrf });
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/aanmelden/bevestiging');
  const conf = await c.get('/aanmelden/bevestiging');
  const m = /href="\/afspraak\/([A-Za-z0-9_-]{43,})"/.exec(conf.body);
  if (!m) throw new Error('no manage link on the confirmation page');
  return m[1]!;
}

/** The slot keys offered as alternatives on the "just taken" check page. */
function alternativesOn(html: string): string[] {
  return [...html.matchAll(/<input type="radio" name="slot" id="alt-[^"]*" value="([^"]+)"/g)].map((m) => m[1]!);
}

async function teamWithBlock(t: TestApp, area: string, day: string) {
  const team = await makeTeam(t.app.db, { from: `${area}AA`, to: `${area}ZZ` });
  const a = await makeStaff(t.app.db, team.id, { name: 'Fatima El Amrani' });
  const b = await makeStaff(t.app.db, team.id, { name: 'Jeroen Bakker' });
  // 09:00–17:00 with 60 + 30: slots at 09:00, 10:30, 12:00, 13:30 and 15:00.
  const blockId = await makeBlock(t.app.db, {
    teamId: team.id,
    start: at(`${day}T09:00`),
    end: at(`${day}T17:00`),
    coachIds: [a.id, b.id],
  });
  return { team, blockId };
}

/** Sessions of this test database that wait for a lock right now. */
async function lockWaiters(watcher: pg.Client): Promise<number> {
  const { rows } = await watcher.query<{ n: number }>(
    "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and state = 'active'",
  );
  return rows[0]!.n;
}

/**
 * Makes a race certain on the server instead of a matter of timing. A separate connection takes
 * `lock table <table> in share row exclusive mode`: reads still pass, inserts and updates of that
 * table wait. `release(n)` waits until n sessions are waiting for a lock, lets them go, and
 * returns how many it saw. With the default table, audit_event (written right after the
 * appointment in a booking and a reschedule), the first writer is held with its appointment row
 * written but not committed, and every other request waits for it at the exclusion constraint or
 * the idempotency key: all n transactions are open at once. On the embedded database (one
 * connection, never two transactions at once) it does nothing.
 */
async function holdWrites(
  t: TestApp,
  table: 'audit_event' | 'appointment' = 'audit_event',
): Promise<{ release(n: number): Promise<number> }> {
  if (!onServer) return { release: async (n) => n };
  const gate = new pg.Client({ connectionString: t.testDb.url! });
  const watcher = new pg.Client({ connectionString: t.testDb.url! });
  await gate.connect();
  await watcher.connect();
  await gate.query('begin');
  await gate.query(`lock table ${table} in share row exclusive mode`);
  return {
    async release(n: number) {
      try {
        const deadline = Date.now() + 20_000;
        let waiting = await lockWaiters(watcher);
        while (waiting < n && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 5));
          waiting = await lockWaiters(watcher);
        }
        return waiting;
      } finally {
        await gate.query('commit');
        await gate.end();
        await watcher.end();
      }
    },
  };
}

/** Booked appointments that overlap another booked one in the same block (must be none). */
async function overlappingPairs(t: TestApp): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from appointment x join appointment y
      on x.block_id = y.block_id and x.id < y.id
     and x.status = 'booked' and y.status = 'booked'
     and tstzrange(x.starts_at, x.ends_at) && tstzrange(y.starts_at, y.ends_at)`.execute(t.app.db);
  return rows[0]!.n;
}

describe(`booking races (${onServer ? 'server' : 'embedded'} database)`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t?.close());

  it('50 residents confirm the same time at once: one booking, 49 friendly refusals with alternatives', async () => {
    const { team, blockId } = await teamWithBlock(t, '6811', '2026-12-08');
    const target = key(blockId, '2026-12-08T10:30');
    const N = 50;
    const people = Array.from({ length: N }, (_, i) => ({
      client: resident(t.app),
      person: { postcode: '6811AB', slot: target, name: `Bewoner ${i}`, email: `race-${i}@example.nl` },
    }));
    const tokens: string[] = [];
    for (const p of people) tokens.push(await walkToCheck(p.client, p.person));

    const gate = await holdWrites(t);
    const racing = Promise.all(people.map((p, i) => p.client.post('/aanmelden/controleren', { _csrf: tokens[i]! })));
    const together = await gate.release(N);
    const responses = await racing;

    const statuses = responses.map((r) => r.statusCode).sort();
    const winners = responses.flatMap((r, i) => (r.statusCode === 303 ? [i] : []));
    const losers = responses.flatMap((r, i) => (r.statusCode === 409 ? [i] : []));
    expect(winners, `statuses: ${JSON.stringify(statuses)}`).toHaveLength(1);
    expect(losers).toHaveLength(N - 1);
    // On the server all 50 transactions were open at the same moment.
    expect(together).toBe(N);
    const winner = winners[0]!;
    expect(responses[winner]!.headers.location).toBe('/aanmelden/bevestiging');

    // Every refused resident sees "just taken" and the three nearest free times of that block.
    const expectedAlternatives = [
      key(blockId, '2026-12-08T09:00'),
      key(blockId, '2026-12-08T12:00'),
      key(blockId, '2026-12-08T13:30'),
    ];
    for (const i of losers) {
      const body = responses[i]!.body;
      expect(body).toContain('net door iemand anders gekozen');
      expect(alternativesOn(body)).toEqual(expectedAlternatives);
    }

    // The database holds exactly one booking for that time, and nothing of the 49 others.
    const appts = await t.app.db.selectFrom('appointment').selectAll().where('block_id', '=', blockId).execute();
    expect(appts).toHaveLength(1);
    expect(appts[0]!.status).toBe('booked');
    expect(appts[0]!.starts_at.toISOString()).toBe(at('2026-12-08T10:30').toISOString());
    const residents = await t.app.db
      .selectFrom('resident')
      .select(['id', 'email'])
      .where('email', 'like', 'race-%')
      .execute();
    expect(residents).toEqual([{ id: expect.any(Number), email: `race-${winner}@example.nl` }]);
    const requests = await t.app.db
      .selectFrom('request')
      .innerJoin('resident', 'resident.id', 'request.resident_id')
      .select(['request.id', 'request.status', 'request.team_id'])
      .where('resident.email', 'like', 'race-%')
      .execute();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ id: appts[0]!.request_id, status: 'scheduled', team_id: team.id });
    const allRequestsOfTeam = await t.app.db
      .selectFrom('request')
      .select('id')
      .where('team_id', '=', team.id)
      .execute();
    expect(allRequestsOfTeam).toHaveLength(1);
    const mails = await t.app.db
      .selectFrom('outbox_message')
      .select('to_address')
      .where('to_address', 'like', 'race-%')
      .execute();
    expect(mails).toEqual([{ to_address: `race-${winner}@example.nl` }]);
    const audits = await t.app.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'booking_created')
      .where('team_id', '=', team.id)
      .execute();
    expect(audits).toHaveLength(1);
    // The refused residents' answers are kept (their drafts remain), the winner's draft is gone.
    const drafts = await t.app.db.selectFrom('draft').select('data').execute();
    const raceDrafts = drafts.map((d) => (d.data as { email?: string }).email).filter((e) => e?.startsWith('race-'));
    expect(raceDrafts.sort()).toEqual(losers.map((i) => `race-${i}@example.nl`).sort());

    const conf = await people[winner]!.client.get('/aanmelden/bevestiging');
    expect(conf.body).toContain('dinsdag 8 december 2026, 10:30–11:30');

    // A refused resident takes one of the alternatives on the same page and is booked.
    const loser = people[losers[0]!]!;
    const retry = await loser.client.post('/aanmelden/controleren', {
      _csrf: csrfFrom(responses[losers[0]!]!.body),
      slot: expectedAlternatives[1]!,
    });
    expect(retry.statusCode).toBe(303);
    expect(retry.headers.location).toBe('/aanmelden/bevestiging');
    const after = await t.app.db
      .selectFrom('appointment')
      .select(['starts_at'])
      .where('block_id', '=', blockId)
      .where('status', '=', 'booked')
      .orderBy('starts_at')
      .execute();
    expect(after.map((a) => a.starts_at.toISOString())).toEqual([
      at('2026-12-08T10:30').toISOString(),
      at('2026-12-08T12:00').toISOString(),
    ]);
    expect(await overlappingPairs(t)).toBe(0);
  });

  it('a double submit (at once, then back + resubmit) books exactly once', async () => {
    const { blockId } = await teamWithBlock(t, '6812', '2026-12-09');
    const c = resident(t.app);
    const csrf = await walkToCheck(c, {
      postcode: '6812AB',
      slot: key(blockId, '2026-12-09T12:00'),
      name: 'Anna de Vries',
      email: 'dubbel@example.nl',
    });

    // On the server both submits are inside their transactions at once (the second waits for the
    // first one's request row, which has the same idempotency key).
    const gate = await holdWrites(t);
    const racing = Promise.all([
      c.post('/aanmelden/controleren', { _csrf: csrf }),
      c.post('/aanmelden/controleren', { _csrf: csrf }),
    ]);
    expect(await gate.release(2)).toBe(2);
    const both = await racing;
    for (const res of both) expect(res.statusCode).toBe(303);
    // Both lead to the confirmation, whether they overlapped (server) or ran one after the
    // other (embedded): the second finds the booking the first one made.
    expect(both.map((r) => r.headers.location)).toEqual(['/aanmelden/bevestiging', '/aanmelden/bevestiging']);

    // Back to the check page (from the browser's history) and submitted once more.
    const again = await c.post('/aanmelden/controleren', { _csrf: csrf });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/aanmelden/bevestiging');
    const conf = await c.get('/aanmelden/bevestiging');
    expect(conf.statusCode).toBe(200);
    expect(conf.body).toContain('woensdag 9 december 2026, 12:00–13:00');
    expect(conf.body).toMatch(/href="\/afspraak\/[A-Za-z0-9_-]{43}"/);

    const residents = await t.app.db
      .selectFrom('resident')
      .select('id')
      .where('email', '=', 'dubbel@example.nl')
      .execute();
    expect(residents).toHaveLength(1);
    const requests = await t.app.db
      .selectFrom('request')
      .select('id')
      .where('resident_id', '=', residents[0]!.id)
      .execute();
    expect(requests).toHaveLength(1);
    const appts = await t.app.db
      .selectFrom('appointment')
      .select(['request_id', 'status'])
      .where('block_id', '=', blockId)
      .execute();
    expect(appts).toEqual([{ request_id: requests[0]!.id, status: 'booked' }]);
    const mails = await t.app.db
      .selectFrom('outbox_message')
      .select('id')
      .where('to_address', '=', 'dubbel@example.nl')
      .execute();
    expect(mails).toHaveLength(1);
  });

  it('a duplicate submit handled after the first one finished still leads to the confirmation ', async () => {
    const { blockId } = await teamWithBlock(t, '6814', '2026-12-11');
    const c = resident(t.app);
    const csrf = await walkToCheck(c, {
      postcode: '6814AB',
      slot: key(blockId, '2026-12-11T09:00'),
      name: 'Bram Jansen',
      email: 'laat@example.nl',
    });
    // The second click: the same form, sent with the cookie from before the first answer.
    const secondClick = resident(t.app);
    secondClick.cookies = new Map(c.cookies);
    const first = await c.post('/aanmelden/controleren', { _csrf: csrf });
    expect(first.headers.location).toBe('/aanmelden/bevestiging');
    const second = await secondClick.post('/aanmelden/controleren', { _csrf: csrf });
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe('/aanmelden/bevestiging');
    const conf = await secondClick.get('/aanmelden/bevestiging');
    expect(conf.statusCode).toBe(200);
    expect(conf.body).toContain('vrijdag 11 december 2026, 09:00–10:00');
    const appts = await t.app.db.selectFrom('appointment').select('id').where('block_id', '=', blockId).execute();
    expect(appts).toHaveLength(1);
  });

  it('writers reaching the constraint at the same instant are told "taken", never get a database error', async () => {
    if (!onServer) return;
    const mail = {
      publicUrl: t.app.config.publicUrl,
      municipalityName: 'Gemeente',
      fromEmail: t.app.config.mailFrom,
      now: NOW,
    };
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code?: string; message?: string }) =>
          isKtError(e, 'KT_SLOT_TAKEN') ? 'taken' : `${e.code ?? '?'} ${e.message ?? ''}`,
      );
    const errors: string[] = [];
    for (let round = 0; round < 30; round++) {
      const { team, blockId } = await teamWithBlock(t, String(6900 + round), '2026-12-14');
      // Three new bookings of 10:30 at the same instant.
      const input = (n: number) => ({
        team,
        now: NOW,
        secret: t.app.config.sessionSecret,
        mail,
        slot: { blockId, start: at('2026-12-14T10:30'), mode: 'home' as const },
        resident: {
          name: `Bewoner ${n}`,
          email: `gelijk-${round}-${n}@example.nl`,
          phone: null,
          postcode: null,
          houseNumber: null,
          street: 'Steenstraat',
          city: 'Arnhem',
          dateOfBirth: null,
          language: 'nl',
          interpreter: false,
          mailLocale: 'nl' as const,
        },
        request: {
          teamId: team.id,
          channel: 'online' as const,
          question: 'Hulp',
          topics: [],
          about: 'self' as const,
          dangerNow: false,
          urgent24h: false,
          companion: null,
          consentAt: NOW,
          idempotencyKey: randomUUID(),
        },
      });
      let gate = await holdWrites(t, 'appointment');
      const bookings = Promise.all([0, 1, 2].map((n) => outcome(book(t.app.db, input(n)))));
      expect(await gate.release(3)).toBe(3);
      const booked = await bookings;
      expect(booked.filter((o) => o === 'ok')).toHaveLength(1);
      errors.push(...booked.filter((o) => o !== 'ok' && o !== 'taken'));

      // Two residents (09:00 and 12:00) moving to 13:30 at the same instant.
      const movers = [];
      for (const time of ['09:00', '12:00']) {
        const request = await makeRequest(t.app.db, team.id);
        const token = randomBytes(32).toString('base64url');
        const start = at(`2026-12-14T${time}`);
        await t.app.db
          .insertInto('appointment')
          .values({
            request_id: request.id,
            block_id: blockId,
            starts_at: start,
            ends_at: new Date(start.getTime() + 3600_000),
            manage_token_hash: hashToken(token),
          })
          .execute();
        movers.push({ a: (await loadAppointmentByToken(t.app.db, token))!, token });
      }
      gate = await holdWrites(t, 'appointment');
      const moves = Promise.all(
        movers.map((m) =>
          outcome(
            reschedule(
              t.app.db,
              m.a,
              team,
              { blockId, start: at('2026-12-14T13:30'), mode: 'home' },
              { now: NOW, mail, token: m.token },
            ),
          ),
        ),
      );
      expect(await gate.release(2)).toBe(2);
      const moved = await moves;
      expect(moved.filter((o) => o === 'ok')).toHaveLength(1);
      errors.push(...moved.filter((o) => o !== 'ok' && o !== 'taken'));
    }
    expect(await overlappingPairs(t)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('two residents move to the same free time at once: one wins, the other gets 409', async () => {
    const { blockId } = await teamWithBlock(t, '6813', '2026-12-10');
    const a = resident(t.app);
    const b = resident(t.app);
    const tokenA = await bookFlow(a, {
      postcode: '6813AB',
      slot: key(blockId, '2026-12-10T09:00'),
      name: 'Bewoner A',
      email: 'verzet-a@example.nl',
    });
    const tokenB = await bookFlow(b, {
      postcode: '6813AB',
      slot: key(blockId, '2026-12-10T10:30'),
      name: 'Bewoner B',
      email: 'verzet-b@example.nl',
    });
    const X = key(blockId, '2026-12-10T13:30');

    const pageA = await a.get(`/afspraak/${tokenA}/verzetten`);
    const pageB = await b.get(`/afspraak/${tokenB}/verzetten`);
    expect(pageA.body).toContain(`value="${X}"`);
    expect(pageB.body).toContain(`value="${X}"`);
    // On the server the first mover is held with its move written but not committed, and the
    // second waits for it at the exclusion constraint.
    const gate = await holdWrites(t);
    const racing = Promise.all([
      a.post(`/afspraak/${tokenA}/verzetten`, { _csrf: csrfFrom(pageA.body), slot: X, mode: 'home' }),
      b.post(`/afspraak/${tokenB}/verzetten`, { _csrf: csrfFrom(pageB.body), slot: X, mode: 'home' }),
    ]);
    const together = await gate.release(2);
    const [resA, resB] = await racing;
    const results = [
      { res: resA!, token: tokenA, old: '2026-12-10T09:00', email: 'verzet-a@example.nl' },
      { res: resB!, token: tokenB, old: '2026-12-10T10:30', email: 'verzet-b@example.nl' },
    ];
    const won = results.filter((r) => r.res.statusCode === 303);
    const lost = results.filter((r) => r.res.statusCode === 409);
    expect(won, `statuses: ${resA!.statusCode}, ${resB!.statusCode}`).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(together).toBe(2);
    const winner = won[0]!;
    const loser = lost[0]!;
    expect(winner.res.headers.location).toBe(`/afspraak/${winner.token}?klaar=verzet`);
    expect(loser.res.body).toContain('net door iemand anders gekozen');
    // The refused resident is offered other free times, not the one just taken.
    expect(loser.res.body).toContain('Deze momenten zijn dichtbij nog vrij');
    expect(loser.res.body).not.toContain(`value="${X}"`);

    const booked = async (email: string) =>
      t.app.db
        .selectFrom('appointment')
        .innerJoin('request', 'request.id', 'appointment.request_id')
        .innerJoin('resident', 'resident.id', 'request.resident_id')
        .select(['appointment.starts_at', 'appointment.status'])
        .where('resident.email', '=', email)
        .execute();
    expect((await booked(winner.email)).map((r) => [r.starts_at.toISOString(), r.status])).toEqual([
      [at('2026-12-10T13:30').toISOString(), 'booked'],
    ]);
    expect((await booked(loser.email)).map((r) => [r.starts_at.toISOString(), r.status])).toEqual([
      [at(loser.old).toISOString(), 'booked'],
    ]);
    expect(await overlappingPairs(t)).toBe(0);

    // The winner's old time is free again: offered to a new resident, and bookable by them.
    const c = resident(t.app);
    const oldKey = key(blockId, winner.old);
    const csrfC = await walkToCheck(c, {
      postcode: '6813AB',
      slot: oldKey,
      name: 'Bewoner C',
      email: 'verzet-c@example.nl',
    });
    const resC = await c.post('/aanmelden/controleren', { _csrf: csrfC });
    expect(resC.statusCode).toBe(303);
    expect(resC.headers.location).toBe('/aanmelden/bevestiging');
    expect((await booked('verzet-c@example.nl')).map((r) => [r.starts_at.toISOString(), r.status])).toEqual([
      [at(winner.old).toISOString(), 'booked'],
    ]);
    const all = await t.app.db
      .selectFrom('appointment')
      .select('starts_at')
      .where('block_id', '=', blockId)
      .where('status', '=', 'booked')
      .orderBy('starts_at')
      .execute();
    expect(all.map((r) => r.starts_at.toISOString()).sort()).toEqual(
      [winner.old, loser.old, '2026-12-10T13:30'].map((l) => at(l).toISOString()).sort(),
    );
    expect(await overlappingPairs(t)).toBe(0);
  });
});
