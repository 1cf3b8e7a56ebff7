// Duo blocks: planning (one, a weekly series across the clock change, solo), overlaps refused by
// the database and named, changing one block or the rest of a series, cancelling a block with
// its appointments (moved or cancelled, with mails), bad input per field, and who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { makeLogin } from '../helpers/staff.js';
import {
  at,
  html,
  mailsTo,
  makeWorld,
  NOW,
  periodsInStep,
  SECRET_QUESTION,
  send,
  ZONE,
  type World,
} from './blocks-world.js';
import { renderOutbox } from '../helpers/outbox.js';

const base = {
  date: '2026-12-08',
  start: '09:00',
  end: '12:00',
  slotMinutes: '60',
  bufferMinutes: '30',
  locationKind: 'home',
};
const localTime = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm');

describe('duo blocks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t.close());

  const plan = (c: Client, fields: Record<string, string>) =>
    send(c, '/medewerker/blokken/nieuw', { ...base, ...fields });

  describe('planning', () => {
    it('a coach plans a duo block: the block, both coaches with its period, a notice to the partner, and both lists show it', async () => {
      const w = await makeWorld(t.app);
      const fatima = await w.as(w.fatima);
      const res = await plan(fatima, { partner: String(w.jeroen.id) });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/medewerker/blokken?klaar=aangemaakt&n=1');
      const [b, ...more] = await w.blocks();
      expect(more).toEqual([]);
      expect(b).toMatchObject({
        solo: false,
        slot_minutes: 60,
        buffer_minutes: 30,
        location_kind: 'home',
        status: 'active',
        series_id: null,
        created_by: w.fatima.id,
      });
      expect(b!.starts_at.toISOString()).toBe(at('2026-12-08T09:00').toISOString());
      expect(b!.ends_at.toISOString()).toBe(at('2026-12-08T12:00').toISOString());
      const rows = await w.coachRows(b!.id);
      expect(rows.map((r) => r.coach_id).sort()).toEqual([w.fatima.id, w.jeroen.id].sort());
      for (const r of rows) {
        expect(r.active).toBe(true);
        expect(new Date(r.from).toISOString()).toBe(b!.starts_at.toISOString());
        expect(new Date(r.to).toISOString()).toBe(b!.ends_at.toISOString());
      }
      expect((await mailsTo(t.app, w.jeroen.email)).map((m) => m.subject)).toEqual([
        'Nieuw blok in uw agenda: dinsdag 8 december 2026, 09:00–12:00',
      ]);
      expect(await mailsTo(t.app, w.fatima.email)).toEqual([]);

      const list = await fatima.get(res.headers.location as string);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain('Het blok is gepland.');
      expect(list.body).toContain('Jeroen Bakker');
      expect(list.body).toContain('0 geboekt, 2 vrij');
      expect(list.body).toContain(`href="/medewerker/blokken/${b!.id}/wijzigen"`);
      const lead = await (await w.as(w.lead)).get('/medewerker/blokken');
      expect(lead.body).toContain(`href="/medewerker/blokken/${b!.id}/annuleren"`);
      const sanne = await (await w.as(w.sanne)).get('/medewerker/blokken');
      expect(sanne.body).not.toContain(`/medewerker/blokken/${b!.id}/`);
      expect(sanne.body).toContain('Er staan nog geen blokken gepland.');
    });

    it('refuses an overlap with my own block, names that block, keeps the input and saves nothing', async () => {
      const w = await makeWorld(t.app);
      await w.block([w.fatima, w.jeroen], '2026-12-08T09:00', '2026-12-08T12:00');
      const res = await plan(await w.as(w.fatima), { start: '11:00', end: '13:00', partner: String(w.sanne.id) });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain(
        'U heeft al een blok op dinsdag 8 december 2026, 09:00–12:00 (samen met Jeroen Bakker).',
      );
      expect(res.body).toContain('Er is niets opgeslagen.');
      expect(res.body).toContain('value="11:00"');
      expect(res.body).toMatch(new RegExp(`<option value="${w.sanne.id}" selected>`));
      expect(await w.blocks()).toHaveLength(1);
      expect(await mailsTo(t.app, w.sanne.email)).toEqual([]);
    });

    it("refuses a series when one week overlaps the partner's block, names it, and saves no block of the series", async () => {
      const w = await makeWorld(t.app);
      await w.block([w.sanne, w.mohamed], '2026-12-16T10:00', '2026-12-16T12:00');
      const res = await plan(await w.as(w.fatima), {
        date: '2026-12-02',
        start: '09:00',
        end: '11:00',
        partner: String(w.sanne.id),
        repeat: 'weekly',
        until: '2026-12-30',
      });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain(
        'Sanne Visser heeft al een blok op woensdag 16 december 2026, 10:00–12:00 (samen met Mohamed Yilmaz).',
      );
      expect(await w.blocks()).toHaveLength(1);
      expect(await mailsTo(t.app, w.sanne.email)).toEqual([]);
    });

    it('a team lead plans a weekly series across the clock change: every block at 09:00 local, the instants shift an hour', async () => {
      const w = await makeWorld(t.app);
      const res = await plan(await w.as(w.lead), {
        coach: String(w.fatima.id),
        partner: String(w.jeroen.id),
        date: '2027-03-22',
        start: '09:00',
        end: '12:00',
        repeat: 'weekly',
        until: '2027-04-05',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/medewerker/blokken?klaar=aangemaakt&n=3');
      const blocks = await w.blocks();
      expect(blocks.map((b) => b.starts_at.toISOString())).toEqual([
        '2027-03-22T08:00:00.000Z',
        '2027-03-29T07:00:00.000Z',
        '2027-04-05T07:00:00.000Z',
      ]);
      expect(blocks.map((b) => b.ends_at.toISOString())).toEqual([
        '2027-03-22T11:00:00.000Z',
        '2027-03-29T10:00:00.000Z',
        '2027-04-05T10:00:00.000Z',
      ]);
      expect(blocks.map((b) => localTime(b.starts_at))).toEqual([
        '2027-03-22 09:00',
        '2027-03-29 09:00',
        '2027-04-05 09:00',
      ]);
      expect(new Set(blocks.map((b) => b.series_id)).size).toBe(1);
      expect(blocks[0]!.series_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await periodsInStep(t.app, w.team.id)).toBe(0);
      // Both coaches hear of it (the team lead did it), with every date.
      for (const coach of [w.fatima, w.jeroen]) {
        const [m, ...rest] = await mailsTo(t.app, coach.email);
        expect(rest).toEqual([]);
        expect(m!.subject).toBe('Nieuw blok in uw agenda: maandag 22 maart 2027, 09:00–12:00');
        expect(m!.body_text).toContain('Ilse Dekker heeft 3 blokken voor u gepland.');
        expect(m!.body_text).toContain('- maandag 29 maart 2027, 09:00–12:00');
        expect(m!.body_text).toContain('- maandag 5 april 2027, 09:00–12:00');
      }
    });

    it('plans a solo block only when solo is ticked, with one coach', async () => {
      const w = await makeWorld(t.app);
      const res = await plan(await w.as(w.fatima), {
        solo: 'yes',
        locationKind: 'office',
        slotMinutes: '45',
        bufferMinutes: '0',
      });
      expect(res.statusCode).toBe(303);
      const [b] = await w.blocks();
      expect(b).toMatchObject({ solo: true, location_kind: 'office', slot_minutes: 45, buffer_minutes: 0 });
      expect((await w.coachRows(b!.id)).map((r) => r.coach_id)).toEqual([w.fatima.id]);
    });
  });

  describe('bad input on the new-block form', () => {
    let w: World;
    let fatima: Client;
    let lead: Client;
    let stranger: number;
    beforeAll(async () => {
      w = await makeWorld(t.app);
      fatima = await w.as(w.fatima);
      lead = await w.as(w.lead);
      stranger = (await makeLogin(t.app, (await makeTeam(t.app.db)).id, 'coach')).id;
    });

    const cases: [string, Record<string, string>, string, string][] = [
      ['date', { date: '' }, 'date', 'Vul een datum in.'],
      ['date', { date: '31-02-2026' }, 'date', 'Vul een datum in zoals 8-12-2026.'],
      ['date', { date: '2026-11-20' }, 'date', 'Deze datum is al voorbij. Kies een datum vanaf vandaag.'],
      ['date', { date: '2028-01-10' }, 'date', 'Deze datum is te ver weg. Plan hoogstens een jaar vooruit.'],
      [
        'start',
        { date: '2026-11-24', start: '09:00' },
        'start',
        'Deze tijd is al voorbij. Kies een tijd later vandaag of een andere dag.',
      ],
      ['start', { start: '' }, 'start', 'Vul een begintijd in.'],
      ['start', { start: '9 uur' }, 'start', 'Vul een begintijd in zoals 09:00.'],
      [
        'start',
        { date: '2027-03-28', start: '02:30', end: '05:00' },
        'start',
        'Deze tijd bestaat niet op deze dag, omdat de klok dan een uur vooruit gaat. Kies een andere tijd.',
      ],
      ['end', { end: '' }, 'end', 'Vul een eindtijd in.'],
      ['end', { end: '25:00' }, 'end', 'Vul een eindtijd in zoals 12:00.'],
      ['end', { end: '08:00' }, 'end', 'De eindtijd moet later zijn dan de begintijd, op dezelfde dag.'],
      ['end', { end: '00:00' }, 'end', 'De eindtijd moet later zijn dan de begintijd, op dezelfde dag.'],
      [
        'end',
        { end: '09:30' },
        'end',
        'Het blok is korter dan één gesprek. Maak het blok langer of het gesprek korter.',
      ],
      ['slotMinutes', { slotMinutes: '' }, 'slotMinutes', 'Vul de lengte van een gesprek in.'],
      ['slotMinutes', { slotMinutes: '10' }, 'slotMinutes', 'Vul een lengte in van 15 tot en met 240 minuten.'],
      ['slotMinutes', { slotMinutes: 'een uur' }, 'slotMinutes', 'Vul een lengte in van 15 tot en met 240 minuten.'],
      ['bufferMinutes', { bufferMinutes: '' }, 'bufferMinutes', 'Vul de reistijd in. Geen reistijd? Vul 0 in.'],
      ['bufferMinutes', { bufferMinutes: '-5' }, 'bufferMinutes', 'Vul een reistijd in van 0 tot en met 120 minuten.'],
      ['bufferMinutes', { bufferMinutes: '121' }, 'bufferMinutes', 'Vul een reistijd in van 0 tot en met 120 minuten.'],
      ['locationKind', { locationKind: 'garden' }, 'locationKind', 'Kies waar de gesprekken zijn.'],
      ['partner', {}, 'partner', "Kies een duo-partner, of zet een vinkje bij 'alleen'."],
      ['partner', { partner: 'STRANGER' }, 'partner', 'Kies een duo-partner uit uw team.'],
      ['partner', { partner: 'abc' }, 'partner', 'Kies een duo-partner uit uw team.'],
      ['partner', { partner: 'SELF' }, 'partner', 'U kunt niet uw eigen duo-partner zijn. Kies een collega.'],
      ['partner', { partner: 'JEROEN', solo: 'yes' }, 'partner', "Kies een duo-partner óf 'alleen', niet allebei."],
      [
        'until',
        { partner: 'JEROEN', repeat: 'weekly', until: '' },
        'until',
        'Vul in tot wanneer het blok herhaald wordt.',
      ],
      [
        'until',
        { partner: 'JEROEN', repeat: 'weekly', until: 'volgende maand' },
        'until',
        'Vul een einddatum in zoals 29-12-2026.',
      ],
      [
        'until',
        { partner: 'JEROEN', repeat: 'weekly', until: '2026-12-08' },
        'until',
        'Deze datum moet na de eerste datum liggen.',
      ],
      [
        'until',
        { partner: 'JEROEN', repeat: 'weekly', until: '2027-06-15' },
        'until',
        'Herhaal hoogstens 26 weken. Kies een eerdere datum.',
      ],
      ['repeat', { partner: 'JEROEN', repeat: 'daily' }, 'repeat', 'Kies of u het blok wilt herhalen.'],
    ];

    it.each(cases)(
      '%s: %j is refused next to the field, input kept, nothing saved',
      async (_name, fields, fieldName, message) => {
        const ids: Record<string, string> = {
          STRANGER: String(stranger),
          SELF: String(w.fatima.id),
          JEROEN: String(w.jeroen.id),
        };
        const posted = Object.fromEntries(Object.entries({ ...fields }).map(([k, v]) => [k, ids[v] ?? v]));
        const res = await plan(fatima, posted);
        expect(res.statusCode).toBe(400);
        expect(res.body).toContain(`id="${fieldName}-error"`);
        expect(res.body).toContain(`href="#${fieldName}"`);
        expect(res.body).toContain(html(message));
        for (const [k, v] of Object.entries(posted)) {
          if (['date', 'start', 'end', 'slotMinutes', 'bufferMinutes', 'until'].includes(k))
            expect(res.body).toContain(
              `name="${k}" type="${k === 'date' || k === 'until' ? 'date' : k === 'start' || k === 'end' ? 'time' : 'text'}" value="${html(v)}"`,
            );
        }
        expect(await w.blocks()).toEqual([]);
      },
    );

    it('a team lead must choose the coach, and two different coaches', async () => {
      let res = await plan(lead, { partner: String(w.jeroen.id) });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies de wijkcoach.');
      res = await plan(lead, { coach: String(w.jeroen.id), partner: String(w.jeroen.id) });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies twee verschillende wijkcoaches.');
      res = await plan(lead, { coach: String(stranger), partner: String(w.jeroen.id) });
      expect(res.body).toContain('Kies een wijkcoach uit uw team.');
      expect(await w.blocks()).toEqual([]);
    });
  });

  describe('changing blocks', () => {
    it('changes one block of a series, or this one and the later ones, keeping the coaches in step', async () => {
      const w = await makeWorld(t.app);
      const fatima = await w.as(w.fatima);
      expect(
        (
          await plan(fatima, {
            date: '2027-01-05',
            partner: String(w.jeroen.id),
            repeat: 'weekly',
            until: '2027-01-26',
          })
        ).statusCode,
      ).toBe(303);
      const [b1, b2, b3, b4] = await w.blocks();
      const edit = (id: number, fields: Record<string, string>) =>
        send(fatima, `/medewerker/blokken/${id}/wijzigen`, {
          slotMinutes: '60',
          bufferMinutes: '30',
          locationKind: 'home',
          ...fields,
        });

      let res = await edit(b2!.id, { date: '2027-01-12', start: '09:00', end: '12:00' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(html('Kies: alleen dit blok, of ook de volgende blokken.'));
      res = await edit(b2!.id, { scope: 'series', date: '2027-01-13', start: '09:00', end: '12:00' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(html("Een andere datum kan alleen voor één blok. Kies 'Alleen dit blok'."));

      res = await edit(b2!.id, { scope: 'one', date: '2027-01-13', start: '13:00', end: '16:00' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/medewerker/blokken?klaar=gewijzigd&n=1');
      let blocks = await w.blocks();
      expect(blocks.map((b) => `${localTime(b.starts_at)}-${localTime(b.ends_at).slice(11)}`)).toEqual([
        '2027-01-05 09:00-12:00',
        '2027-01-13 13:00-16:00',
        '2027-01-19 09:00-12:00',
        '2027-01-26 09:00-12:00',
      ]);

      res = await edit(b3!.id, {
        scope: 'series',
        date: '2027-01-19',
        start: '10:00',
        end: '12:30',
        slotMinutes: '45',
        bufferMinutes: '15',
        locationKind: 'office',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/medewerker/blokken?klaar=gewijzigd&n=2');
      blocks = await w.blocks();
      expect(
        blocks.map((b) => [
          b.id,
          `${localTime(b.starts_at)}-${localTime(b.ends_at).slice(11)}`,
          b.slot_minutes,
          b.buffer_minutes,
          b.location_kind,
        ]),
      ).toEqual([
        [b1!.id, '2027-01-05 09:00-12:00', 60, 30, 'home'],
        [b2!.id, '2027-01-13 13:00-16:00', 60, 30, 'home'],
        [b3!.id, '2027-01-19 10:00-12:30', 45, 15, 'office'],
        [b4!.id, '2027-01-26 10:00-12:30', 45, 15, 'office'],
      ]);
      expect(await periodsInStep(t.app, w.team.id)).toBe(0);
      expect(
        (await mailsTo(t.app, w.jeroen.email)).map((m) => m.subject).filter((s) => s.startsWith('Blok gewijzigd')),
      ).toEqual([
        'Blok gewijzigd: woensdag 13 januari 2027, 13:00–16:00',
        'Blok gewijzigd: dinsdag 19 januari 2027, 10:00–12:30',
      ]);
    });

    it('refuses a change that leaves a booked appointment outside the block, or that overlaps another block', async () => {
      const w = await makeWorld(t.app);
      const id = await w.block([w.fatima, w.jeroen], '2026-12-10T09:00', '2026-12-10T12:00');
      await w.block([w.fatima, w.sanne], '2026-12-10T13:00', '2026-12-10T16:00');
      await w.book(id, '2026-12-10T10:30');
      const fatima = await w.as(w.fatima);
      const edit = (fields: Record<string, string>) =>
        send(fatima, `/medewerker/blokken/${id}/wijzigen`, {
          date: '2026-12-10',
          slotMinutes: '60',
          bufferMinutes: '30',
          locationKind: 'home',
          ...fields,
        });

      let res = await edit({ start: '09:00', end: '11:00' });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('Deze afspraken zijn al geboekt en vallen buiten de nieuwe tijden van het blok:');
      expect(res.body).toContain('<li>donderdag 10 december 2026, 10:30–11:30</li>');
      res = await edit({ start: '09:00', end: '14:00' });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain(
        'U heeft al een blok op donderdag 10 december 2026, 13:00–16:00 (samen met Sanne Visser).',
      );
      let [b] = await w.blocks();
      expect(localTime(b!.starts_at) + '-' + localTime(b!.ends_at)).toBe('2026-12-10 09:00-2026-12-10 12:00');

      // The appointment still fits: allowed.
      res = await edit({ start: '10:30', end: '12:30' });
      expect(res.statusCode).toBe(303);
      [b] = await w.blocks();
      expect(localTime(b!.starts_at) + '-' + localTime(b!.ends_at)).toBe('2026-12-10 10:30-2026-12-10 12:30');
      expect(await periodsInStep(t.app, w.team.id)).toBe(0);
    });
  });

  describe('bad input on the edit form', () => {
    let w: World;
    let fatima: Client;
    let id: number;
    beforeAll(async () => {
      w = await makeWorld(t.app);
      fatima = await w.as(w.fatima);
      id = await w.block([w.fatima, w.jeroen], '2026-12-10T09:00', '2026-12-10T12:00');
    });
    const ok = {
      date: '2026-12-10',
      start: '09:00',
      end: '12:00',
      slotMinutes: '60',
      bufferMinutes: '30',
      locationKind: 'home',
    };
    const cases: [Record<string, string>, string, string][] = [
      [{ date: '' }, 'date', 'Vul een datum in.'],
      [{ date: '2026-11-23' }, 'date', 'Deze datum is al voorbij. Kies een datum vanaf vandaag.'],
      [{ start: '' }, 'start', 'Vul een begintijd in.'],
      [{ end: '9' }, 'end', 'Vul een eindtijd in zoals 12:00.'],
      [{ end: '08:59' }, 'end', 'De eindtijd moet later zijn dan de begintijd, op dezelfde dag.'],
      [{ slotMinutes: '241' }, 'slotMinutes', 'Vul een lengte in van 15 tot en met 240 minuten.'],
      [{ bufferMinutes: 'veel' }, 'bufferMinutes', 'Vul een reistijd in van 0 tot en met 120 minuten.'],
      [{ locationKind: '' }, 'locationKind', 'Kies waar de gesprekken zijn.'],
    ];
    it.each(cases)('%j is refused next to %s, and the block is unchanged', async (fields, fieldName, message) => {
      const res = await send(fatima, `/medewerker/blokken/${id}/wijzigen`, { ...ok, ...fields });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`id="${fieldName}-error"`);
      expect(res.body).toContain(`href="#${fieldName}"`);
      expect(res.body).toContain(html(message));
      const [b] = await w.blocks();
      expect([
        localTime(b!.starts_at),
        localTime(b!.ends_at),
        b!.slot_minutes,
        b!.buffer_minutes,
        b!.location_kind,
      ]).toEqual(['2026-12-10 09:00', '2026-12-10 12:00', 60, 30, 'home']);
    });
  });

  it('shows every block page in English too', async () => {
    const w = await makeWorld(t.app);
    const id = await w.block([w.fatima, w.jeroen], '2026-12-10T09:00', '2026-12-10T12:00');
    await w.book(id, '2026-12-10T09:00');
    const lead = await w.as(w.lead);
    const titles: [string, string][] = [
      ['/medewerker/blokken?lang=en', '<h1 class="utrecht-heading-1">Blocks</h1>'],
      ['/medewerker/blokken/nieuw', '<h1 class="utrecht-heading-1">Plan a new block</h1>'],
      [`/medewerker/blokken/${id}/wijzigen`, '<h1 class="utrecht-heading-1">Change block</h1>'],
      [
        `/medewerker/blokken/${id}/annuleren`,
        'Cancel. The resident gets an e-mail with a link to book a new appointment.',
      ],
      ['/medewerker/afwezigheid', '<h1 class="utrecht-heading-1">Absence</h1>'],
      ['/medewerker/afwezigheid/nieuw', 'Who is absent?'],
    ];
    for (const [url, text] of titles) {
      const res = await lead.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain(text);
    }
  });

  describe('who may change a block', () => {
    it('a coach not in the block sees it read-only and gets 403; the team lead may; another team gets 404; a cancelled block is closed', async () => {
      const w = await makeWorld(t.app);
      const id = await w.block([w.fatima, w.jeroen], '2026-12-10T09:00', '2026-12-10T12:00');
      const fields = {
        date: '2026-12-10',
        start: '09:00',
        end: '11:30',
        slotMinutes: '60',
        bufferMinutes: '30',
        locationKind: 'home',
      };
      const sanne = await w.as(w.sanne);
      const page = await sanne.get(`/medewerker/blokken/${id}/wijzigen`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(
        'Alleen de wijkcoaches van dit blok en de teamleider kunnen dit blok wijzigen of annuleren.',
      );
      expect(page.body).not.toContain(`action="/medewerker/blokken/${id}/wijzigen"`);
      expect(
        (await sanne.submit('/medewerker/blokken/nieuw', fields, `/medewerker/blokken/${id}/wijzigen`)).statusCode,
      ).toBe(403);
      expect(
        (await sanne.submit('/medewerker/blokken/nieuw', { scope: 'one' }, `/medewerker/blokken/${id}/annuleren`))
          .statusCode,
      ).toBe(403);

      const other = await makeWorld(t.app);
      const outsider = await other.as(other.lead);
      expect((await outsider.get(`/medewerker/blokken/${id}/wijzigen`)).statusCode).toBe(404);
      expect((await outsider.get(`/medewerker/blokken/${id}/annuleren`)).statusCode).toBe(404);
      expect(
        (await outsider.submit('/medewerker/blokken/nieuw', fields, `/medewerker/blokken/${id}/wijzigen`)).statusCode,
      ).toBe(404);
      expect((await sanne.get('/medewerker/blokken/999999999/wijzigen')).statusCode).toBe(404);
      expect((await sanne.get('/medewerker/blokken/abc/wijzigen')).statusCode).toBe(404);
      expect(localTime((await w.blocks())[0]!.ends_at)).toBe('2026-12-10 12:00');

      const lead = await w.as(w.lead);
      expect((await send(lead, `/medewerker/blokken/${id}/wijzigen`, fields)).statusCode).toBe(303);
      expect(localTime((await w.blocks())[0]!.ends_at)).toBe('2026-12-10 11:30');
      expect((await send(lead, `/medewerker/blokken/${id}/annuleren`, {})).statusCode).toBe(303);
      const closed = await lead.get(`/medewerker/blokken/${id}/wijzigen`);
      expect(closed.body).toContain('Dit blok is al begonnen of geannuleerd. U kunt het niet meer wijzigen.');
      expect(
        (await lead.submit('/medewerker/blokken/nieuw', fields, `/medewerker/blokken/${id}/wijzigen`)).statusCode,
      ).toBe(409);
    });
  });

  describe('cancelling blocks', () => {
    it('moves one appointment to another duo at the same time and cancels another, with mails, in one go', async () => {
      const w = await makeWorld(t.app);
      const x = await w.block([w.fatima, w.jeroen], '2026-12-10T09:00', '2026-12-10T12:00');
      const y = await w.block([w.sanne, w.mohamed], '2026-12-10T09:00', '2026-12-10T12:00');
      const z = await w.block([w.sanne, w.mohamed], '2026-12-11T09:00', '2026-12-11T10:00');
      const anna = await w.book(x, '2026-12-10T09:00');
      const bob = await w.book(x, '2026-12-10T10:30');
      const carol = await w.book(y, '2026-12-10T10:30');
      const fatima = await w.as(w.fatima);

      const page = await fatima.get(`/medewerker/blokken/${x}/annuleren`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(
        'Verzetten naar een ander duo, op dezelfde tijd: donderdag 10 december 2026, 09:00–10:00, met Mohamed Yilmaz &amp; Sanne Visser',
      );
      expect(page.body).toContain(
        'Verzetten naar het eerstvolgende vrije moment: vrijdag 11 december 2026, 09:00–10:00, met Mohamed Yilmaz &amp; Sanne Visser',
      );
      expect(page.body).not.toContain(SECRET_QUESTION);
      const target = new RegExp(`name="target_${anna.id}" value="([^"]+)"`).exec(page.body)![1]!;
      expect(target).toBe(`${y}_${at('2026-12-10T09:00').toISOString()}`);

      // Without a choice for each appointment: refused, nothing changes.
      let res = await send(fatima, `/medewerker/blokken/${x}/annuleren`, {
        [`choice_${anna.id}`]: 'move',
        [`target_${anna.id}`]: target,
      });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`href="#choice_${bob.id}"`);
      expect(res.body).toContain('Kies: verzetten of afzeggen.');
      expect((await w.blocks()).every((b) => b.status === 'active')).toBe(true);

      res = await send(fatima, `/medewerker/blokken/${x}/annuleren`, {
        [`choice_${anna.id}`]: 'move',
        [`target_${anna.id}`]: target,
        [`choice_${bob.id}`]: 'cancel',
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/medewerker/blokken?klaar=geannuleerd&n=1&verzet=1&afgezegd=1');

      const appts = await t.app.db
        .selectFrom('appointment')
        .selectAll()
        .where('id', 'in', [anna.id, bob.id, carol.id])
        .orderBy('id')
        .execute();
      expect(appts[0]).toMatchObject({ id: anna.id, block_id: y, status: 'booked' });
      expect(appts[0]!.starts_at.toISOString()).toBe(at('2026-12-10T09:00').toISOString());
      expect(appts[1]).toMatchObject({
        id: bob.id,
        block_id: x,
        status: 'cancelled',
        cancel_reason: 'block_cancelled',
      });
      expect(appts[2]).toMatchObject({ id: carol.id, block_id: y, status: 'booked' });
      const blocks = await w.blocks();
      expect(blocks.find((b) => b.id === x)!.status).toBe('cancelled');
      expect((await w.coachRows(x)).map((r) => r.active)).toEqual([false, false]);
      expect(blocks.find((b) => b.id === z)!.status).toBe('active');
      const request = await t.app.db
        .selectFrom('request')
        .select('status')
        .where('id', '=', bob.requestId)
        .executeTakeFirstOrThrow();
      expect(request.status).toBe('cancelled');

      // The old block holds nothing; Y is full now; Z keeps its free slot.
      const booked = await t.app.db
        .selectFrom('appointment')
        .select(['block_id'])
        .where('status', '=', 'booked')
        .where('block_id', 'in', [x, y, z])
        .execute();
      expect(booked.map((b) => b.block_id).sort()).toEqual([y, y]);

      // Mails: the moved resident ("verzet"), the cancelled one (with a rebooking link), the new duo, the partner.
      const annaMail = await mailsTo(t.app, anna.email);
      expect(annaMail.map((m) => m.subject)).toEqual([
        'Uw afspraak is verzet: donderdag 10 december 2026, 09:00–10:00',
      ]);
      expect(annaMail[0]!.body_text).toContain('Mohamed & Sanne');
      const bobMail = await mailsTo(t.app, bob.email);
      expect(bobMail.map((m) => m.subject)).toEqual(['Uw afspraak is afgezegd']);
      expect(bobMail[0]!.body_text).toContain('/aanmelden');
      for (const coach of [w.sanne, w.mohamed]) {
        expect((await mailsTo(t.app, coach.email)).map((m) => m.subject)).toEqual([
          'Nieuwe afspraak in uw blok: donderdag 10 december 2026, 09:00–10:00',
        ]);
      }
      const jeroenMail = await mailsTo(t.app, w.jeroen.email);
      expect(jeroenMail.map((m) => m.subject)).toEqual(['Blok geannuleerd: donderdag 10 december 2026, 09:00–12:00']);
      expect(jeroenMail[0]!.body_text).toContain(
        'Fatima El Amrani heeft uw blok geannuleerd. Afspraken verzet naar een ander duo: 1. Afspraken afgezegd: 1.',
      );
      await renderOutbox(t.app);
      const all = await t.app.db.selectFrom('outbox_message').select('body_text').execute();
      expect(all.some((m) => m.body_text!.includes(SECRET_QUESTION))).toBe(false);

      // The resident's manage link still works and shows the new duo.
      const manage = await t.app.inject({ method: 'GET', url: `/afspraak/${anna.token}` });
      expect(manage.statusCode).toBe(200);
      expect(manage.body).toContain('donderdag 10 december 2026');
      expect(manage.body).toContain('Sanne');

      const list = await fatima.get(res.headers.location as string);
      expect(list.body).toContain('Het blok is geannuleerd. Afspraken verzet: 1. Afspraken afgezegd: 1.');
    });

    it('cancels the future part of a series; a proposal taken in the meantime is refused with a new one and nothing saved', async () => {
      const w = await makeWorld(t.app);
      const fatima = await w.as(w.fatima);
      expect(
        (
          await plan(fatima, {
            date: '2026-12-14',
            partner: String(w.jeroen.id),
            repeat: 'weekly',
            until: '2026-12-28',
          })
        ).statusCode,
      ).toBe(303);
      const [d14, d21, d28] = await w.blocks();
      const appt = await w.book(d21!.id, '2026-12-21T10:30');
      const other = await w.block([w.sanne, w.mohamed], '2026-12-21T10:30', '2026-12-21T11:30');

      let page = await fatima.get(`/medewerker/blokken/${d21!.id}/annuleren`);
      expect(page.body).toContain('Wat wilt u annuleren?');
      expect(page.body).not.toContain(`name="choice_${appt.id}"`);
      page = await fatima.get(`/medewerker/blokken/${d21!.id}/annuleren?scope=series`);
      expect(page.body).toContain('Deze blokken gaan niet door (2)');
      expect(page.body).toContain('<li>maandag 28 december 2026, 09:00–12:00</li>');
      const target = new RegExp(`name="target_${appt.id}" value="([^"]+)"`).exec(page.body)![1]!;
      expect(target).toBe(`${other}_${at('2026-12-21T10:30').toISOString()}`);

      // Someone books that slot of the other duo before the form is sent.
      const rival = await w.book(other, '2026-12-21T10:30');
      const before = await t.app.db.selectFrom('outbox_message').select('id').execute();
      let res = await fatima.post(`/medewerker/blokken/${d21!.id}/annuleren`, {
        _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!,
        scope: 'series',
        [`choice_${appt.id}`]: 'move',
        [`target_${appt.id}`]: target,
      });
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain(
        'Het voorgestelde moment is net door iemand anders geboekt. Hier is een nieuw voorstel. Kies opnieuw.',
      );
      expect((await w.blocks()).every((b) => b.status === 'active')).toBe(true);
      expect(
        (
          await t.app.db
            .selectFrom('appointment')
            .select('block_id')
            .where('id', '=', appt.id)
            .executeTakeFirstOrThrow()
        ).block_id,
      ).toBe(d21!.id);
      expect(await t.app.db.selectFrom('outbox_message').select('id').execute()).toHaveLength(before.length);
      expect(rival.id).toBeGreaterThan(0);

      res = await send(fatima, `/medewerker/blokken/${d21!.id}/annuleren?scope=series`, {
        scope: 'series',
        [`choice_${appt.id}`]: 'cancel',
      });
      expect(res.statusCode).toBe(303);
      const blocks = await w.blocks();
      expect(blocks.map((b) => [b.id, b.status])).toEqual([
        [d14!.id, 'active'],
        [d21!.id, 'cancelled'],
        [other, 'active'],
        [d28!.id, 'cancelled'],
      ]);
      expect((await w.coachRows(d14!.id)).every((r) => r.active)).toBe(true);
      expect((await w.coachRows(d28!.id)).some((r) => r.active)).toBe(false);
      expect((await mailsTo(t.app, appt.email)).map((m) => m.subject)).toEqual(['Uw afspraak is afgezegd']);
    });
  });
});
