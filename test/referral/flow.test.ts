// A referrer's whole flow through app.inject(), with CSRF, on the real database: booking a
// 3-gesprek, letting the team call, consent missing, Veilig Thuis without consent, the safety
// answers, a postcode outside every area, a repeated submit and a slot taken meanwhile.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { openQuestion } from '../../src/core/question-key.js';
import {
  aboutHuisarts,
  at,
  clean,
  counts,
  DONE,
  fillUntilNext,
  makeWorld,
  NOW,
  outbox,
  QUESTION,
  referAndBook,
  type World,
} from './world.js';

describe('a referrer signs up a resident', () => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t.close());

  // Every test gets a fresh team with an empty calendar: earlier teams lose their area.
  beforeEach(async () => {
    await clean(t.app);
    await t.app.db.deleteFrom('team_area').execute();
    w = await makeWorld(t.app);
  });

  it('books a 3-gesprek at the practice; every party gets the right mail, the referrer never the manage link', async () => {
    const c = new Client(t.app);
    const res = await referAndBook(c, w.slot('10:30'), {
      place: 'referrer',
      location: 'Huisartsenpraktijk De Linde, Lindestraat 4, Arnhem',
    });
    expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
    expect(res.headers.location).toBe('/verwijzen/bevestiging');

    const page = await c.get('/verwijzen/bevestiging');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(page.body).toContain('U bent bij dit gesprek (3-gesprek).');
    expect(page.body).not.toContain('/afspraak/');
    expect(page.body).not.toContain(QUESTION);
    const statusPath = /href="(\/verwijzen\/status\/[A-Za-z0-9_-]{43})"/.exec(page.body)?.[1];
    expect(statusPath).toBeDefined();

    // Recorded for the figures: channel, referrer type, consent, its form and time.
    const r = await t.app.db.selectFrom('request').selectAll().executeTakeFirstOrThrow();
    expect(r).toMatchObject({
      team_id: w.teamId,
      channel: 'referrer',
      status: 'scheduled',
      referrer_done: DONE,
      consent_referrer_form: 'spoken',
      consent_feedback: true,
      no_consent_reason: null,
    });
    // The question is stored encrypted (core/secret-text.ts).
    expect(openQuestion(r.question)).toBe(QUESTION);
    expect(r.consent_referrer_at!.toISOString()).toBe(at('2026-11-20T00:00').toISOString());
    expect(r.consent_processing_at!.toISOString()).toBe(NOW.toISOString());
    expect(r.submitted_at.toISOString()).toBe(NOW.toISOString());
    expect(r.scheduled_at!.toISOString()).toBe(NOW.toISOString());
    expect(r.referrer_token_hash).toMatch(/^[0-9a-f]{64}$/);
    const referrer = await t.app.db
      .selectFrom('referrer')
      .selectAll()
      .where('id', '=', r.referrer_id!)
      .executeTakeFirstOrThrow();
    expect(referrer).toMatchObject({
      kind: 'huisarts',
      organisation: 'Huisartsenpraktijk De Linde',
      name: 'Dr. Sara Jansen',
      agb_code: '01234567',
      email: 'sara.jansen@delinde.nl',
      school_role: null,
    });
    const appt = await t.app.db.selectFrom('appointment').selectAll().executeTakeFirstOrThrow();
    expect(appt).toMatchObject({
      mode: 'office',
      referrer_joins: true,
      referrer_location: 'Huisartsenpraktijk De Linde, Lindestraat 4, Arnhem',
      status: 'booked',
    });
    const auditRow = await t.app.db
      .selectFrom('audit_event')
      .select('detail')
      .where('action', '=', 'referral_created')
      .executeTakeFirstOrThrow();
    expect(auditRow.detail).toMatchObject({
      kind: 'huisarts',
      consentForm: 'spoken',
      feedback: true,
      next: 'book',
      threeWay: true,
    });

    const mails = await outbox(t.app);
    const to = (addr: string) => mails.filter((m) => m.to_address === addr);
    // The resident: who signed them up, the .ics, their own manage link, the practice as place.
    const [resident] = to('anna@example.nl');
    expect(resident!.body_text).toContain('U bent aangemeld door Dr. Sara Jansen (Huisartsenpraktijk De Linde).');
    expect(resident!.body_text).toContain('Dr. Sara Jansen is ook bij het gesprek.');
    expect(resident!.body_text).toContain('bij de verwijzer: Huisartsenpraktijk De Linde, Lindestraat 4, Arnhem');
    expect(resident!.body_text).toMatch(/\/afspraak\/[A-Za-z0-9_-]{43}/);
    expect(resident!.ics).toContain('BEGIN:VEVENT');
    const manageToken = /\/afspraak\/([A-Za-z0-9_-]{43})/.exec(resident!.body_text!)![1]!;
    // The referrer: the appointment, the status link, an .ics of their own; never the manage link or the question.
    const [ref] = to('sara.jansen@delinde.nl');
    expect(ref!.subject).toBe('Uw aanmelding bij Wijkteam Centrum is ontvangen');
    expect(ref!.body_text).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(ref!.body_text).toContain(`http://localhost:3000${statusPath}`);
    expect(ref!.ics).toContain('BEGIN:VEVENT');
    for (const text of [ref!.body_text, ref!.ics ?? '']) {
      expect(text).not.toContain(manageToken);
      expect(text).not.toContain('/afspraak/');
      expect(text).not.toContain(QUESTION);
      expect(text).not.toContain(DONE);
    }
    expect(ref!.body_text).toContain('Vragen? Bel Wijkteam Centrum: 026 377 0000.');
    // The team and the duo: a link, no question.
    const team = await t.app.db.selectFrom('team').select('email').where('id', '=', w.teamId).executeTakeFirstOrThrow();
    const [teamMail] = to(team.email);
    expect(teamMail!.subject).toBe('Nieuwe aanmelding via een verwijzer (Huisarts)');
    expect(teamMail!.body_text).toContain(`/medewerker/afspraken/${appt.id}`);
    expect(teamMail!.body_text).toContain('3-gesprek');
    for (const m of mails.filter((x) => x.to_address !== 'anna@example.nl'))
      expect(m.body_text).not.toContain(QUESTION);
    expect(mails).toHaveLength(5); // resident, two coaches, referrer, team

    // The staff appointment page shows the referrer as a participant and the place.
    const coach = await makeLogin(t.app, w.teamId, 'coach');
    const staffPage = await (await loggedIn(t.app, coach.email)).get(`/medewerker/afspraken/${appt.id}`);
    expect(staffPage.statusCode).toBe(200);
    expect(staffPage.body).toContain('3-gesprek');
    expect(staffPage.body).toContain('Dr. Sara Jansen (Huisartsenpraktijk De Linde) is bij het gesprek');
    expect(staffPage.body).toContain('bij de verwijzer: Huisartsenpraktijk De Linde, Lindestraat 4, Arnhem');
    expect(staffPage.body).toContain('Wat de verwijzer al deed');

    // The status link is no manage link, and the manage link does not open the status page.
    expect((await c.get(`/afspraak/${statusPath!.split('/').pop()}`)).statusCode).toBe(404);
    expect((await c.get(`/verwijzen/status/${manageToken}`)).statusCode).toBe(404);
  });

  it('lets the resident move a 3-gesprek at the practice to their home with their own link', async () => {
    const c = new Client(t.app);
    await referAndBook(c, w.slot('10:30'), { place: 'referrer', location: 'Praktijk De Linde, Lindestraat 4' });
    const residentMail = (await outbox(t.app)).find((m) => m.to_address === 'anna@example.nl')!;
    const manage = /\/afspraak\/[A-Za-z0-9_-]{43}/.exec(residentMail.body_text!)![0];
    const resident = new Client(t.app);
    // The resident's own page names the practice, not the team's office.
    const before = await resident.get(manage);
    expect(before.body).toContain('Bij de verwijzer: Praktijk De Linde, Lindestraat 4');
    expect(before.body).not.toContain('Op het kantoor van het wijkteam');
    const moved = await resident.submit(`${manage}/verzetten`, { slot: w.slot('09:00'), mode: 'home' });
    expect(moved.statusCode, moved.body.slice(0, 500)).toBe(303);
    const appt = await t.app.db.selectFrom('appointment').select(['mode', 'referrer_joins']).executeTakeFirstOrThrow();
    expect(appt).toEqual({ mode: 'home', referrer_joins: true });
    const mail = (await outbox(t.app)).filter((m) => m.to_address === 'anna@example.nl').pop()!;
    expect(mail.subject).toContain('verzet');
    expect(mail.body_text).toContain('bij u thuis, Steenstraat 12a');
    expect(mail.body_text).not.toContain('Lindestraat');
  });

  it('books at the resident home with the referrer joining by choice, and without a 3-gesprek', async () => {
    const c = new Client(t.app);
    expect((await referAndBook(c, w.slot('09:00'), { place: 'home', threeWay: 'yes' })).headers.location).toBe(
      '/verwijzen/bevestiging',
    );
    const c2 = new Client(t.app);
    expect(
      (
        await referAndBook(
          c2,
          w.slot('10:30'),
          { place: 'phone' },
          { resident: { email: 'piet@example.nl', name: 'Piet Smit' } },
        )
      ).headers.location,
    ).toBe('/verwijzen/bevestiging');
    const rows = await t.app.db
      .selectFrom('appointment')
      .select(['mode', 'referrer_joins', 'referrer_location'])
      .orderBy('starts_at')
      .execute();
    expect(rows).toEqual([
      { mode: 'home', referrer_joins: true, referrer_location: null },
      { mode: 'phone', referrer_joins: false, referrer_location: null },
    ]);
  });

  it('lets the team call the resident: a call-back in the team queue, channel referrer', async () => {
    const c = new Client(t.app);
    expect(await fillUntilNext(c)).toBe('/verwijzen/vervolg');
    expect((await c.submit('/verwijzen/vervolg', { next: 'callback' })).headers.location).toBe(
      '/verwijzen/controleren',
    );
    const check = await c.get('/verwijzen/controleren');
    expect(check.body).toContain('Het wijkteam belt de inwoner binnen 2 werkdagen');
    expect(check.body).toContain('href="/verwijzen/vervolg"');
    const res = await c.submit('/verwijzen/controleren', {});
    expect(res.headers.location).toBe('/verwijzen/bevestiging');
    const page = await c.get('/verwijzen/bevestiging');
    expect(page.body).toContain('Wijkteam Centrum belt de inwoner binnen 2 werkdagen');
    const r = await t.app.db.selectFrom('request').selectAll().executeTakeFirstOrThrow();
    expect(r).toMatchObject({ status: 'callback', channel: 'referrer', team_id: w.teamId, urgent_24h: false });
    expect(await t.app.db.selectFrom('appointment').selectAll().execute()).toEqual([]);
    const mails = await outbox(t.app);
    const team = await t.app.db.selectFrom('team').select('email').where('id', '=', w.teamId).executeTakeFirstOrThrow();
    expect(mails.map((m) => m.to_address).sort()).toEqual(
      ['anna@example.nl', 'sara.jansen@delinde.nl', team.email].sort(),
    );
    const teamMail = mails.find((m) => m.subject.startsWith('Aanmelding via een verwijzer'))!;
    expect(teamMail.body_text).toContain('/medewerker/wachtrij');
    expect(teamMail.body_text).not.toContain(QUESTION);
    expect(mails.find((m) => m.to_address === 'anna@example.nl')!.body_text).toContain(
      'U bent aangemeld door Dr. Sara Jansen',
    );
    // The team's queue lists it as a call-back.
    const coach = await makeLogin(t.app, w.teamId, 'coach');
    const queue = await (await loggedIn(t.app, coach.email)).get('/medewerker/wachtrij');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('Anna de Vries');
  });

  it('stops without consent, explains what the resident can do, and stores nothing', async () => {
    const c = new Client(t.app);
    expect((await c.submit('/verwijzen', aboutHuisarts)).statusCode).toBe(303);
    const before = await counts(t.app);
    expect(before.draft).toBe(1);
    const res = await c.submit('/verwijzen/toestemming', {
      consent: 'no',
      consentForm: '',
      consentDate: '',
      feedback: '',
      noConsentReason: '',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/verwijzen/geen-toestemming');
    const page = await c.get('/verwijzen/geen-toestemming');
    expect(page.body).toContain('Zonder toestemming kunt u niemand aanmelden');
    expect(page.body).toContain('href="/aanmelden"');
    expect(page.body).toContain('We hebben niets bewaard');
    expect(await counts(t.app)).toEqual({ ...before, draft: 0 });
    expect(await counts(t.app)).toMatchObject({ resident: 0, request: 0, referrer: 0, outbox_message: 0 });
    // The later steps are out of reach: back to the start.
    expect((await c.get('/verwijzen/inwoner')).headers.location).toBe('/verwijzen');
    expect((await c.get('/verwijzen/controleren')).headers.location).toBe('/verwijzen');
  });

  it('lets Veilig Thuis refer without consent, with the reason required and recorded', async () => {
    const c = new Client(t.app);
    await c.submit('/verwijzen', {
      ...aboutHuisarts,
      kind: 'veilig_thuis',
      organisation: 'Veilig Thuis Gelderland-Midden',
      agbCode: '',
    });
    const page = await c.get('/verwijzen/toestemming');
    expect(page.body).toContain('Zonder toestemming (alleen Veilig Thuis)');
    const missing = await c.submit('/verwijzen/toestemming', {
      consent: 'no',
      consentForm: '',
      consentDate: '',
      feedback: '',
      noConsentReason: '  ',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Schrijf op waarom u aanmeldt zonder toestemming.');
    expect(missing.body).toMatch(/<input type="radio" id="consent-no" name="consent" value="no" checked>/);
    const reason = 'Kind is niet veilig; ouders weigeren hulp';
    const ok = await c.submit('/verwijzen/toestemming', {
      consent: 'no',
      consentForm: '',
      consentDate: '',
      feedback: '',
      noConsentReason: reason,
    });
    expect(ok.headers.location).toBe('/verwijzen/inwoner');
    await c.submit('/verwijzen/inwoner', {
      name: 'Kees Bos',
      phone: '06 87654321',
      email: 'kees@example.nl',
      postcode: '6812 CD',
      houseNumber: '3',
      street: 'Bospad',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '',
    });
    await c.submit('/verwijzen/vraag', {
      question: 'Zorgen om de kinderen',
      done: '',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    await c.submit('/verwijzen/vervolg', { next: 'callback' });
    expect((await c.submit('/verwijzen/controleren', {})).headers.location).toBe('/verwijzen/bevestiging');
    const conf = await c.get('/verwijzen/bevestiging');
    expect(conf.body).toContain('De inwoner wil geen terugkoppeling');
    expect(conf.body).not.toContain('/verwijzen/status/');
    const r = await t.app.db
      .selectFrom('request')
      .innerJoin('referrer', 'referrer.id', 'request.referrer_id')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(r).toMatchObject({
      kind: 'veilig_thuis',
      consent_referrer_form: 'none_veilig_thuis',
      no_consent_reason: reason,
      consent_referrer_at: null,
      consent_processing_at: null,
      consent_feedback: false,
      referrer_token_hash: null,
      status: 'callback',
    });
    const refMail = (await outbox(t.app)).find((m) => m.to_address === 'sara.jansen@delinde.nl')!;
    expect(refMail.body_text).not.toContain('/verwijzen/status/');
  });

  it('shows 112 and Veilig Thuis for danger now, and stores nothing', async () => {
    const c = new Client(t.app);
    expect(await fillUntilNext(c, { question: { dangerNow: 'yes' } })).toBe('/verwijzen/gevaar');
    const page = await c.get('/verwijzen/gevaar');
    expect(page.body).toContain('href="tel:112"');
    expect(page.body).toContain('href="tel:08002000"');
    expect((await c.get('/verwijzen/vervolg')).headers.location).toBe('/verwijzen/gevaar');
    expect((await c.get('/verwijzen/controleren')).headers.location).toBe('/verwijzen/gevaar');
    expect(await counts(t.app)).toMatchObject({ resident: 0, request: 0, referrer: 0, outbox_message: 0 });
  });

  it('sends an urgent referral straight to a call-back today, without the calendar', async () => {
    const c = new Client(t.app);
    expect(await fillUntilNext(c, { question: { urgent24h: 'yes' } })).toBe('/verwijzen/controleren');
    expect((await c.get('/verwijzen/moment')).headers.location).toBe('/verwijzen/controleren');
    const check = await c.get('/verwijzen/controleren');
    expect(check.body).toContain('Het is dringend: het wijkteam belt de inwoner vandaag.');
    await c.submit('/verwijzen/controleren', {});
    expect((await c.get('/verwijzen/bevestiging')).body).toContain('Het wijkteam belt de inwoner vandaag nog.');
    const r = await t.app.db.selectFrom('request').selectAll().executeTakeFirstOrThrow();
    expect(r).toMatchObject({ status: 'callback', urgent_24h: true, safety_flag: true, channel: 'referrer' });
    expect((await outbox(t.app)).some((m) => m.subject.startsWith('DRINGEND: aanmelding via een verwijzer'))).toBe(
      true,
    );
  });

  it('sends a postcode outside every area without a team, with a clear route', async () => {
    const c = new Client(t.app);
    expect(await fillUntilNext(c, { resident: { postcode: '9999 ZZ' } })).toBe('/verwijzen/controleren');
    expect((await c.get('/verwijzen/vraag')).body).toContain('Postcode 9999 ZZ hoort niet bij een van onze wijkteams.');
    await c.submit('/verwijzen/controleren', {});
    expect((await c.get('/verwijzen/bevestiging')).body).toContain('We zoeken uit welk team de inwoner helpt.');
    const r = await t.app.db.selectFrom('request').selectAll().executeTakeFirstOrThrow();
    expect(r).toMatchObject({ team_id: null, status: 'callback', channel: 'referrer' });
  });

  it('finds the stored referral again on a repeated submit (a double click)', async () => {
    const c = new Client(t.app);
    await fillUntilNext(c);
    await c.submit('/verwijzen/vervolg', { next: 'book' });
    await c.submit('/verwijzen/moment', { slot: w.slot('09:00'), place: 'home', threeWay: '', location: '' });
    const token = csrfFrom((await c.get('/verwijzen/controleren')).body);
    const first = await c.post('/verwijzen/controleren', { _csrf: token });
    const second = await c.post('/verwijzen/controleren', { _csrf: token });
    expect([first.headers.location, second.headers.location]).toEqual([
      '/verwijzen/bevestiging',
      '/verwijzen/bevestiging',
    ]);
    expect((await c.get('/verwijzen/bevestiging')).body).toMatch(/href="\/verwijzen\/status\/[A-Za-z0-9_-]{43}"/);
    expect(await counts(t.app)).toMatchObject({ request: 1, referrer: 1, appointment: 1, outbox_message: 5 });
  });

  it('offers the nearest times when the chosen one was taken meanwhile, keeping what was typed', async () => {
    const c = new Client(t.app);
    expect(await fillUntilNext(c)).toBe('/verwijzen/vervolg');
    await c.submit('/verwijzen/vervolg', { next: 'book' });
    await c.submit('/verwijzen/moment', { slot: w.slot('09:00'), place: 'home', threeWay: '', location: '' });
    // A resident takes 09:00 first.
    const other = new Client(t.app);
    await other.submit('/aanmelden', { postcode: '6811AB', houseNumber: '1' });
    await other.submit('/aanmelden/vraag', { question: 'Hulp', about: 'self', dangerNow: 'no', urgent24h: 'no' });
    await other.submit('/aanmelden/moment', { slot: w.slot('09:00'), mode: 'home' });
    await other.submit('/aanmelden/gegevens', {
      name: 'Eerste',
      email: 'eerste@example.nl',
      phone: '',
      street: 'Straat',
      city: '',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      consent: 'yes',
    });
    expect((await other.submit('/aanmelden/controleren', {})).headers.location).toBe('/aanmelden/bevestiging');
    const taken = await c.submit('/verwijzen/controleren', {});
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('Dit moment is net door iemand anders gekozen');
    expect(taken.body).toContain('10:30–11:30');
    const res = await c.submit('/verwijzen/controleren', { slot: w.slot('10:30') });
    expect(res.headers.location).toBe('/verwijzen/bevestiging');
    const appts = await t.app.db.selectFrom('appointment').select('starts_at').orderBy('starts_at').execute();
    expect(appts.map((a) => a.starts_at.toISOString())).toEqual([
      at('2026-12-08T09:00').toISOString(),
      at('2026-12-08T10:30').toISOString(),
    ]);
  });

  it('keeps a school IB-er with their role, and only lets huisartsen give an AGB code', async () => {
    const c = new Client(t.app);
    const school = {
      kind: 'school',
      schoolRole: 'ib',
      organisation: 'Basisschool De Regenboog',
      referrerName: 'Marleen Visser',
      referrerPhone: '026 222 3333',
      referrerEmail: 'm.visser@regenboog.nl',
      agbCode: '',
    };
    expect(await fillUntilNext(c, { about: school })).toBe('/verwijzen/vervolg');
    await c.submit('/verwijzen/vervolg', { next: 'callback' });
    await c.submit('/verwijzen/controleren', {});
    const ref = await t.app.db.selectFrom('referrer').selectAll().executeTakeFirstOrThrow();
    expect(ref).toMatchObject({ kind: 'school', school_role: 'ib', agb_code: null });
  });
});
