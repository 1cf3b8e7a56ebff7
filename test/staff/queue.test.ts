// The queues: call-backs (urgent first, oldest first), sign-ups without a team, assigning them
// to a team, and recording a call-back; who sees what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import type { Client } from '../helpers/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { addWorkingDays, callbackDue } from '../../src/features/queue/service.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

describe('queues', () => {
  let t: TestApp;
  let teamA: number;
  let teamB: number;
  let coachA: Client;
  let coachB: Client;
  let leadA: Client;
  let front: Client;
  let frontId: number;
  let coachAId: number;
  const ids: Record<string, number> = {};

  async function request(
    key: string,
    fields: {
      teamId: number | null;
      status: 'new' | 'callback';
      urgent?: boolean;
      submitted: string;
      name: string;
      phone?: string;
      postcode?: string;
    },
  ) {
    const resident = await t.app.db
      .insertInto('resident')
      .values({ name: fields.name, phone: fields.phone ?? '06 12345678', postcode: fields.postcode ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const r = await t.app.db
      .insertInto('request')
      .values({
        resident_id: resident.id,
        team_id: fields.teamId,
        channel: 'online',
        question: `Vraag van ${fields.name}`,
        status: fields.status,
        urgent_24h: fields.urgent ?? false,
        safety_flag: fields.urgent ?? false,
        submitted_at: at(fields.submitted),
        idempotency_key: randomUUID(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[key] = r.id;
  }

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    teamA = (await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' })).id;
    teamB = (await makeTeam(t.app.db, { name: 'Wijkteam Noord' })).id;
    const ca = await makeLogin(t.app, teamA, 'coach', 'Fatima El Amrani');
    coachAId = ca.id;
    coachA = await loggedIn(t.app, ca.email);
    coachB = await loggedIn(t.app, (await makeLogin(t.app, teamB, 'coach')).email);
    leadA = await loggedIn(t.app, (await makeLogin(t.app, teamA, 'teamlead')).email);
    const f = await makeLogin(t.app, null, 'frontoffice');
    frontId = f.id;
    front = await loggedIn(t.app, f.email);
    await request('a1', {
      teamId: teamA,
      status: 'callback',
      urgent: true,
      submitted: '2026-11-24T07:00',
      name: 'Anna Urgent-Nieuw',
      phone: '06 11111111',
    });
    await request('a2', {
      teamId: teamA,
      status: 'callback',
      urgent: true,
      submitted: '2026-11-23T04:00',
      name: 'Bram Urgent-Oud',
      phone: '06 22222222',
    });
    await request('a3', { teamId: teamA, status: 'callback', submitted: '2026-11-23T10:00', name: 'Cor Gewoon-Nieuw' });
    await request('a4', { teamId: teamA, status: 'callback', submitted: '2026-11-18T09:00', name: 'Dina Gewoon-Oud' });
    await request('a5', { teamId: teamA, status: 'new', submitted: '2026-11-20T09:00', name: 'Eva Zonder-Afspraak' });
    await request('b1', {
      teamId: teamB,
      status: 'callback',
      urgent: true,
      submitted: '2026-11-24T08:00',
      name: 'Frank Ander-Team',
    });
    await request('u1', {
      teamId: null,
      status: 'new',
      submitted: '2026-11-20T09:00',
      name: 'Gijs Geen-Team',
      postcode: '9999ZZ',
    });
    await request('u2', {
      teamId: null,
      status: 'callback',
      urgent: true,
      submitted: '2026-11-22T09:00',
      name: 'Hanna Geen-Team-Urgent',
      postcode: '6811AB',
    });
    await request('u3', { teamId: null, status: 'new', submitted: '2026-11-21T09:00', name: 'Ivo Geen-Team' });
  });
  afterAll(async () => t.close());

  const order = (html: string, names: string[]) => names.map((n) => html.indexOf(n));

  it('shows a coach the own team: urgent call-backs first, oldest first, with phone and time since', async () => {
    const res = await coachA.get('/medewerker/wachtrij');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    const pos = order(html, [
      'Bram Urgent-Oud',
      'Anna Urgent-Nieuw',
      'Dina Gewoon-Oud',
      'Cor Gewoon-Nieuw',
      'Eva Zonder-Afspraak',
    ]);
    expect(pos.every((p) => p > 0)).toBe(true);
    expect([...pos].sort((a, b) => a - b)).toEqual(pos);
    expect(html).toContain('href="tel:0622222222">06 22222222</a>');
    expect(html).toContain('(3 uur geleden)');
    expect(html).toContain('(1 dag geleden)');
    // Bram's 24 hours are over (Mon 10:00 + 24 h), Dina's 2 working days too; Cor has until Wed 10:00.
    const bram = html.slice(html.indexOf('Bram Urgent-Oud'), html.indexOf('Anna Urgent-Nieuw'));
    expect(bram).toContain('<strong>Te laat</strong>');
    const cor = html.slice(html.indexOf('Cor Gewoon-Nieuw'), html.indexOf('Eva Zonder-Afspraak'));
    expect(cor).toContain('wo 25 nov, 10:00');
    expect(cor).not.toContain('Te laat');
    expect(html).toContain('Bel hen binnen 2 werkdagen.');
    // No other team's residents, no unassigned sign-ups, and never the question text.
    expect(html).not.toContain('Frank Ander-Team');
    expect(html).not.toContain('Geen-Team');
    expect(html).not.toContain('Vraag van');
    expect(html).toContain(`action="/medewerker/aanvragen/${ids.a1}/teruggebeld"`);
    expect(html).not.toContain('/toewijzen');
  });

  it('shows a team lead the unassigned sign-ups too, urgent first, with the postcode team suggested', async () => {
    const html = (await leadA.get('/medewerker/wachtrij')).body;
    const pos = order(html, ['Hanna Geen-Team-Urgent', 'Gijs Geen-Team', 'Ivo Geen-Team']);
    expect(pos.every((p) => p > 0)).toBe(true);
    expect([...pos].sort((a, b) => a - b)).toEqual(pos);
    expect(html).not.toContain('Frank Ander-Team');
    const hanna = html.slice(html.indexOf('Hanna Geen-Team-Urgent'), html.indexOf('Gijs Geen-Team'));
    expect(hanna).toContain(`<option value="${teamA}" selected>Wijkteam Centrum</option>`);
  });

  it('shows the front office every team, without the call-back action', async () => {
    const html = (await front.get('/medewerker/wachtrij')).body;
    expect(html).toContain('Frank Ander-Team');
    expect(html).toContain('Bram Urgent-Oud');
    expect(html).toContain('Gijs Geen-Team');
    expect(html).toContain('Wijkteam Noord');
    expect(html).not.toContain('/teruggebeld');
    expect(html).toContain(`action="/medewerker/aanvragen/${ids.u1}/toewijzen"`);
  });

  it('lets the front office assign an unassigned sign-up to a team, once', async () => {
    const res = await front.submit(
      '/medewerker/wachtrij',
      { teamId: String(teamB) },
      `/medewerker/aanvragen/${ids.u1}/toewijzen`,
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/medewerker/wachtrij?klaar=toegewezen');
    const row = await t.app.db
      .selectFrom('request')
      .select(['team_id', 'assigned_at'])
      .where('id', '=', ids.u1!)
      .executeTakeFirstOrThrow();
    expect(row.team_id).toBe(teamB);
    expect(row.assigned_at?.toISOString()).toBe(NOW.toISOString());
    const audit = await t.app.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'request_assigned')
      .where('subject_id', '=', ids.u1!)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_staff_id: frontId, team_id: teamB });
    const mail = await t.app.db
      .selectFrom('outbox_message')
      .selectAll()
      .where('subject', '=', 'Nieuwe aanmelding voor uw team')
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body_text).toContain('/medewerker/wachtrij');
    expect(mail[0]!.body_text).not.toContain('Gijs');
    // Now it is team B's: the coach of team B sees it as a sign-up without an appointment.
    expect((await coachB.get('/medewerker/wachtrij')).body).toContain('Gijs Geen-Team');
    expect((await front.get('/medewerker/wachtrij?klaar=toegewezen')).body).toContain(
      'De aanmelding is aan het team gegeven.',
    );
    // Assigning again is refused.
    const again = await front.submit(
      '/medewerker/wachtrij',
      { teamId: String(teamA) },
      `/medewerker/aanvragen/${ids.u1}/toewijzen`,
    );
    expect(again.statusCode).toBe(409);
  });

  it("lets a team lead assign unassigned sign-ups to any team, but never touch another team's request", async () => {
    const res = await leadA.submit(
      '/medewerker/wachtrij',
      { teamId: String(teamA) },
      `/medewerker/aanvragen/${ids.u2}/toewijzen`,
    );
    expect(res.statusCode).toBe(303);
    expect(
      await t.app.db.selectFrom('request').select('team_id').where('id', '=', ids.u2!).executeTakeFirstOrThrow(),
    ).toEqual({ team_id: teamA });
    const urgentMail = await t.app.db
      .selectFrom('outbox_message')
      .select('to_address')
      .where('subject', '=', 'Dringend: terugbelverzoek voor uw team')
      .execute();
    expect(urgentMail).toHaveLength(1);
    // The urgent call-back is now in team A's urgent list.
    const html = (await coachA.get('/medewerker/wachtrij')).body;
    expect(html.indexOf('Hanna Geen-Team-Urgent')).toBeGreaterThan(0);
    expect(html.indexOf('Hanna Geen-Team-Urgent')).toBeLessThan(html.indexOf('Cor Gewoon-Nieuw'));
    expect(
      (
        await leadA.submit(
          '/medewerker/wachtrij',
          { teamId: String(teamA) },
          `/medewerker/aanvragen/${ids.b1}/toewijzen`,
        )
      ).statusCode,
    ).toBe(404);
    expect(
      (
        await leadA.submit(
          '/medewerker/wachtrij',
          { teamId: String(teamB) },
          `/medewerker/aanvragen/${ids.a1}/toewijzen`,
        )
      ).statusCode,
    ).toBe(409);
    expect(
      (
        await coachA.submit(
          '/medewerker/wachtrij',
          { teamId: String(teamA) },
          `/medewerker/aanvragen/${ids.u3}/toewijzen`,
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await front.submit(
          '/medewerker/wachtrij',
          { teamId: String(teamA) },
          '/medewerker/aanvragen/99999999/toewijzen',
        )
      ).statusCode,
    ).toBe(404);
    expect(
      await t.app.db
        .selectFrom('request')
        .select('team_id')
        .where('id', 'in', [ids.b1!, ids.a1!, ids.u3!])
        .orderBy('id')
        .execute(),
    ).toEqual([{ team_id: teamA }, { team_id: teamB }, { team_id: null }]);
  });

  it('refuses a missing or unknown team next to the field, keeping the choice and storing nothing', async () => {
    const empty = await front.submit(
      '/medewerker/wachtrij',
      { teamId: '' },
      `/medewerker/aanvragen/${ids.u3}/toewijzen`,
    );
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain(`id="team-${ids.u3}-error"`);
    expect(empty.body).toContain('Kies een team.');
    expect(empty.body).toContain(`<a href="#team-${ids.u3}">Kies een team.</a>`);
    expect(empty.body).toContain(`aria-describedby="team-${ids.u3}-error" aria-invalid="true">`);
    const unknown = await front.submit(
      '/medewerker/wachtrij',
      { teamId: '99999' },
      `/medewerker/aanvragen/${ids.u3}/toewijzen`,
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('Dit team bestaat niet. Kies een team uit de lijst.');
    const row = await t.app.db
      .selectFrom('request')
      .select(['team_id', 'assigned_at'])
      .where('id', '=', ids.u3!)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ team_id: null, assigned_at: null });
  });

  it('records a call-back with a note; bad notes are refused with the text kept', async () => {
    const url = `/medewerker/aanvragen/${ids.a3}/teruggebeld`;
    const empty = await coachA.submit('/medewerker/wachtrij', { note: '   ' }, url);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Schrijf kort op wat er is afgesproken.');
    expect(empty.body).toContain(`id="note-${ids.a3}-error"`);
    expect(empty.body).toContain(`aria-describedby="note-${ids.a3}-hint note-${ids.a3}-error" aria-invalid="true">`);
    expect(empty.body).toMatch(
      new RegExp(
        `<details open>\\s*<summary>Teruggebeld\\? Leg het hier vast</summary>\\s*<form method="post" action="${url}"`,
      ),
    );
    const long = 'Lang verhaal. '.repeat(150);
    const tooLong = await coachA.submit('/medewerker/wachtrij', { note: long }, url);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('De notitie is te lang. Gebruik maximaal 2000 tekens.');
    expect(tooLong.body).toContain(`${long}</textarea>`);
    expect(
      await t.app.db
        .selectFrom('request')
        .select(['first_contact_at', 'callback_note'])
        .where('id', '=', ids.a3!)
        .executeTakeFirstOrThrow(),
    ).toEqual({ first_contact_at: null, callback_note: null });

    const ok = await coachA.submit('/medewerker/wachtrij', { note: 'Afspraak gemaakt voor volgende week.' }, url);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/medewerker/wachtrij?klaar=teruggebeld');
    const row = await t.app.db
      .selectFrom('request')
      .select(['status', 'first_contact_at', 'callback_done_at', 'callback_note', 'callback_by'])
      .where('id', '=', ids.a3!)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      status: 'callback',
      first_contact_at: NOW,
      callback_done_at: NOW,
      callback_note: 'Afspraak gemaakt voor volgende week.',
      callback_by: coachAId,
    });
    expect(
      await t.app.db
        .selectFrom('audit_event')
        .select('actor_staff_id')
        .where('action', '=', 'callback_handled')
        .where('subject_id', '=', ids.a3!)
        .execute(),
    ).toEqual([{ actor_staff_id: coachAId }]);
    const html = (await coachA.get('/medewerker/wachtrij')).body;
    const calledBack = html.slice(html.indexOf('id="called-back"'));
    expect(calledBack).toContain('Cor Gewoon-Nieuw');
    expect(calledBack).toContain('Afspraak gemaakt voor volgende week.');
    expect(calledBack).toContain('(Fatima El Amrani)');
    expect(html).not.toContain(`action="${url}"`);
    expect((await coachA.submit('/medewerker/wachtrij', { note: 'Nog eens' }, url)).statusCode).toBe(409);
  });

  it('keeps call-backs of other teams out of reach', async () => {
    expect(
      (await coachB.submit('/medewerker/wachtrij', { note: 'x' }, `/medewerker/aanvragen/${ids.a1}/teruggebeld`))
        .statusCode,
    ).toBe(404);
    expect(
      (await front.submit('/medewerker/wachtrij', { note: 'x' }, `/medewerker/aanvragen/${ids.a1}/teruggebeld`))
        .statusCode,
    ).toBe(403);
    expect(
      (await coachA.submit('/medewerker/wachtrij', { note: 'x' }, `/medewerker/aanvragen/${ids.a5}/teruggebeld`))
        .statusCode,
    ).toBe(409);
    expect(
      await t.app.db
        .selectFrom('request')
        .select('first_contact_at')
        .where('id', '=', ids.a1!)
        .executeTakeFirstOrThrow(),
    ).toEqual({ first_contact_at: null });
  });

  it('speaks English too', async () => {
    const en = await coachA.get('/medewerker/wachtrij?lang=en');
    expect(en.body).toContain('Urgent call-backs');
    expect(en.body).toContain('(3 hours ago)');
    await coachA.get('/medewerker/wachtrij?lang=nl');
  });
});

describe('call-back due times', () => {
  it('gives urgent requests 24 hours and others 2 working days, skipping the weekend', () => {
    expect(callbackDue(at('2026-11-27T16:00'), false).toISOString()).toBe(at('2026-12-01T16:00').toISOString());
    expect(callbackDue(at('2026-11-27T16:00'), true).toISOString()).toBe(at('2026-11-28T16:00').toISOString());
    expect(addWorkingDays(DateTime.fromISO('2026-11-28T09:00', { zone: 'Europe/Amsterdam' }), 2).toISODate()).toBe(
      '2026-12-01',
    );
  });
});
