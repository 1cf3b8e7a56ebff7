import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin, PASSWORD } from '../helpers/staff.js';

let clock = DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Amsterdam' }).toJSDate();
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));

describe('staff login', () => {
  let t: TestApp;
  let coach: Awaited<ReturnType<typeof makeLogin>>;
  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
    const team = await makeTeam(t.app.db);
    coach = await makeLogin(t.app, team.id, 'coach', 'Fatima El Amrani');
  });
  afterAll(async () => t.close());

  it('sends a logged-out visitor to the login page and back after login', async () => {
    const c = new Client(t.app);
    const res = await c.get('/medewerker');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/medewerker/inloggen?terug=%2Fmedewerker');
    const page = await c.get(res.headers.location as string);
    expect(page.body).toContain('name="back" value="/medewerker"');
    const login = await c.submit('/medewerker/inloggen', {
      email: coach.email.toUpperCase(),
      password: PASSWORD,
      back: '/medewerker',
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/medewerker');
    const home = await c.get('/medewerker');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Welkom, Fatima El Amrani');
    expect(home.headers['cache-control']).toBe('no-store');
    const session = login.cookies.find((x) => x.name === 'kt_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });

  it('never redirects to another site after login', async () => {
    const c = new Client(t.app);
    const res = await c.submit('/medewerker/inloggen', {
      email: coach.email,
      password: PASSWORD,
      back: '//evil.example/medewerker',
    });
    expect(res.headers.location).toBe('/medewerker');
  });

  it('says the same for an unknown email and a wrong password, keeping the email', async () => {
    const c = new Client(t.app);
    const a = await c.submit('/medewerker/inloggen', { email: 'nobody@example.nl', password: 'whatever' });
    const b = await c.submit('/medewerker/inloggen', { email: coach.email, password: 'wrong password' });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.body).toContain('Het e-mailadres of het wachtwoord klopt niet.');
    expect(b.body).toContain('Het e-mailadres of het wachtwoord klopt niet.');
    expect(b.body).toContain(`value="${coach.email}"`);
    const empty = await c.submit('/medewerker/inloggen', { email: '', password: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Vul uw e-mailadres in.');
    await t.app.db.deleteFrom('login_throttle').execute();
  });

  it('logs out', async () => {
    const c = await loggedIn(t.app, coach.email);
    expect((await c.get('/medewerker')).statusCode).toBe(200);
    const out = await c.submit('/medewerker', {}, '/medewerker/uitloggen');
    expect(out.statusCode).toBe(303);
    expect((await c.get('/medewerker')).statusCode).toBe(303);
  });

  it('resets the password with a one-time link that expires', async () => {
    const c = new Client(t.app);
    const unknown = await c.submit('/medewerker/wachtwoord-vergeten', { email: 'nobody@example.nl' });
    const known = await c.submit('/medewerker/wachtwoord-vergeten', { email: coach.email });
    expect(unknown.statusCode).toBe(200);
    expect(known.body.replace(/name="_csrf" value="[^"]+"/g, '')).toBe(
      unknown.body.replace(/name="_csrf" value="[^"]+"/g, ''),
    );
    const mails = await t.app.db
      .selectFrom('outbox_message')
      .where('subject', '=', 'Nieuw wachtwoord kiezen')
      .selectAll()
      .execute();
    expect(mails.map((m) => m.to_address)).toEqual([coach.email]);
    const link = /\/medewerker\/wachtwoord\/([A-Za-z0-9_-]+)/.exec(mails[0]!.body_text!)!;
    const token = link[1]!;
    const stored = await t.app.db.selectFrom('staff_token').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(token);

    const short = await c.submit(link[0], { password: 'short', repeat: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('te kort');
    const common = await c.submit(link[0], { password: '1qaz2wsx3edc', repeat: '1qaz2wsx3edc' });
    expect(common.statusCode).toBe(400);
    expect(common.body).toContain('lijst van veelgebruikte of uitgelekte wachtwoorden');
    const different = await c.submit(link[0], { password: 'a long new password 1', repeat: 'a long new password 2' });
    expect(different.body).toContain('niet gelijk');
    const ok = await c.submit(link[0], { password: 'a long new password 1', repeat: 'a long new password 1' });
    expect(ok.headers.location).toBe('/medewerker/inloggen?klaar=wachtwoord');
    expect((await c.get(link[0])).statusCode).toBe(410);
    await loggedIn(t.app, coach.email, 'a long new password 1');

    await c.submit('/medewerker/wachtwoord-vergeten', { email: coach.email });
    const second = await t.app.db
      .selectFrom('outbox_message')
      .where('subject', '=', 'Nieuw wachtwoord kiezen')
      .orderBy('id', 'desc')
      .select('body_text')
      .executeTakeFirstOrThrow();
    const link2 = /\/medewerker\/wachtwoord\/[A-Za-z0-9_-]+/.exec(second.body_text!)![0];
    expect((await c.get(link2)).statusCode).toBe(200);
    advance(61);
    expect((await c.get(link2)).statusCode).toBe(410);
  });
});
