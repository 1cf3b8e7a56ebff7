// A call-back request that the team later books from the queue becomes that booking: the same
// request gets the appointment, no second request or resident, the call-back is done, and a form
// posted twice books once. Bad input keeps what was typed and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { at, makeWorld, NOW } from './blocks-world.js';

describe('a call-back request booked later', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t.close());

  const count = async (table: 'request' | 'resident' | 'appointment') =>
    Number(
      (
        await t.app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const counts = async () => ({
    requests: await count('request'),
    residents: await count('resident'),
    appointments: await count('appointment'),
  });

  /** A team with a block on 8 December, and a call-back request made by phone. */
  async function callbackWorld() {
    const w = await makeWorld(t.app);
    const block = await w.block([w.fatima, w.jeroen], '2026-12-08T09:00', '2026-12-08T12:00');
    const fatima = await w.as(w.fatima);
    const form = await fatima.get('/medewerker/namens');
    const key = /name="key" value="([0-9a-f-]{36})"/.exec(form.body)![1]!;
    const res = await fatima.submit(
      '/medewerker/namens',
      {
        key,
        teamId: String(w.team.id),
        channel: 'phone',
        name: 'Anna de Vries',
        phone: '06 12345678',
        email: 'anna@example.nl',
        postcode: '',
        houseNumber: '',
        street: '',
        city: '',
        language: 'nl',
        dateOfBirth: '',
        companion: '',
        question: 'Schulden en post die ik niet begrijp',
        topics: ['money'],
        about: 'self',
        dangerNow: 'no',
        urgent24h: 'no',
        slot: 'callback',
        mode: 'home',
        consent: 'yes',
      },
      '/medewerker/namens',
    );
    expect(res.statusCode).toBe(303);
    const request = await t.app.db
      .selectFrom('request')
      .selectAll()
      .where('team_id', '=', w.team.id)
      .executeTakeFirstOrThrow();
    expect(request.status).toBe('callback');
    // The figures' steps: a call-back asked for at the sign-up, not yet done.
    expect(request.callback_requested_at).toEqual(request.submitted_at);
    expect(request.callback_done_at).toBeNull();
    return { w, block, fatima, request };
  }

  const slot = (blockId: number, iso: string) => `${blockId}_${at(iso).toISOString()}`;

  /** The form for the request as the page fills it in, with `change` on top. */
  async function formFor(c: Client, requestId: number) {
    const page = await c.get(`/medewerker/namens?verzoek=${requestId}`);
    expect(page.statusCode).toBe(200);
    const field = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(page.body)?.[1] ?? '';
    return { page, key: field('key'), field };
  }

  it('the queue links to a filled-in form; booking gives the same request the appointment and ends the call-back', async () => {
    const s = await callbackWorld();
    const queue = await s.fatima.get('/medewerker/wachtrij');
    expect(queue.body).toContain(`href="/medewerker/namens?verzoek=${s.request.id}"`);
    const { page, key, field } = await formFor(s.fatima, s.request.id);
    expect(page.body).toContain('U maakt een afspraak voor het terugbelverzoek van Anna de Vries.');
    expect(page.body).toContain(`name="requestId" value="${s.request.id}"`);
    expect(field('name')).toBe('Anna de Vries');
    expect(page.body).toContain('Schulden en post die ik niet begrijp');
    const before = await counts();

    const fields = {
      key,
      requestId: String(s.request.id),
      teamId: String(s.w.team.id),
      channel: 'phone',
      name: 'Anna de Vries',
      phone: '06 12345678',
      email: 'anna@example.nl',
      postcode: '6811 AB',
      houseNumber: '12',
      street: 'Steenstraat',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      question: 'Schulden en post die ik niet begrijp',
      topics: ['money'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
      slot: slot(s.block, '2026-12-08T10:30'),
      mode: 'home',
      consent: 'yes',
    };
    const res = await s.fatima.submit(`/medewerker/namens?verzoek=${s.request.id}`, fields, '/medewerker/namens');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/medewerker/namens/bevestiging');
    // Posted again (a double click): the same booking, nothing new.
    const again = await s.fatima.submit('/medewerker/wachtrij', fields, '/medewerker/namens');
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/medewerker/namens/bevestiging');

    expect(await counts()).toEqual({ ...before, appointments: before.appointments + 1 });
    const request = await t.app.db
      .selectFrom('request')
      .selectAll()
      .where('id', '=', s.request.id)
      .executeTakeFirstOrThrow();
    expect(request.status).toBe('scheduled');
    expect(request.first_contact_at?.toISOString()).toBe(NOW.toISOString());
    expect(request.callback_by).toBe(s.w.fatima.id);
    // Booking it is the call-back taking place.
    expect(request.callback_done_at).toEqual(NOW);
    const appointment = await t.app.db
      .selectFrom('appointment')
      .selectAll()
      .where('request_id', '=', s.request.id)
      .executeTakeFirstOrThrow();
    expect(appointment).toMatchObject({ block_id: s.block, status: 'booked', booked_by: s.w.fatima.id });
    expect(appointment.starts_at.toISOString()).toBe(at('2026-12-08T10:30').toISOString());
    const resident = await t.app.db
      .selectFrom('resident')
      .selectAll()
      .where('id', '=', s.request.resident_id)
      .executeTakeFirstOrThrow();
    expect(resident).toMatchObject({ street: 'Steenstraat', city: 'Arnhem' });
    // The resident hears of the appointment.
    const mails = await t.app.db
      .selectFrom('outbox_message')
      .select('subject')
      .where('to_address', '=', 'anna@example.nl')
      .execute();
    expect(mails.length).toBeGreaterThanOrEqual(2);
    // Off the call-back lists; the request can no longer be booked again.
    const after = await s.fatima.get('/medewerker/wachtrij');
    expect(after.body).not.toContain(`id="request-${s.request.id}"`);
    expect((await s.fatima.get(`/medewerker/namens?verzoek=${s.request.id}`)).statusCode).toBe(409);
  });

  it('refuses bad input next to the field, keeps what was typed, and writes nothing', async () => {
    const s = await callbackWorld();
    const { key } = await formFor(s.fatima, s.request.id);
    const before = await counts();
    const base = {
      key,
      requestId: String(s.request.id),
      teamId: String(s.w.team.id),
      channel: 'phone',
      name: 'Anna de Vries',
      phone: '06 12345678',
      email: 'anna@example.nl',
      postcode: '6811 AB',
      houseNumber: '12',
      street: 'Steenstraat',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      question: 'Schulden en post die ik niet begrijp',
      topics: ['money'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
      slot: slot(s.block, '2026-12-08T10:30'),
      mode: 'home',
      consent: 'yes',
    };
    const url = `/medewerker/namens?verzoek=${s.request.id}`;
    const onList = await s.fatima.submit(
      url,
      { ...base, slot: 'callback', street: 'Getypte straat' },
      '/medewerker/namens',
    );
    expect(onList.statusCode).toBe(400);
    expect(onList.body).toContain('id="slot-error"');
    expect(onList.body).toContain('Kies een tijd. Dit verzoek staat al op de terugbellijst.');
    expect(onList.body).toContain('value="Getypte straat"');
    expect(onList.body).toContain(`name="requestId" value="${s.request.id}"`);
    const noName = await s.fatima.submit(url, { ...base, name: '', street: 'Getypte straat' }, '/medewerker/namens');
    expect(noName.statusCode).toBe(400);
    expect(noName.body).toContain('id="name-error"');
    expect(noName.body).toContain('value="Getypte straat"');
    expect(await counts()).toEqual(before);
    const request = await t.app.db
      .selectFrom('request')
      .selectAll()
      .where('id', '=', s.request.id)
      .executeTakeFirstOrThrow();
    expect(request).toMatchObject({ status: 'callback', first_contact_at: null });

    // Another team's member never sees it.
    const other = await makeWorld(t.app);
    const stranger = await other.as(other.fatima);
    expect((await stranger.get(url)).statusCode).toBe(404);
    const strangerForm = await stranger.get('/medewerker/namens');
    expect(strangerForm.statusCode).toBe(200);
    expect(
      (await stranger.submit('/medewerker/namens', { ...base, teamId: String(other.team.id) }, '/medewerker/namens'))
        .statusCode,
    ).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('the front office may book a call-back of any team from the queue', async () => {
    const s = await callbackWorld();
    const f = await makeLogin(t.app, null, 'frontoffice');
    const front = await loggedIn(t.app, f.email);
    const { page } = await formFor(front, s.request.id);
    expect(page.body).toContain('Anna de Vries');
  });
});
