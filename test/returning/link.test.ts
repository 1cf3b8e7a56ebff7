// /opnieuw: the form, the same answer and the same stored state for a match and a non-match,
// at most three links per address an hour (also when 30 arrive at once), and the one-time link
// (once, 30 minutes) on an injectable clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { tableCounts } from '../helpers/db.js';
import { hashToken } from '../../src/domain/tokens.js';
import { knownResident, linkFor, NOW, type Known } from './world.js';

describe('asking for a link at /opnieuw', () => {
  let t: TestApp;
  let now = NOW;
  let k: Known;

  beforeAll(async () => {
    t = await createTestApp({ now: () => now });
    k = await knownResident(t.app);
  });
  afterAll(async () => t.close());

  const counts = () => tableCounts(t.app.db);

  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.keys(b)
        .filter((x) => b[x] !== a[x])
        .map((x) => [x, b[x]! - (a[x] ?? 0)]),
    );

  /** The answer page, without the per-session CSRF token. */
  const answer = async (c: Client, url: string) => (await c.get(url)).body.replace(/name="_csrf" value="[^"]+"/g, '');

  it('shows the form with the note for residents without email', async () => {
    const res = await new Client(t.app).get('/opnieuw');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Ik heb al eerder contact gehad');
    expect(res.body).toContain('Geen e-mailadres?');
    expect(res.body).toContain('href="tel:14026"');
  });

  it('refuses bad input with a message at the field, keeps what was typed and stores nothing', async () => {
    const before = await counts();
    const c = new Client(t.app);
    let res = await c.submit('/opnieuw', { email: '', postcode: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Vul uw e-mailadres in.');
    expect(res.body).toContain('Vul uw postcode in.');
    res = await c.submit('/opnieuw', { email: 'anna@', postcode: '68 1' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Vul een e-mailadres in zoals naam@voorbeeld.nl.');
    expect(res.body).toContain('Vul een postcode in met 4 cijfers en 2 letters, bijvoorbeeld 6811 AB.');
    expect(res.body).toContain('value="anna@"');
    expect(res.body).toContain('value="68 1"');
    expect(res.body).toMatch(/id="email"[^>]*aria-invalid="true"/);
    res = await c.submit('/opnieuw', { email: k.email, postcode: 'ABCD 12' });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('Vul een e-mailadres in');
    expect(res.body).toContain(`value="${k.email}"`);
    expect(diff(before, await counts())).toEqual({});
  });

  it('gives the same answer and stores the same kind of state for a match and a non-match', async () => {
    const known = new Client(t.app);
    const unknown = new Client(t.app);
    const c0 = await counts();
    // The known resident, typed as people type: capitals, a space in the postcode.
    const a = await known.submit('/opnieuw', {
      email: k.email.toUpperCase(),
      postcode: `${k.postcode.slice(0, 4)} ${k.postcode.slice(4).toLowerCase()}`,
    });
    const c1 = await counts();
    const b = await unknown.submit('/opnieuw', { email: 'iemand.anders@example.nl', postcode: k.postcode });
    const c2 = await counts();
    expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
    expect(a.headers.location).toBe('/opnieuw/verstuurd');
    expect(b.headers.location).toBe(a.headers.location);
    const pageA = await answer(known, String(a.headers.location));
    expect(pageA).toContain('Kijk in uw e-mail');
    expect(await answer(unknown, String(b.headers.location))).toBe(pageA);
    // One link row and one mail, in both cases, and nothing else.
    expect(diff(c0, c1)).toEqual({ return_link: 1, outbox_message: 1 });
    expect(diff(c1, c2)).toEqual(diff(c0, c1));
    const links = await t.app.db.selectFrom('return_link').selectAll().orderBy('id', 'desc').limit(2).execute();
    const [nonMatch, match] = links;
    expect(match!.resident_id).toBe(k.residentId);
    expect(nonMatch!.resident_id).toBeNull();
    for (const l of links) {
      expect(l.used_at).toBeNull();
      expect(l.expires_at.getTime() - NOW.getTime()).toBe(30 * 60_000);
      expect(l.token_hash).toMatch(/^[0-9a-f]{64}$/);
    }
    // The match gets the link; the non-match gets how to reach the team, no link.
    const mails = await t.app.db
      .selectFrom('outbox_message')
      .select(['to_address', 'body_text'])
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    expect(mails[1]!.to_address).toBe(k.email.toUpperCase());
    expect(mails[1]!.body_text).toMatch(/\/opnieuw\/[A-Za-z0-9_-]{43}/);
    expect(mails[1]!.body_text).toContain('Anna de Vries');
    expect(mails[0]!.to_address).toBe('iemand.anders@example.nl');
    expect(mails[0]!.body_text).not.toContain('/opnieuw/');
    expect(mails[0]!.body_text).toContain('14 026');
    expect(mails[0]!.body_text).not.toContain('Anna');
    // Only the hash of the link is stored.
    const token = await linkFor(t.app, k.email.toUpperCase());
    expect(match!.token_hash).toBe(hashToken(token));
  });

  it('sends at most three links per address an hour, with the same answer', async () => {
    const address = 'veel.mail@example.nl';
    const c = new Client(t.app);
    now = NOW;
    for (let i = 0; i < 3; i++)
      expect((await c.submit('/opnieuw', { email: address, postcode: '6811AB' })).statusCode).toBe(303);
    const before = await counts();
    const res = await c.submit('/opnieuw', { email: address.toUpperCase(), postcode: '6811AB' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/opnieuw/verstuurd');
    expect(diff(before, await counts())).toEqual({});
    // Still within the hour: nothing; after it: one more.
    now = new Date(NOW.getTime() + 59 * 60_000);
    await c.submit('/opnieuw', { email: address, postcode: '6811AB' });
    expect(diff(before, await counts())).toEqual({});
    now = new Date(NOW.getTime() + 61 * 60_000);
    await c.submit('/opnieuw', { email: address, postcode: '6811AB' });
    expect(diff(before, await counts())).toEqual({ outbox_message: 1, return_link: 1 });
    now = NOW;
  });

  it('sends at most three links when 30 requests for one address arrive at once', async () => {
    const address = 'tegelijk@example.nl';
    const c = new Client(t.app);
    const token = csrfFrom((await c.get('/opnieuw')).body);
    const before = await counts();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => c.post('/opnieuw', { _csrf: token, email: address, postcode: k.postcode })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(30).fill(303));
    expect(diff(before, await counts())).toEqual({ outbox_message: 3, return_link: 3 });
  });

  it('opens a link once, and not after 30 minutes', async () => {
    const c = new Client(t.app);
    now = NOW;
    await c.submit('/opnieuw', { email: k.email, postcode: k.postcode });
    const first = await linkFor(t.app, k.email);
    // Opening the link shows a button; the link is used only by that button, so a mail scanner
    // that opens the link does not use it up.
    let res = await c.get(`/opnieuw/${first}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Welkom terug');
    expect(res.headers['cache-control']).toBe('no-store');
    res = await c.get(`/opnieuw/${first}`);
    expect(res.statusCode).toBe(200);
    res = await c.submit(`/opnieuw/${first}`, {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/aanmelden/vraag');
    const used = await t.app.db
      .selectFrom('return_link')
      .select('used_at')
      .where('token_hash', '=', hashToken(first))
      .executeTakeFirstOrThrow();
    expect(used.used_at).toEqual(NOW);
    // Used: gone, for opening and for the button.
    res = await c.get(`/opnieuw/${first}`);
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('Deze link werkt niet meer');
    const again = new Client(t.app);
    res = await again.post(`/opnieuw/${first}`, { _csrf: csrfFrom((await again.get('/opnieuw')).body) });
    expect(res.statusCode).toBe(410);

    // A second link: fine at 29 minutes, gone at 31.
    await c.submit('/opnieuw', { email: k.email, postcode: k.postcode });
    const second = await linkFor(t.app, k.email);
    now = new Date(NOW.getTime() + 29 * 60_000);
    expect((await c.get(`/opnieuw/${second}`)).statusCode).toBe(200);
    now = new Date(NOW.getTime() + 31 * 60_000);
    expect((await c.get(`/opnieuw/${second}`)).statusCode).toBe(410);
    res = await c.post(`/opnieuw/${second}`, { _csrf: csrfFrom((await c.get('/opnieuw')).body) });
    expect(res.statusCode).toBe(410);
    expect(
      (
        await t.app.db
          .selectFrom('return_link')
          .select('used_at')
          .where('token_hash', '=', hashToken(second))
          .executeTakeFirstOrThrow()
      ).used_at,
    ).toBeNull();
    now = NOW;
  });

  it('is gone for a made-up link and for the link row of a non-match', async () => {
    const c = new Client(t.app);
    expect((await c.get(`/opnieuw/${'x'.repeat(43)}`)).statusCode).toBe(410);
    expect((await c.get('/opnieuw/kort')).statusCode).toBe(410);
  });

  it('starts a new sign-up with the known details, filled in and editable', async () => {
    const c = new Client(t.app);
    // An earlier, unfinished sign-up in this browser is dropped.
    await c.submit('/aanmelden', { postcode: '6811AB', houseNumber: '3' });
    await c.submit('/opnieuw', { email: k.email, postcode: k.postcode });
    const token = await linkFor(t.app, k.email);
    await c.submit(`/opnieuw/${token}`, {});
    const draft = await t.app.db.selectFrom('draft').select('data').orderBy('created_at', 'desc').execute();
    const data = draft
      .map((d) => d.data as Record<string, unknown>)
      .find((d) => d.returningResidentId === k.residentId)!;
    expect(data).toMatchObject({
      postcode: k.postcode,
      houseNumber: '12a',
      teamId: k.teamId,
      name: 'Anna de Vries',
      email: k.email,
      phone: '06 12345678',
      street: 'Steenstraat',
      city: 'Arnhem',
      language: 'nl',
      interpreter: false,
      dateOfBirth: '17-05-1984',
      returningResidentId: k.residentId,
      knownCoachId: k.fatima.id,
      partnerCoachId: k.jeroen.id,
      previousRequestId: k.oldRequestId,
    });
    const res = await c.get('/aanmelden/vraag');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Welkom terug');
    // Only the new question and the safety questions.
    expect(res.body).toContain('name="question"');
    expect(res.body).toContain('name="dangerNow"');
    expect(res.body).not.toContain('name="topics"');
    expect(res.body).not.toContain('name="about"');
    const stale = await t.app.db.selectFrom('draft').select('data').execute();
    expect(stale.some((d) => (d.data as Record<string, unknown>).houseNumber === '3')).toBe(false);
    const audit = await t.app.db
      .selectFrom('audit_event')
      .select(['subject_id', 'detail'])
      .where('action', '=', 'return_link_used')
      .execute();
    expect(audit.map((a) => a.subject_id)).toContain(k.residentId);
  });
});
