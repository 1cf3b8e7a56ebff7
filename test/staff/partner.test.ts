// Changing a block's duo partner (the exclusion constraint decides conflicts, booked appointments
// stay and follow, coaches mailed), and the warning when a planned partner is absent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { at, html, mailsTo, makeWorld, NOW, send } from './blocks-world.js';

describe('the duo partner of a block', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t.close());

  const activeCoaches = async (w: Awaited<ReturnType<typeof makeWorld>>, blockId: number) =>
    (await w.coachRows(blockId))
      .filter((r) => r.active)
      .map((r) => r.coach_id)
      .sort();

  it('a coach swaps their partner: the appointment stays, a solo visit follows, the coaches are mailed', async () => {
    const w = await makeWorld(t.app);
    const b = await w.block([w.fatima, w.jeroen], '2026-12-08T09:00', '2026-12-08T12:00');
    const a = await w.book(b, '2026-12-08T09:00');
    await t.app.db.updateTable('appointment').set({ solo_coach_id: w.jeroen.id }).where('id', '=', a.id).execute();
    const fatima = await w.as(w.fatima);
    const page = await fatima.get(`/medewerker/blokken/${b}/partner`);
    expect(page.statusCode).toBe(200);
    // The other coach is the one leaving by default; the choices are the colleagues not in the block.
    expect(page.body).toMatch(new RegExp(`id="leaving-${w.jeroen.id}" name="leaving" value="${w.jeroen.id}" checked`));
    expect(page.body).toContain(`<option value="${w.sanne.id}"`);
    expect(page.body).not.toContain(`<option value="${w.fatima.id}"`);

    const res = await send(fatima, `/medewerker/blokken/${b}/partner`, {
      leaving: String(w.jeroen.id),
      partner: String(w.sanne.id),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/medewerker/blokken?klaar=partner');
    expect(await activeCoaches(w, b)).toEqual([w.fatima.id, w.sanne.id].sort());
    const row = await t.app.db.selectFrom('appointment').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ block_id: b, status: 'booked', solo_coach_id: w.sanne.id });
    expect((await mailsTo(t.app, w.sanne.email)).map((m) => m.subject)).toContain(
      'Nieuwe duo-partner in uw blok: dinsdag 8 december 2026, 09:00–12:00',
    );
    expect((await mailsTo(t.app, w.jeroen.email)).map((m) => m.subject)).toContain(
      'U gaat niet meer mee: dinsdag 8 december 2026, 09:00–12:00',
    );
    // The one who did it gets no mail of their own doing.
    expect(await mailsTo(t.app, w.fatima.email)).toEqual([]);
    expect((await fatima.get('/medewerker/blokken?klaar=partner')).body).toContain('De duo-partner is gewijzigd.');
  });

  it('the team lead gives a solo block a partner', async () => {
    const w = await makeWorld(t.app);
    const b = await w.block([w.fatima], '2026-12-08T09:00', '2026-12-08T12:00');
    const lead = await w.as(w.lead);
    const res = await send(lead, `/medewerker/blokken/${b}/partner`, { partner: String(w.mohamed.id) });
    expect(res.statusCode).toBe(303);
    expect(await activeCoaches(w, b)).toEqual([w.fatima.id, w.mohamed.id].sort());
    const block = (await w.blocks()).find((x) => x.id === b)!;
    expect(block.solo).toBe(false);
  });

  it('refuses a partner who is in another block then (the database decides), names it and saves nothing', async () => {
    const w = await makeWorld(t.app);
    const b = await w.block([w.fatima, w.jeroen], '2026-12-08T09:00', '2026-12-08T12:00');
    await w.block([w.sanne, w.mohamed], '2026-12-08T11:00', '2026-12-08T14:00');
    const fatima = await w.as(w.fatima);
    const res = await send(fatima, `/medewerker/blokken/${b}/partner`, {
      leaving: String(w.jeroen.id),
      partner: String(w.sanne.id),
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Sanne Visser');
    expect(res.body).toContain('Mohamed Yilmaz');
    expect(res.body).toMatch(new RegExp(`<option value="${w.sanne.id}" selected`));
    expect(await activeCoaches(w, b)).toEqual([w.fatima.id, w.jeroen.id].sort());
    expect(await mailsTo(t.app, w.sanne.email)).toEqual([]);
  });

  it('refuses bad input next to the field, keeps the choices, and saves nothing', async () => {
    const w = await makeWorld(t.app);
    const other = await makeWorld(t.app);
    const b = await w.block([w.fatima, w.jeroen], '2026-12-08T09:00', '2026-12-08T12:00');
    const fatima = await w.as(w.fatima);
    const url = `/medewerker/blokken/${b}/partner`;
    const cases: [Record<string, string>, string, string][] = [
      [{ leaving: '', partner: String(w.sanne.id) }, 'leaving', 'Kies wie er niet meer meegaat.'],
      [{ leaving: String(w.sanne.id), partner: String(w.mohamed.id) }, 'leaving', 'Kies een van de wijkcoaches'],
      [{ leaving: String(w.jeroen.id), partner: '' }, 'partner', 'Kies wie er meegaat.'],
      [
        { leaving: String(w.jeroen.id), partner: String(other.sanne.id) },
        'partner',
        'Kies een duo-partner uit uw team.',
      ],
      [{ leaving: String(w.jeroen.id), partner: String(w.fatima.id) }, 'partner', 'Kies een duo-partner uit uw team.'],
      [{ leaving: String(w.jeroen.id), partner: 'abc' }, 'partner', 'Kies een duo-partner uit uw team.'],
    ];
    for (const [fields, field, message] of cases) {
      const res = await send(fatima, url, fields);
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.body).toContain(`id="${field}-error"`);
      expect(res.body).toContain(html(message));
      if (fields.partner === String(w.sanne.id))
        expect(res.body).toMatch(new RegExp(`<option value="${w.sanne.id}" selected`));
    }
    expect(await activeCoaches(w, b)).toEqual([w.fatima.id, w.jeroen.id].sort());
    // Another coach of the team may look but not change; another team does not see the block.
    const sanne = await w.as(w.sanne);
    expect((await sanne.get(url)).statusCode).toBe(200);
    expect((await send(sanne, url, { leaving: String(w.jeroen.id), partner: String(w.mohamed.id) })).statusCode).toBe(
      403,
    );
    expect((await (await other.as(other.lead)).get(url)).statusCode).toBe(404);
    expect(await activeCoaches(w, b)).toEqual([w.fatima.id, w.jeroen.id].sort());
  });

  it('warns when the new partner is absent then; saves after the planner confirms', async () => {
    const w = await makeWorld(t.app);
    const b = await w.block([w.fatima, w.jeroen], '2026-12-08T09:00', '2026-12-08T12:00');
    await t.app.db
      .insertInto('absence')
      .values({
        staff_id: w.sanne.id,
        starts_at: at('2026-12-07T00:00'),
        ends_at: at('2026-12-12T00:00'),
        kind: 'leave',
      })
      .execute();
    const fatima = await w.as(w.fatima);
    const url = `/medewerker/blokken/${b}/partner`;
    const fields = { leaving: String(w.jeroen.id), partner: String(w.sanne.id) };
    const warned = await send(fatima, url, fields);
    expect(warned.statusCode).toBe(200);
    expect(warned.body).toContain('id="absent-warning"');
    expect(warned.body).toContain('Sanne Visser is afwezig in deze tijd');
    expect(warned.body).toContain('name="confirmAbsent"');
    expect(await activeCoaches(w, b)).toEqual([w.fatima.id, w.jeroen.id].sort());
    const ok = await send(fatima, url, { ...fields, confirmAbsent: 'yes' });
    expect(ok.statusCode).toBe(303);
    expect(await activeCoaches(w, b)).toEqual([w.fatima.id, w.sanne.id].sort());
  });

  it('planning a block with an absent partner warns first, keeps the form, and plans after confirming', async () => {
    const w = await makeWorld(t.app);
    await t.app.db
      .insertInto('absence')
      .values({
        staff_id: w.jeroen.id,
        starts_at: at('2026-12-08T00:00'),
        ends_at: at('2026-12-09T00:00'),
        kind: 'sick',
      })
      .execute();
    const fatima = await w.as(w.fatima);
    const fields = {
      date: '2026-12-08',
      start: '09:00',
      end: '12:00',
      slotMinutes: '60',
      bufferMinutes: '30',
      locationKind: 'home',
      partner: String(w.jeroen.id),
    };
    const warned = await send(fatima, '/medewerker/blokken/nieuw', fields);
    expect(warned.statusCode).toBe(200);
    expect(warned.body).toContain('Jeroen Bakker is afwezig in deze tijd');
    expect(warned.body).toContain('value="2026-12-08"');
    expect(warned.body).toMatch(new RegExp(`<option value="${w.jeroen.id}" selected`));
    expect(await w.blocks()).toEqual([]);
    // Another day: no absence, no warning.
    const other = await send(fatima, '/medewerker/blokken/nieuw', { ...fields, date: '2026-12-10' });
    expect(other.statusCode).toBe(303);
    const ok = await send(fatima, '/medewerker/blokken/nieuw', { ...fields, confirmAbsent: 'yes' });
    expect(ok.statusCode).toBe(303);
    expect((await w.blocks()).map((b) => b.starts_at.toISOString())).toEqual([
      at('2026-12-08T09:00').toISOString(),
      at('2026-12-10T09:00').toISOString(),
    ]);
  });
});
