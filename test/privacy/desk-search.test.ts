// Finding a person at the privacy desk: by email (any case, spaces around), by phone (written any
// way the portal accepts), or by part of the name; bad input gets its message next to the field
// with what was typed kept; every search is audited without what was searched for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { deskWorld, NOW, type DeskWorld } from './desk-world.js';

describe('privacy desk: search', () => {
  let t: TestApp;
  let w: DeskWorld;
  let desk: Client;
  let deskId: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    w = await deskWorld(t.app);
    const u = await makeLogin(t.app, null, 'privacy');
    deskId = u.id;
    desk = await loggedIn(t.app, u.email);
  });
  afterAll(async () => t.close());

  const search = (by: string, q: string) =>
    desk.get(`/medewerker/privacy?${new URLSearchParams({ zoek: by, q }).toString()}`);
  const found = (html: string) =>
    [...html.matchAll(/href="\/medewerker\/privacy\/personen\/(\d+)"/g)].map((m) => Number(m[1]));

  it('shows the form, without searching or auditing, when nothing was asked yet', async () => {
    const res = await desk.get('/medewerker/privacy');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<form method="get" action="/medewerker/privacy"');
    expect(res.body).not.toContain('id="error-summary"');
    const audited = await t.app.db
      .selectFrom('audit_event')
      .select('id')
      .where('action', '=', 'privacy_searched')
      .execute();
    expect(audited).toEqual([]);
  });

  it('finds a person by email, phone or part of the name, with their team', async () => {
    for (const [by, q] of [
      ['email', '  ANNA.Zwanenburg@Voorbeeld.nl '],
      ['phone', '+31 (0)6-11 11 22 33'],
      ['phone', '0611112233'],
      ['name', 'zwanen'],
    ] as const) {
      const res = await search(by, q);
      expect(res.statusCode, q).toBe(200);
      expect(found(res.body), q).toEqual([w.anna.residentId]);
      expect(res.body).toContain('Wijkteam Privacy');
      expect(res.body).toContain('1 persoon gevonden');
    }
    // Part of a name, anywhere in it, in any case: "Quakkelaar".
    const two = await search('name', 'AA');
    expect(found(two.body)).toEqual([w.bram.residentId]);
    const all = await search('name', 'Zwanenburg');
    expect(found(all.body)).toEqual([w.anna.residentId]);
  });

  it('takes % and _ in a name as letters, not as patterns', async () => {
    const res = await search('name', '%%');
    expect(res.statusCode).toBe(200);
    expect(found(res.body)).toEqual([]);
    expect(res.body).toContain('Niemand gevonden');
  });

  it('answers bad input with a message next to the field and keeps what was typed', async () => {
    const cases: [string, string, string][] = [
      ['email', '', 'Vul in wat u zoekt.'],
      ['email', 'anna@', 'Vul een heel e-mailadres in'],
      ['phone', '06 123', 'Vul een heel telefoonnummer in'],
      ['phone', 'bel mij', 'Vul een heel telefoonnummer in'],
      ['name', 'Z', 'Vul minstens 2 letters van de naam in.'],
      ['name', 'x'.repeat(300), 'Dit is te lang.'],
    ];
    for (const [by, q, message] of cases) {
      const res = await search(by, q);
      expect(res.statusCode, `${by} ${q}`).toBe(400);
      expect(res.body).toMatch(new RegExp(`id="q-error"[^>]*>.*${message.replace(/[.]/g, '\\.')}`));
      expect(res.body).toContain(`id="q" name="q" type="text" value="${q}"`);
      expect(res.body).toContain(`id="by-${by}" name="zoek" value="${by}" checked`);
    }
    const odd = await search('bsn', '123456789');
    expect(odd.statusCode).toBe(400);
    expect(odd.body).toContain('id="by-error"');
  });

  it('audits every search with how and how many, never what was searched for', async () => {
    const rows = await t.app.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'privacy_searched')
      .orderBy('id')
      .execute();
    expect(rows.length).toBe(7);
    expect(rows.every((r) => r.actor_staff_id === deskId && r.subject_id === null)).toBe(true);
    expect(rows[0]!.detail).toEqual({ by: 'email', found: 1 });
    expect(JSON.stringify(rows)).not.toMatch(/zwanen|anna|1111/i);
  });

  it('does not list a person whose data was anonymised: nothing of them is left to find', async () => {
    await t.app.db.updateTable('resident').set({ anonymised_at: NOW }).where('id', '=', w.bram.residentId).execute();
    expect(found((await search('email', w.bram.email)).body)).toEqual([]);
    expect(found((await search('email', w.anna.email)).body)).toEqual([w.anna.residentId]);
  });
});
