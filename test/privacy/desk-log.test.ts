// The audit log viewer of the privacy desk: filtered by resident, staff member, action and period,
// newest first, 50 per page; the same filter as CSV (";", UTF-8 with BOM); bad filters answered
// next to the field; every view and download itself audited; the chain checked on request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/core/audit.js';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { at, deskWorld, NOW, type DeskWorld } from './desk-world.js';

const LOG = '/medewerker/privacy/logboek';

describe('privacy desk: audit log', () => {
  let t: TestApp;
  let w: DeskWorld;
  let desk: Client;
  let deskId: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    w = await deskWorld(t.app);
    // 120 entries of one coach about blocks in October, one a day-ish.
    for (let i = 0; i < 120; i++) {
      await audit(t.app.db, {
        action: 'block_created',
        actorStaffId: w.partnerId,
        subjectType: 'block',
        subjectId: 1000 + i,
        teamId: w.teamId,
        at: new Date(at('2026-10-01T08:00').getTime() + i * 3_600_000),
      });
    }
    const u = await makeLogin(t.app, null, 'privacy', 'Fenna Gegevens');
    deskId = u.id;
    desk = await loggedIn(t.app, u.email);
  });
  afterAll(async () => t.close());

  const rowsOf = (html: string) =>
    [...html.matchAll(/<tr>\s*<th scope="row">([^<]+)<\/th>\s*<td>([^<]*)<\/td>\s*<td>([^<]*)<\/td>/g)].map((m) => ({
      at: m[1]!,
      who: m[2]!,
      what: m[3]!,
    }));

  it("filters by resident: their record, requests and appointments, nobody else's", async () => {
    const res = await desk.get(`${LOG}?inwoner=${w.anna.residentId}`);
    expect(res.statusCode).toBe(200);
    const rows = rowsOf(res.body);
    expect(rows.map((r) => r.what)).toEqual(['appointment_moved', 'bekeek de aanmelding']);
    expect(rows[1]!.who).toBe('Coach Wilma Wijk (wijkcoach)');
    expect(res.body).toContain('2 regels');
  });

  it('filters by staff member, action and period (days in Amsterdam, both included)', async () => {
    const byCoach = rowsOf((await desk.get(`${LOG}?medewerker=${w.coachId}`)).body);
    expect(byCoach.map((r) => r.what)).toEqual(['bekeek de aanmelding', 'bekeek de aanmelding']);
    const moved = rowsOf((await desk.get(`${LOG}?actie=appointment_moved`)).body);
    expect(moved).toHaveLength(2);
    const day = rowsOf((await desk.get(`${LOG}?van=3-11-2026&tot=3-11-2026`)).body);
    expect(day.map((r) => r.what)).toEqual(['bekeek de aanmelding', 'bekeek de aanmelding']);
    const fifth = await desk.get(`${LOG}?actie=block_created&van=5-10-2026&tot=5-10-2026`);
    // One an hour from 1 October 08:00: 5 October 00:00–23:00 in Amsterdam, 24 entries.
    expect(fifth.body).toContain('24 regels');
    const sixth = await desk.get(`${LOG}?actie=block_created&van=6-10-2026`);
    expect(sixth.body).toContain('8 regels');
  });

  it('pages 50 at a time, newest first, with links to newer and older entries', async () => {
    const first = await desk.get(`${LOG}?actie=block_created`);
    const rows = rowsOf(first.body);
    expect(rows).toHaveLength(50);
    expect(rows[0]!.at).toBe('dinsdag 6 oktober 2026, 07:00');
    expect(first.body).toContain(`href="${LOG}?actie=block_created&amp;pagina=2" rel="next"`);
    expect(first.body).not.toContain('rel="prev"');
    const third = await desk.get(`${LOG}?actie=block_created&pagina=3`);
    expect(rowsOf(third.body)).toHaveLength(20);
    expect(rowsOf(third.body).at(-1)!.at).toBe('donderdag 1 oktober 2026, 08:00');
    expect(third.body).toContain('rel="prev"');
    expect(third.body).not.toContain('rel="next"');
  });

  it('answers a bad filter with the message next to the field and the typed values kept', async () => {
    const cases: [string, string, string][] = [
      ['inwoner=abc', 'inwoner', 'Vul een nummer in'],
      ['van=31-02-2026', 'van', 'Vul een datum in'],
      ['van=10-11-2026&tot=1-11-2026', 'tot', 'Deze datum ligt voor de eerste datum.'],
      ['actie=DROP%20TABLE', 'actie', 'Kies iets uit de lijst.'],
      ['medewerker=-1', 'medewerker', 'Vul een nummer in'],
    ];
    const before = await t.app.db.selectFrom('audit_event').select('id').where('action', 'like', 'audit_%').execute();
    for (const [query, field, message] of cases) {
      const res = await desk.get(`${LOG}?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.body).toMatch(new RegExp(`id="${field}-error"[^>]*>.*${message.replace(/[.]/g, '\\.')}`));
      expect(res.body).toContain('id="error-summary"');
      const csv = await desk.get(`${LOG}.csv?${query}`);
      expect(csv.statusCode, `csv ${query}`).toBe(400);
    }
    const kept = await desk.get(`${LOG}?van=31-02-2026&tot=5-11-2026&inwoner=${w.anna.residentId}`);
    expect(kept.body).toContain('value="31-02-2026"');
    expect(kept.body).toContain('value="5-11-2026"');
    expect(kept.body).toContain(`value="${w.anna.residentId}"`);
    // A refused filter shows and audits nothing.
    const after = await t.app.db.selectFrom('audit_event').select('id').where('action', 'like', 'audit_%').execute();
    expect(after).toEqual(before);
  });

  it('gives the same filter as CSV for Excel (BOM, ";"), and audits every view and download with the filter only', async () => {
    const res = await desk.get(`${LOG}.csv?inwoner=${w.anna.residentId}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="logboek-2026-11-24.csv"');
    const body = res.rawPayload.toString('utf8');
    expect(body.startsWith('\ufeff')).toBe(true);
    const lines = body.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('Wanneer;Wat;Medewerker;Rol;Soort;Nummer;Team;Details');
    // Her two entries, plus the desk's own view of her log a moment ago.
    expect(lines.slice(1).map((l) => l.split(';')[1])).toEqual(['audit_viewed', 'appointment_moved', 'case_viewed']);
    expect(lines[3]).toContain(`;Coach Wilma Wijk;wijkcoach;request;${w.anna.requestId};Wijkteam Privacy;`);
    const mine = await t.app.db
      .selectFrom('audit_event')
      .selectAll()
      .where('actor_staff_id', '=', deskId)
      .where('action', 'like', 'audit_%')
      .orderBy('id')
      .execute();
    expect(mine[0]).toMatchObject({
      action: 'audit_viewed',
      subject_type: 'resident',
      subject_id: w.anna.residentId,
      detail: { resident: w.anna.residentId, staff: null, action: null, from: null, to: null, page: 1 },
    });
    expect(mine.at(-1)).toMatchObject({ action: 'audit_exported', detail: { resident: w.anna.residentId, rows: 3 } });
  });

  it('checks the hash chain when asked, and says it is in order', async () => {
    const res = await desk.get(`${LOG}?controle=1`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/id="chain">Het logboek is in orde: \d+ regels gecontroleerd/);
    expect((await desk.get(LOG)).body).not.toContain('id="chain"');
  });
});
