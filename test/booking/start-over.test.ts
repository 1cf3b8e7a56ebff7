// "Never start over": "Wijzigen" on the check page opens that one step with every answer shown
// and comes back to the check page; a lost session or a stale form says what happened and keeps
// what was typed; out of every area the phone number is asked and the municipality's number shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, csrfFrom, createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');
const DETAILS = {
  name: 'Anna de Vries',
  email: 'anna@example.nl',
  phone: '',
  street: 'Steenstraat',
  city: 'Arnhem',
  language: 'nl',
  dateOfBirth: '',
  companion: '',
  consent: 'yes',
};
const QUESTION = { question: 'Schulden en post', topics: ['money'], about: 'self', dangerNow: 'no', urgent24h: 'no' };

describe('never start over', () => {
  let t: TestApp;
  let blockA: number;
  let blockB: number;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const centrum = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    const noord = await makeTeam(t.app.db, { name: 'Wijkteam Noord', from: '6815AA', to: '6819ZZ' });
    const a = await makeStaff(t.app.db, centrum.id, { name: 'Fatima El Amrani', email: 'fatima@example.nl' });
    const b = await makeStaff(t.app.db, centrum.id, { name: 'Jeroen Bakker', email: 'jeroen@example.nl' });
    const c = await makeStaff(t.app.db, noord.id, { name: 'Sanne Visser', email: 'sanne@example.nl' });
    const d = await makeStaff(t.app.db, noord.id, { name: 'Tom Smit', email: 'tom@example.nl' });
    blockA = await makeBlock(t.app.db, {
      teamId: centrum.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T17:00'),
      coachIds: [a.id, b.id],
    });
    blockB = await makeBlock(t.app.db, {
      teamId: noord.id,
      start: at('2026-12-09T13:00'),
      end: at('2026-12-09T17:00'),
      coachIds: [c.id, d.id],
    });
  });
  afterAll(async () => t.close());

  const slotA = () => `${blockA}_${at('2026-12-08T10:30').toISOString()}`;

  /** A resident on the check page, everything answered. */
  async function atCheck(slot = slotA()): Promise<Client> {
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12a' });
    await c.submit('/aanmelden/vraag', QUESTION);
    await c.submit('/aanmelden/moment', { slot, mode: 'home' });
    const res = await c.submit('/aanmelden/gegevens', DETAILS);
    expect(res.headers.location).toBe('/aanmelden/controleren');
    return c;
  }

  /** Posts a form as a browser does from this site, with a token of our choice. */
  async function postFrom(c: Client, url: string, fields: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const i of Array.isArray(v) ? v : [v]) body.append(k, i);
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: {
        ...(c.cookies.size ? { cookie: c.cookieString() } : {}),
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(t.app.config.publicUrl).origin,
      },
      payload: body.toString(),
    });
    for (const k of res.cookies) c.cookies.set(k.name, k.value);
    return res;
  }

  it('"Wijzigen" of each step shows every answer and returns straight to the check page', async () => {
    const c = await atCheck();
    const check = (await c.get('/aanmelden/controleren')).body;
    for (const href of ['/aanmelden/moment', '/aanmelden/vraag', '/aanmelden/gegevens', '/aanmelden'])
      expect(check).toContain(`href="${href}?terug=controleren"`);

    let res = await c.get('/aanmelden/moment?terug=controleren');
    expect(res.body).toMatch(new RegExp(`value="${slotA()}"[^>]*checked`));
    expect(res.body).toMatch(/id="mode-home" name="mode" value="home" checked/);
    expect(res.body).toContain('action="/aanmelden/moment?terug=controleren"');
    expect(res.body).toMatch(/href="\/aanmelden\/controleren">/);
    const later = `${blockA}_${at('2026-12-08T09:00').toISOString()}`;
    res = await c.submit('/aanmelden/moment?terug=controleren', { slot: later, mode: 'phone' });
    expect(res.headers.location).toBe('/aanmelden/controleren');

    res = await c.get('/aanmelden/vraag?terug=controleren');
    expect(res.body).toContain('Schulden en post');
    expect(res.body).toMatch(/id="topic-money" name="topics" value="money" checked/);
    expect(res.body).toMatch(/id="dangerNow-no" name="dangerNow" value="no" checked/);
    res = await c.submit('/aanmelden/vraag?terug=controleren', { ...QUESTION, question: 'Schulden' });
    expect(res.headers.location).toBe('/aanmelden/controleren');

    res = await c.get('/aanmelden/gegevens?terug=controleren');
    expect(res.body).toContain('value="Anna de Vries"');
    expect(res.body).toContain('value="Steenstraat"');
    expect(res.body).toMatch(/id="consent" name="consent" value="yes" checked/);
    res = await c.submit('/aanmelden/gegevens?terug=controleren', { ...DETAILS, name: 'Anna de Vries-Jansen' });
    expect(res.headers.location).toBe('/aanmelden/controleren');

    res = await c.get('/aanmelden?terug=controleren');
    expect(res.body).toContain('value="6811 AB"');
    res = await c.submit('/aanmelden?terug=controleren', { postcode: '6812 CD', houseNumber: '3' });
    expect(res.headers.location).toBe('/aanmelden/controleren');

    const page = (await c.get('/aanmelden/controleren')).body;
    expect(page).toContain('09:00');
    expect(page).toContain('Schulden</dd>'.slice(0, 8));
    expect(page).toContain('Anna de Vries-Jansen');
    expect(page).toContain('6812 CD');
  });

  it('ignores a return marker that is not in the step table (no open redirect)', async () => {
    const c = await atCheck();
    for (const bad of ['https%3A%2F%2Fevil.example', '%2F%2Fevil.example', 'bevestiging']) {
      const page = await c.get(`/aanmelden/vraag?terug=${bad}`);
      expect(page.body).not.toMatch(/(action|href)="(https:)?\/\/evil/);
      expect(page.body).toContain('action="/aanmelden/vraag"');
      const res = await c.post(`/aanmelden/vraag?terug=${bad}`, { _csrf: csrfFrom(page.body), ...QUESTION });
      expect(res.headers.location).toBe('/aanmelden/moment');
    }
  });

  it('a new address in another team: choose a time again, told why, then back to the check page', async () => {
    const c = await atCheck();
    let res = await c.submit('/aanmelden?terug=controleren', { postcode: '6816 AB', houseNumber: '7' });
    expect(res.headers.location).toBe('/aanmelden/moment?terug=controleren&reden=team');
    res = await c.get('/aanmelden/moment?terug=controleren&reden=team');
    expect(res.body).toContain('id="redo"');
    expect(res.body).toContain('Uw nieuwe adres hoort bij Wijkteam Noord');
    const slotB = `${blockB}_${at('2026-12-09T13:00').toISOString()}`;
    res = await c.submit('/aanmelden/moment?terug=controleren&reden=team', { slot: slotB, mode: 'office' });
    expect(res.headers.location).toBe('/aanmelden/controleren');
    expect((await c.get('/aanmelden/controleren')).body).toContain('Wijkteam Noord');
  });

  it('a change that needs a street (visit at home) goes to the details step first, then back', async () => {
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12a' });
    await c.submit('/aanmelden/vraag', QUESTION);
    await c.submit('/aanmelden/moment', { slot: slotA(), mode: 'phone' });
    await c.submit('/aanmelden/gegevens', { ...DETAILS, street: '' });
    let res = await c.submit('/aanmelden/moment?terug=controleren', { slot: slotA(), mode: 'home' });
    expect(res.headers.location).toBe('/aanmelden/gegevens?terug=controleren');
    res = await c.get('/aanmelden/gegevens?terug=controleren');
    expect(res.body).toContain('id="redo"');
    res = await c.submit('/aanmelden/gegevens?terug=controleren', { ...DETAILS, street: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Vul uw straat in');
    expect(res.body).toContain('value="Anna de Vries"');
    res = await c.submit('/aanmelden/gegevens?terug=controleren', DETAILS);
    expect(res.headers.location).toBe('/aanmelden/controleren');
  });

  it('a stale form (token no longer valid) is shown again as typed, with a new token, nothing saved', async () => {
    const c = await atCheck();
    const res = await postFrom(c, '/aanmelden/vraag?terug=controleren', {
      _csrf: 'no-longer-valid',
      ...QUESTION,
      question: 'Net getypt: huur',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Uw sessie is verlopen');
    expect(res.body).toContain('Net getypt: huur');
    expect(res.body).toContain('action="/aanmelden/vraag?terug=controleren"');
    expect((await c.get('/aanmelden/controleren')).body).not.toContain('Net getypt');
    const again = await c.post('/aanmelden/vraag?terug=controleren', { _csrf: csrfFrom(res.body), ...QUESTION });
    expect(again.headers.location).toBe('/aanmelden/controleren');
  });

  it('a stale post from another site gets the plain page, without the posted values', async () => {
    const c = await atCheck();
    const res = await t.app.inject({
      method: 'POST',
      url: '/aanmelden/vraag',
      headers: {
        cookie: c.cookieString(),
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
      payload: new URLSearchParams({ _csrf: 'x', question: 'Geplant door een ander' }).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('Geplant door een ander');
    expect(res.body).toContain('Uw sessie is verlopen');
    // A Host header to match the other site's Origin does not make it ours.
    const spoofed = await t.app.inject({
      method: 'POST',
      url: '/aanmelden/vraag',
      headers: {
        cookie: c.cookieString(),
        host: 'evil.example',
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://evil.example',
      },
      payload: new URLSearchParams({ _csrf: 'x', question: 'Geplant door een ander' }).toString(),
    });
    expect(spoofed.statusCode).toBe(403);
    expect(spoofed.body).not.toContain('Geplant door een ander');
  });

  it('cookies cleared mid-flow: the typed question is kept, the resident is told and asked the postcode again', async () => {
    const c = await atCheck();
    const page = await c.get('/aanmelden/vraag');
    c.cookies.clear();
    let res = await postFrom(c, '/aanmelden/vraag', {
      _csrf: csrfFrom(page.body),
      ...QUESTION,
      question: 'Mijn vraag',
    });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Uw sessie is verlopen');
    expect(res.body).toContain('Mijn vraag');
    res = await c.post('/aanmelden/vraag', { _csrf: csrfFrom(res.body), ...QUESTION, question: 'Mijn vraag' });
    expect(res.headers.location).toBe('/aanmelden?verlopen=1');
    res = await c.get('/aanmelden?verlopen=1');
    expect(res.body).toContain('id="lost"');
    expect(res.body).toContain('Wat u net invulde, hebben we bewaard');
    res = await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12a' });
    expect(res.headers.location).toBe('/aanmelden/vraag');
    expect((await c.get('/aanmelden/vraag')).body).toContain('Mijn vraag');
    res = await c.submit('/aanmelden/vraag', { ...QUESTION, question: 'Mijn vraag' });
    expect(res.headers.location).toBe('/aanmelden/moment');
    await c.submit('/aanmelden/moment', { slot: slotA(), mode: 'home' });
    await c.submit('/aanmelden/gegevens', DETAILS);
    expect((await c.get('/aanmelden/controleren')).body).toContain('Mijn vraag');
  });

  it('a kept danger answer still leads to 112 when the earlier answers were lost', async () => {
    const c = new Client(t.app);
    const page = await c.get('/aanmelden');
    const res = await c.post('/aanmelden/vraag', { _csrf: csrfFrom(page.body), ...QUESTION, dangerNow: 'yes' });
    expect(res.headers.location).toBe('/aanmelden/gevaar');
  });

  it('a later step without a session says so on the first step instead of a silent restart', async () => {
    const c = new Client(t.app);
    const res = await c.get('/aanmelden/gegevens');
    expect(res.headers.location).toBe('/aanmelden?verlopen=1');
    expect((await c.get('/aanmelden?verlopen=1')).body).toContain('We weten uw eerdere antwoorden niet meer');
  });

  it('out of every area: the phone number is required, and the municipality number is shown', async () => {
    const c = new Client(t.app);
    expect((await c.submit('/aanmelden', { postcode: '9999 ZZ', houseNumber: '1' })).statusCode).toBe(303);
    let res = await c.submit('/aanmelden/vraag', QUESTION);
    expect(res.headers.location).toBe('/aanmelden/gegevens');
    res = await c.submit('/aanmelden/gegevens', { ...DETAILS, phone: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="phone-error"');
    expect(res.body).toContain('Vul uw telefoonnummer in. We bellen u');
    expect(res.body).toContain('value="anna@example.nl"');
    expect(await t.app.db.selectFrom('request').select('id').where('team_id', 'is', null).execute()).toHaveLength(0);
    res = await c.submit('/aanmelden/gegevens', { ...DETAILS, phone: '06 12345678' });
    expect(res.headers.location).toBe('/aanmelden/controleren');
    res = await c.get('/aanmelden/controleren');
    expect(res.body).toContain('We bellen u op 06 12345678');
    expect(res.body).toContain('href="tel:14026"');
    expect((await c.submit('/aanmelden/controleren', {})).headers.location).toBe('/aanmelden/bevestiging');
    res = await c.get('/aanmelden/bevestiging');
    expect(res.body).toMatch(/Bel Gemeente Arnhem op <a class="utrecht-link" href="tel:14026">14 026<\/a>/);
  });

  it('the "cancelled" mail links to a new sign-up with the question and details filled in', async () => {
    const c = await atCheck();
    await c.submit('/aanmelden/controleren', {});
    const token = /href="\/afspraak\/([A-Za-z0-9_-]{43})"/.exec((await c.get('/aanmelden/bevestiging')).body)![1]!;
    const res0 = await c.submit(`/afspraak/${token}/annuleren`, { reason: '' });
    expect(res0.statusCode).toBe(303);
    const mails = await t.app.db
      .selectFrom('outbox_message')
      .select(['to_address', 'subject', 'body_text'])
      .where('to_address', '=', 'anna@example.nl')
      .orderBy('id', 'desc')
      .execute();
    const cancelled = mails.find((m) => m.subject.includes('afgezegd'))!;
    const link = /http:\/\/[^\s]+(\/aanmelden\/nieuw\/[^\s]+)/.exec(cancelled.body_text!)![1]!;
    expect(cancelled.body_text).toContain('Uw vraag staat er dan al in');

    // Someone else opening the link (a new browser) sees nothing of the appointment before the button.
    const other = new Client(t.app);
    let res = await other.get(link);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('Schulden');
    expect(res.body).not.toContain('Anna');
    res = await other.submit(link, {});
    expect(res.headers.location).toBe('/aanmelden/vraag');
    res = await other.get('/aanmelden/vraag');
    expect(res.body).toContain('Schulden en post');
    expect(res.body).toMatch(/id="topic-money" name="topics" value="money" checked/);
    // The safety questions are asked again.
    expect(res.body).not.toMatch(/name="dangerNow" value="no" checked/);
    res = await other.submit('/aanmelden/vraag', QUESTION);
    expect(res.headers.location).toBe('/aanmelden/moment');
    res = await other.get('/aanmelden/gegevens');
    expect(res.statusCode).toBe(303);
    await other.submit('/aanmelden/moment', { slot: slotA(), mode: 'home' });
    res = await other.get('/aanmelden/gegevens');
    expect(res.body).toContain('value="Anna de Vries"');
    expect(res.body).toContain('value="Steenstraat"');
    // Consent is given again for the new question.
    expect(res.body).not.toMatch(/id="consent" name="consent" value="yes" checked/);
  });

  it('a rebooking link that is forged, for a booked appointment, or too old shows a plain page', async () => {
    const c = new Client(t.app);
    for (const ref of ['1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'abc', '999999.' + 'a'.repeat(32)]) {
      const res = await c.get(`/aanmelden/nieuw/${ref}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Deze link werkt niet meer');
    }
    const { rebookPath } = await import('../../src/core/rebook-link.js');
    const b = await atCheck();
    expect((await b.submit('/aanmelden/controleren', {})).headers.location).toBe('/aanmelden/bevestiging');
    const booked = await t.app.db
      .selectFrom('appointment')
      .select('id')
      .where('status', '=', 'booked')
      .executeTakeFirstOrThrow();
    expect((await c.get(rebookPath(t.app.config.sessionSecret, booked.id))).statusCode).toBe(404);
    const cancelled = await t.app.db
      .selectFrom('appointment')
      .select('id')
      .where('status', '=', 'cancelled')
      .executeTakeFirstOrThrow();
    const path = rebookPath(t.app.config.sessionSecret, cancelled.id);
    expect((await c.get(path)).statusCode).toBe(200);
    await t.app.db
      .updateTable('appointment')
      .set({ cancelled_at: new Date(NOW.getTime() - 91 * 24 * 3600_000) })
      .where('id', '=', cancelled.id)
      .execute();
    expect((await c.get(path)).statusCode).toBe(404);
    const drafts = await t.app.db.selectFrom('draft').select('id').execute();
    const res = await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '1' });
    expect(res.statusCode).toBe(303);
    expect((await t.app.db.selectFrom('draft').select('id').execute()).length).toBe(drafts.length + 1);
  });

  it('an upcoming appointment for the same email or phone: told on the check page, the link mailed to the address on file', async () => {
    // Anna books with her email and a phone number written one way.
    const first = new Client(t.app);
    await first.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12a' });
    await first.submit('/aanmelden/vraag', QUESTION);
    const slot = `${blockA}_${at('2026-12-08T09:00').toISOString()}`;
    await first.submit('/aanmelden/moment', { slot, mode: 'home' });
    await first.submit('/aanmelden/gegevens', { ...DETAILS, email: 'dup@example.nl', phone: '06-12345678' });
    expect((await first.submit('/aanmelden/controleren', {})).headers.location).toBe('/aanmelden/bevestiging');
    const oldToken = /href="\/afspraak\/([A-Za-z0-9_-]{43})"/.exec(
      (await first.get('/aanmelden/bevestiging')).body,
    )![1]!;

    // Someone types only the same phone number, written another way.
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '6812ab', houseNumber: '1' });
    await c.submit('/aanmelden/vraag', { ...QUESTION, question: 'Iets anders' });
    await c.submit('/aanmelden/moment', { slot: `${blockA}_${at('2026-12-08T12:00').toISOString()}`, mode: 'phone' });
    await c.submit('/aanmelden/gegevens', { ...DETAILS, name: 'A. de Vries', email: '', phone: '+31 6 1234 5678' });
    let res = await c.get('/aanmelden/controleren');
    expect(res.body).toContain('id="existing"');
    expect(res.body).toContain('Heeft u al een afspraak?');
    // Nothing of the existing appointment is on the page.
    expect(res.body).not.toContain('dup@example.nl');
    expect(res.body).not.toContain(oldToken);
    expect(res.body).not.toContain('Schulden');
    expect(res.body).not.toContain('09:00');

    const before = await t.app.db.selectFrom('outbox_message').select('id').execute();
    res = await c.submit('/aanmelden/controleren', {}, '/aanmelden/controleren/bestaande');
    expect(res.statusCode).toBe(303);
    res = await c.get('/aanmelden/controleren');
    expect(res.body).toContain('We hebben een e-mail gestuurd naar het e-mailadres dat bij die afspraak hoort');
    expect(res.body).not.toContain('dup@example.nl');
    const sent = await t.app.db
      .selectFrom('outbox_message')
      .select(['to_address', 'body_text'])
      .where('id', 'not in', before.length ? before.map((b) => b.id) : [0])
      .execute();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to_address).toBe('dup@example.nl');
    const newToken = /\/afspraak\/([A-Za-z0-9_-]{43})/.exec(sent[0]!.body_text!)![1]!;
    expect((await c.get(`/afspraak/${newToken}`)).statusCode).toBe(200);
    // Typing someone's address never switches off the link they already have.
    expect(newToken).not.toBe(oldToken);
    expect((await c.get(`/afspraak/${oldToken}`)).statusCode).toBe(200);
    // Asked again: no second mail.
    await c.submit('/aanmelden/controleren', {}, '/aanmelden/controleren/bestaande');
    expect(await t.app.db.selectFrom('outbox_message').select('id').execute()).toHaveLength(before.length + 1);

    // Or book this as a separate new question.
    res = await c.submit('/aanmelden/controleren', {});
    expect(res.headers.location).toBe('/aanmelden/bevestiging');
    const booked = await t.app.db.selectFrom('appointment').select('id').where('status', '=', 'booked').execute();
    expect(booked.length).toBeGreaterThanOrEqual(2);
  });

  it('no notice for another team, another person, or the email typed in other capitals only when it matches', async () => {
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '6816 AB', houseNumber: '7' });
    await c.submit('/aanmelden/vraag', QUESTION);
    await c.submit('/aanmelden/moment', { slot: `${blockB}_${at('2026-12-09T14:30').toISOString()}`, mode: 'office' });
    await c.submit('/aanmelden/gegevens', { ...DETAILS, email: 'DUP@example.nl', phone: '' });
    expect((await c.get('/aanmelden/controleren')).body).not.toContain('id="existing"');
    const d = new Client(t.app);
    await d.submit('/aanmelden', { postcode: '6811 AB', houseNumber: '7' });
    await d.submit('/aanmelden/vraag', QUESTION);
    await d.submit('/aanmelden/moment', { slot: `${blockA}_${at('2026-12-08T13:30').toISOString()}`, mode: 'office' });
    await d.submit('/aanmelden/gegevens', { ...DETAILS, email: 'DUP@Example.nl ', phone: '' });
    expect((await d.get('/aanmelden/controleren')).body).toContain('id="existing"');
    await d.submit('/aanmelden/gegevens', { ...DETAILS, email: 'someone-else@example.nl', phone: '06 87654321' });
    expect((await d.get('/aanmelden/controleren')).body).not.toContain('id="existing"');
  });

  it('a stale form on every step is shown again as typed, with the note, and nothing is saved', async () => {
    const c = await atCheck(`${blockA}_${at('2026-12-08T15:00').toISOString()}`);
    const draftBefore = await t.app.db.selectFrom('draft').select('data').execute();
    const appointmentsBefore = await t.app.db.selectFrom('appointment').select('id').execute();
    const nine = `${blockA}_${at('2026-12-08T09:00').toISOString()}`;
    const cases: [string, Record<string, string | string[]>, RegExp][] = [
      ['/aanmelden', { postcode: '6813 XY', houseNumber: '99' }, /value="6813 XY"/],
      ['/aanmelden/moment', { slot: nine, mode: 'video' }, /id="mode-video" name="mode" value="video" checked/],
      ['/aanmelden/gegevens', { ...DETAILS, name: 'Nieuwe naam' }, /value="Nieuwe naam"/],
      ['/aanmelden/controleren', {}, /id="stale"/],
    ];
    for (const [url, fields, shown] of cases) {
      const res = await postFrom(c, url, { _csrf: 'stale', ...fields });
      expect(res.statusCode, url).toBe(403);
      expect(res.body, url).toContain('id="stale"');
      expect(res.body, url).toMatch(shown);
      expect(res.body, url).toMatch(/name="_csrf" value="(?!stale")[^"]+"/);
    }
    expect(await t.app.db.selectFrom('draft').select('data').execute()).toEqual(draftBefore);
    expect(await t.app.db.selectFrom('appointment').select('id').execute()).toEqual(appointmentsBefore);
  });

  it('out of every area and urgent: the call-back confirmation gives the municipality number', async () => {
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '9999 ZZ', houseNumber: '2' });
    let res = await c.submit('/aanmelden/vraag', { ...QUESTION, urgent24h: 'yes' });
    expect(res.headers.location).toBe('/aanmelden/terugbellen');
    res = await c.submit('/aanmelden/terugbellen', { name: 'Bram', phone: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="phone-error"');
    expect(res.body).toContain('value="Bram"');
    res = await c.submit('/aanmelden/terugbellen', { name: 'Bram', phone: '06 12345678' });
    expect(res.headers.location).toBe('/aanmelden/bevestiging');
    res = await c.get('/aanmelden/bevestiging');
    expect(res.body).toMatch(
      /id="municipality-phone">Vragen\? Bel Gemeente Arnhem op <a [^>]*href="tel:14026">14 026<\/a>/,
    );
  });
});
