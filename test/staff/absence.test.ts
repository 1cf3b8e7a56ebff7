// Absence: entering one (for myself, or as team lead for a coach), the blocks in that period,
// and for each block a replacement partner (the exclusion constraint decides), going solo,
// moving the appointments to other duos, or cancelling — all in one transaction, with mails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { makeLogin } from '../helpers/staff.js';
import { at, html, mailsTo, makeWorld, NOW, SECRET_QUESTION, send, type World } from './blocks-world.js';
import { renderOutbox } from '../helpers/outbox.js';

const enter = (c: Client, fields: Record<string, string>) =>
  send(c, '/medewerker/afwezigheid/nieuw', { fromTime: '', untilTime: '', note: '', ...fields });
const idFrom = (location: unknown) => Number(/\/medewerker\/afwezigheid\/(\d+)$/.exec(String(location))![1]);

describe('absence', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t.close());

  /** Fatima's week of 14 December, with a fifth colleague (Kees) who is free. */
  async function sickWeek() {
    const w = await makeWorld(t.app);
    const kees = await makeLogin(t.app, w.team.id, 'coach', 'Kees de Boer');
    const b1 = await w.block([w.fatima, w.jeroen], '2026-12-14T09:00', '2026-12-14T12:00');
    const b2 = await w.block([w.fatima, w.jeroen], '2026-12-15T09:00', '2026-12-15T12:00');
    const b3 = await w.block([w.fatima, w.jeroen], '2026-12-16T13:00', '2026-12-16T16:00');
    const b4 = await w.block([w.fatima], '2026-12-17T09:00', '2026-12-17T12:00');
    const later = await w.block([w.fatima, w.jeroen], '2026-12-21T09:00', '2026-12-21T12:00');
    const other = await w.block([w.sanne, w.mohamed], '2026-12-15T09:00', '2026-12-15T12:00');
    const a1 = await w.book(b1, '2026-12-14T10:30');
    const a2 = await w.book(b2, '2026-12-15T09:00');
    const a4 = await w.book(b4, '2026-12-17T09:00');
    const fatima = await w.as(w.fatima);
    const res = await enter(fatima, { fromDate: '2026-12-14', untilDate: '2026-12-18', kind: 'sick', note: 'Griep' });
    expect(res.statusCode).toBe(303);
    return { w, kees, b1, b2, b3, b4, later, other, a1, a2, a4, fatima, absenceId: idFrom(res.headers.location) };
  }

  it('a coach enters an absence of whole days; the page lists her blocks in it with the colleagues free then', async () => {
    const s = await sickWeek();
    const row = await t.app.db
      .selectFrom('absence')
      .selectAll()
      .where('id', '=', s.absenceId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ staff_id: s.w.fatima.id, kind: 'sick', note: 'Griep', created_by: s.w.fatima.id });
    expect(row.starts_at.toISOString()).toBe(at('2026-12-14T00:00').toISOString());
    expect(row.ends_at.toISOString()).toBe(at('2026-12-19T00:00').toISOString());

    const page = await s.fatima.get(`/medewerker/afwezigheid/${s.absenceId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('maandag 14 december 2026 tot en met vrijdag 18 december 2026');
    expect(page.body).toContain('In deze tijd staan 4 blokken.');
    for (const b of [s.b1, s.b2, s.b3, s.b4]) expect(page.body).toContain(`name="action_${b}"`);
    expect(page.body).not.toContain(`name="action_${s.later}"`);
    const options = (blockId: number) =>
      [
        ...new RegExp(`<select[^>]*id="replacement_${blockId}"[^>]*>([\\s\\S]*?)</select>`)
          .exec(page.body)![1]!
          .matchAll(/<option value="(\d+)"/g),
      ].map((m) => Number(m[1]));
    // Monday: Kees, Mohamed and Sanne are free. Tuesday: Sanne and Mohamed are in their own block.
    expect(options(s.b1).sort()).toEqual([s.kees.id, s.w.sanne.id, s.w.mohamed.id, s.w.lead.id].sort());
    expect(options(s.b2).sort()).toEqual([s.kees.id, s.w.lead.id].sort());
    // Going solo only where there is a partner; moving only where there is something to move.
    expect(page.body).toContain(`id="action_${s.b1}-solo"`);
    expect(page.body).not.toContain(`id="action_${s.b4}-solo"`);
    expect(page.body).not.toContain(`id="action_${s.b3}-move"`);
    expect(page.body).toContain(
      'kan naar dinsdag 15 december 2026, 09:00–10:00, met Mohamed Yilmaz &amp; Sanne Visser',
    );

    const list = await s.fatima.get('/medewerker/afwezigheid');
    expect(list.body).toContain(`href="/medewerker/afwezigheid/${s.absenceId}"`);
    expect(list.body).toContain('ziek');
    expect(list.body).toContain('ma 14 dec tot en met vr 18 dec');
  });

  it('handles every block in one go: a replacement partner, solo, moved appointments, a cancelled block', async () => {
    const s = await sickWeek();
    const res = await send(s.fatima, `/medewerker/afwezigheid/${s.absenceId}`, {
      [`action_${s.b1}`]: 'replace',
      [`replacement_${s.b1}`]: String(s.kees.id),
      [`action_${s.b2}`]: 'move',
      [`target_${s.a2.id}`]: `${s.other}_${at('2026-12-15T09:00').toISOString()}`,
      [`action_${s.b3}`]: 'solo',
      [`action_${s.b4}`]: 'cancel',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/medewerker/afwezigheid/${s.absenceId}?klaar=1`);
    const db = t.app.db;
    const blocks = await s.w.blocks();
    const status = (id: number) => blocks.find((b) => b.id === id)!;

    // Replacement: Fatima's row inactive, Kees in with the block's period.
    expect(status(s.b1).status).toBe('active');
    const rows1 = await s.w.coachRows(s.b1);
    expect(rows1.map((r) => [r.coach_id, r.active]).sort()).toEqual(
      [
        [s.w.fatima.id, false],
        [s.w.jeroen.id, true],
        [s.kees.id, true],
      ].sort(),
    );
    const kees = rows1.find((r) => r.coach_id === s.kees.id)!;
    expect(new Date(kees.from).toISOString()).toBe(at('2026-12-14T09:00').toISOString());
    expect(new Date(kees.to).toISOString()).toBe(at('2026-12-14T12:00').toISOString());
    // Moved: the appointment row now lives in the other duo's block, same time; the block is cancelled.
    expect(status(s.b2).status).toBe('cancelled');
    const a2 = await db.selectFrom('appointment').selectAll().where('id', '=', s.a2.id).executeTakeFirstOrThrow();
    expect(a2).toMatchObject({ block_id: s.other, status: 'booked' });
    expect(a2.starts_at.toISOString()).toBe(at('2026-12-15T09:00').toISOString());
    // Solo: Jeroen alone.
    expect(status(s.b3)).toMatchObject({ status: 'active', solo: true });
    expect((await s.w.coachRows(s.b3)).map((r) => [r.coach_id, r.active]).sort()).toEqual(
      [
        [s.w.fatima.id, false],
        [s.w.jeroen.id, true],
      ].sort(),
    );
    // Cancelled, with its appointment.
    expect(status(s.b4).status).toBe('cancelled');
    expect(
      (await db.selectFrom('appointment').select('status').where('id', '=', s.a4.id).executeTakeFirstOrThrow()).status,
    ).toBe('cancelled');
    expect(status(s.later).status).toBe('active');

    // Mails.
    const a1Mail = await mailsTo(t.app, s.a1.email);
    expect(a1Mail.map((m) => m.subject)).toEqual(['Uw afspraak gaat door: maandag 14 december 2026, 10:30–11:30']);
    expect(a1Mail[0]!.body_text).toContain('Fatima kan er dan niet zijn. U krijgt bezoek van Jeroen & Kees.');
    expect((await mailsTo(t.app, s.a2.email)).map((m) => m.subject)).toEqual([
      'Uw afspraak is verzet: dinsdag 15 december 2026, 09:00–10:00',
    ]);
    expect((await mailsTo(t.app, s.a4.email)).map((m) => m.subject)).toEqual(['Uw afspraak is afgezegd']);
    expect((await mailsTo(t.app, s.kees.email)).map((m) => m.subject)).toEqual([
      'Wijziging in uw blok: maandag 14 december 2026, 09:00–12:00',
    ]);
    const jeroen = (await mailsTo(t.app, s.w.jeroen.email)).map((m) => m.subject);
    expect(jeroen).toEqual(
      expect.arrayContaining([
        'Wijziging in uw blok: maandag 14 december 2026, 09:00–12:00',
        'U gaat alleen: woensdag 16 december 2026, 13:00–16:00',
        'Blok geannuleerd: dinsdag 15 december 2026, 09:00–12:00',
      ]),
    );
    expect((await mailsTo(t.app, s.w.sanne.email)).map((m) => m.subject)).toEqual([
      'Nieuwe afspraak in uw blok: dinsdag 15 december 2026, 09:00–10:00',
    ]);
    await renderOutbox(t.app);
    const all = await db.selectFrom('outbox_message').select('body_text').execute();
    expect(all.some((m) => m.body_text!.includes(SECRET_QUESTION))).toBe(false);

    const after = await s.fatima.get(res.headers.location as string);
    expect(after.body).toContain('Opgeslagen. De wijkcoaches en de inwoners krijgen een e-mail.');
    expect(after.body).toContain('In deze tijd staan geen blokken (meer).');
  });

  it('lets the exclusion constraint decide a replacement: a busy colleague is refused, the other block named, nothing saved', async () => {
    const s = await sickWeek();
    const outboxBefore = (await t.app.db.selectFrom('outbox_message').select('id').execute()).length;
    const res = await send(s.fatima, `/medewerker/afwezigheid/${s.absenceId}`, {
      [`action_${s.b1}`]: 'cancel',
      [`action_${s.b2}`]: 'replace',
      [`replacement_${s.b2}`]: String(s.w.sanne.id),
      [`action_${s.b3}`]: 'solo',
      [`action_${s.b4}`]: 'cancel',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain(
      'Sanne Visser heeft al een blok op dinsdag 15 december 2026, 09:00–12:00 (samen met Mohamed Yilmaz).',
    );
    expect(res.body).toContain('Er is niets opgeslagen.');
    expect(
      (await s.w.blocks()).map((b) => [b.id, b.status, b.solo]).sort((x, y) => Number(x[0]) - Number(y[0])),
    ).toEqual(
      [s.b1, s.b2, s.b3, s.b4, s.later]
        .map((id) => [id, 'active', id === s.b4])
        .concat([[s.other, 'active', false]])
        .sort((x, y) => Number(x[0]) - Number(y[0])),
    );
    expect((await s.w.coachRows(s.b2)).map((r) => r.coach_id).sort()).toEqual([s.w.fatima.id, s.w.jeroen.id].sort());
    expect((await s.w.coachRows(s.b3)).every((r) => r.active)).toBe(true);
    expect(
      (await t.app.db.selectFrom('appointment').select('status').where('id', '=', s.a4.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('booked');
    expect((await t.app.db.selectFrom('outbox_message').select('id').execute()).length).toBe(outboxBefore);
  });

  it('refuses bad choices next to the block, and saves nothing', async () => {
    const s = await sickWeek();
    const absent = await makeLogin(t.app, s.w.team.id, 'coach', 'Noor Peters');
    await t.app.db
      .insertInto('absence')
      .values({
        staff_id: absent.id,
        starts_at: at('2026-12-14T00:00'),
        ends_at: at('2026-12-15T00:00'),
        kind: 'leave',
      })
      .execute();
    const res = await send(s.fatima, `/medewerker/afwezigheid/${s.absenceId}`, {
      [`action_${s.b1}`]: 'replace',
      [`replacement_${s.b1}`]: String(absent.id),
      [`action_${s.b2}`]: 'replace',
      [`replacement_${s.b2}`]: String(s.w.fatima.id),
      [`action_${s.b3}`]: 'move',
      [`action_${s.b4}`]: 'solo',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`href="#replacement_${s.b1}"`);
    expect(res.body).toContain('Deze collega is dan ook afwezig. Kies een andere collega.');
    expect(res.body).toContain(`href="#replacement_${s.b2}"`);
    expect(res.body).toContain('Kies een andere collega uit uw team.');
    expect(res.body).toContain(`href="#action_${s.b3}"`);
    expect(res.body).toContain('Er zijn geen afspraken om te verzetten. Kies een andere mogelijkheid.');
    expect(res.body).toContain(`href="#action_${s.b4}"`);
    expect(res.body).toContain('Alleen gaan kan niet: er is geen duo-partner in dit blok.');
    // The choices made are kept.
    expect(res.body).toMatch(new RegExp(`id="action_${s.b1}-replace" name="action_${s.b1}" value="replace" checked`));
    const empty = await send(s.fatima, `/medewerker/afwezigheid/${s.absenceId}`, { [`action_${s.b1}`]: 'replace' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Kies welke collega in de plaats komt.');
    expect(empty.body).toContain(`href="#action_${s.b2}"`);
    expect(empty.body).toContain('Kies wat er met dit blok gebeurt.');
    expect(
      (await s.w.blocks()).map((b) => [b.id, b.status, b.solo]).sort((x, y) => Number(x[0]) - Number(y[0])),
    ).toEqual(
      [s.b1, s.b2, s.b3, s.b4, s.later]
        .map((id) => [id, 'active', id === s.b4])
        .concat([[s.other, 'active', false]])
        .sort((x, y) => Number(x[0]) - Number(y[0])),
    );
    expect((await s.w.coachRows(s.b1)).every((r) => r.active)).toBe(true);
  });

  it('a team lead enters an absence for a coach and handles it; other coaches see it read-only; another team gets 404', async () => {
    const w = await makeWorld(t.app);
    const block = await w.block([w.jeroen, w.sanne], '2026-12-09T09:00', '2026-12-09T12:00');
    const lead = await w.as(w.lead);
    const res = await enter(lead, {
      staff: String(w.jeroen.id),
      fromDate: '9-12-2026',
      fromTime: '08:00',
      untilDate: '9-12-2026',
      untilTime: '13:00',
      kind: 'leave',
    });
    expect(res.statusCode).toBe(303);
    const id = idFrom(res.headers.location);
    const row = await t.app.db.selectFrom('absence').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ staff_id: w.jeroen.id, created_by: w.lead.id, kind: 'leave', note: null });
    expect(row.starts_at.toISOString()).toBe(at('2026-12-09T08:00').toISOString());
    expect(row.ends_at.toISOString()).toBe(at('2026-12-09T13:00').toISOString());

    // Fatima: not her absence. She sees it (same team) but cannot handle it, and does not list it.
    const fatima = await w.as(w.fatima);
    const page = await fatima.get(`/medewerker/afwezigheid/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Alleen de wijkcoach zelf en de teamleider kunnen deze blokken regelen.');
    expect(page.body).toContain('woensdag 9 december 2026 08:00 tot woensdag 9 december 2026 13:00');
    expect(page.body).not.toContain(`name="action_${block}"`);
    expect(
      (await fatima.submit('/medewerker/afwezigheid', { [`action_${block}`]: 'solo' }, `/medewerker/afwezigheid/${id}`))
        .statusCode,
    ).toBe(403);
    expect((await fatima.get('/medewerker/afwezigheid')).body).not.toContain(`/medewerker/afwezigheid/${id}"`);
    expect((await lead.get('/medewerker/afwezigheid')).body).toContain('Jeroen Bakker');
    const other = await makeWorld(t.app);
    const outsider = await other.as(other.lead);
    expect((await outsider.get(`/medewerker/afwezigheid/${id}`)).statusCode).toBe(404);
    expect(
      (
        await outsider.submit(
          '/medewerker/afwezigheid',
          { [`action_${block}`]: 'solo' },
          `/medewerker/afwezigheid/${id}`,
        )
      ).statusCode,
    ).toBe(404);
    expect((await w.blocks())[0]!.solo).toBe(false);

    expect((await send(lead, `/medewerker/afwezigheid/${id}`, { [`action_${block}`]: 'solo' })).statusCode).toBe(303);
    expect((await w.blocks())[0]!.solo).toBe(true);
    expect((await mailsTo(t.app, w.sanne.email)).map((m) => m.subject)).toEqual([
      'U gaat alleen: woensdag 9 december 2026, 09:00–12:00',
    ]);
  });

  describe('bad input on the absence form', () => {
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
    const ok = { fromDate: '2026-12-14', untilDate: '2026-12-18', kind: 'leave' };
    const cases: [Record<string, string>, string, string][] = [
      [{ fromDate: '' }, 'fromDate', 'Vul in vanaf welke datum u afwezig bent.'],
      [{ fromDate: 'maandag' }, 'fromDate', 'Vul de eerste dag in zoals 8-12-2026.'],
      [{ untilDate: '' }, 'untilDate', 'Vul in tot en met welke datum u afwezig bent.'],
      [{ untilDate: '2026-13-01' }, 'untilDate', 'Vul de laatste dag in zoals 8-12-2026.'],
      [{ untilDate: '2026-12-10' }, 'untilDate', 'Het einde moet na het begin liggen.'],
      [
        { fromDate: '2026-12-14', fromTime: '13:00', untilDate: '2026-12-14', untilTime: '12:00' },
        'untilDate',
        'Het einde moet na het begin liggen.',
      ],
      [
        { fromDate: '2026-11-16', untilDate: '2026-11-20' },
        'untilDate',
        'Deze tijd is al voorbij. Geef alleen afwezigheid door die nog komt of nu is.',
      ],
      [{ untilDate: '2028-01-01' }, 'untilDate', 'Geef hoogstens een jaar tegelijk door.'],
      [{ fromTime: '25:00' }, 'fromTime', 'Vul een begintijd in zoals 13:00, of laat het leeg.'],
      [{ untilTime: 'middag' }, 'untilTime', 'Vul een eindtijd in zoals 13:00, of laat het leeg.'],
      [
        { fromDate: '2027-03-28', fromTime: '02:15', untilDate: '2027-03-29' },
        'fromTime',
        'Deze begintijd bestaat niet op deze dag, omdat de klok dan een uur vooruit gaat.',
      ],
      [{ kind: '' }, 'kind', 'Kies de soort afwezigheid.'],
      [{ kind: 'vakantie' }, 'kind', 'Kies de soort afwezigheid.'],
      [{ note: 'x'.repeat(501) }, 'note', 'De opmerking is te lang. Gebruik hoogstens 500 tekens.'],
    ];
    it.each(cases)('%j is refused next to %s, input kept, nothing saved', async (fields, fieldName, message) => {
      const res = await enter(fatima, { ...ok, ...fields });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(`id="${fieldName}-error"`);
      expect(res.body).toContain(`href="#${fieldName}"`);
      expect(res.body).toContain(html(message));
      for (const [k, v] of Object.entries(fields))
        if (k !== 'kind' && k !== 'note') expect(res.body).toContain(`value="${html(v)}"`);
      if (fields.note) expect(res.body).toContain(`>${fields.note}</textarea>`);
      expect(await t.app.db.selectFrom('absence').select('id').where('staff_id', '=', w.fatima.id).execute()).toEqual(
        [],
      );
    });
    it('a team lead must say who is absent, someone of the team', async () => {
      let res = await enter(lead, ok);
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies wie er afwezig is.');
      res = await enter(lead, { ...ok, staff: String(stranger) });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Kies een collega uit uw team.');
      expect(await t.app.db.selectFrom('absence').select('id').where('staff_id', '=', stranger).execute()).toEqual([]);
    });
  });
});
