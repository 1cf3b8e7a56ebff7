// A new plain sign-up of a resident the team knows is linked to them by itself, only when every
// detail typed is what the team holds (so nobody reaches another person's row by typing their
// email address), and staff can undo a link ("loskoppelen"): same team only, audited, refused
// without the confirmation or for a request that is not linked. Real database, fixed clock,
// the real sign-up pages through app.inject().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { tableCounts } from '../helpers/db.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin, passwordHash } from '../helpers/staff.js';
import { block, knownResident, mailsTo, NEW_QUESTION, NOW, OLD_QUESTION, type Known } from './world.js';

interface Typed {
  name: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  dateOfBirth: string;
}

describe('a new sign-up of a resident the team knows', () => {
  let t: TestApp;
  let k: Known;
  let jeroen: Client;
  let otherCoach: Client;
  let teamB: number;
  let linkedRequestId: number;
  let notLinkedRequestId: number;
  let question = 0;

  /** As Anna typed her details the first time (see world.ts), in other capitals and spacing. */
  const anna = (): Typed => ({
    name: ' anna de VRIES ',
    email: k.email.toUpperCase(),
    phone: '+31 6 1234 5678',
    street: 'steenstraat',
    city: 'Arnhem',
    dateOfBirth: '17-05-1984',
  });

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    k = await knownResident(t.app);
    await block(t.app, k.teamId, '2026-12-08', [k.sanne.id, k.karim.id]);
    await block(t.app, k.teamId, '2026-12-09', [k.jeroen.id, k.lotte.id]);
    await block(t.app, k.teamId, '2026-12-10', [k.sanne.id, k.karim.id]);
    await block(t.app, k.teamId, '2026-12-11', [k.jeroen.id, k.lotte.id]);
    await t.app.db
      .updateTable('staff_user')
      .set({ password_hash: await passwordHash() })
      .where('id', '=', k.jeroen.id)
      .execute();
    jeroen = await loggedIn(t.app, k.jeroen.email);
    teamB = (await makeTeam(t.app.db, { name: 'Wijkteam Noord' })).id;
    otherCoach = await loggedIn(t.app, (await makeLogin(t.app, teamB, 'coach', 'Karim Noord')).email);
  });
  afterAll(async () => t.close());

  /** The whole plain sign-up at /aanmelden, booking the first time offered. Returns the request and the pages. */
  async function signUp(typed: Typed, houseNumber = '12a') {
    question += 1;
    const text = `${NEW_QUESTION} (${question})`;
    const c = new Client(t.app);
    let res = await c.submit('/aanmelden', { postcode: k.postcode, houseNumber });
    expect(res.headers.location).toBe('/aanmelden/vraag');
    res = await c.submit('/aanmelden/vraag', {
      question: text,
      topics: ['parenting'],
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    });
    expect(res.headers.location).toBe('/aanmelden/moment');
    const moment = await c.get('/aanmelden/moment');
    const first = /name="slot" id="[^"]*" value="([^"]+)"/.exec(moment.body)![1]!;
    res = await c.submit('/aanmelden/moment', { slot: first, mode: 'home' });
    expect(res.headers.location).toBe('/aanmelden/gegevens');
    res = await c.submit('/aanmelden/gegevens', {
      ...typed,
      language: 'nl',
      companion: '',
      consent: 'yes',
    });
    expect(res.headers.location, res.body.slice(0, 3000)).toBe('/aanmelden/controleren');
    const check = await c.get('/aanmelden/controleren');
    res = await c.submit('/aanmelden/controleren', {}, '/aanmelden/controleren');
    expect(res.headers.location).toBe('/aanmelden/bevestiging');
    const confirmation = await c.get('/aanmelden/bevestiging');
    const manage = /href="(\/afspraak\/[A-Za-z0-9_-]{43})"/.exec(confirmation.body)![1]!;
    const managePage = await c.get(manage);
    const request = await t.app.db
      .selectFrom('request')
      .selectAll()
      // The newest request: the one this sign-up stored (its question is stored encrypted).
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const appointment = await t.app.db
      .selectFrom('appointment')
      .select('id')
      .where('request_id', '=', request.id)
      .executeTakeFirstOrThrow();
    return { request, appointmentId: appointment.id, pages: [check.body, confirmation.body, managePage.body] };
  }

  const csrfOf = (res: { body: string }) => csrfFrom(res.body);
  const residentRow = (id: number) =>
    t.app.db.selectFrom('resident').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const residents = async () => (await tableCounts(t.app.db)).resident!;

  it('is linked when every detail is what the team holds: history and lead coach carry over, the lead is told', async () => {
    const before = await residentRow(k.residentId);
    const count = await residents();
    const { request, appointmentId, pages } = await signUp(anna());
    linkedRequestId = request.id;
    expect(request).toMatchObject({
      resident_id: k.residentId,
      returning_resident: true,
      previous_request_id: k.oldRequestId,
      days_since_closure: 54,
      lead_coach_id: k.fatima.id,
    });
    // No new row, and the known row is as it was (only the language of the mails follows the sign-up).
    expect(await residents()).toBe(count);
    expect(await residentRow(k.residentId)).toEqual({ ...before, mail_locale: 'nl' });
    // The resident sees only what they typed: nothing of the earlier request or its coach.
    for (const html of pages) {
      expect(html).not.toContain(OLD_QUESTION);
      expect(html).not.toContain('Fatima');
    }
    const notices = (await mailsTo(t.app, k.fatima.email)).filter((m) =>
      m.subject.startsWith('Een inwoner die u kent'),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body_text).toContain(`/medewerker/afspraken/${appointmentId}`);
    expect(notices[0]!.body_text).not.toContain('Anna');
    expect(notices[0]!.body_text).not.toContain(NEW_QUESTION);
    const audit = await t.app.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'resident_auto_linked')
      .where('subject_id', '=', request.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ team_id: k.teamId, actor_staff_id: null });
    expect(audit.detail).toEqual({ residentId: k.residentId, leadCoachId: k.fatima.id });
  });

  it('is not linked with another name, even with the same email address and phone number', async () => {
    const count = await residents();
    const { request } = await signUp({ ...anna(), name: 'Anna de Boer' });
    notLinkedRequestId = request.id;
    expect(request.resident_id).not.toBe(k.residentId);
    expect(request).toMatchObject({ returning_resident: false, lead_coach_id: null, previous_request_id: null });
    expect(await residents()).toBe(count + 1);
  });

  it("is not linked when a detail is new or missing, and neither changes nor shows the known row's details", async () => {
    const before = await residentRow(k.residentId);
    // A newer phone number: a new row (staff may link it); the known row keeps the old number.
    const newer = await signUp({ ...anna(), phone: '06 99999999' });
    expect(newer.request.resident_id).not.toBe(k.residentId);
    expect((await residentRow(newer.request.resident_id)).phone).toBe('06 99999999');
    // Someone who knows only Anna's name and email address: nothing of her row on any page.
    const guess = await signUp({ ...anna(), phone: '', street: 'Kerkstraat', dateOfBirth: '' }, '1');
    expect(guess.request.resident_id).not.toBe(k.residentId);
    for (const html of guess.pages) {
      expect(html).not.toContain('1234');
      expect(html).not.toContain('1984');
      expect(html).not.toContain('Steenstraat');
      expect(html).not.toContain('12a');
    }
    expect(await residentRow(k.residentId)).toEqual(before);
  });

  it('is not linked to a resident known only to another team, nor when two residents fit', async () => {
    const sem = { name: 'Sem Bakker', email: 'sem@example.nl', phone: '', street: 'Rijnkade', city: 'Arnhem' };
    const row = async (teamId: number) => {
      const r = await t.app.db
        .insertInto('resident')
        .values({ ...sem, phone: null, postcode: k.postcode, house_number: '5' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.app.db
        .insertInto('request')
        .values({
          resident_id: r.id,
          team_id: teamId,
          channel: 'online',
          question: 'x',
          status: 'new',
          submitted_at: NOW,
        })
        .execute();
      return r.id;
    };
    const elsewhere = await row(teamB);
    const other = await signUp({ ...sem, dateOfBirth: '' }, '5');
    expect(other.request.resident_id).not.toBe(elsewhere);
    expect(other.request.returning_resident).toBe(false);
    // Now two rows of the team fit (the one just written and one more): none is chosen.
    await row(k.teamId);
    const count = await residents();
    const two = await signUp({ ...sem, dateOfBirth: '' }, '5');
    expect(two.request.returning_resident).toBe(false);
    expect(await residents()).toBe(count + 1);
  });
  const apptOf = async (requestId: number) =>
    (
      await t.app.db
        .selectFrom('appointment')
        .select('id')
        .where('request_id', '=', requestId)
        .executeTakeFirstOrThrow()
    ).id;
  const requestRow = (id: number) =>
    t.app.db.selectFrom('request').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('staff undo a link: refused without the confirmation, for another team (404) and for an unknown id', async () => {
    const page = `/medewerker/afspraken/${await apptOf(linkedRequestId)}`;
    let res = await jeroen.get(page);
    expect(res.body).toContain('Is dit toch iemand anders?');
    const counts = await tableCounts(t.app.db);
    res = await jeroen.submit(page, { splitConfirm: '' }, `${page}/loskoppelen`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Vink aan dat deze aanmelding van iemand anders is.');
    expect(res.body).toMatch(/id="splitConfirm"[^>]*aria-invalid="true"/);
    expect(res.body).toContain('href="#splitConfirm"');
    res = await jeroen.submit(page, { splitConfirm: 'ja' }, `${page}/loskoppelen`);
    expect(res.statusCode).toBe(400);
    // Another team's coach, with a valid form of their own: the record does not exist for them.
    res = await otherCoach.submit('/medewerker/agenda', { splitConfirm: 'yes' }, `${page}/loskoppelen`);
    expect(res.statusCode).toBe(404);
    res = await jeroen.submit(page, { splitConfirm: 'yes' }, '/medewerker/afspraken/999999/loskoppelen');
    expect(res.statusCode).toBe(404);
    res = await jeroen.submit(page, { splitConfirm: 'yes' }, '/medewerker/afspraken/abc/loskoppelen');
    expect(res.statusCode).toBe(404);
    // Without the CSRF token: refused, nothing changed.
    res = await jeroen.post(`${page}/loskoppelen`, { splitConfirm: 'yes' });
    expect(res.statusCode).toBe(403);
    expect(await tableCounts(t.app.db)).toMatchObject({ resident: counts.resident, request: counts.request });
    expect((await requestRow(linkedRequestId)).resident_id).toBe(k.residentId);
  });

  it('staff undo a link: the request gets a resident of its own, audited; the earlier history stays', async () => {
    const page = `/medewerker/afspraken/${await apptOf(linkedRequestId)}`;
    const known = await residentRow(k.residentId);
    let res = await jeroen.submit(page, { splitConfirm: 'yes' }, `${page}/loskoppelen`);
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    expect(res.headers.location).toBe(`${page}?klaar=losgekoppeld`);
    res = await jeroen.get(String(res.headers.location));
    expect(res.body).toContain('de aanmelding is losgekoppeld en heeft nu een eigen inwoner');
    expect(res.body).not.toContain('Is dit toch iemand anders?');
    const r = await requestRow(linkedRequestId);
    expect(r.resident_id).not.toBe(k.residentId);
    expect(r).toMatchObject({ returning_resident: false, previous_request_id: null, days_since_closure: null });
    const fresh = await residentRow(r.resident_id);
    const copy = ({ id: _id, lead_coach_id: _lead, created_at: _at, ...rest }: typeof known) => rest;
    expect(copy(fresh)).toEqual(copy(known));
    expect(fresh.lead_coach_id).toBeNull();
    expect(await residentRow(k.residentId)).toEqual(known);
    expect((await requestRow(k.oldRequestId)).resident_id).toBe(k.residentId);
    const audit = await t.app.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'resident_split')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_staff_id: k.jeroen.id, subject_id: linkedRequestId, team_id: k.teamId });
    expect(audit.detail).toEqual({ fromResidentId: k.residentId, toResidentId: r.resident_id });
    // Again: it is not linked any more.
    res = await jeroen.post(`${page}/loskoppelen`, { _csrf: csrfOf(await jeroen.get(page)), splitConfirm: 'yes' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Deze aanmelding is niet gekoppeld aan een inwoner met andere aanvragen.');
  });

  it('staff undo a link: a request that was never linked has no such action', async () => {
    const page = `/medewerker/afspraken/${await apptOf(notLinkedRequestId)}`;
    const res = await jeroen.get(page);
    expect(res.body).not.toContain('Is dit toch iemand anders?');
    const before = await requestRow(notLinkedRequestId);
    const count = await residents();
    const post = await jeroen.post(`${page}/loskoppelen`, { _csrf: csrfOf(res), splitConfirm: 'yes' });
    expect(post.statusCode).toBe(409);
    expect(post.body).toContain('Deze aanmelding is niet gekoppeld aan een inwoner met andere aanvragen.');
    expect(await requestRow(notLinkedRequestId)).toEqual(before);
    expect(await residents()).toBe(count);
  });
});
