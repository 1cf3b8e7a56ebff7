// The seeded history the figures are read from: stories written exactly as told (statuses, the
// moment of every step, returning residents linked to the request before) within the database's
// rules; the invented year deterministic and plausible; 20,000 requests written in seconds; and
// the demo with its year of history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import {
  capacitySnapshots,
  insertCapacity,
  insertStories,
  planHistory,
  historyStories,
  type HistoryDuo,
  type Story,
} from '../../src/db/seed/history.js';
import { seededDice } from '../../src/db/seed/random.js';
import { seedDemo } from '../../src/db/seed.js';

const ZONE = 'Europe/Amsterdam';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const NOW = at('2026-11-24T10:00');
const DAY = 86_400_000;

async function duosOf(t: TestDb, teamId: number, n: number): Promise<HistoryDuo[]> {
  const duos: HistoryDuo[] = [];
  for (let i = 0; i < n; i++) {
    duos.push({ teamId, a: (await makeStaff(t.db, teamId)).id, b: (await makeStaff(t.db, teamId)).id });
  }
  return duos;
}

/** The stories of the first test: every kind of step once. */
function handMade(teamId: number): Story[] {
  const held = (startsAt: string, createdAt: string, result: 'solved' | 'plan_made' | 'advice_only') => ({
    startsAt: at(startsAt),
    createdAt: at(createdAt),
    outcome: 'held' as const,
    result,
  });
  return [
    {
      teamId,
      resident: { name: 'Fatima de Vries', email: 'fatima@example.nl' },
      channel: 'online',
      submittedAt: at('2026-03-02T20:15'),
      appointments: [held('2026-03-16T09:00', '2026-03-02T20:20', 'solved')],
      closedAt: at('2026-04-01T12:00'),
    },
    {
      teamId,
      resident: { name: 'Kees Bakker', phone: '06 11111111' },
      channel: 'referrer',
      referrerKind: 'huisarts',
      urgent: true,
      callbackRequested: true,
      submittedAt: at('2026-03-27T10:00'),
      callbackDoneAt: at('2026-03-27T13:00'),
      // The Monday after the clocks went forward.
      appointments: [held('2026-03-30T13:30', '2026-03-27T13:00', 'plan_made')],
      planAt: at('2026-04-10T12:00'),
    },
    {
      teamId,
      resident: { name: 'Aylin Kaya', phone: '06 22222222' },
      channel: 'phone',
      submittedAt: at('2026-10-20T11:00'),
      appointments: [
        // The Monday after the clocks went back.
        { startsAt: at('2026-10-26T10:30'), createdAt: at('2026-10-20T11:10'), outcome: 'no_show' },
        held('2026-11-05T15:00', '2026-10-27T09:00', 'advice_only'),
      ],
    },
    {
      teamId,
      resident: { name: 'Bas Visser', phone: '06 33333333' },
      channel: 'walkin',
      submittedAt: at('2026-06-01T14:00'),
      appointments: [
        {
          startsAt: at('2026-06-15T09:00'),
          createdAt: at('2026-06-01T14:05'),
          outcome: 'cancelled',
          cancelledBy: 'resident',
          cancelledAt: at('2026-06-10T08:00'),
        },
      ],
      withdrawn: true,
      closedAt: at('2026-06-10T08:00'),
    },
    {
      teamId,
      sameResidentAs: 0,
      returningOf: 0,
      channel: 'online',
      submittedAt: at('2026-11-20T09:00'),
      appointments: [{ startsAt: at('2026-12-01T10:30'), createdAt: at('2026-11-20T09:05'), outcome: null }],
    },
    {
      teamId,
      resident: { name: 'Noor Smit', email: 'noor@example.nl' },
      channel: 'online',
      submittedAt: at('2026-11-10T12:00'),
      appointments: [
        {
          startsAt: at('2026-11-23T09:00'),
          createdAt: at('2026-11-10T12:05'),
          outcome: 'cancelled',
          cancelledBy: 'staff',
          cancelledAt: at('2026-11-20T10:00'),
        },
        // In the block the test made beforehand.
        { startsAt: at('2026-12-02T10:30'), createdAt: at('2026-11-20T10:00'), outcome: null },
      ],
    },
    // Two at the same time: two duos; a third in the next slot shares the first one's block.
    ...['Pieter', 'Sanne', 'Merel'].map((name, i): Story => ({
      teamId,
      resident: { name, email: `${name.toLowerCase()}@example.nl` },
      channel: 'online',
      submittedAt: at('2026-09-01T10:00'),
      appointments: [held(i < 2 ? '2026-09-14T09:00' : '2026-09-14T10:30', '2026-09-01T10:05', 'solved')],
    })),
  ];
}

describe(`seeded history (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('writes the stories exactly as told, in blocks of the duos', async () => {
    const team = await makeTeam(t.db);
    const duos = await duosOf(t, team.id, 2);
    const existing = await makeBlock(t.db, {
      teamId: team.id,
      start: at('2026-12-02T09:00'),
      end: at('2026-12-02T12:00'),
      coachIds: [duos[1]!.a, duos[1]!.b],
    });
    const stories = handMade(team.id);
    const { requestIds, residentIds } = await insertStories(t.db, stories, { duos });
    expect(requestIds).toHaveLength(9);
    expect(residentIds[4]).toBe(residentIds[0]);
    expect(new Set(residentIds).size).toBe(8);

    const requests = await t.db
      .selectFrom('request')
      .leftJoin('referrer', 'referrer.id', 'request.referrer_id')
      .selectAll('request')
      .select('referrer.kind')
      .where('request.id', 'in', requestIds)
      .orderBy('request.id')
      .execute();
    expect(requests.map((r) => r.status)).toEqual([
      'closed',
      'held',
      'held',
      'cancelled',
      'scheduled',
      'scheduled',
      'held',
      'held',
      'held',
    ]);
    const [r0, r1, r2, r3, r4, r5] = requests;
    expect(r0!.first_contact_at).toEqual(at('2026-03-16T09:00'));
    expect(r0!.scheduled_at).toEqual(at('2026-03-02T20:20'));
    expect(r0!.closed_at).toEqual(at('2026-04-01T12:00'));
    expect(r1!.kind).toBe('huisarts');
    expect(r1!.urgent_24h).toBe(true);
    expect(r1!.callback_requested_at).toEqual(at('2026-03-27T10:00'));
    expect(r1!.callback_done_at).toEqual(at('2026-03-27T13:00'));
    expect(r1!.first_contact_at).toEqual(at('2026-03-27T13:00'));
    expect(r1!.plan_at).toEqual(at('2026-04-10T12:00'));
    expect(r2!.first_contact_at).toEqual(at('2026-11-05T15:00'));
    expect(r2!.scheduled_at).toEqual(at('2026-10-20T11:10'));
    expect(r3!.closed_at).toEqual(at('2026-06-10T08:00'));
    expect(r4!.returning_resident).toBe(true);
    expect(r4!.previous_request_id).toBe(r0!.id);
    // 1 April 12:00 (summer time) to 20 November 09:00 (winter time): 232 days and 22 hours.
    expect(r4!.days_since_closure).toBe(232);
    expect(r5!.returning_resident).toBe(false);
    expect(r0!.submitted_at).toEqual(at('2026-03-02T20:15'));

    const appointments = await t.db
      .selectFrom('appointment')
      .innerJoin('block', 'block.id', 'appointment.block_id')
      .select([
        'appointment.request_id',
        'appointment.status',
        'appointment.outcome',
        'appointment.result',
        'appointment.starts_at',
        'appointment.ends_at',
        'appointment.created_at',
        'appointment.cancelled_at',
        'appointment.block_id',
        'block.starts_at as block_start',
        'block.ends_at as block_end',
      ])
      .where('appointment.request_id', 'in', requestIds)
      .orderBy('appointment.request_id')
      .orderBy('appointment.starts_at')
      .execute();
    expect(appointments.map((a) => [a.status, a.outcome, a.result])).toEqual([
      ['held', 'held', 'solved'],
      ['held', 'held', 'plan_made'],
      ['no_show', 'no_show', null],
      ['held', 'held', 'advice_only'],
      ['cancelled', null, null],
      ['booked', null, null],
      ['cancelled', 'cancelled', null],
      ['booked', null, null],
      ['held', 'held', 'solved'],
      ['held', 'held', 'solved'],
      ['held', 'held', 'solved'],
    ]);
    for (const a of appointments) {
      expect(a.starts_at >= a.block_start && a.ends_at <= a.block_end).toBe(true);
      expect(a.ends_at.getTime() - a.starts_at.getTime()).toBe(3_600_000);
    }
    // The appointment on the day the clocks went back is at 10:30 local time.
    expect(DateTime.fromJSDate(appointments[2]!.starts_at, { zone: ZONE }).toFormat('HH:mm')).toBe('10:30');
    expect(appointments[4]!.cancelled_at).toEqual(at('2026-06-10T08:00'));
    expect(appointments[7]!.block_id).toBe(existing);
    const [p1, p2, p3] = appointments.slice(8);
    expect(p1!.block_id).not.toBe(p2!.block_id);
    expect(p3!.block_id).toBe(p1!.block_id);

    const blocks = await sql<{ n: number; coaches: number }>`
      select count(distinct b.id)::int as n, count(bc.coach_id)::int as coaches
      from block b join block_coach bc on bc.block_id = b.id where b.team_id = ${team.id}`.execute(t.db);
    // 9 written (8 half-days, two duos on 14 September) and the one made beforehand.
    expect(blocks.rows[0]).toEqual({ n: 10, coaches: 20 });
  });

  it('refuses a time no duo of the team is free for, writing nothing', async () => {
    const team = await makeTeam(t.db);
    const duos = await duosOf(t, team.id, 2);
    const story = (name: string): Story => ({
      teamId: team.id,
      resident: { name, email: `${name}@example.nl` },
      channel: 'online',
      submittedAt: at('2026-09-01T10:00'),
      appointments: [{ startsAt: at('2026-09-14T09:00'), createdAt: at('2026-09-01T10:05'), outcome: 'held' }],
    });
    const write = t.db
      .transaction()
      .execute((trx) => insertStories(trx, [story('a'), story('b'), story('c')], { duos }));
    await expect(write).rejects.toThrow(/no duo of team/);
    const left = await t.db
      .selectFrom('request')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('team_id', '=', team.id)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
  });
});

const TEAMS = [20, 18, 16, 22, 24, 20, 18, 16].map((w, i) => ({ id: i + 1, weight: w / 2 }));

describe('an invented year of history', () => {
  const plan = planHistory({ now: NOW, months: 12, requestsPerYear: 4000, teams: TEAMS, dice: seededDice(7) });
  const stories = plan.stories;
  const share = (f: (s: Story) => boolean) => stories.filter(f).length / stories.length;

  it('is the same every time for the same dice', () => {
    const again = historyStories({ now: NOW, months: 12, requestsPerYear: 4000, teams: TEAMS, dice: seededDice(7) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(stories));
    expect(stories.length).toBeGreaterThan(3850);
    expect(stories.length).toBeLessThan(4150);
  });

  it('comes in through the channels in plausible shares', () => {
    expect(share((s) => s.returningOf !== undefined)).toBeGreaterThan(0.03);
    expect(share((s) => s.returningOf !== undefined)).toBeLessThan(0.07);
    expect(share((s) => s.channel === 'referrer')).toBeGreaterThan(0.2);
    expect(share((s) => s.channel === 'referrer')).toBeLessThan(0.3);
    expect(share((s) => s.channel === 'phone' || s.channel === 'walkin')).toBeGreaterThan(0.11);
    expect(share((s) => s.channel === 'phone' || s.channel === 'walkin')).toBeLessThan(0.2);
    expect(share((s) => s.callbackRequested === true)).toBeGreaterThan(0.06);
    expect(share((s) => s.callbackRequested === true)).toBeLessThan(0.1);
    expect(share((s) => s.urgent === true)).toBeGreaterThan(0.025);
    expect(share((s) => s.urgent === true)).toBeLessThan(0.055);
    const kinds = new Set(stories.map((s) => s.referrerKind).filter(Boolean));
    expect(kinds).toEqual(
      new Set([
        'huisarts',
        'school',
        'poh_ggz',
        'jeugdarts',
        'wijkverpleging',
        'woningcorporatie',
        'veilig_thuis',
        'other',
      ]),
    );
  });

  it('signs up on working days, quieter on Fridays and in the summer', () => {
    const local = stories.map((s) => DateTime.fromJSDate(s.submittedAt, { zone: ZONE }));
    expect(local.every((d) => d.weekday <= 5)).toBe(true);
    const on = (f: (d: DateTime) => boolean) => local.filter(f).length;
    expect(on((d) => d.weekday === 1)).toBeGreaterThan(on((d) => d.weekday === 5) * 1.4);
    expect(on((d) => d.month === 8)).toBeLessThan(on((d) => d.month === 9) * 0.85);
  });

  it('waits mostly 5–18 days, ends in plausible ways, and leaves only the future booked', () => {
    const waits = stories
      .flatMap((s) => {
        const held = s.appointments.find((a) => a.outcome === 'held');
        return held && s.appointments.length === 1 && !s.urgent ? [(+held.startsAt - +s.submittedAt) / DAY] : [];
      })
      .sort((a, b) => a - b);
    const median = waits[Math.floor(waits.length / 2)]!;
    expect(median).toBeGreaterThan(8);
    expect(median).toBeLessThan(16);
    expect(waits[Math.floor(waits.length * 0.99)]!).toBeLessThan(50);
    expect(share((s) => s.withdrawn === true)).toBeGreaterThan(0.015);
    expect(share((s) => s.withdrawn === true)).toBeLessThan(0.05);
    const past = stories.flatMap((s) => s.appointments).filter((a) => a.startsAt < NOW);
    const noShows = past.filter((a) => a.outcome === 'no_show').length / past.length;
    expect(noShows).toBeGreaterThan(0.04);
    expect(noShows).toBeLessThan(0.1);
    const firsts = stories.flatMap((s) => s.appointments.find((a) => a.outcome === 'held')?.result ?? []);
    const resultShare = (r: string) => firsts.filter((x) => x === r).length / firsts.length;
    expect(resultShare('solved')).toBeGreaterThan(0.16);
    expect(resultShare('plan_made')).toBeGreaterThan(0.3);
    expect(resultShare('plan_made')).toBeLessThan(0.4);
    for (const s of stories) {
      for (const d of [s.submittedAt, s.callbackDoneAt, s.planAt, s.closedAt]) if (d) expect(d < NOW).toBe(true);
      for (const a of s.appointments) {
        expect(a.outcome === null).toBe(a.startsAt >= NOW);
        expect(a.createdAt < NOW && a.createdAt < a.startsAt && a.createdAt >= s.submittedAt).toBe(true);
      }
    }
    // The last weeks: mostly still open.
    const recent = stories.filter((s) => +s.submittedAt > +NOW - 21 * DAY);
    expect(recent.filter((s) => !s.closedAt).length / recent.length).toBeGreaterThan(0.8);
  });

  it('has residents coming back within half a year, within a year, and later', () => {
    const gaps = stories.flatMap((s) =>
      s.returningOf === undefined ? [] : [(+s.submittedAt - +stories[s.returningOf]!.closedAt!) / DAY],
    );
    expect(gaps.every((g) => g >= 1)).toBe(true);
    expect(gaps.filter((g) => g <= 182).length).toBeGreaterThan(gaps.length * 0.4);
    expect(gaps.some((g) => g > 182)).toBe(true);
  });

  it('notes capacity every day, late in the periods a team ran late, with alarms then', () => {
    const { snapshots, alarms } = capacitySnapshots({
      now: NOW,
      months: 12,
      teams: TEAMS,
      late: plan.late,
      dice: seededDice(8),
    });
    expect(plan.late.length).toBeGreaterThanOrEqual(1);
    expect(snapshots.length).toBe(365 * 8);
    const lateNotes = snapshots.filter((n) =>
      plan.late.some((p) => p.teamId === n.team_id && p.from <= n.taken_at && n.taken_at < p.to),
    );
    const ahead = (n: (typeof snapshots)[number]) => (+n.first_free_at! - +n.taken_at) / DAY;
    expect(lateNotes.every((n) => ahead(n) > 28)).toBe(true);
    expect(snapshots.filter((n) => !lateNotes.includes(n)).every((n) => ahead(n) < 27)).toBe(true);
    expect(alarms.length).toBeGreaterThan(10);
    expect(alarms.every((a) => plan.late.some((p) => p.teamId === a.teamId && p.from <= a.at && a.at < p.to))).toBe(
      true,
    );
  });
});

describe(`a big history (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it('writes a year of 20,000 requests with their capacity notes', { timeout: 180_000 }, async () => {
    const teams: { id: number; weight: number; duos: number }[] = [];
    const duos: HistoryDuo[] = [];
    for (let i = 0; i < 8; i++) {
      const team = await makeTeam(t.db);
      const ids = (
        await sql<{ id: number }>`insert into staff_user (team_id, name, email, role)
          select ${team.id}, 'Coach ' || i, 'c' || i || '-' || ${team.id} || '@example.nl', 'coach'
          from generate_series(1, 20) i returning id`.execute(t.db)
      ).rows.map((r) => r.id);
      for (let k = 0; k + 1 < ids.length; k += 2) duos.push({ teamId: team.id, a: ids[k]!, b: ids[k + 1]! });
      teams.push({ id: team.id, weight: 10, duos: 10 });
    }
    const dice = seededDice(11);
    const started = performance.now();
    const plan = planHistory({ now: NOW, months: 12, requestsPerYear: 20_000, teams, dice });
    const { requestIds } = await t.db.transaction().execute(async (trx) => {
      const written = await insertStories(trx, plan.stories, { duos });
      await insertCapacity(trx, capacitySnapshots({ now: NOW, months: 12, teams, late: plan.late, dice }));
      return written;
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`history: ${requestIds.length} requests written in ${seconds.toFixed(1)} s (${t.kind})`);
    const counts = await sql<{ requests: number; appointments: number; notes: number }>`
      select (select count(*)::int from request) as requests, (select count(*)::int from appointment) as appointments,
        (select count(*)::int from capacity_snapshot) as notes`.execute(t.db);
    expect(counts.rows[0]!.requests).toBe(plan.stories.length);
    expect(counts.rows[0]!.appointments).toBe(plan.stories.reduce((n, s) => n + s.appointments.length, 0));
    expect(counts.rows[0]!.notes).toBe(365 * 8);
  });
});

describe(`the demo with its year of history (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.close());

  it(
    'seeds about 4000 requests of the past year and a capacity note per team per day',
    { timeout: 60_000 },
    async () => {
      const started = performance.now();
      await seedDemo(t.db, NOW);
      console.log(`demo with history seeded in ${((performance.now() - started) / 1000).toFixed(1)} s (${t.kind})`);
      const r = await sql<{ past: number; notes: number; returning: number; queue: number }>`
      select (select count(*)::int from request where submitted_at < ${new Date(+NOW - DAY)}) as past,
        (select count(*)::int from capacity_snapshot) as notes,
        (select count(*)::int from request where previous_request_id is not null) as returning,
        (select count(*)::int from request where status in ('callback', 'new')) as queue`.execute(t.db);
      expect(r.rows[0]!.past).toBeGreaterThan(3800);
      expect(r.rows[0]!.past).toBeLessThan(4200);
      expect(r.rows[0]!.notes).toBe(365 * 8);
      expect(r.rows[0]!.returning).toBeGreaterThan(100);
      // The demo's own queue is left as it was: the history's call-backs all took place.
      expect(r.rows[0]!.queue).toBe(3);
    },
  );
});
