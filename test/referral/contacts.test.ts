// The team's fixed contact coach per referring organisation: team leads name one, coaches see
// the list, the referrer's confirmation (page and mail) names that coach and how to reach them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { clean, makeWorld, NOW, outbox, referAndBook, type World } from './world.js';

describe('contact coach per referring organisation', () => {
  let t: TestApp;
  let w: World;
  let lead: Client;
  let coach: Client;
  let sanneId: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    w = await makeWorld(t.app);
    const sanne = await makeLogin(t.app, w.teamId, 'coach', 'Sanne Visser');
    sanneId = sanne.id;
    lead = await loggedIn(t.app, (await makeLogin(t.app, w.teamId, 'teamlead', 'Petra Teamleider')).email);
    coach = await loggedIn(t.app, sanne.email);
  });
  afterAll(async () => t.close());
  beforeEach(async () => clean(t.app));

  it('lets a team lead name a contact; the referrer reads the name and how to reach them', async () => {
    const res = await lead.submit(
      '/medewerker/verwijzers',
      { organisation: '  huisartsenpraktijk  de linde ', coach: String(sanneId), phone: '026 444 5555' },
      '/medewerker/verwijzers',
    );
    expect(res.statusCode).toBe(303);
    const page = await lead.get('/medewerker/verwijzers?klaar=opgeslagen');
    expect(page.body).toContain('Opgeslagen: de contactpersoon is genoemd.');
    expect(page.body).toContain('Sanne Visser');
    expect(page.body).toContain('026 444 5555');

    // The referrer types the name in another way: still found.
    const c = new Client(t.app);
    expect((await referAndBook(c, w.slot('09:00'))).headers.location).toBe('/verwijzen/bevestiging');
    const conf = await c.get('/verwijzen/bevestiging');
    expect(conf.body).toContain('Uw vaste contactpersoon bij Wijkteam Centrum is Sanne Visser:');
    expect(conf.body).toContain('href="tel:0264445555"');
    const mail = (await outbox(t.app)).find((m) => m.to_address === 'sara.jansen@delinde.nl')!;
    expect(mail.body_text).toMatch(
      /Uw vaste contactpersoon bij Wijkteam Centrum is Sanne Visser\. E-mail: coach\d+-[0-9a-f]+@example\.nl\. Telefoon: 026 444 5555\./,
    );
    const audit = await t.app.db
      .selectFrom('audit_event')
      .select('detail')
      .where('action', '=', 'referrer_contact_set')
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ organisation: 'huisartsenpraktijk de linde', coachId: sanneId });
  });

  it('replaces a contact, falls back to the team number when the coach left, and removes one', async () => {
    const first = await lead.submit(
      '/medewerker/verwijzers',
      { organisation: 'Huisartsenpraktijk De Linde', coach: String(w.coachIds[0]), phone: '' },
      '/medewerker/verwijzers',
    );
    expect(first.statusCode, first.body.replace(/[\s\S]*<main/, '').slice(0, 3000)).toBe(303);
    await lead.submit(
      '/medewerker/verwijzers',
      { organisation: 'HUISARTSENPRAKTIJK DE LINDE', coach: String(sanneId), phone: '' },
      '/medewerker/verwijzers',
    );
    const rows = await t.app.db.selectFrom('referrer_contact').select(['organisation', 'coach_id', 'phone']).execute();
    expect(rows).toEqual([{ organisation: 'HUISARTSENPRAKTIJK DE LINDE', coach_id: sanneId, phone: null }]);

    await t.app.db.updateTable('staff_user').set({ active: false }).where('id', '=', sanneId).execute();
    const c = new Client(t.app);
    await referAndBook(c, w.slot('10:30'));
    const mail = (await outbox(t.app)).find((m) => m.to_address === 'sara.jansen@delinde.nl')!;
    expect(mail.body_text).not.toContain('Sanne');
    expect(mail.body_text).toContain('Vragen? Bel Wijkteam Centrum: 026 377 0000.');
    await t.app.db.updateTable('staff_user').set({ active: true }).where('id', '=', sanneId).execute();

    const removed = await lead.submit(
      '/medewerker/verwijzers',
      { organisation: 'huisartsenpraktijk de linde' },
      '/medewerker/verwijzers/verwijderen',
    );
    expect(removed.headers.location).toBe('/medewerker/verwijzers?klaar=verwijderd');
    expect(await t.app.db.selectFrom('referrer_contact').selectAll().execute()).toEqual([]);
    const again = await lead.submit(
      '/medewerker/verwijzers',
      { organisation: 'huisartsenpraktijk de linde' },
      '/medewerker/verwijzers/verwijderen',
    );
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('Deze contactpersoon bestaat niet (meer).');
  });

  it('refuses bad input with a message at the field and keeps what was typed', async () => {
    const other = await makeTeam(t.app.db, { name: 'Wijkteam Noord' });
    const stranger = await makeLogin(t.app, other.id, 'coach');
    const cases: [Record<string, string>, string, string][] = [
      [
        { organisation: '', coach: String(sanneId), phone: '' },
        'organisation',
        'Vul de naam van de praktijk, school of organisatie in.',
      ],
      [
        { organisation: 'x'.repeat(201), coach: String(sanneId), phone: '' },
        'organisation',
        'De naam is te lang. Gebruik maximaal 200 tekens.',
      ],
      [{ organisation: 'Basisschool De Regenboog', coach: '', phone: '' }, 'coach', 'Kies een wijkcoach van uw team.'],
      [
        { organisation: 'Basisschool De Regenboog', coach: String(stranger.id), phone: '' },
        'coach',
        'Kies een wijkcoach van uw team.',
      ],
      [
        { organisation: 'Basisschool De Regenboog', coach: String(sanneId), phone: 'bel mij' },
        'phone',
        'Vul een telefoonnummer in, bijvoorbeeld 026 377 2001 of 06 12345678, of laat het veld leeg.',
      ],
    ];
    for (const [fields, field, message] of cases) {
      const res = await lead.submit('/medewerker/verwijzers', fields, '/medewerker/verwijzers');
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`id="${field}-error"`);
      expect(res.body).toContain(message);
      if (fields.organisation) expect(res.body).toContain(`value="${fields.organisation}"`);
      if (fields.phone) expect(res.body).toContain(`value="${fields.phone}"`);
    }
    expect(await t.app.db.selectFrom('referrer_contact').selectAll().execute()).toEqual([]);
  });

  it('shows coaches the list without the form and refuses their changes; other teams never see it', async () => {
    await lead.submit(
      '/medewerker/verwijzers',
      { organisation: 'Basisschool De Regenboog', coach: String(sanneId), phone: '' },
      '/medewerker/verwijzers',
    );
    const page = await coach.get('/medewerker/verwijzers');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Basisschool De Regenboog');
    expect(page.body).not.toContain('action="/medewerker/verwijzers"');
    const tried = await coach.submit(
      '/medewerker/verwijzers',
      { organisation: 'X', coach: String(sanneId), phone: '' },
      '/medewerker/verwijzers',
    );
    expect(tried.statusCode).toBe(403);
    const other = await makeTeam(t.app.db, { name: 'Wijkteam Zuid' });
    const theirLead = await loggedIn(t.app, (await makeLogin(t.app, other.id, 'teamlead')).email);
    const theirs = await theirLead.get('/medewerker/verwijzers');
    expect(theirs.body).not.toContain('Basisschool De Regenboog');
    expect(
      (
        await theirLead.submit(
          '/medewerker/verwijzers',
          { organisation: 'Basisschool De Regenboog' },
          '/medewerker/verwijzers/verwijderen',
        )
      ).statusCode,
    ).toBe(400);
    expect(await t.app.db.selectFrom('referrer_contact').selectAll().execute()).toHaveLength(1);
    const front = await loggedIn(t.app, (await makeLogin(t.app, null, 'frontoffice')).email);
    expect((await front.get('/medewerker/verwijzers')).statusCode).toBe(403);
  });
});
