// Booking on a resident's behalf: the same book() as the public flow, with the channel and the
// staff member recorded, the same mail, one booking for a double submit, and clear errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { csrfFrom, type Client } from '../helpers/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { renderOutbox } from '../helpers/outbox.js';
import { openQuestion } from '../../src/core/question-key.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

describe('booking on behalf of a resident', () => {
  let t: TestApp;
  let teamA: number;
  let blockA: number;
  let blockA2: number;
  let coach: Client;
  let coachId: number;
  let front: Client;
  let frontId: number;
  const slot = (blockId: number, iso: string) => `${blockId}_${at(iso).toISOString()}`;
  const counts = async () => ({
    requests: Number(
      (
        await t.app.db
          .selectFrom('request')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    residents: Number(
      (
        await t.app.db
          .selectFrom('resident')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    appointments: Number(
      (
        await t.app.db
          .selectFrom('appointment')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });

  const good = (over: Record<string, string | string[]> = {}) => ({
    channel: 'phone',
    name: 'Anna de Vries',
    phone: '06 12345678',
    email: 'anna@example.nl',
    postcode: '6811 AB',
    houseNumber: '12a',
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
    slot: slot(blockA, '2026-12-08T09:00'),
    mode: 'home',
    consent: 'yes',
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    teamA = team.id;
    await makeTeam(t.app.db, { name: 'Wijkteam Noord', from: '6815AA', to: '6818ZZ' });
    const a = await makeLogin(t.app, teamA, 'coach', 'Fatima El Amrani');
    const b = await makeLogin(t.app, teamA, 'coach', 'Jeroen Bakker');
    coachId = a.id;
    blockA = await makeBlock(t.app.db, {
      teamId: teamA,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
    blockA2 = await makeBlock(t.app.db, {
      teamId: teamA,
      start: at('2026-12-09T13:30'),
      end: at('2026-12-09T16:30'),
      coachIds: [a.id, b.id],
    });
    coach = await loggedIn(t.app, a.email);
    const f = await makeLogin(t.app, null, 'frontoffice', 'Sevda Aksoy');
    frontId = f.id;
    front = await loggedIn(t.app, f.email);
  });
  afterAll(async () => t.close());

  it("shows a coach the own team's free times", async () => {
    const res = await coach.get('/medewerker/namens');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('U maakt een afspraak bij <span class="kt-team">Wijkteam Centrum</span>');
    expect(res.body).toContain(`value="${slot(blockA, '2026-12-08T10:30')}"`);
    expect(res.body).toMatch(/name="key" value="[0-9a-f-]{36}"/);
    expect(res.body).not.toContain('id="pickPostcode"');
    const en = await coach.get('/medewerker/namens?lang=en');
    expect(en.body).toContain('Book an appointment for a resident');
    await coach.get('/medewerker/namens?lang=nl');
  });

  it("books by phone with the same service: channel, booked_by, audit and the resident's mail", async () => {
    const res = await coach.submit('/medewerker/namens', good());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/medewerker/namens/bevestiging');
    const page = await coach.get('/medewerker/namens/bevestiging');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('dinsdag 8 december 2026, 09:00–10:00');
    expect(page.body).toContain('Fatima El Amrani &amp; Jeroen Bakker (Wijkteam Centrum)');
    expect(page.body).toContain('Steenstraat 12a');
    expect(page.body).toContain('op anna@example.nl');
    const link = /id="manage-link" type="text" readonly value="([^"]+)"/.exec(page.body)![1]!;
    expect(link).toMatch(new RegExp(`^${t.app.config.publicUrl}/afspraak/[A-Za-z0-9_-]{43}$`));

    const req = await t.app.db
      .selectFrom('request')
      .innerJoin('resident', 'resident.id', 'request.resident_id')
      .selectAll('request')
      .select(['resident.name', 'resident.postcode', 'resident.house_number'])
      .executeTakeFirstOrThrow();
    expect(req).toMatchObject({
      team_id: teamA,
      channel: 'phone',
      status: 'scheduled',
      topics: ['money'],
      name: 'Anna de Vries',
      postcode: '6811AB',
      house_number: '12a',
      urgent_24h: false,
    });
    // The question is stored encrypted (core/secret-text.ts).
    expect(openQuestion(req.question)).toBe('Schulden en post die ik niet begrijp');
    const appt = await t.app.db
      .selectFrom('appointment')
      .selectAll()
      .where('request_id', '=', req.id)
      .executeTakeFirstOrThrow();
    expect(appt).toMatchObject({ block_id: blockA, mode: 'home', status: 'booked', booked_by: coachId });
    expect(appt.starts_at.toISOString()).toBe(at('2026-12-08T09:00').toISOString());
    const audit = await t.app.db
      .selectFrom('audit_event')
      .select(['action', 'actor_staff_id', 'detail'])
      .where('subject_id', '=', req.id)
      .orderBy('id')
      .execute();
    // The booking, then the coach seeing its confirmation (who viewed what: case_viewed).
    expect(audit).toEqual([
      { action: 'booking_created', actor_staff_id: coachId, detail: { channel: 'phone' } },
      { action: 'case_viewed', actor_staff_id: coachId, detail: expect.any(Object) },
    ]);

    await renderOutbox(t.app);
    const mails = await t.app.db.selectFrom('outbox_message').selectAll().orderBy('id').execute();
    const resident = mails.find((m) => m.to_address === 'anna@example.nl')!;
    expect(resident).toBeDefined();
    expect(resident.body_text).toContain('dinsdag 8 december 2026, 09:00–10:00');
    expect(resident.body_text).toContain(link);
    expect(resident.ics).toContain('BEGIN:VEVENT');
    for (const m of mails) expect(m.body_text).not.toContain('Schulden en post');
    expect(mails.filter((m) => m.to_address !== 'anna@example.nl')).toHaveLength(2);
  });

  it('makes one booking of a double submit', async () => {
    const form = await coach.get('/medewerker/namens');
    const token = csrfFrom(form.body);
    const key = /name="key" value="([0-9a-f-]{36})"/.exec(form.body)![1]!;
    const before = await counts();
    const fields = {
      _csrf: token,
      key,
      teamId: String(teamA),
      ...good({ name: 'Bert Dubbel', email: 'bert@example.nl', slot: slot(blockA, '2026-12-08T10:30') }),
    };
    const [first, second] = await Promise.all([
      coach.post('/medewerker/namens', fields),
      coach.post('/medewerker/namens', fields),
    ]);
    expect(first.statusCode).toBe(303);
    expect(second.statusCode).toBe(303);
    const third = await coach.post('/medewerker/namens', fields);
    expect(third.statusCode).toBe(303);
    expect(await counts()).toEqual({
      requests: before.requests + 1,
      residents: before.residents + 1,
      appointments: before.appointments + 1,
    });
    const page = await coach.get('/medewerker/namens/bevestiging');
    expect(page.body).toContain('Dit formulier was al verstuurd. Er is maar één afspraak gemaakt: deze.');
    expect(page.body).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(
      await t.app.db.selectFrom('outbox_message').select('id').where('to_address', '=', 'bert@example.nl').execute(),
    ).toHaveLength(1);
  });

  it('says a taken time is taken, offers the nearest free times and keeps the input', async () => {
    const before = await counts();
    const res = await coach.submit(
      '/medewerker/namens',
      good({ name: 'Carla Te-Laat', slot: slot(blockA, '2026-12-08T09:00') }),
    );
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Dit moment is net bezet. Kies een ander moment.');
    expect(res.body).toContain('id="alternatives"');
    expect(res.body).toContain('woensdag 9 december 2026, 13:30');
    expect(res.body).toContain('value="Carla Te-Laat"');
    expect(await counts()).toEqual(before);
  });

  it('refuses bad input field by field, keeps what was typed and stores nothing', async () => {
    const before = await counts();
    const res = await coach.submit('/medewerker/namens', {
      channel: '',
      name: '',
      phone: 'abc',
      email: 'anna@',
      postcode: '12',
      houseNumber: '',
      street: '',
      city: '',
      language: 'nl',
      dateOfBirth: '31-02-2000',
      companion: '',
      question: '',
      about: 'self',
      dangerNow: '',
      urgent24h: '',
      slot: '',
      mode: 'home',
      consent: '',
    });
    expect(res.statusCode).toBe(400);
    for (const text of [
      'Kies hoe de inwoner contact opnam: telefonisch of langsgekomen.',
      'Vul de naam van de inwoner in.',
      'Vul een telefoonnummer in, bijvoorbeeld 06 12345678 of 026 377 2001. Een nummer uit het buitenland begint met +.',
      'Vul een e-mailadres in zoals naam@voorbeeld.nl.',
      'Vul een postcode in met 4 cijfers en 2 letters, bijvoorbeeld 6811 AB.',
      'Vul het huisnummer in. Dat is nodig voor een gesprek thuis.',
      'Vul de straat in. Die is nodig voor een gesprek thuis.',
      'Vul een geboortedatum in zoals 31-12-1980 of 31 december 1980, of laat het veld leeg.',
      'Schrijf op waar de inwoner hulp bij wil. Eén woord is genoeg.',
      'Kies ja of nee: is iemand nu in gevaar?',
      'Kies ja of nee: moet er binnen 24 uur iets gebeuren?',
      'Kies een dag en tijd, of zet de inwoner op de terugbellijst.',
      'Vraag de inwoner om toestemming en zet dan een vinkje.',
    ]) {
      expect(res.body).toContain(text);
    }
    // Errors sit next to their fields and the summary links to them, in page order.
    expect(res.body).toContain('id="phone-error"');
    expect(res.body).toContain('aria-invalid="true"');
    const summary = res.body.slice(
      res.body.indexOf('id="error-summary"'),
      res.body.indexOf('</ul>', res.body.indexOf('id="error-summary"')),
    );
    const anchors = [...summary.matchAll(/href="#(\w+)"/g)].map((m) => m[1]);
    expect(anchors).toEqual([
      'channel',
      'name',
      'phone',
      'email',
      'postcode',
      'houseNumber',
      'street',
      'dateOfBirth',
      'question',
      'dangerNow',
      'urgent24h',
      'slot',
      'consent',
    ]);
    expect(res.body).toContain('value="abc"');
    expect(res.body).toContain('value="anna@"');
    expect(res.body).toContain('value="31-02-2000"');
    expect(await counts()).toEqual(before);
  });

  it('checks each rule on its own: contact, danger, too long a question, unknown mode', async () => {
    const before = await counts();
    const noContact = await coach.submit('/medewerker/namens', good({ phone: '', email: '' }));
    expect(noContact.statusCode).toBe(400);
    expect(noContact.body).toContain(
      'Vul een telefoonnummer of een e-mailadres in, zodat het team de inwoner kan bereiken.',
    );
    const danger = await coach.submit('/medewerker/namens', good({ dangerNow: 'yes' }));
    expect(danger.statusCode).toBe(400);
    expect(danger.body).toContain('Er is nu gevaar: er wordt geen afspraak gemaakt. Bel 112.');
    expect(danger.body).toContain('value="Anna de Vries"');
    const long = await coach.submit('/medewerker/namens', good({ question: 'x'.repeat(5001) }));
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('De tekst is te lang: maximaal 5000 tekens.');
    const mode = await coach.submit('/medewerker/namens', good({ mode: 'boat' }));
    expect(mode.statusCode).toBe(400);
    expect(mode.body).toContain('Kies waar het gesprek is.');
    // By phone, no address is needed.
    const phoneOnly = await coach.submit(
      '/medewerker/namens',
      good({ mode: 'phone', street: '', postcode: '', houseNumber: '', consent: '' }),
    );
    expect(phoneOnly.statusCode).toBe(400);
    expect(phoneOnly.body).not.toContain('Vul de straat in.');
    expect(phoneOnly.body).not.toContain('Vul de postcode in.');
    expect(await counts()).toEqual(before);
  });

  it("puts an urgent request on the team's call-back list instead of booking a time", async () => {
    const res = await coach.submit(
      '/medewerker/namens',
      good({ name: 'Dirk Dringend', email: '', phone: '06 98765432', urgent24h: 'yes', slot: '' }),
    );
    expect(res.statusCode).toBe(303);
    const page = await coach.get('/medewerker/namens/bevestiging');
    expect(page.body).toContain('Het verzoek staat als dringend in de wachtrij van Wijkteam Centrum.');
    const r = await t.app.db
      .selectFrom('request')
      .innerJoin('resident', 'resident.id', 'request.resident_id')
      .select(['request.id', 'request.status', 'request.urgent_24h', 'request.safety_flag', 'request.channel'])
      .where('resident.name', '=', 'Dirk Dringend')
      .executeTakeFirstOrThrow();
    expect(r).toMatchObject({ status: 'callback', urgent_24h: true, safety_flag: true, channel: 'phone' });
    expect(await t.app.db.selectFrom('appointment').select('id').where('request_id', '=', r.id).execute()).toEqual([]);
    const queue = await coach.get('/medewerker/wachtrij');
    expect(queue.body.slice(queue.body.indexOf('id="urgent"'), queue.body.indexOf('id="normal"'))).toContain(
      'Dirk Dringend',
    );
  });

  it('lets the front office book a walk-in for a team derived from the postcode', async () => {
    const step1 = await front.get('/medewerker/namens');
    expect(step1.body).toContain('id="pickPostcode"');
    expect(step1.body).not.toContain('name="key"');
    expect(step1.body).not.toContain('aria-invalid');
    const picked = await front.get('/medewerker/namens?postcode=6812+cd');
    expect(picked.statusCode).toBe(200);
    expect(picked.body).toContain('U maakt een afspraak bij <span class="kt-team">Wijkteam Centrum</span>');
    expect(picked.body).toContain('value="6812 CD"');
    const res = await front.submit(
      '/medewerker/namens?postcode=6812CD',
      good({
        channel: 'walkin',
        name: 'Els Inloop',
        email: '',
        postcode: '6812 CD',
        mode: 'phone',
        slot: slot(blockA2, '2026-12-09T13:30'),
      }),
    );
    expect(res.statusCode).toBe(303);
    const page = await front.get('/medewerker/namens/bevestiging');
    expect(page.body).toContain('woensdag 9 december 2026, 13:30–14:30');
    expect(page.body).toContain('De inwoner heeft geen e-mailadres opgegeven.');
    expect(page.body).toMatch(/\/afspraak\/[A-Za-z0-9_-]{43}"/);
    const r = await t.app.db
      .selectFrom('request')
      .innerJoin('resident', 'resident.id', 'request.resident_id')
      .innerJoin('appointment', 'appointment.request_id', 'request.id')
      .select(['request.channel', 'request.team_id', 'appointment.booked_by', 'appointment.mode'])
      .where('resident.name', '=', 'Els Inloop')
      .executeTakeFirstOrThrow();
    expect(r).toEqual({ channel: 'walkin', team_id: teamA, booked_by: frontId, mode: 'phone' });
  });

  it('asks the front office for a team when neither a team nor a known postcode is given', async () => {
    const before = await counts();
    const bad = await front.get('/medewerker/namens?postcode=9999ZZ');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Deze postcode hoort niet bij een van onze teams. Kies zelf een team.');
    const wrong = await front.get('/medewerker/namens?postcode=abc');
    expect(wrong.body).toContain('Vul een postcode in met 4 cijfers en 2 letters');
    const form = await front.get('/medewerker/namens?postcode=6811AB');
    const res = await front.post('/medewerker/namens', {
      _csrf: csrfFrom(form.body),
      ...good({ postcode: '9999 ZZ', name: 'Frits Nergens' }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Kies een team, of vul een postcode in die bij een team hoort.');
    expect(res.body).toContain('value="Frits Nergens"');
    expect(res.body).toContain('<a href="#teamId">');
    expect(res.body).toMatch(
      /<select class="kt-input" id="teamId" name="teamId" aria-describedby="teamId-hint teamId-error" aria-invalid="true">/,
    );
    expect(await counts()).toEqual(before);
  });

  it('never lets a coach book in another team', async () => {
    const other = await makeTeam(t.app.db, { name: 'Wijkteam Oost' });
    const form = await coach.get('/medewerker/namens');
    const res = await coach.post('/medewerker/namens', {
      _csrf: csrfFrom(form.body),
      teamId: String(other.id),
      ...good({ name: 'Gerda Ander', email: 'gerda@example.nl', slot: slot(blockA2, '2026-12-09T15:00') }),
    });
    expect(res.statusCode).toBe(303);
    const r = await t.app.db
      .selectFrom('request')
      .innerJoin('resident', 'resident.id', 'request.resident_id')
      .select('request.team_id')
      .where('resident.name', '=', 'Gerda Ander')
      .executeTakeFirstOrThrow();
    expect(r.team_id).toBe(teamA);
  });
});
