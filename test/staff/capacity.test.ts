// Team capacity: figures on seeded demo data checked against a count done directly in SQL,
// the two warnings, the waiting-list alarms, the chart and who may see what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { sql } from 'kysely';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { demoLogins, seedDemo } from '../../src/db/seed.js';
import { formatters } from '../../src/domain/time.js';
import { capacityChartOptions, capacitySummary } from '../../src/features/capacity/chart.js';
import type { Capacity } from '../../src/features/capacity/service.js';
import { translator } from '../../src/core/i18n.js';

const ZONE = 'Europe/Amsterdam';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const NOW = at('2026-11-24T10:00');
const fmt = formatters('nl');

/** Per-day figures as the page's table shows them: date -> { free, booked }. */
function tableFigures(html: string): Map<string, { free: number; booked: number }> {
  const out = new Map<string, { free: number; booked: number }>();
  for (const m of html.matchAll(
    /<tr data-date="(\d{4}-\d{2}-\d{2})">[\s\S]*?data-free="(\d+)"[\s\S]*?data-booked="(\d+)"/g,
  )) {
    out.set(m[1]!, { free: Number(m[2]), booked: Number(m[3]) });
  }
  return out;
}

describe('team capacity', () => {
  let t: TestApp;
  let lead: Client;
  let centrum: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    await seedDemo(t.app.db, NOW);
    centrum = (await t.app.db.selectFrom('team').select('id').where('slug', '=', 'centrum').executeTakeFirstOrThrow())
      .id;
    // A block today that started before now: its 09:00 slot and appointment are in the past.
    const [a, b] = await t.app.db
      .selectFrom('staff_user')
      .select('id')
      .where('team_id', '=', centrum)
      .where('role', '=', 'coach')
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    const blockId = await makeBlock(t.app.db, {
      teamId: centrum,
      start: at('2026-11-24T09:00'),
      end: at('2026-11-24T12:00'),
      coachIds: [a!.id, b!.id],
    });
    const r = await t.app.db
      .selectFrom('request')
      .select('id')
      .where('team_id', '=', centrum)
      .where('status', '=', 'scheduled')
      .limit(1)
      .executeTakeFirstOrThrow();
    await t.app.db.updateTable('appointment').set({ status: 'cancelled' }).where('request_id', '=', r.id).execute();
    await t.app.db
      .insertInto('appointment')
      .values({
        request_id: r.id,
        block_id: blockId,
        starts_at: at('2026-11-24T09:00'),
        ends_at: at('2026-11-24T10:00'),
        manage_token_hash: 'x-capacity-test',
      })
      .execute();
    lead = await loggedIn(t.app, demoLogins.users[1].email, demoLogins.password);
  });
  afterAll(async () => t.close());

  it('shows free and booked slots per day as counted directly in SQL', async () => {
    const res = await lead.get('/medewerker/capaciteit');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Capaciteit van Wijkteam Centrum');
    const page = tableFigures(res.body);
    // The window: from now up to and including the end of day 21 (the team's horizon).
    const to = at('2026-12-15T23:59:59.999');
    const free = await sql<{ day: string; n: string }>`
      with b as (
        select id, starts_at, ends_at, slot_minutes, buffer_minutes from block
        where team_id = ${centrum} and status = 'active' and starts_at < ${to} and ends_at > ${NOW}
      ), s as (
        select b.id as block_id, g as starts_at, g + make_interval(mins => b.slot_minutes) as ends_at
        from b, generate_series(b.starts_at, b.ends_at, make_interval(mins => b.slot_minutes + b.buffer_minutes)) g
        where g + make_interval(mins => b.slot_minutes) <= b.ends_at
      )
      select to_char(s.starts_at at time zone 'Europe/Amsterdam', 'YYYY-MM-DD') as day, count(*) as n
      from s
      where s.starts_at >= ${NOW} and s.ends_at <= ${to}
        and not exists (select 1 from appointment a where a.block_id = s.block_id and a.status = 'booked'
                        and a.starts_at < s.ends_at and s.starts_at < a.ends_at)
      group by 1`.execute(t.app.db);
    const booked = await sql<{ day: string; n: string }>`
      select to_char(a.starts_at at time zone 'Europe/Amsterdam', 'YYYY-MM-DD') as day, count(*) as n
      from appointment a join block b on b.id = a.block_id
      where b.team_id = ${centrum} and b.status = 'active' and a.status = 'booked' and a.starts_at >= ${NOW} and a.starts_at < ${to}
      group by 1`.execute(t.app.db);
    const sqlFree = new Map(free.rows.map((r) => [r.day, Number(r.n)]));
    const sqlBooked = new Map(booked.rows.map((r) => [r.day, Number(r.n)]));
    // The seed really produced something to count.
    expect([...sqlFree.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    expect([...sqlBooked.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
    for (const day of new Set([...sqlFree.keys(), ...sqlBooked.keys()]))
      expect(page.has(day), `day ${day} listed`).toBe(true);
    for (const [day, f] of page) {
      expect({ day, ...f }).toEqual({ day, free: sqlFree.get(day) ?? 0, booked: sqlBooked.get(day) ?? 0 });
    }
    // Today: the 10:30 slot of the block that began at 09:00 is free; the 09:00 appointment is past.
    expect(page.get('2026-11-24')).toEqual({ free: 1, booked: 0 });
    // Working days only (no blocks at weekends in the seed), 16 of them up to 15 December.
    expect([...page.keys()]).toHaveLength(16);
    expect(page.has('2026-11-28')).toBe(false);
    const totalFree = [...sqlFree.values()].reduce((a, b) => a + b, 0);
    expect(res.body).toContain(`${totalFree} vrij,`);
  });

  it('shows the first free moment a resident would see', async () => {
    const first = await sql<{ s: Date }>`
      with s as (
        select b.id, g as starts_at, g + make_interval(mins => b.slot_minutes) as ends_at
        from block b, generate_series(b.starts_at, b.ends_at, make_interval(mins => b.slot_minutes + b.buffer_minutes)) g
        where b.team_id = ${centrum} and b.status = 'active' and g + make_interval(mins => b.slot_minutes) <= b.ends_at
      )
      select min(starts_at) as s from s
      where starts_at >= ${at('2026-11-25T00:00')}
        and not exists (select 1 from appointment a where a.block_id = s.id and a.status = 'booked' and a.starts_at < s.ends_at and s.starts_at < a.ends_at)`.execute(
      t.app.db,
    );
    const s = first.rows[0]!.s;
    const res = await lead.get('/medewerker/capaciteit');
    expect(res.body).toMatch(new RegExp(`<dd id="first-free">${fmt.date(s)}, ${fmt.time(s)}</dd>`));
    expect(res.body).toContain('Inwoners kunnen online boeken vanaf woensdag 25 november 2026');
  });

  it('draws an accessible chart with the numbers in a table beside it', async () => {
    const res = await lead.get('/medewerker/capaciteit');
    const svg = /<svg [^>]*class="kt-chart"[\s\S]*?<\/svg>/.exec(res.body)![0];
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="capacity-chart-title capacity-chart-desc"/);
    expect(svg).toContain('<title id="capacity-chart-title">Vrije en geboekte plekken per dag</title>');
    expect(svg).toMatch(/<desc id="capacity-chart-desc">Van .* plekken vrij en \d+ geboekt\./);
    // Free slots hatched, booked solid; the marks are hidden, the legend names both.
    expect(svg).toContain('<pattern id="capacity-chart-pattern-1"');
    expect(svg).toContain('fill="url(#capacity-chart-pattern-1)"');
    expect(svg).toContain('<g aria-hidden="true">');
    expect(svg).toMatch(/>Geboekt<\/text>/);
    expect(svg).toMatch(/>Vrij<\/text>/);
    // Every day's free count is printed above its bar, and its date under it (same as the table).
    const figures = tableFigures(res.body);
    const labels = [...svg.matchAll(/font-weight="bold"[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));
    const free = [...figures.values()].map((f) => f.free);
    const booked = [...figures.values()].filter((f) => f.booked > 0 && f.free >= 0).map((f) => f.booked);
    expect(labels.length).toBe(free.length + booked.length);
    expect([...labels].sort((a, b) => a - b)).toEqual([...free, ...booked].sort((a, b) => a - b));
    expect(svg).toContain('<tspan>wo</tspan><tspan x="0" dy="14">25 nov</tspan>');
    // The end of the team's promise is a dashed red line, named in the legend.
    expect(svg).toMatch(/<line [^>]*stroke="#b00020" stroke-width="2" stroke-dasharray="6,4"/);
    expect(svg).toMatch(/>Belofte: \d+ dagen<\/text>/);
    // Today (before the minimum notice) has a grey background with a label.
    expect(svg).toContain('fill="#ececec"');
    expect(svg).toMatch(/<tspan>niet online<\/tspan><tspan [^>]*>te boeken<\/tspan><\/text>/);
    expect(res.body).toMatch(/<p class="utrecht-paragraph kt-chart-summary">In deze 16 dagen zijn \d+ plekken vrij/);
    expect(res.body).toContain('<table class="kt-table" id="days-table">');
    expect(res.body).toContain('<table class="kt-table" id="duos-table">');
    const en = await lead.get('/medewerker/capaciteit?lang=en');
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('Capacity of Wijkteam Centrum');
    expect(en.body).toContain('<title id="capacity-chart-title">Free and booked slots per day</title>');
    expect(en.body).toContain('<tspan>Wed</tspan><tspan x="0" dy="14">25 Nov</tspan>');
    await lead.get('/medewerker/capaciteit?lang=nl');
  });

  it('only lets coaches and team leads of the team see it', async () => {
    const other = await makeTeam(t.app.db, { name: 'Wijkteam Elders' });
    const coach = await makeLogin(t.app, other.id, 'coach');
    const res = await (await loggedIn(t.app, coach.email)).get('/medewerker/capaciteit');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Capaciteit van Wijkteam Elders');
    expect(res.body).not.toContain('Wijkteam Centrum');
    const front = await loggedIn(t.app, demoLogins.users[2].email, demoLogins.password);
    expect((await front.get('/medewerker/capaciteit')).statusCode).toBe(403);
  });
});

describe('capacity warnings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t.close());

  async function teamWith(name: string, blocks: [string, string][]) {
    const team = await makeTeam(t.app.db, { name });
    const a = await makeLogin(t.app, team.id, 'coach');
    const b = await makeLogin(t.app, team.id, 'coach');
    for (const [start, end] of blocks)
      await makeBlock(t.app.db, { teamId: team.id, start: at(start), end: at(end), coachIds: [a.id, b.id] });
    const lead = await makeLogin(t.app, team.id, 'teamlead');
    return { team, client: await loggedIn(t.app, lead.email) };
  }

  it('warns when the first free moment is past the promise and free slots are too few', async () => {
    const { team, client } = await teamWith('Wijkteam Laat', [['2026-12-11T09:00', '2026-12-11T12:00']]);
    const res = await client.get('/medewerker/capaciteit');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="warn-promise"');
    expect(res.body).toContain(
      'Het eerste vrije moment voor een inwoner is vrijdag 11 december 2026, 09:00. Het team belooft een gesprek binnen 14 dagen, dus uiterlijk dinsdag 8 december 2026.',
    );
    expect(res.body).toContain('id="warn-threshold"');
    expect(res.body).toContain(
      'In de komende 14 dagen kunnen inwoners nog 0 vrije plekken boeken. De ondergrens van het team is 10.',
    );
    // A team that promises 21 days is within its promise with the same block.
    await t.app.db.updateTable('team').set({ promise_days: 21 }).where('id', '=', team.id).execute();
    const later = await client.get('/medewerker/capaciteit');
    expect(later.body).not.toContain('id="warn-promise"');
    expect(later.body).toContain('id="warn-threshold"');
  });

  it('warns about too few free slots even when the first free moment is soon', async () => {
    const { client } = await teamWith('Wijkteam Krap', [['2026-11-26T09:00', '2026-11-26T12:00']]);
    const res = await client.get('/medewerker/capaciteit');
    expect(res.body).not.toContain('id="warn-promise"');
    expect(res.body).toContain('id="warn-threshold"');
    expect(res.body).toContain('nog 2 vrije plekken');
  });

  it('warns when there is no free moment at all', async () => {
    const { client } = await teamWith('Wijkteam Leeg', []);
    const res = await client.get('/medewerker/capaciteit');
    expect(res.body).toContain('Inwoners kunnen tot en met dinsdag 15 december 2026 geen vrij moment kiezen.');
    expect(res.body).toContain('Er zijn in deze periode nog geen blokken.');
  });

  it('shows no warning when the team keeps its promise, and counts waiting-list alarms of 30 days', async () => {
    const days = ['2026-11-26', '2026-11-27', '2026-11-30', '2026-12-01', '2026-12-02'];
    const { team, client } = await teamWith(
      'Wijkteam Ruim',
      days.map((d) => [`${d}T09:00`, `${d}T17:00`] as [string, string]),
    );
    const other = await makeTeam(t.app.db);
    const alarm = (teamId: number, iso: string) =>
      t.app.db
        .insertInto('audit_event')
        .values({ action: 'no_capacity', team_id: teamId, at: at(iso), detail: '{}' })
        .execute();
    await alarm(team.id, '2026-11-23T15:00');
    await alarm(team.id, '2026-10-26T09:00');
    await alarm(team.id, '2026-10-24T09:00'); // older than 30 days
    await alarm(other.id, '2026-11-23T15:00'); // another team
    await t.app.db
      .insertInto('audit_event')
      .values({ action: 'booking_created', team_id: team.id, at: NOW, detail: '{}' })
      .execute();
    const res = await client.get('/medewerker/capaciteit');
    expect(res.body).not.toContain('id="warn-promise"');
    expect(res.body).not.toContain('id="warn-threshold"');
    expect(res.body).toContain('kt-notice--ok" id="warnings"');
    expect(res.body).toContain('<dd id="free-soon">25 ');
    expect(res.body).toContain('<dd id="alarms">2 keer zag een inwoner geen vrije tijd bij dit team</dd>');
  });
});

describe('capacity chart options', () => {
  it('stacks free (hatched) on booked (solid), marks the promise and the days before the notice', () => {
    const day = (date: string, free: number, booked: number, withinPromise = true, bookable = true) => ({
      date,
      free,
      booked,
      blocks: 1,
      bookable,
      withinPromise,
    });
    const days = [day('2026-11-24', 1, 1, true, false), day('2026-11-25', 6, 2), day('2026-11-26', 0, 0, false)];
    const c = {
      team: { promise_days: 10 },
      from: NOW,
      to: at('2026-11-26T23:59'),
      totals: { free: 7, booked: 3, blocks: 3 },
      days,
    } as unknown as Capacity;
    const o = capacityChartOptions(c, translator('nl'), 'nl');
    expect(o.stacked).toBe(true);
    expect(o.series.map((s) => [s.key, s.pattern ?? 'solid', s.values])).toEqual([
      ['booked', 'solid', [1, 2, 0]],
      ['free', 'hatch', [1, 6, 0]],
    ]);
    expect(o.categories[1]).toEqual({ key: '2026-11-25', label: 'wo\n25 nov' });
    expect(o.boundaries).toEqual([{ after: 1, label: 'Belofte: 10 dagen' }]);
    expect(o.bands).toEqual([{ from: 0, to: 0, label: 'niet online te boeken' }]);
    expect(capacitySummary(c, translator('nl'), 'nl')).toBe(
      'In deze 3 dagen zijn 7 plekken vrij en 3 geboekt. De meeste vrije plekken zijn er op wo 25 nov: 6 plekken. Op 1 van de 3 dagen is geen plek vrij.',
    );
  });
});
