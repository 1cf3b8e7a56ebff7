// Bad bytes stop at the door: a NUL byte, a lone surrogate or a field sent twice gets a plain
// 400 page naming the field, on every form of the app (taken from its own route table), and
// nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Role } from '../../src/db/schema.js';
import { findBadInput } from '../../src/plugins/input.js';
import { ROLES } from '../../src/plugins/access.js';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { tableCounts } from '../helpers/db.js';
import { fill, teamWorld, type Ids } from '../helpers/route-world.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';

const NOW = DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Amsterdam' }).toJSDate();

describe('findBadInput', () => {
  it('finds NUL bytes, lone surrogates, repeated fields and non-text values', () => {
    expect(findBadInput({ a: 'gewoon', b: 'emoji 😀 en é' })).toBeNull();
    expect(findBadInput({ topics: ['money', 'housing'] }, ['topics'])).toBeNull();
    expect(findBadInput(undefined)).toBeNull();
    expect(findBadInput({ a: 'x\u0000y' })?.details).toMatchObject({ field: 'a', problem: 'character' });
    expect(findBadInput({ a: 'x\uD800' })?.details).toMatchObject({ field: 'a', problem: 'character' });
    expect(findBadInput({ a: '\uDC00x' })?.details).toMatchObject({ field: 'a', problem: 'character' });
    expect(findBadInput({ a: '\uDBFF\uDFFF' })).toBeNull();
    expect(findBadInput({ 'a\u0000': 'x' })?.details).toMatchObject({ field: null, problem: 'character' });
    expect(findBadInput({ email: ['a', 'b'] })?.details).toMatchObject({ field: 'email', problem: 'repeated' });
    expect(findBadInput({ topics: ['a', 'x\u0000'] }, ['topics'])?.details).toMatchObject({
      field: 'topics',
      problem: 'character',
    });
    expect(findBadInput({ a: { nested: 'x' } })?.details).toMatchObject({ field: 'a', problem: 'shape' });
    expect(findBadInput('a=b')?.details).toMatchObject({ field: null, problem: 'shape' });
  });
});

describe('bad input at the door', () => {
  let t: TestApp;
  let own: Ids;
  const clients = new Map<Role, Client>();

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    own = await teamWorld(t.app, 'Eigen', '7001');
    // Every role there is, so a new role's forms are tried too.
    for (const role of ROLES) {
      const user = await makeLogin(t.app, role === 'coach' || role === 'teamlead' ? own.teamId! : null, role);
      clients.set(role, await loggedIn(t.app, user.email));
    }
  });
  afterAll(async () => t.close());

  const counts = () => tableCounts(t.app.db);

  it('answers every form of the app with a 400 for a NUL byte or a repeated field, and writes nothing', async () => {
    const posts = t.app.routeRules.filter((r) => r.method === 'POST' && !r.url.endsWith('/uitloggen'));
    expect(posts.length).toBeGreaterThan(40);
    const before = await counts();
    const failures: string[] = [];
    for (const route of posts) {
      const c = route.access === 'public' ? new Client(t.app) : clients.get(route.access.roles[0]!)!;
      const token = csrfFrom((await c.get('/medewerker/wachtwoord-vergeten')).body);
      const url = fill(route.url, own);
      const cases: Array<[string, Record<string, string | string[]>]> = [
        ['NUL in a text field', { question: 'Hulp bij\u0000 geld', email: 'anna@example.nl', note: 'ok' }],
        ['NUL in an email field', { email: 'anna\u0000@example.nl' }],
        ['a field sent twice', { email: ['anna@example.nl', 'bas@example.nl'] }],
        ['NUL in a field name', { 'na\u0000me': 'Anna' }],
      ];
      for (const [what, fields] of cases) {
        const res = await c.post(url, { _csrf: token, ...fields });
        if (res.statusCode !== 400) failures.push(`${route.method} ${route.url}, ${what}: ${res.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('names the field in plain words and links back to the form', async () => {
    const c = new Client(t.app);
    let res = await c.submit('/medewerker/inloggen', { email: 'coach\u0000@example.nl', password: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('In het veld ‘E-mailadres’ staat een teken dat wij niet kunnen opslaan.');
    expect(res.body).toContain('Er is niets opgeslagen.');
    expect(res.body).toContain('href="/medewerker/inloggen"');
    res = await c.submit('/medewerker/inloggen', { email: ['a@example.nl', 'b@example.nl'], password: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Het veld ‘E-mailadres’ kwam twee keer mee.');
    res = await c.submit('/medewerker/wachtwoord-vergeten?lang=en', { email: 'a\u0000@example.nl' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The field ‘Email address’ holds a character we cannot store.');
  });

  it('also checks the query and the path, and takes forms only', async () => {
    const coach = clients.get('coach')!;
    expect((await coach.get('/medewerker/agenda?week=2026-W50%00')).statusCode).toBe(400);
    expect((await coach.get('/medewerker/agenda?week=2026-W50&week=2026-W51')).statusCode).toBe(400);
    expect((await new Client(t.app).get(`/afspraak/${'x'.repeat(20)}%00${'x'.repeat(22)}`)).statusCode).toBe(400);
    const json = await t.app.inject({
      method: 'POST',
      url: '/aanmelden',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ postcode: '\uD800' }),
    });
    expect(json.statusCode).toBe(415);
    const text = await t.app.inject({
      method: 'POST',
      url: '/aanmelden',
      headers: { 'content-type': 'text/plain' },
      payload: 'postcode=6811AB',
    });
    expect(text.statusCode).toBe(415);
  });

  it('still takes the fields that are lists: topics and neighbour teams', async () => {
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '7001AB', houseNumber: '1' });
    const res = await c.submit('/aanmelden/vraag', {
      question: 'Schulden',
      topics: ['money', 'housing'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    expect(res.statusCode).toBe(303);
    const admin = clients.get('admin')!;
    const team = await t.app.db.selectFrom('team').selectAll().where('id', '=', own.teamId!).executeTakeFirstOrThrow();
    const others = await Promise.all(
      ['Noord', 'Zuid'].map(
        async (n) =>
          (
            await t.app.db
              .insertInto('team')
              .values({
                slug: `wijk-${n.toLowerCase()}`,
                name: `Wijkteam ${n}`,
                phone: '026 000 0000',
                email: `${n}@example.nl`,
                office_address: 'Arnhem',
              })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id,
      ),
    );
    const saved = await admin.submit(`/medewerker/beheer/teams/${team.id}`, {
      name: team.name,
      slug: team.slug,
      phone: team.phone,
      email: team.email,
      officeAddress: team.office_address,
      horizonDays: '21',
      minNoticeDays: '1',
      promiseDays: '14',
      freeSlotThreshold: '10',
      reminderDays: '2',
      neighbours: others.map(String),
    });
    expect(saved.statusCode).toBe(303);
    const n = await t.app.db
      .selectFrom('team_neighbour')
      .select('neighbour_id')
      .where('team_id', '=', team.id)
      .orderBy('neighbour_id')
      .execute();
    expect(n.map((x) => x.neighbour_id)).toEqual(others);
  });
});
