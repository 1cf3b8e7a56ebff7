import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';

const NOW = DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Amsterdam' }).toJSDate();

describe('administration', () => {
  let t: TestApp;
  let admin: Client;
  let centrum: Awaited<ReturnType<typeof makeTeam>>;
  const validTeam = {
    name: 'Wijkteam Rijkerswoerd',
    slug: 'rijkerswoerd',
    phone: '026 377 2009',
    email: 'rijkerswoerd@example.nl',
    officeAddress: 'Wijkcentrum, Arnhem',
    horizonDays: '21',
    minNoticeDays: '1',
    promiseDays: '14',
    freeSlotThreshold: '10',
    reminderDays: '2',
  };

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    centrum = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', slug: 'centrum', from: '6811AA', to: '6814ZZ' });
    const a = await makeLogin(t.app, null, 'admin');
    admin = await loggedIn(t.app, a.email);
  });
  afterAll(async () => t.close());

  it('refuses a team with bad input, keeps what was typed and stores nothing', async () => {
    const res = await admin.submit('/medewerker/beheer/teams/nieuw', {
      ...validTeam,
      slug: 'Rijkers Woerd!',
      email: 'geen-mail',
      horizonDays: '500',
      neighbours: [String(centrum.id)],
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Gebruik 2 tot 40 kleine letters');
    expect(res.body).toContain('Vul een e-mailadres in zoals team@gemeente.nl.');
    expect(res.body).toContain('Vul een aantal dagen in van 7 tot 120.');
    expect(res.body).toContain('value="Rijkers Woerd!"');
    expect(res.body).toMatch(new RegExp(`value="${centrum.id}" checked`));
    expect(await t.app.db.selectFrom('team').select('id').execute()).toHaveLength(1);
    const taken = await admin.submit('/medewerker/beheer/teams/nieuw', { ...validTeam, slug: 'centrum' });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('Deze korte naam is al in gebruik');
  });

  it('creates a team with settings and neighbours, and edits them', async () => {
    const res = await admin.submit('/medewerker/beheer/teams/nieuw', {
      ...validTeam,
      neighbours: [String(centrum.id)],
    });
    expect(res.statusCode).toBe(303);
    const team = await t.app.db
      .selectFrom('team')
      .selectAll()
      .where('slug', '=', 'rijkerswoerd')
      .executeTakeFirstOrThrow();
    expect(team).toMatchObject({ horizon_days: 21, min_notice_days: 1, promise_days: 14, reminder_days: 2 });
    expect(await t.app.db.selectFrom('team_neighbour').selectAll().where('team_id', '=', team.id).execute()).toEqual([
      { team_id: team.id, neighbour_id: centrum.id },
    ]);
    const edit = await admin.submit(`/medewerker/beheer/teams/${team.id}`, {
      ...validTeam,
      horizonDays: '28',
      promiseDays: '10',
    });
    expect(edit.headers.location).toBe(`/medewerker/beheer/teams/${team.id}?klaar=1`);
    const after = await t.app.db.selectFrom('team').selectAll().where('id', '=', team.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ horizon_days: 28, promise_days: 10 });
    expect(await t.app.db.selectFrom('team_neighbour').selectAll().where('team_id', '=', team.id).execute()).toEqual(
      [],
    );
    const audit = await t.app.db.selectFrom('audit_event').select('action').where('subject_id', '=', team.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['team_created', 'team_updated']);
  });

  it('adds and removes postcode areas, refusing malformed ones and warning on overlap', async () => {
    const team = await t.app.db
      .selectFrom('team')
      .selectAll()
      .where('slug', '=', 'rijkerswoerd')
      .executeTakeFirstOrThrow();
    const page = `/medewerker/beheer/teams/${team.id}`;
    const bad = await admin.submit(page, { from: '68', to: '' }, `${page}/gebieden`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Vul 4 cijfers in (6811) of een postcode (6811 AB).');
    expect(bad.body).toContain('value="68"');
    const order = await admin.submit(page, { from: '6850', to: '6849' }, `${page}/gebieden`);
    expect(order.body).toContain('De tweede postcode moet na de eerste komen.');
    expect(await t.app.db.selectFrom('team_area').selectAll().where('team_id', '=', team.id).execute()).toHaveLength(0);
    const ok = await admin.submit(page, { from: '6850', to: '' }, `${page}/gebieden`);
    expect(ok.statusCode).toBe(303);
    const overlap = await admin.submit(page, { from: '6812 ab', to: '6812 ZZ' }, `${page}/gebieden`);
    expect(overlap.statusCode).toBe(200);
    expect(overlap.body).toContain('overlapt met een ander team');
    const areas = await t.app.db
      .selectFrom('team_area')
      .select(['id', 'postcode_from', 'postcode_to'])
      .where('team_id', '=', team.id)
      .orderBy('postcode_from')
      .execute();
    expect(areas.map((a) => [a.postcode_from, a.postcode_to])).toEqual([
      ['6812AB', '6812ZZ'],
      ['6850AA', '6850ZZ'],
    ]);
    // The narrower range wins for routing: 6812 AC now goes to the new team.
    const { teamForPostcode } = await import('../../src/core/teams.js');
    expect((await teamForPostcode(t.app.db, '6812AC'))?.id).toBe(team.id);
    expect((await teamForPostcode(t.app.db, '6811AC'))?.id).toBe(centrum.id);
    const removed = await admin.submit(page, {}, `${page}/gebieden/${areas[0]!.id}/verwijderen`);
    expect(removed.statusCode).toBe(303);
    expect(await t.app.db.selectFrom('team_area').select('id').where('team_id', '=', team.id).execute()).toHaveLength(
      1,
    );
  });

  it('creates a staff account that gets an invitation and can set a password once', async () => {
    const bad = await admin.submit('/medewerker/beheer/medewerkers/nieuw', {
      name: 'Noor Visser',
      email: 'noor@',
      role: 'coach',
      teamId: '',
      expertise: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Vul een e-mailadres in zoals team@gemeente.nl.');
    expect(bad.body).toContain('Wijkcoaches en teamleiders horen bij een team.');
    expect(bad.body).toContain('value="Noor Visser"');
    const res = await admin.submit('/medewerker/beheer/medewerkers/nieuw', {
      name: 'Noor Visser',
      email: 'noor@example.nl',
      role: 'coach',
      teamId: String(centrum.id),
      expertise: 'opvoeding, wonen',
    });
    expect(res.statusCode).toBe(303);
    const user = await t.app.db
      .selectFrom('staff_user')
      .selectAll()
      .where('email', '=', 'noor@example.nl')
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      role: 'coach',
      team_id: centrum.id,
      expertise: ['opvoeding', 'wonen'],
      password_hash: null,
    });
    const dup = await admin.submit('/medewerker/beheer/medewerkers/nieuw', {
      name: 'Noor 2',
      email: 'NOOR@example.nl',
      role: 'coach',
      teamId: String(centrum.id),
      expertise: '',
    });
    expect(dup.body).toContain('Er is al een account met dit e-mailadres.');
    const mail = await t.app.db
      .selectFrom('outbox_message')
      .selectAll()
      .where('to_address', '=', 'noor@example.nl')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Uitnodiging voor het wijkteamportaal');
    const link = /\/medewerker\/wachtwoord\/[A-Za-z0-9_-]+/.exec(mail.body_text!)![0];
    const c = new Client(t.app);
    expect((await c.get(link)).body).toContain('Welkom: kies uw wachtwoord');
    const set = await c.submit(link, {
      password: 'een lange zin als wachtwoord',
      repeat: 'een lange zin als wachtwoord',
    });
    expect(set.statusCode).toBe(303);
    expect((await c.get(link)).statusCode).toBe(410);
    const noor = await loggedIn(t.app, 'noor@example.nl', 'een lange zin als wachtwoord');
    expect((await noor.get('/medewerker')).body).toContain('Welkom, Noor Visser');
    // A coach is not an admin.
    expect((await noor.get('/medewerker/beheer')).statusCode).toBe(403);
  });

  it('deactivates an account: it can no longer log in', async () => {
    const user = await t.app.db
      .selectFrom('staff_user')
      .selectAll()
      .where('email', '=', 'noor@example.nl')
      .executeTakeFirstOrThrow();
    const res = await admin.submit(`/medewerker/beheer/medewerkers/${user.id}`, {
      name: user.name,
      email: user.email,
      role: 'coach',
      teamId: String(centrum.id),
      expertise: '',
    });
    expect(res.statusCode).toBe(303);
    const c = new Client(t.app);
    expect(
      (await c.submit('/medewerker/inloggen', { email: 'noor@example.nl', password: 'een lange zin als wachtwoord' }))
        .statusCode,
    ).toBe(401);
    expect((await admin.get('/medewerker/beheer/medewerkers/abc')).statusCode).toBe(404);
  });
});
