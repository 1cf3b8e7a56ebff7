// Staff side of returning residents: the appointment page shows history, outcome, lead and the
// returning mark; staff link a new sign-up to a known resident (suggested, never automatic);
// the lead role is handed over with a note and the resident is told; closing keeps the lead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { loggedIn, makeLogin, passwordHash } from '../helpers/staff.js';
import { at, block, knownResident, mailsTo, NEW_QUESTION, NOW, OLD_QUESTION, type Known } from './world.js';

describe('returning residents on the staff pages', () => {
  let t: TestApp;
  let k: Known;
  let jeroen: Client;
  let otherCoach: Client;
  let newResidentId: number;
  let newRequestId: number;
  let appointmentId: number;
  let strangerId: number;
  let elsewhereId: number;
  const page = () => `/medewerker/afspraken/${appointmentId}`;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    k = await knownResident(t.app);
    const db = t.app.db;
    // Jeroen and Sanne can log in; so can a coach of another team.
    await db
      .updateTable('staff_user')
      .set({ password_hash: await passwordHash() })
      .where('id', 'in', [k.jeroen.id, k.sanne.id])
      .execute();
    const teamB = await makeTeam(db, { name: 'Wijkteam Noord' });
    const other = await makeLogin(t.app, teamB.id, 'coach', 'Karim Noord');
    jeroen = await loggedIn(t.app, k.jeroen.email);
    otherCoach = await loggedIn(t.app, other.email);

    // Anna phones in and the front office books her as a new resident: no email, phone typed differently.
    const fresh = await db
      .insertInto('resident')
      .values({
        name: 'anna de vries ',
        phone: '+31 6 1234 5678',
        postcode: k.postcode,
        house_number: '12a',
        street: 'Steenstraat 12a',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    newResidentId = fresh.id;
    const req = await db
      .insertInto('request')
      .values({
        resident_id: fresh.id,
        team_id: k.teamId,
        channel: 'phone',
        question: NEW_QUESTION,
        status: 'scheduled',
        submitted_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    newRequestId = req.id;
    const b = await block(t.app, k.teamId, '2026-12-10', [k.jeroen.id, k.sanne.id]);
    appointmentId = (
      await db
        .insertInto('appointment')
        .values({
          request_id: req.id,
          block_id: b,
          starts_at: at('2026-12-10T09:00'),
          ends_at: at('2026-12-10T10:00'),
          manage_token_hash: newTokenHash(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    // Not suggested: a resident of the team with nothing in common, and the same email in another team.
    const stranger = await db
      .insertInto('resident')
      .values({ name: 'Piet Smit', phone: '026 1234567', postcode: k.postcode })
      .returning('id')
      .executeTakeFirstOrThrow();
    strangerId = stranger.id;
    await db
      .insertInto('request')
      .values({
        resident_id: stranger.id,
        team_id: k.teamId,
        channel: 'online',
        question: 'x',
        status: 'new',
        submitted_at: NOW,
      })
      .execute();
    const elsewhere = await db
      .insertInto('resident')
      .values({ name: 'Anna de Vries', email: k.email, phone: '06 12345678', postcode: k.postcode })
      .returning('id')
      .executeTakeFirstOrThrow();
    elsewhereId = elsewhere.id;
    await db
      .insertInto('request')
      .values({
        resident_id: elsewhere.id,
        team_id: teamB.id,
        channel: 'online',
        question: 'x',
        status: 'new',
        submitted_at: NOW,
      })
      .execute();
  });
  afterAll(async () => t.close());

  it("suggests the known resident of the own team, by phone or name and postcode, never another team's", async () => {
    const res = await jeroen.get(page());
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Kennen we deze inwoner al?');
    expect(res.body).toContain(`id="match-${k.residentId}"`);
    expect(res.body).toContain('zelfde telefoonnummer, zelfde naam en postcode');
    expect(res.body).toContain('1 aanvraag, op di 1 sep. Regie: Fatima El Amrani.');
    expect(res.body).not.toContain(`id="match-${strangerId}"`);
    expect(res.body).not.toContain(`id="match-${elsewhereId}"`);
    // Never linked by itself.
    expect(
      (
        await t.app.db
          .selectFrom('request')
          .select('resident_id')
          .where('id', '=', newRequestId)
          .executeTakeFirstOrThrow()
      ).resident_id,
    ).toBe(newResidentId);
    expect(res.body).toContain('Geen eerdere aanvragen.');
  });

  it("refuses a resident that is not a suggested match, and another team's coach", async () => {
    const link = (c: Client, residentId: string) => c.submit(page(), { residentId }, `${page()}/koppelen`);
    let res = await link(jeroen, '');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Kies een van de inwoners in de lijst.');
    res = await link(jeroen, String(strangerId));
    expect(res.statusCode).toBe(400);
    res = await link(jeroen, String(elsewhereId));
    expect(res.statusCode).toBe(400);
    res = await link(jeroen, String(newResidentId));
    expect(res.statusCode).toBe(409);
    res = await otherCoach.submit('/medewerker/agenda', { residentId: String(k.residentId) }, `${page()}/koppelen`);
    expect(res.statusCode).toBe(404);
    expect(
      (
        await t.app.db
          .selectFrom('request')
          .select('resident_id')
          .where('id', '=', newRequestId)
          .executeTakeFirstOrThrow()
      ).resident_id,
    ).toBe(newResidentId);
  });

  it('links the sign-up: history, lead coach and the returning mark carry over', async () => {
    const res = await jeroen.submit(page(), { residentId: String(k.residentId) }, `${page()}/koppelen`);
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    expect(res.headers.location).toBe(`${page()}?klaar=gekoppeld`);
    const r = await t.app.db.selectFrom('request').selectAll().where('id', '=', newRequestId).executeTakeFirstOrThrow();
    expect(r).toMatchObject({
      resident_id: k.residentId,
      lead_coach_id: k.fatima.id,
      returning_resident: true,
      previous_request_id: k.oldRequestId,
      days_since_closure: 54,
    });
    // The empty row of the new sign-up is gone; the known resident has the newest details.
    expect(
      await t.app.db.selectFrom('resident').select('id').where('id', '=', newResidentId).executeTakeFirst(),
    ).toBeUndefined();
    const resident = await t.app.db
      .selectFrom('resident')
      .selectAll()
      .where('id', '=', k.residentId)
      .executeTakeFirstOrThrow();
    expect(resident).toMatchObject({
      email: k.email,
      phone: '+31 6 1234 5678',
      street: 'Steenstraat 12a',
      date_of_birth: '1984-05-17',
      lead_coach_id: k.fatima.id,
    });
    const audit = await t.app.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'resident_linked')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_staff_id: k.jeroen.id, subject_id: newRequestId, team_id: k.teamId });
    expect(audit.detail).toMatchObject({
      fromResidentId: newResidentId,
      toResidentId: k.residentId,
      leadCoachId: k.fatima.id,
    });
    // Fatima hears of it, without the question.
    const told = (await mailsTo(t.app, k.fatima.email)).filter((m) =>
      m.subject.startsWith('Een nieuwe aanmelding is gekoppeld'),
    );
    expect(told).toHaveLength(1);
    expect(told[0]!.body_text).toContain(`/medewerker/afspraken/${appointmentId}`);
    expect(told[0]!.body_text).not.toContain(NEW_QUESTION);

    const shown = await jeroen.get(res.headers.location as string);
    expect(shown.body).toContain('Opgeslagen: de aanmelding is gekoppeld aan de inwoner.');
    expect(shown.body).toContain(OLD_QUESTION);
    expect(shown.body).toContain('Plan gemaakt');
    expect(shown.body).toContain('regie: Fatima El Amrani');
    expect(shown.body).toContain('Terugkerende inwoner');
    expect(shown.body).toContain(
      'De vorige aanvraag is afgesloten op donderdag 1 oktober 2026: 54 dagen voor deze aanmelding.',
    );
    expect(shown.body).not.toContain('Kennen we deze inwoner al?');
  });

  it('hands the lead over with a note, and tells the resident (never the note)', async () => {
    const regie = (fields: Record<string, string>) => jeroen.submit(page(), fields, `${page()}/regie`);
    let res = await regie({ leadCoach: String(k.sanne.id), leadNote: 'x'.repeat(2001) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('De notitie is te lang. Gebruik maximaal 2000 tekens.');
    expect(res.body).toContain('x'.repeat(2001));
    expect(
      (
        await t.app.db
          .selectFrom('request')
          .select('lead_coach_id')
          .where('id', '=', newRequestId)
          .executeTakeFirstOrThrow()
      ).lead_coach_id,
    ).toBe(k.fatima.id);

    const before = (await mailsTo(t.app, k.email)).length;
    res = await regie({ leadCoach: String(k.sanne.id), leadNote: 'Sanne kent de school van de zoon.' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${page()}?klaar=regie-gemaild`);
    const r = await t.app.db
      .selectFrom('request')
      .select(['lead_coach_id', 'lead_note'])
      .where('id', '=', newRequestId)
      .executeTakeFirstOrThrow();
    expect(r).toEqual({ lead_coach_id: k.sanne.id, lead_note: 'Sanne kent de school van de zoon.' });
    expect(
      (
        await t.app.db
          .selectFrom('resident')
          .select('lead_coach_id')
          .where('id', '=', k.residentId)
          .executeTakeFirstOrThrow()
      ).lead_coach_id,
    ).toBe(k.sanne.id);
    const mails = await mailsTo(t.app, k.email);
    expect(mails).toHaveLength(before + 1);
    const m = mails.at(-1)!;
    expect(m.subject).toBe('Uw vaste contactpersoon is nu Sanne');
    expect(m.body_text).toContain('Uw vaste contactpersoon bij');
    expect(m.body_text).not.toContain('school');
    expect(m.body_text).not.toContain(NEW_QUESTION);
    const shown = await jeroen.get(res.headers.location as string);
    expect(shown.body).toContain('De inwoner krijgt een e-mail met de naam van de nieuwe vaste contactpersoon.');
    expect(shown.body).toContain('Sanne kent de school van de zoon.');

    // The same coach again: nothing changes for the resident, no mail.
    res = await regie({ leadCoach: String(k.sanne.id), leadNote: '' });
    expect(res.headers.location).toBe(`${page()}?klaar=regie`);
    expect(await mailsTo(t.app, k.email)).toHaveLength(before + 1);
  });

  it('keeps the lead coach when a request is closed, so the way back leads to them', async () => {
    const cb = await t.app.db
      .insertInto('request')
      .values({
        resident_id: k.residentId,
        team_id: k.teamId,
        channel: 'phone',
        question: 'Bel mij',
        status: 'callback',
        lead_coach_id: k.sanne.id,
        submitted_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const url = `/medewerker/aanvragen/${cb.id}/sluiten`;
    const res = await jeroen.submit(url, { closeNote: 'Telefonisch geholpen.' });
    expect(res.statusCode).toBe(303);
    const r = await t.app.db
      .selectFrom('request')
      .select(['status', 'lead_coach_id', 'closed_at'])
      .where('id', '=', cb.id)
      .executeTakeFirstOrThrow();
    expect(r).toEqual({ status: 'closed', lead_coach_id: k.sanne.id, closed_at: NOW });
    expect(
      (
        await t.app.db
          .selectFrom('resident')
          .select('lead_coach_id')
          .where('id', '=', k.residentId)
          .executeTakeFirstOrThrow()
      ).lead_coach_id,
    ).toBe(k.sanne.id);
  });
});
