// The staff appointment page and its actions, through app.inject() on the real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');
// When the cases below signed up, unless a case says otherwise.
const SUBMITTED = at('2026-11-20T12:00');
const QUESTION = 'Mijn zoon gaat niet meer naar school en ik weet niet wat ik moet doen';

type Row = Record<string, unknown>;

describe('appointment page', () => {
  let t: TestApp;
  let coach: Client;
  let lead: Client;
  let otherCoach: Client;
  const id: Record<string, number> = {};

  async function makeCase(o: {
    block: number;
    start: string;
    end: string;
    resident?: Row;
    request?: Row;
    appointment?: Row;
    residentId?: number;
    teamId?: number;
  }) {
    const residentId =
      o.residentId ??
      (
        await t.app.db
          .insertInto('resident')
          .values({
            name: 'Anna de Vries',
            email: 'anna@example.nl',
            phone: '06 12345678',
            street: 'Steenstraat',
            house_number: '12a',
            postcode: '6811AB',
            city: 'Arnhem',
            ...o.resident,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const request = await t.app.db
      .insertInto('request')
      .values({
        resident_id: residentId,
        team_id: o.teamId ?? id.team!,
        channel: 'online',
        question: QUESTION,
        status: 'scheduled',
        submitted_at: SUBMITTED,
        ...o.request,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const appt = await t.app.db
      .insertInto('appointment')
      .values({
        request_id: request.id,
        block_id: o.block,
        starts_at: at(o.start),
        ends_at: at(o.end),
        manage_token_hash: newTokenHash(),
        ...o.appointment,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { residentId, requestId: request.id, appointmentId: appt.id };
  }

  const appt = (appointmentId: number) =>
    t.app.db.selectFrom('appointment').selectAll().where('id', '=', appointmentId).executeTakeFirstOrThrow();
  const request = (requestId: number) =>
    t.app.db.selectFrom('request').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
  const page = (appointmentId: number) => `/medewerker/afspraken/${appointmentId}`;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum' });
    const teamB = await makeTeam(t.app.db, { name: 'Wijkteam Noord' });
    id.team = team.id;
    id.teamB = teamB.id;
    const me = await makeLogin(t.app, team.id, 'coach', 'Fatima El Amrani');
    const partner = await makeLogin(t.app, team.id, 'coach', 'Jeroen Bakker');
    const third = await makeLogin(t.app, team.id, 'coach', 'Sanne Visser');
    const teamlead = await makeLogin(t.app, team.id, 'teamlead', 'Petra Teamleider');
    const other = await makeLogin(t.app, teamB.id, 'coach', 'Karim Noord');
    const otherPartner = await makeLogin(t.app, teamB.id, 'coach', 'Lisa Noord');
    Object.assign(id, { me: me.id, partner: partner.id, third: third.id, teamlead: teamlead.id, other: other.id });

    const future = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T16:00'),
      coachIds: [me.id, partner.id],
    });
    const past = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-11-23T09:00'),
      end: at('2026-11-23T16:00'),
      coachIds: [me.id, partner.id],
    });
    const older = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-06-02T09:00'),
      end: at('2026-06-02T12:00'),
      coachIds: [me.id, third.id],
    });
    const blockB = await makeBlock(t.app.db, {
      teamId: teamB.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [other.id, otherPartner.id],
    });

    const referrer = await t.app.db
      .insertInto('referrer')
      .values({
        kind: 'huisarts',
        organisation: 'Huisartsenpraktijk Presikhaaf',
        name: 'Dr. Jansen',
        phone: '026 111 2222',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const main = await makeCase({
      block: future,
      start: '2026-12-08T09:00',
      end: '2026-12-08T10:00',
      resident: { language: 'ar', interpreter: true, date_of_birth: '1984-05-17' },
      request: {
        topics: ['parenting', 'money'],
        about: 'child',
        companion: 'mijn zus',
        referrer_id: referrer.id,
        channel: 'referrer',
        consent_referrer_at: at('2026-11-20T12:00'),
        consent_feedback: true,
      },
    });
    Object.assign(id, { main: main.appointmentId, mainRequest: main.requestId, resident: main.residentId });
    // Earlier requests of the same resident: one of this team (held, plan made) and one of another team.
    const earlier = await makeCase({
      block: older,
      start: '2026-06-02T09:00',
      end: '2026-06-02T10:00',
      residentId: main.residentId,
      request: { question: 'Eerdere vraag over huur', status: 'closed', submitted_at: at('2026-05-20T09:00') },
      appointment: { status: 'held', outcome: 'held', result: 'plan_made' },
    });
    id.earlierAppt = earlier.appointmentId;
    const elsewhere = await makeCase({
      block: blockB,
      start: '2026-12-08T11:00',
      end: '2026-12-08T12:00',
      residentId: main.residentId,
      teamId: teamB.id,
      request: { question: 'Vraag bij het andere team', submitted_at: at('2026-04-01T09:00') },
    });
    id.teamBAppt = elsewhere.appointmentId;
    id.teamBRequest = elsewhere.requestId;

    const p1 = await makeCase({
      block: past,
      start: '2026-11-23T09:00',
      end: '2026-11-23T10:00',
      resident: { name: 'Bert Gehouden' },
    });
    Object.assign(id, { pastHeld: p1.appointmentId, pastHeldRequest: p1.requestId });
    const p2 = await makeCase({
      block: past,
      start: '2026-11-23T10:30',
      end: '2026-11-23T11:30',
      resident: { name: 'Cor Nietgekomen' },
    });
    Object.assign(id, { pastNoShow: p2.appointmentId, pastNoShowRequest: p2.requestId });
    const p3 = await makeCase({
      block: past,
      start: '2026-11-23T12:00',
      end: '2026-11-23T13:00',
      resident: { name: 'Dina Veilig' },
      request: { safety_flag: true, urgent_24h: true },
    });
    Object.assign(id, { safety: p3.appointmentId, safetyRequest: p3.requestId });
    const f2 = await makeCase({
      block: future,
      start: '2026-12-08T10:30',
      end: '2026-12-08T11:30',
      resident: { name: 'Eva Zonderadres', street: null, phone: null },
      appointment: { mode: 'office' },
    });
    id.noContact = f2.appointmentId;
    const f3 = await makeCase({
      block: future,
      start: '2026-12-08T12:00',
      end: '2026-12-08T13:00',
      resident: { name: 'Frank Zondermail', email: null },
    });
    id.noEmail = f3.appointmentId;
    // A call-back request without an appointment (closed on its own page).
    const cb = await t.app.db
      .insertInto('request')
      .values({
        resident_id: main.residentId,
        team_id: team.id,
        channel: 'phone',
        question: 'Bel mij terug',
        status: 'callback',
        submitted_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    id.callbackRequest = cb.id;

    coach = await loggedIn(t.app, me.email);
    lead = await loggedIn(t.app, teamlead.email);
    otherCoach = await loggedIn(t.app, other.email);
  });
  afterAll(async () => t.close());

  describe('viewing', () => {
    it('shows the question and everything around it to the own team', async () => {
      const res = await coach.get(page(id.main!));
      expect(res.statusCode).toBe(200);
      const html = res.body;
      for (const text of [
        QUESTION,
        'Opvoeden en kinderen, Geld en schulden',
        'Voor mijn kind',
        'dinsdag 8 december 2026, 09:00–10:00',
        'Huisbezoek: Steenstraat 12a, 6811 AB Arnhem',
        'href="tel:0612345678"',
        'anna@example.nl',
        'Arabisch; tolk nodig',
        'mijn zus',
        '17 mei 1984',
        'Huisartsenpraktijk Presikhaaf',
        'Dr. Jansen',
        'Huisarts',
        'Gegeven op vrijdag 20 november 2026',
        'Fatima El Amrani &amp; Jeroen Bakker',
        'via een verwijzer',
        'Eerdere vraag over huur',
        'Plan gemaakt',
        `href="/medewerker/afspraken/${id.earlierAppt}"`,
        'Bij Wijkteam Noord',
      ])
        expect(html, text).toContain(text);
      // Another team's earlier question stays hidden.
      expect(html).not.toContain('Vraag bij het andere team');
      expect(html).not.toContain(`/medewerker/afspraken/${id.teamBAppt}`);
      // The page is not cached.
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('writes an audit event for every view', async () => {
      const count = async () =>
        await t.app.db
          .selectFrom('audit_event')
          .selectAll()
          .where('action', '=', 'case_viewed')
          .where('subject_type', '=', 'request')
          .where('subject_id', '=', (eb) =>
            eb.selectFrom('appointment').select('request_id').where('id', '=', id.noContact!),
          )
          .execute();
      expect(await count()).toHaveLength(0);
      await coach.get(page(id.noContact!));
      await lead.get(page(id.noContact!));
      const events = await count();
      expect(events).toHaveLength(2);
      expect(events.map((e) => e.actor_staff_id).sort()).toEqual([id.me, id.teamlead].sort());
      for (const e of events) {
        expect(e.team_id).toBe(id.team);
        expect(e.detail).toEqual({ page: 'appointment' });
      }
    });

    it('is a 404 for another team, and for roles without case access a 403', async () => {
      const before = await t.app.db
        .selectFrom('audit_event')
        .select('id')
        .where('action', '=', 'case_viewed')
        .where('actor_staff_id', '=', id.other!)
        .execute();
      const res = await otherCoach.get(page(id.main!));
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain(QUESTION);
      expect((await otherCoach.get('/medewerker/afspraken/999999')).statusCode).toBe(404);
      expect((await otherCoach.get('/medewerker/afspraken/abc')).statusCode).toBe(404);
      const after = await t.app.db
        .selectFrom('audit_event')
        .select('id')
        .where('action', '=', 'case_viewed')
        .where('actor_staff_id', '=', id.other!)
        .execute();
      expect(after).toHaveLength(before.length);
      for (const role of ['frontoffice', 'admin'] as const) {
        const u = await makeLogin(t.app, null, role);
        const c = await loggedIn(t.app, u.email);
        const r = await c.get(page(id.main!));
        expect(r.statusCode).toBe(403);
        expect(r.body).not.toContain(QUESTION);
      }
      // Actions of another team are 404 too, and change nothing.
      const post = await otherCoach.submit('/medewerker/agenda', {}, `${page(id.main!)}/gebeld`);
      expect(post.statusCode).toBe(404);
      expect((await appt(id.main!)).called_at).toBeNull();
    });
  });

  describe('called before the visit', () => {
    it('needs a note, keeps what was typed, and saves the call', async () => {
      let res = await coach.submit(page(id.main!), { callNote: '   ' }, `${page(id.main!)}/gebeld`);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Schrijf kort op wat er besproken is.');
      expect(res.body).toMatch(/<textarea[^>]*id="callNote"[^>]*aria-invalid="true"/);
      const long = 'x'.repeat(2001);
      res = await coach.submit(page(id.main!), { callNote: long }, `${page(id.main!)}/gebeld`);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('De notitie is te lang.');
      expect(res.body).toContain(`>${long}</textarea>`);
      expect((await appt(id.main!)).called_at).toBeNull();

      res = await coach.submit(
        page(id.main!),
        { callNote: 'Afspraak blijft staan; zus is erbij.' },
        `${page(id.main!)}/gebeld`,
      );
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`${page(id.main!)}?klaar=gebeld`);
      const a = await appt(id.main!);
      expect(a.called_at?.toISOString()).toBe(NOW.toISOString());
      expect(a.call_note).toBe('Afspraak blijft staan; zus is erbij.');
      res = await coach.get(res.headers.location as string);
      expect(res.body).toContain('Opgeslagen: u heeft de inwoner gebeld.');
      expect(res.body).toContain('Gebeld op di 24 nov om 10:00: Afspraak blijft staan; zus is erbij.');
      const audits = await t.app.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'appointment_called')
        .where('subject_id', '=', id.main!)
        .execute();
      expect(audits).toHaveLength(1);
      expect(audits[0]!.actor_staff_id).toBe(id.me);
    });
  });

  describe('mode and going alone', () => {
    const vorm = (appointmentId: number, fields: Record<string, string>) =>
      coach.submit(page(appointmentId), fields, `${page(appointmentId)}/vorm`);

    it('refuses bad input with a message at the field, keeping the choice', async () => {
      let res = await vorm(id.main!, { mode: 'boot', solo: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies een vorm: huisbezoek, op kantoor, telefonisch of video.');
      res = await vorm(id.main!, { mode: 'phone', solo: String(id.third) });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies een wijkcoach van dit blok');
      expect(res.body).toMatch(/<option value="phone" selected>/);
      expect(res.body).toMatch(new RegExp(`<select[^>]*id="solo"[^>]*aria-invalid="true"`));
      res = await vorm(id.main!, { mode: 'home', solo: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('U heeft niets veranderd.');
      // Without an address, phone or e-mail some modes are not possible.
      res = await vorm(id.noContact!, { mode: 'phone', solo: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Er is geen telefoonnummer van de inwoner bekend.');
      res = await vorm(id.noContact!, { mode: 'home', solo: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Er is geen adres van de inwoner bekend.');
      res = await vorm(id.noEmail!, { mode: 'video', solo: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Er is geen e-mailadres van de inwoner bekend.');
      const a = await appt(id.main!);
      expect(a.mode).toBe('home');
      expect(a.solo_coach_id).toBeNull();
    });

    it('lets one coach go alone without mailing the resident; the partner is told', async () => {
      const before = await t.app.db.selectFrom('outbox_message').select('id').execute();
      const res = await vorm(id.main!, { mode: 'home', solo: String(id.partner) });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`${page(id.main!)}?klaar=vorm`);
      expect((await appt(id.main!)).solo_coach_id).toBe(id.partner);
      const partner = await t.app.db
        .selectFrom('staff_user')
        .select('email')
        .where('id', '=', id.partner!)
        .executeTakeFirstOrThrow();
      const mails = await t.app.db
        .selectFrom('outbox_message')
        .selectAll()
        .where('id', 'not in', before.length ? before.map((b) => b.id) : [0])
        .execute();
      expect(mails.map((m) => m.to_address)).toEqual([partner.email]);
      expect(mails[0]!.subject).toContain('Afspraak gewijzigd');
      expect(mails[0]!.body_text).toContain('Jeroen gaat alleen.');
      expect(mails[0]!.body_text).not.toContain(QUESTION);
      const shown = await coach.get(res.headers.location as string);
      expect(shown.body).toContain('Alleen Jeroen Bakker');
    });

    it('mails the resident when the mode (the place) changes', async () => {
      const before = await t.app.db.selectFrom('outbox_message').select('id').execute();
      const res = await vorm(id.main!, { mode: 'phone', solo: String(id.partner) });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`${page(id.main!)}?klaar=vorm-gemaild`);
      expect((await appt(id.main!)).mode).toBe('phone');
      const mails = await t.app.db
        .selectFrom('outbox_message')
        .selectAll()
        .where('id', 'not in', before.length ? before.map((b) => b.id) : [0])
        .execute();
      // The resident, and the partner coach (the one who did not make the change).
      expect(mails).toHaveLength(2);
      expect(mails[0]!.to_address).toBe('anna@example.nl');
      expect(mails[0]!.subject).toContain('Er is iets veranderd aan uw afspraak');
      expect(mails[0]!.body_text).toContain('telefonisch: wij bellen u');
      expect(mails[0]!.body_text).not.toContain(QUESTION);
      expect(mails[0]!.ics).toContain('BEGIN:VEVENT');
      const audit = await t.app.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'appointment_mode_changed')
        .where('subject_id', '=', id.main!)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(audit.detail).toMatchObject({ from: 'home', to: 'phone' });
      const shown = await coach.get(res.headers.location as string);
      expect(shown.body).toContain('De inwoner krijgt een e-mail met de nieuwe gegevens.');
    });

    it('cannot change a conversation that has started', async () => {
      const res = await vorm(id.pastHeld!, { mode: 'phone', solo: '' });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('Het gesprek is al begonnen of voorbij.');
      expect((await appt(id.pastHeld!)).mode).toBe('home');
    });
  });

  describe('outcome', () => {
    const uitkomst = (appointmentId: number, fields: Record<string, string>) =>
      coach.submit(page(appointmentId), fields, `${page(appointmentId)}/uitkomst`);

    it('is only possible once the conversation has started', async () => {
      const shown = await coach.get(page(id.main!));
      expect(shown.body).toContain('Na het gesprek legt u hier vast hoe het ging.');
      expect(shown.body).not.toContain(`action="${page(id.main!)}/uitkomst"`);
      const res = await uitkomst(id.main!, { outcome: 'held', result: 'advice_only' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Het gesprek is nog niet begonnen.');
      expect((await appt(id.main!)).status).toBe('booked');
    });

    it('refuses bad input and keeps the choice', async () => {
      let res = await uitkomst(id.pastHeld!, { outcome: '', result: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies wat er is gebeurd.');
      res = await uitkomst(id.pastHeld!, { outcome: 'held', result: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Het gesprek is gehouden. Kies het resultaat.');
      expect(res.body).toMatch(/<option value="held" selected>/);
      res = await uitkomst(id.pastHeld!, { outcome: 'held', result: 'iets' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies een resultaat uit de lijst.');
      expect((await appt(id.pastHeld!)).status).toBe('booked');
    });

    it('registers a held conversation with a plan on the appointment and the request', async () => {
      const res = await uitkomst(id.pastHeld!, { outcome: 'held', result: 'plan_made' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`${page(id.pastHeld!)}?klaar=uitkomst`);
      const a = await appt(id.pastHeld!);
      expect(a).toMatchObject({ status: 'held', outcome: 'held', result: 'plan_made' });
      expect(a.outcome_at?.toISOString()).toBe(NOW.toISOString());
      const r = await request(id.pastHeldRequest!);
      expect(r.status).toBe('held');
      expect(r.first_contact_at?.toISOString()).toBe(at('2026-11-23T09:00').toISOString());
      expect(r.plan_at?.toISOString()).toBe(at('2026-11-23T09:00').toISOString());
      const shown = await coach.get(res.headers.location as string);
      expect(shown.body).toContain('Vastgelegd: Gesprek gehouden');
      expect(shown.body).toContain('Resultaat: Plan gemaakt.');
      // Once.
      const again = await uitkomst(id.pastHeld!, { outcome: 'no_show', result: '' });
      expect(again.statusCode).toBe(409);
      expect((await appt(id.pastHeld!)).status).toBe('held');
    });

    it('registers a no-show without a first contact', async () => {
      const res = await uitkomst(id.pastNoShow!, { outcome: 'no_show', result: 'advice_only' });
      expect(res.statusCode).toBe(303);
      const a = await appt(id.pastNoShow!);
      expect(a).toMatchObject({ status: 'no_show', outcome: 'no_show', result: null });
      const r = await request(id.pastNoShowRequest!);
      expect(r.status).toBe('scheduled');
      expect(r.first_contact_at).toBeNull();
      const audit = await t.app.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'appointment_outcome')
        .where('subject_id', '=', id.pastNoShow!)
        .executeTakeFirstOrThrow();
      expect(audit.detail).toMatchObject({ outcome: 'no_show' });
    });
  });

  describe('lead coach (regie)', () => {
    it('is set to a coach of the team, on the request and the resident', async () => {
      const regie = (fields: Record<string, string>) => coach.submit(page(id.main!), fields, `${page(id.main!)}/regie`);
      let res = await regie({ leadCoach: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies een wijkcoach van uw team.');
      res = await regie({ leadCoach: String(id.other) });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies een wijkcoach van uw team.');
      expect((await request(id.mainRequest!)).lead_coach_id).toBeNull();
      res = await regie({ leadCoach: String(id.third) });
      expect(res.statusCode).toBe(303);
      expect((await request(id.mainRequest!)).lead_coach_id).toBe(id.third);
      const resident = await t.app.db
        .selectFrom('resident')
        .select('lead_coach_id')
        .where('id', '=', id.resident!)
        .executeTakeFirstOrThrow();
      expect(resident.lead_coach_id).toBe(id.third);
      const shown = await coach.get(res.headers.location as string);
      expect(shown.body).toContain('Opgeslagen: de regie is aangepast.');
      expect(shown.body).toMatch(new RegExp(`<option value="${id.third}" selected>Sanne Visser</option>`));
    });
  });

  describe('closing a request', () => {
    const close = (c: Client, appointmentId: number, requestId: number, note: string) =>
      c.submit(
        page(appointmentId),
        { closeNote: note, appointmentId: String(appointmentId) },
        `/medewerker/aanvragen/${requestId}/sluiten`,
      );

    it('needs a note, and waits for a planned appointment', async () => {
      let res = await close(coach, id.pastHeld!, id.pastHeldRequest!, '');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Schrijf kort op waarom u de aanvraag afsluit.');
      expect(res.body).toContain(QUESTION); // answered on the appointment page
      res = await close(coach, id.main!, id.mainRequest!, 'Opgelost');
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('Er staat nog een afspraak gepland.');
      expect(res.body).toContain('>Opgelost</textarea>');
      expect((await request(id.mainRequest!)).status).toBe('scheduled');
    });

    it('closes with a note', async () => {
      const res = await close(coach, id.pastHeld!, id.pastHeldRequest!, 'Plan gemaakt, verder via schuldhulp.');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`${page(id.pastHeld!)}?klaar=gesloten`);
      const r = await request(id.pastHeldRequest!);
      expect(r).toMatchObject({
        status: 'closed',
        closed_by: id.me,
        close_note: 'Plan gemaakt, verder via schuldhulp.',
      });
      expect(r.closed_at?.toISOString()).toBe(NOW.toISOString());
      const shown = await coach.get(res.headers.location as string);
      expect(shown.body).toContain('De aanvraag is afgesloten.');
      expect(shown.body).toContain('Afgesloten op dinsdag 24 november 2026 door Fatima El Amrani.');
      const again = await close(coach, id.pastHeld!, id.pastHeldRequest!, 'nog eens');
      expect(again.statusCode).toBe(409);
    });

    it('lets only a team lead close a safety-flagged request', async () => {
      const shown = await coach.get(page(id.safety!));
      expect(shown.body).toContain('Alleen een teamleider kan hem afsluiten. Overleg met uw teamleider.');
      expect(shown.body).not.toContain(`action="/medewerker/aanvragen/${id.safetyRequest}/sluiten"`);
      let res = await close(coach, id.safety!, id.safetyRequest!, 'Klaar');
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain(
        'Deze aanvraag heeft een veiligheidssignaal. Alleen een teamleider kan hem afsluiten.',
      );
      expect((await request(id.safetyRequest!)).status).toBe('scheduled');
      res = await close(lead, id.safety!, id.safetyRequest!, 'Besproken in het team; Veilig Thuis is betrokken.');
      expect(res.statusCode).toBe(303);
      expect(await request(id.safetyRequest!)).toMatchObject({ status: 'closed', closed_by: id.teamlead });
    });

    it("closes a request without an appointment on its own page, and not another team's", async () => {
      const url = `/medewerker/aanvragen/${id.callbackRequest}/sluiten`;
      let res = await coach.get(url);
      expect(res.statusCode).toBe(200);
      res = await coach.submit(url, { closeNote: '' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Schrijf kort op waarom u de aanvraag afsluit.');
      res = await coach.submit(url, { closeNote: 'Teruggebeld, advies gegeven.' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`${url}?klaar=gesloten`);
      expect((await coach.get(res.headers.location as string)).body).toContain('De aanvraag is afgesloten.');
      expect((await request(id.callbackRequest!)).status).toBe('closed');
      expect((await otherCoach.get(url)).statusCode).toBe(404);
      const direct = await coach.submit(
        page(id.main!),
        { closeNote: 'x' },
        `/medewerker/aanvragen/${id.teamBRequest}/sluiten`,
      );
      expect(direct.statusCode).toBe(404);
      expect((await request(id.teamBRequest!)).status).toBe('scheduled');
    });
  });
});
