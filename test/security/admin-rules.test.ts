// Admins run the system, not the cases: not their own role, team or account; never without an
// active admin (also when two demote each other at once); every change of role, team, address
// or active state ends the person's sessions, is audited with old and new values, and is
// mailed to the person, the other admins and the team leads concerned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { onServer } from '../helpers/db.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin, PASSWORD } from '../helpers/staff.js';

const NOW = DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Amsterdam' }).toJSDate();

describe('admins run the system, not the cases', () => {
  let t: TestApp;
  let noord: number;
  let zuid: number;
  let admin: Awaited<ReturnType<typeof makeLogin>>;
  let adminClient: Client;
  let otherAdmin: Awaited<ReturnType<typeof makeLogin>>;
  let leadNoord: Awaited<ReturnType<typeof makeLogin>>;
  let leadZuid: Awaited<ReturnType<typeof makeLogin>>;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    noord = (await makeTeam(t.app.db, { name: 'Wijkteam Noord' })).id;
    zuid = (await makeTeam(t.app.db, { name: 'Wijkteam Zuid' })).id;
    admin = await makeLogin(t.app, null, 'admin', 'Anne Beheer');
    otherAdmin = await makeLogin(t.app, null, 'admin', 'Bert Beheer');
    leadNoord = await makeLogin(t.app, noord, 'teamlead', 'Lies Noord');
    leadZuid = await makeLogin(t.app, zuid, 'teamlead', 'Luuk Zuid');
    adminClient = await loggedIn(t.app, admin.email);
  });
  afterAll(async () => t.close());

  const formOf = (
    u: { name: string; email: string; role: string; team_id: number | null },
    changes: Record<string, string> = {},
  ) => ({
    name: u.name,
    email: u.email,
    role: u.role,
    teamId: u.team_id ? String(u.team_id) : '',
    expertise: '',
    active: 'yes',
    ...changes,
  });
  const mailsTo = async (to: string) =>
    await t.app.db
      .selectFrom('outbox_message')
      .select(['subject', 'body_text'])
      .where('to_address', '=', to)
      .orderBy('id')
      .execute();
  const lastAudit = (subjectId: number, action: string) =>
    t.app.db
      .selectFrom('audit_event')
      .select(['actor_staff_id', 'detail'])
      .where('subject_id', '=', subjectId)
      .where('action', '=', action)
      .orderBy('id', 'desc')
      .executeTakeFirst();

  it('shows an admin their own role and team as text, and refuses a forged change of them', async () => {
    const page = await adminClient.get(`/medewerker/beheer/medewerkers/${admin.id}`);
    expect(page.body).toContain('Dit is uw eigen account.');
    expect(page.body).not.toContain('name="role"');
    expect(page.body).not.toContain('name="email"');
    expect(page.body).not.toContain('name="active"');
    const before = await t.app.db
      .selectFrom('staff_user')
      .selectAll()
      .where('id', '=', admin.id)
      .executeTakeFirstOrThrow();
    for (const [changes, message] of [
      [{ role: 'coach', teamId: String(noord) }, 'U kunt uw eigen rol niet wijzigen.'],
      [{ teamId: String(noord) }, 'U kunt uw eigen team niet wijzigen.'],
      [{ active: 'no' }, 'U kunt uw eigen account niet uitzetten.'],
      [{ email: 'overname@example.nl' }, 'U kunt uw eigen e-mailadres niet wijzigen.'],
    ] as const) {
      const res = await adminClient.submit(`/medewerker/beheer/medewerkers/${admin.id}`, formOf(before, changes));
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(message);
    }
    expect(
      await t.app.db.selectFrom('staff_user').selectAll().where('id', '=', admin.id).executeTakeFirstOrThrow(),
    ).toEqual(before);
    // The name is theirs to change; address, role, team and active state stay.
    const { role: _r, teamId: _t, active: _a, email: _e, ...own } = formOf(before, { name: 'Anne de Beheerder' });
    expect((await adminClient.submit(`/medewerker/beheer/medewerkers/${admin.id}`, own)).statusCode).toBe(303);
    expect(
      await t.app.db
        .selectFrom('staff_user')
        .select(['name', 'role', 'active', 'team_id'])
        .where('id', '=', admin.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ name: 'Anne de Beheerder', role: 'admin', active: true, team_id: null });
    expect(await isLoggedIn(adminClient)).toBe(true);
  });

  it('moves a coach to another team and role: sessions end, the audit has old and new, and four people are told', async () => {
    const coach = await makeLogin(t.app, noord, 'coach', 'Fatima El Amrani');
    const coachClient = await loggedIn(t.app, coach.email);
    const res = await adminClient.submit(
      `/medewerker/beheer/medewerkers/${coach.id}`,
      formOf(coach, { role: 'teamlead', teamId: String(zuid) }),
    );
    expect(res.statusCode).toBe(303);
    expect(await isLoggedIn(coachClient)).toBe(false);
    const audit = await lastAudit(coach.id, 'staff_updated');
    expect(audit).toEqual({
      actor_staff_id: admin.id,
      detail: { changes: { role: { from: 'coach', to: 'teamlead' }, team: { from: noord, to: zuid } } },
    });
    const own = await mailsTo(coach.email);
    expect(own.map((m) => m.subject)).toEqual(['Uw account voor het wijkteamportaal is gewijzigd']);
    expect(own[0]!.body_text).toContain('Anne de Beheerder heeft uw account gewijzigd:');
    expect(own[0]!.body_text).toContain('- Rol: wijkcoach → teamleider');
    expect(own[0]!.body_text).toContain('- Team: Wijkteam Noord → Wijkteam Zuid');
    for (const watcher of [otherAdmin, leadNoord, leadZuid]) {
      const mails = await mailsTo(watcher.email);
      expect(mails.at(-1)!.subject, watcher.name).toBe('Account gewijzigd: Fatima El Amrani');
      expect(mails.at(-1)!.body_text).toContain('- Rol: wijkcoach → teamleider');
    }
    // The admin who made the change is not mailed about it.
    expect((await mailsTo(admin.email)).filter((m) => m.subject.startsWith('Account gewijzigd'))).toEqual([]);
  });

  it('tells the old and the new address when an address changes, and closes open links', async () => {
    const coach = await makeLogin(t.app, noord, 'coach', 'Bas Jansen');
    await adminClient.submit(
      '/medewerker/beheer/medewerkers',
      {},
      `/medewerker/beheer/medewerkers/${coach.id}/uitnodigen`,
    );
    const res = await adminClient.submit(
      `/medewerker/beheer/medewerkers/${coach.id}`,
      formOf(coach, { email: 'bas.nieuw@example.nl' }),
    );
    expect(res.statusCode).toBe(303);
    expect((await mailsTo(coach.email)).map((m) => m.subject)).toContain(
      'Uw account voor het wijkteamportaal is gewijzigd',
    );
    expect((await mailsTo('bas.nieuw@example.nl')).map((m) => m.subject)).toEqual([
      'Uw account voor het wijkteamportaal is gewijzigd',
    ]);
    const open = await t.app.db
      .selectFrom('staff_token')
      .select('id')
      .where('staff_id', '=', coach.id)
      .where('used_at', 'is', null)
      .execute();
    expect(open).toEqual([]);
    expect((await lastAudit(coach.id, 'staff_updated'))!.detail).toEqual({
      changes: { email: { from: coach.email, to: 'bas.nieuw@example.nl' } },
    });
  });

  it('tells the team leads and other admins about a new account', async () => {
    const res = await adminClient.submit('/medewerker/beheer/medewerkers/nieuw', {
      name: 'Noor Visser',
      email: 'noor@example.nl',
      role: 'coach',
      teamId: String(zuid),
      expertise: '',
    });
    expect(res.statusCode).toBe(303);
    const noor = await t.app.db
      .selectFrom('staff_user')
      .select('id')
      .where('email', '=', 'noor@example.nl')
      .executeTakeFirstOrThrow();
    for (const watcher of [otherAdmin, leadZuid])
      expect((await mailsTo(watcher.email)).at(-1)!.subject).toBe('Nieuw account: Noor Visser');
    expect((await mailsTo(leadNoord.email)).map((m) => m.subject)).not.toContain('Nieuw account: Noor Visser');
    expect((await mailsTo('noor@example.nl')).map((m) => m.subject)).toEqual(['Uitnodiging voor het wijkteamportaal']);
    expect((await lastAudit(noor.id, 'staff_created'))!.detail).toEqual({ role: 'coach', teamId: zuid });
    // An account that has chosen a password gets no new invitation.
    const coach = await makeLogin(t.app, zuid, 'coach');
    expect(
      (
        await adminClient.submit(
          '/medewerker/beheer/medewerkers',
          {},
          `/medewerker/beheer/medewerkers/${coach.id}/uitnodigen`,
        )
      ).statusCode,
    ).toBe(409);
  });

  it('writes every team and area change with its audit row', async () => {
    const page = `/medewerker/beheer/teams/${noord}`;
    expect((await adminClient.submit(page, { from: '6850', to: '' }, `${page}/gebieden`)).statusCode).toBe(303);
    const area = await t.app.db
      .selectFrom('team_area')
      .select('id')
      .where('team_id', '=', noord)
      .executeTakeFirstOrThrow();
    expect((await adminClient.submit(page, {}, `${page}/gebieden/${area.id}/verwijderen`)).statusCode).toBe(303);
    const audits = await t.app.db
      .selectFrom('audit_event')
      .select(['action', 'detail', 'at'])
      .where('subject_type', '=', 'team')
      .where('subject_id', '=', noord)
      .orderBy('id')
      .execute();
    expect(audits).toEqual([
      { action: 'team_area_added', detail: { from: '6850AA', to: '6850ZZ' }, at: NOW },
      { action: 'team_area_removed', detail: { from: '6850AA', to: '6850ZZ' }, at: NOW },
    ]);
  });
  it('deactivating ends sessions and the feed link; reactivating brings neither back', async () => {
    const coach = await makeLogin(t.app, noord, 'coach', 'Sanne de Wit');
    const c = await loggedIn(t.app, coach.email);
    await c.submit('/medewerker/agenda/koppeling', {});
    const feed = /\/agenda\/[A-Za-z0-9_-]{43}\.ics/.exec((await c.get('/medewerker/agenda/koppeling')).body)![0];
    expect((await c.get(feed)).statusCode).toBe(200);
    const kept = c.cookies.get('kt_session')!;
    const { active: _a, ...off } = formOf(coach);
    expect((await adminClient.submit(`/medewerker/beheer/medewerkers/${coach.id}`, off)).statusCode).toBe(303);
    expect(await isLoggedIn(c)).toBe(false);
    expect((await new Client(t.app).get(feed)).statusCode).toBe(404);
    expect((await mailsTo(coach.email)).at(-1)!.body_text).toContain('U kunt niet meer inloggen.');
    expect((await adminClient.submit(`/medewerker/beheer/medewerkers/${coach.id}`, formOf(coach))).statusCode).toBe(
      303,
    );
    const replay = await t.app.inject({
      method: 'GET',
      url: '/medewerker',
      headers: { cookie: `kt_session=${encodeURIComponent(kept)}` },
    });
    expect(replay.statusCode).toBe(303);
    expect((await new Client(t.app).get(feed)).statusCode).toBe(404);
    // The person can log in again with their own password.
    expect(await isLoggedIn(await loggedIn(t.app, coach.email, PASSWORD))).toBe(true);
  });

  it('never leaves the portal without an active admin', async () => {
    const third = await makeLogin(t.app, null, 'admin', 'Cor Beheer');
    // Demoting the other admins one by one works until one is left; that one stays.
    expect(
      (
        await adminClient.submit(
          `/medewerker/beheer/medewerkers/${otherAdmin.id}`,
          formOf(otherAdmin, { role: 'frontoffice' }),
        )
      ).statusCode,
    ).toBe(303);
    const { active: _a, ...off } = formOf(third);
    expect((await adminClient.submit(`/medewerker/beheer/medewerkers/${third.id}`, off)).statusCode).toBe(303);
    // Only Anne is left; the database refuses to take her away, whoever asks.
    await expect(
      t.app.db.updateTable('staff_user').set({ role: 'coach', team_id: noord }).where('id', '=', admin.id).execute(),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      t.app.db.updateTable('staff_user').set({ active: false }).where('id', '=', admin.id).execute(),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(t.app.db.deleteFrom('staff_user').where('id', '=', admin.id).execute()).rejects.toMatchObject({
      code: '23514',
    });
    // Put back for the next test.
    await t.app.db.updateTable('staff_user').set({ role: 'admin' }).where('id', '=', otherAdmin.id).execute();
  });

  it('lets only one of two admins who demote each other at the same moment succeed', async () => {
    // Only these two admins are active.
    const a = await makeLogin(t.app, null, 'admin', 'Dirk Beheer');
    const b = await makeLogin(t.app, null, 'admin', 'Eva Beheer');
    await t.app.db
      .updateTable('staff_user')
      .set({ active: false })
      .where('role', '=', 'admin')
      .where('id', 'not in', [a.id, b.id])
      .execute();
    const [ca, cb] = [await loggedIn(t.app, a.email), await loggedIn(t.app, b.email)];
    // Both forms are open before either is sent, then both are sent at once.
    const [ta, tb] = [
      csrfFrom((await ca.get(`/medewerker/beheer/medewerkers/${b.id}`)).body),
      csrfFrom((await cb.get(`/medewerker/beheer/medewerkers/${a.id}`)).body),
    ];
    const results = await Promise.all([
      ca.post(`/medewerker/beheer/medewerkers/${b.id}`, { _csrf: ta, ...formOf(b, { role: 'frontoffice' }) }),
      cb.post(`/medewerker/beheer/medewerkers/${a.id}`, { _csrf: tb, ...formOf(a, { role: 'frontoffice' }) }),
    ]);
    // One wins. The other is refused: by the database (400, with the message at the field), or,
    // when it arrives after the winner ended its session, by the login.
    const won = results.filter((r) => r.statusCode === 303 && String(r.headers.location).endsWith('?klaar=1'));
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r !== won[0])!;
    if (lost.statusCode === 400) expect(lost.body).toContain('Er moet altijd minstens één actieve beheerder zijn.');
    else expect([lost.statusCode, String(lost.headers.location).split('?')[0]]).toEqual([303, '/medewerker/inloggen']);
    const admins = await t.app.db
      .selectFrom('staff_user')
      .select('id')
      .where('role', '=', 'admin')
      .where('active', '=', true)
      .execute();
    expect(admins).toHaveLength(1);
  });

  it.skipIf(!onServer)(
    'holds in the database when two transactions each take away one of the last two admins',
    async () => {
      const [a, b] = await t.app.db
        .selectFrom('staff_user')
        .select('id')
        .where('role', '=', 'admin')
        .where('active', '=', true)
        .execute()
        .then(async (rows) => {
          const extra = await makeLogin(t.app, null, 'admin', 'Fenna Beheer');
          return [rows[0]!.id, extra.id];
        });
      const outcome = await t.app.db.connection().execute(async (one) =>
        t.app.db.connection().execute(async (two) => {
          await sql`begin`.execute(one);
          await sql`update staff_user set active = false where id = ${a}`.execute(one);
          await sql`begin`.execute(two);
          const second = sql`update staff_user set active = false where id = ${b}`.execute(two).then(
            () => 'updated',
            (err: { code?: string }) => err.code,
          );
          // The second waits for the first; give it time to get there before the first commits.
          await sleep(300);
          await sql`commit`.execute(one);
          const result = await second;
          await sql`rollback`.execute(two);
          return result;
        }),
      );
      expect(outcome).toBe('23514');
      const admins = await t.app.db
        .selectFrom('staff_user')
        .select('id')
        .where('role', '=', 'admin')
        .where('active', '=', true)
        .execute();
      expect(admins.map((x) => x.id)).toEqual([b]);
    },
  );
});

async function isLoggedIn(c: Client): Promise<boolean> {
  return (await c.get('/medewerker')).statusCode === 200;
}
