// Sessions the server can end. A staff member logged in on two devices; a cookie copied before
// the change is replayed after it. Log-out, a password change and a password reset end every
// session of that person; a new password closes every open link; reset mails are limited per
// account.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { FastifyInstance } from 'fastify';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin, PASSWORD } from '../helpers/staff.js';

let clock = DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Amsterdam' }).toJSDate();
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));

/** The request a stolen or kept cookie makes: the cookie as it was at that moment. */
async function replay(app: FastifyInstance, cookie: string) {
  return app.inject({
    method: 'GET',
    url: '/medewerker',
    headers: { cookie: `kt_session=${encodeURIComponent(cookie)}` },
  });
}

const sessionOf = (c: Client) => c.cookies.get('kt_session')!;
const isLoggedIn = async (c: Client) => (await c.get('/medewerker')).statusCode === 200;

describe('sessions the server can end', () => {
  let t: TestApp;
  let teamId: number;
  let user: Awaited<ReturnType<typeof makeLogin>>;

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
    teamId = (await makeTeam(t.app.db)).id;
  });
  beforeEach(async () => {
    user = await makeLogin(t.app, teamId, 'coach', 'Fatima El Amrani');
  });
  afterAll(async () => t.close());

  const mailsTo = (to: string, subject: string) =>
    t.app.db
      .selectFrom('outbox_message')
      .select(['body_text'])
      .where('to_address', '=', to)
      .where('subject', '=', subject)
      .orderBy('id')
      .execute();

  it('ends every session of the person at log-out, and a replayed cookie stays out', async () => {
    const phone = await loggedIn(t.app, user.email);
    const laptop = await loggedIn(t.app, user.email);
    const kept = sessionOf(phone);
    expect((await replay(t.app, kept)).statusCode).toBe(200);
    const out = await laptop.submit('/medewerker', {}, '/medewerker/uitloggen');
    expect(out.statusCode).toBe(303);
    expect(await isLoggedIn(laptop)).toBe(false);
    expect(await isLoggedIn(phone)).toBe(false);
    const res = await replay(t.app, kept);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/medewerker\/inloggen/);
    const audit = await t.app.db
      .selectFrom('audit_event')
      .select('action')
      .where('subject_id', '=', user.id)
      .where('action', '=', 'staff_logout')
      .execute();
    expect(audit).toHaveLength(1);
    // Logging in again works, with a new session.
    expect(await isLoggedIn(await loggedIn(t.app, user.email))).toBe(true);
  });

  it('starts a fresh cookie at login (nothing from before carries over)', async () => {
    const c = new Client(t.app);
    await c.get('/medewerker/inloggen');
    const before = sessionOf(c);
    await c.submit('/medewerker/inloggen', { email: user.email, password: PASSWORD });
    expect(sessionOf(c)).not.toBe(before);
    // The cookie from before the login is still a logged-out visitor.
    expect((await replay(t.app, before)).statusCode).toBe(303);
  });

  it('ends a session after 30 minutes without a request, and after 8 hours however busy', async () => {
    const start = clock;
    const c = await loggedIn(t.app, user.email);
    advance(29);
    expect(await isLoggedIn(c)).toBe(true);
    advance(29);
    expect(await isLoggedIn(c)).toBe(true);
    advance(31);
    expect(await isLoggedIn(c)).toBe(false);
    const busy = await loggedIn(t.app, user.email);
    const loginAt = clock;
    while (clock.getTime() - loginAt.getTime() < 8 * 3600_000 - 20 * 60_000) {
      advance(20);
      expect(await isLoggedIn(busy)).toBe(true);
    }
    advance(20);
    expect(await isLoggedIn(busy)).toBe(false);
    expect(clock.getTime() - start.getTime()).toBeGreaterThan(8 * 3600_000);
  });

  it('changes the password: this device stays in, every other session and open link ends, and a mail tells them', async () => {
    const here = await loggedIn(t.app, user.email);
    const other = await loggedIn(t.app, user.email);
    const kept = sessionOf(here);
    await new Client(t.app).submit('/medewerker/wachtwoord-vergeten', { email: user.email });
    const [reset] = await mailsTo(user.email, 'Nieuw wachtwoord kiezen');
    const resetLink = /\/medewerker\/wachtwoord\/[A-Za-z0-9_-]+/.exec(reset!.body_text!)![0];

    const res = await here.submit('/medewerker/wachtwoord-wijzigen', {
      current: PASSWORD,
      password: 'een nieuw lang wachtwoord',
      repeat: 'een nieuw lang wachtwoord',
    });
    expect(res.statusCode).toBe(303);
    const done = await here.get(res.headers.location as string);
    expect(done.body).toContain('Uw wachtwoord is gewijzigd.');
    expect(await isLoggedIn(here)).toBe(true);
    expect(await isLoggedIn(other)).toBe(false);
    expect((await replay(t.app, kept)).statusCode).toBe(303);
    expect((await new Client(t.app).get(resetLink)).statusCode).toBe(410);
    expect(await mailsTo(user.email, 'Uw wachtwoord is gewijzigd')).toHaveLength(1);
    await loggedIn(t.app, user.email, 'een nieuw lang wachtwoord');
    await expect(loggedIn(t.app, user.email, PASSWORD)).rejects.toThrow();
  });

  it('refuses a bad password change with a message at the field, and changes nothing', async () => {
    const c = await loggedIn(t.app, user.email);
    const before = await t.app.db
      .selectFrom('staff_user')
      .select(['password_hash', 'session_version'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    const cases: Array<[Record<string, string>, string, string]> = [
      [
        { current: '', password: 'een nieuw lang wachtwoord', repeat: 'een nieuw lang wachtwoord' },
        'current',
        'Vul uw huidige wachtwoord in.',
      ],
      [
        { current: 'niet mijn wachtwoord', password: 'een nieuw lang wachtwoord', repeat: 'een nieuw lang wachtwoord' },
        'current',
        'Het huidige wachtwoord klopt niet.',
      ],
      [{ current: PASSWORD, password: 'kort', repeat: 'kort' }, 'password', 'Het wachtwoord is te kort.'],
      [
        { current: PASSWORD, password: 'Qwerty123456', repeat: 'Qwerty123456' },
        'password',
        'Dit wachtwoord staat op een lijst van veelgebruikte of uitgelekte wachtwoorden.',
      ],
      [
        { current: PASSWORD, password: 'leavemealone', repeat: 'leavemealone' },
        'password',
        'Dit wachtwoord staat op een lijst van veelgebruikte of uitgelekte wachtwoorden.',
      ],
      [
        { current: PASSWORD, password: 'een nieuw lang wachtwoord', repeat: 'een ander lang wachtwoord' },
        'repeat',
        'De twee wachtwoorden zijn niet gelijk.',
      ],
      [
        { current: PASSWORD, password: PASSWORD, repeat: PASSWORD },
        'password',
        'Kies een ander wachtwoord dan uw huidige.',
      ],
    ];
    for (const [fields, field, message] of cases) {
      const res = await c.submit('/medewerker/wachtwoord-wijzigen', fields);
      expect(res.statusCode, message).toBe(400);
      expect(res.body).toContain(`<span class="kt-error" id="${field}-error">${message}`);
      expect(res.body).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
    }
    expect(
      await t.app.db
        .selectFrom('staff_user')
        .select(['password_hash', 'session_version'])
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow(),
    ).toEqual(before);
    expect(await isLoggedIn(c)).toBe(true);
  });

  it('counts wrong current passwords like wrong logins, so an open session cannot be used to guess', async () => {
    const c = await loggedIn(t.app, user.email);
    const change = (current: string) =>
      c.submit('/medewerker/wachtwoord-wijzigen', {
        current,
        password: 'een nieuw lang wachtwoord',
        repeat: 'een nieuw lang wachtwoord',
      });
    for (let i = 0; i < 4; i++)
      expect((await change(`fout ${i}`)).body).toContain('Het huidige wachtwoord klopt niet.');
    const fifth = await change('fout 5');
    expect(fifth.statusCode).toBe(400);
    expect(fifth.body).toContain('Uw account is een kwartier op slot.');
    // Locked: even the right password changes nothing, and logging in gives the locked answer.
    const before = await t.app.db
      .selectFrom('staff_user')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect((await change(PASSWORD)).body).toContain('Uw account is een kwartier op slot.');
    expect(
      await t.app.db
        .selectFrom('staff_user')
        .select('password_hash')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow(),
    ).toEqual(before);
    expect(
      (await new Client(t.app).submit('/medewerker/inloggen', { email: user.email, password: PASSWORD })).statusCode,
    ).toBe(429);
    const locked = await t.app.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'staff_locked')
      .where('subject_id', '=', user.id)
      .execute();
    expect(locked).toHaveLength(1);
    advance(16);
  });

  it('a password reset ends every session and closes every other open link, also an invitation', async () => {
    const c = await loggedIn(t.app, user.email);
    const kept = sessionOf(c);
    const anon = new Client(t.app);
    await anon.submit('/medewerker/wachtwoord-vergeten', { email: user.email });
    await anon.submit('/medewerker/wachtwoord-vergeten', { email: user.email });
    const [first, second] = (await mailsTo(user.email, 'Nieuw wachtwoord kiezen')).map(
      (m) => /\/medewerker\/wachtwoord\/[A-Za-z0-9_-]+/.exec(m.body_text!)![0],
    );
    const ok = await anon.submit(second!, {
      password: 'een nieuw lang wachtwoord',
      repeat: 'een nieuw lang wachtwoord',
    });
    expect(ok.statusCode).toBe(303);
    expect(await isLoggedIn(c)).toBe(false);
    expect((await replay(t.app, kept)).statusCode).toBe(303);
    expect((await anon.get(first!)).statusCode).toBe(410);
    expect((await anon.get(second!)).statusCode).toBe(410);
    const open = await t.app.db
      .selectFrom('staff_token')
      .select('id')
      .where('staff_id', '=', user.id)
      .where('used_at', 'is', null)
      .execute();
    expect(open).toEqual([]);
  });

  it('sends at most three reset mails per account an hour, with the same answer every time', async () => {
    const anon = new Client(t.app);
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await anon.submit('/medewerker/wachtwoord-vergeten', {
        email: i % 2 ? user.email.toUpperCase() : user.email,
      });
      expect(res.statusCode).toBe(200);
      answers.push(res.body.replace(/name="_csrf" value="[^"]+"/g, ''));
    }
    expect(new Set(answers).size).toBe(1);
    expect(await mailsTo(user.email, 'Nieuw wachtwoord kiezen')).toHaveLength(3);
    advance(61);
    await anon.submit('/medewerker/wachtwoord-vergeten', { email: user.email });
    expect(await mailsTo(user.email, 'Nieuw wachtwoord kiezen')).toHaveLength(4);
  });
});

describe('the session cookie over https', () => {
  it('is named __Host-kt_session: Secure, HttpOnly, SameSite=Lax, for the whole site and this host only', async () => {
    const t = await createTestApp({ config: { publicUrl: 'https://wijkteam.example.nl' } });
    try {
      const user = await makeLogin(t.app, (await makeTeam(t.app.db)).id, 'coach');
      const c = new Client(t.app);
      const res = await c.submit('/medewerker/inloggen', { email: user.email, password: PASSWORD });
      expect(res.statusCode).toBe(303);
      const cookie = res.cookies.find((x) => x.name === '__Host-kt_session');
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie!.domain).toBeUndefined();
      expect(res.cookies.map((x) => x.name)).not.toContain('kt_session');
      expect((await c.get('/medewerker')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('reset mails when many requests arrive at once', () => {
  it('sends at most three when 30 requests for one account arrive together from 30 addresses', async () => {
    const t = await createTestApp({ now: () => clock, config: { trustProxy: ['127.0.0.1'] } });
    try {
      const user = await makeLogin(t.app, (await makeTeam(t.app.db)).id, 'coach');
      const anon = new Client(t.app);
      const token = csrfFrom((await anon.get('/medewerker/wachtwoord-vergeten')).body);
      const cookie = anon.cookieString();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          t.app.inject({
            method: 'POST',
            url: '/medewerker/wachtwoord-vergeten',
            headers: {
              cookie,
              'content-type': 'application/x-www-form-urlencoded',
              'x-forwarded-for': `203.0.113.${i + 1}`,
            },
            payload: new URLSearchParams({ _csrf: token, email: user.email }).toString(),
          }),
        ),
      );
      expect(results.map((r) => r.statusCode)).toEqual(Array(30).fill(200));
      const mails = await t.app.db
        .selectFrom('outbox_message')
        .select('id')
        .where('to_address', '=', user.email)
        .execute();
      expect(mails).toHaveLength(3);
    } finally {
      await t.close();
    }
  });
});
