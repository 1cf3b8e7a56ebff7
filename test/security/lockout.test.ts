// Lockout without giving accounts away: known and unknown addresses get the same answers, lock
// the same way and at the same moment; a locked coach gets back in with the right password plus
// a mailed link; a password reset lifts the lock; locks and unlocks are audited.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin, PASSWORD } from '../helpers/staff.js';
import { FAILURE_DELAYS_MS, login } from '../../src/features/staff-auth/login.js';
import { MAX_FAILURES } from '../../src/features/staff-auth/throttle.js';

let clock = DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Amsterdam' }).toJSDate();
const advance = (minutes: number) => (clock = new Date(clock.getTime() + minutes * 60_000));

/** The page as a visitor sees it, without the per-session CSRF token and the typed address. */
const answerOf = (body: string, email: string) =>
  body.replace(/name="_csrf" value="[^"]+"/g, '').replaceAll(email, 'EMAIL');

describe('lockout without giving accounts away', () => {
  let t: TestApp;
  let teamId: number;
  let coach: Awaited<ReturnType<typeof makeLogin>>;
  let unknown: string;

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock, config: { trustProxy: ['127.0.0.1'] } });
    teamId = (await makeTeam(t.app.db)).id;
  });
  beforeEach(async () => {
    coach = await makeLogin(t.app, teamId, 'coach', 'Fatima El Amrani');
    unknown = `niemand-${coach.id}@example.nl`;
  });
  afterAll(async () => t.close());

  // Each test posts from its own address, so the per-address rate limit stays out of the way.
  let address = 0;
  async function attempt(email: string, password: string) {
    const c = new Client(t.app);
    const token = csrfFrom((await c.get('/medewerker/inloggen')).body);
    const cookie = c.cookieString();
    const res = await t.app.inject({
      method: 'POST',
      url: '/medewerker/inloggen',
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': `198.51.100.${(address++ % 250) + 1}`,
      },
      payload: new URLSearchParams({ _csrf: token, email, password }).toString(),
    });
    return { status: res.statusCode, answer: answerOf(res.body, email), location: res.headers.location };
  }

  const audits = (action: string, subjectId: number) =>
    t.app.db
      .selectFrom('audit_event')
      .select(['action', 'detail'])
      .where('action', '=', action)
      .where('subject_id', '=', subjectId)
      .execute();
  const unlockMails = (to: string) =>
    t.app.db
      .selectFrom('outbox_message')
      .select('body_text')
      .where('to_address', '=', to)
      .where('subject', '=', 'Uw account is op slot')
      .execute();

  it('answers a known and an unknown address the same, locks both at the fifth wrong password, and says so the same way', async () => {
    const known: Array<{ status: number; answer: string }> = [];
    const stranger: Array<{ status: number; answer: string }> = [];
    for (let i = 0; i < MAX_FAILURES + 1; i++) {
      known.push(await attempt(coach.email, `fout ${i}`));
      stranger.push(await attempt(unknown, `fout ${i}`));
    }
    expect(known.map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(stranger).toEqual(known);
    expect(known[4]!.answer).toContain(
      'Te vaak een verkeerd wachtwoord voor dit e-mailadres. Inloggen kan weer om 10:15.',
    );
    // The summary at the top says the time too.
    expect(known[4]!.answer).toMatch(/<li><a href="#password">Te vaak [^<]*om 10:15\./);
    expect(await audits('staff_locked', coach.id)).toHaveLength(1);
  });

  it('slows down from the third wrong password in a row', async () => {
    const delays: number[] = [];
    for (let i = 0; i < MAX_FAILURES - 1; i++) {
      const r = await login(t.app.db, coach.email, 'fout', clock, 'http://localhost');
      delays.push(r.ok || r.reason === 'locked' ? -1 : r.delayMs);
    }
    expect(delays).toEqual([...FAILURE_DELAYS_MS]);
    expect(delays[2]).toBeGreaterThan(0);
    // The right password in time resets the count.
    expect(await login(t.app.db, coach.email, PASSWORD, clock, 'http://localhost')).toMatchObject({ ok: true });
    const again = await login(t.app.db, coach.email, 'fout', clock, 'http://localhost');
    expect(again).toMatchObject({ ok: false, reason: 'invalid', delayMs: 0 });
  });

  it('lets the right password plus the mailed link in while locked, with the same answer on the page', async () => {
    for (let i = 0; i < MAX_FAILURES; i++) await attempt(coach.email, `fout ${i}`);
    const wrong = await attempt(coach.email, 'nog steeds fout');
    expect(await unlockMails(coach.email)).toHaveLength(0);
    const right = await attempt(coach.email, PASSWORD);
    expect(right).toEqual(wrong);
    const mails = await unlockMails(coach.email);
    expect(mails).toHaveLength(1);
    // Typing it again does not flood the mailbox.
    await attempt(coach.email, PASSWORD);
    expect(await unlockMails(coach.email)).toHaveLength(1);

    const link = /\/medewerker\/ontgrendelen\/[A-Za-z0-9_-]{43}/.exec(mails[0]!.body_text!)![0];
    const c = new Client(t.app);
    // Opening the link (as a mail scanner does) changes nothing.
    expect((await c.get(link)).statusCode).toBe(200);
    expect((await c.get(link)).body).toContain('Van het slot halen en inloggen');
    const res = await c.submit(link, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/medewerker');
    expect((await c.get('/medewerker')).statusCode).toBe(200);
    expect(await audits('staff_unlocked', coach.id)).toMatchObject([{ detail: { by: 'unlock_link' } }]);
    // Unlocked: the password works again at once; the link works once.
    expect((await attempt(coach.email, PASSWORD)).status).toBe(303);
    expect((await c.get(link)).statusCode).toBe(410);
    expect((await new Client(t.app).submit('/medewerker/inloggen', {}, link)).statusCode).toBe(410);
  });

  it('an unlock link cannot set a password, and a reset link cannot unlock', async () => {
    for (let i = 0; i < MAX_FAILURES; i++) await attempt(coach.email, `fout ${i}`);
    await attempt(coach.email, PASSWORD);
    const link = /\/medewerker\/ontgrendelen\/([A-Za-z0-9_-]{43})/.exec(
      (await unlockMails(coach.email))[0]!.body_text!,
    )![1]!;
    expect((await new Client(t.app).get(`/medewerker/wachtwoord/${link}`)).statusCode).toBe(410);
    await new Client(t.app).submit('/medewerker/wachtwoord-vergeten', { email: coach.email });
    const reset = await t.app.db
      .selectFrom('outbox_message')
      .select('body_text')
      .where('to_address', '=', coach.email)
      .where('subject', '=', 'Nieuw wachtwoord kiezen')
      .executeTakeFirstOrThrow();
    const resetToken = /\/medewerker\/wachtwoord\/([A-Za-z0-9_-]{43})/.exec(reset.body_text!)![1]!;
    expect((await new Client(t.app).get(`/medewerker/ontgrendelen/${resetToken}`)).statusCode).toBe(410);
  });

  it('sends nothing for an unknown address, and lifts a lock when it runs out', async () => {
    const before = await t.app.db.selectFrom('outbox_message').select('id').execute();
    for (let i = 0; i < MAX_FAILURES + 2; i++) await attempt(unknown, `fout ${i}`);
    expect(await t.app.db.selectFrom('outbox_message').select('id').execute()).toHaveLength(before.length);
    for (let i = 0; i < MAX_FAILURES; i++) await attempt(coach.email, `fout ${i}`);
    expect((await attempt(coach.email, PASSWORD)).status).toBe(429);
    advance(16);
    expect((await attempt(coach.email, PASSWORD)).status).toBe(303);
  });

  it('a password reset lifts the lock', async () => {
    for (let i = 0; i < MAX_FAILURES; i++) await attempt(coach.email, `fout ${i}`);
    const anon = new Client(t.app);
    await anon.submit('/medewerker/wachtwoord-vergeten', { email: coach.email });
    const reset = await t.app.db
      .selectFrom('outbox_message')
      .select('body_text')
      .where('to_address', '=', coach.email)
      .where('subject', '=', 'Nieuw wachtwoord kiezen')
      .executeTakeFirstOrThrow();
    const link = /\/medewerker\/wachtwoord\/[A-Za-z0-9_-]{43}/.exec(reset.body_text!)![0];
    expect(
      (await anon.submit(link, { password: 'een nieuw lang wachtwoord', repeat: 'een nieuw lang wachtwoord' }))
        .statusCode,
    ).toBe(303);
    await loggedIn(t.app, coach.email, 'een nieuw lang wachtwoord');
    expect(await audits('staff_unlocked', coach.id)).toMatchObject([{ detail: { by: 'password_reset' } }]);
  });

  it('counts wrong passwords that arrive together', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => login(t.app.db, coach.email, `fout ${i}`, clock, 'http://localhost')),
    );
    expect(results.filter((r) => !r.ok && r.reason === 'locked').length).toBeGreaterThanOrEqual(
      12 - (MAX_FAILURES - 1),
    );
    expect((await attempt(coach.email, PASSWORD)).status).toBe(429);
  });
});
