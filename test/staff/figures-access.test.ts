// Who may see the figures, what a bad choice on the form answers, and that every view and export
// is in the audit trail. A coach has no figures page; a team lead sees only their own team; a
// beleid user sees every team and all together, but no case, no resident and no queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { makeRequest, makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

describe('figures: access, input and audit', () => {
  let t: TestApp;
  let own: number;
  let other: number;
  let coach: Client;
  let lead: Client;
  let beleid: Client;
  let beleidId: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    own = (await makeTeam(t.app.db, { name: 'Wijkteam Eigen' })).id;
    other = (await makeTeam(t.app.db, { name: 'Wijkteam Ander' })).id;
    coach = await loggedIn(t.app, (await makeLogin(t.app, own, 'coach')).email);
    lead = await loggedIn(t.app, (await makeLogin(t.app, own, 'teamlead')).email);
    const b = await makeLogin(t.app, null, 'beleid');
    beleidId = b.id;
    beleid = await loggedIn(t.app, b.email);
  });
  afterAll(async () => t.close());

  it('shows a coach no figures, and no link to them', async () => {
    const res = await coach.get('/medewerker/cijfers');
    expect(res.statusCode).toBe(403);
    expect((await coach.get('/medewerker/cijfers/export.csv')).statusCode).toBe(403);
    expect((await coach.get('/medewerker')).body).not.toContain('/medewerker/cijfers');
  });

  it('shows a team lead their own team only; another team answers 404 in page and exports', async () => {
    const res = await lead.get('/medewerker/cijfers');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Cijfers: Wijkteam Eigen');
    // No team choice on the form: the team is theirs.
    expect(res.body).not.toContain('name="team"');
    expect((await lead.get(`/medewerker/cijfers?team=${other}`)).statusCode).toBe(404);
    expect((await lead.get('/medewerker/cijfers?team=alle')).statusCode).toBe(404);
    expect((await lead.get(`/medewerker/cijfers/export.json?team=${other}`)).statusCode).toBe(404);
    expect((await lead.get(`/medewerker/cijfers?team=${own}`)).statusCode).toBe(200);
    expect((await lead.get('/medewerker')).body).toContain('href="/medewerker/cijfers"');
  });

  it('shows a beleid user every team and all together, and no case, queue or agenda', async () => {
    const all = await beleid.get('/medewerker/cijfers');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Cijfers: Gemeente Arnhem, alle teams');
    expect(all.body).toContain(`<option value="${other}"`);
    const one = await beleid.get(`/medewerker/cijfers?team=${other}`);
    expect(one.body).toContain('Cijfers: Wijkteam Ander');
    const r = await makeRequest(t.app.db, own);
    for (const url of [
      '/medewerker/wachtrij',
      '/medewerker/agenda',
      '/medewerker/capaciteit',
      '/medewerker/namens',
      '/medewerker/beheer',
      `/medewerker/afspraken/${r.id}`,
      '/medewerker/verwijzers',
    ]) {
      const res = await beleid.get(url);
      expect([403, 404], url).toContain(res.statusCode);
      expect(res.body).not.toContain('Test Bewoner');
    }
  });

  it('answers a bad choice with a message next to the field, keeps what was typed, and audits nothing', async () => {
    const before = await t.app.db.selectFrom('audit_event').select('id').where('action', 'like', 'figures_%').execute();
    const cases: [string, string, string][] = [
      ['periode=eigen&van=&tot=31-12-2025', 'van', 'Vul de eerste dag in'],
      ['periode=eigen&van=31-02-2025&tot=31-12-2025', 'van', 'Dit is geen datum'],
      ['periode=eigen&van=1-6-2025&tot=1-1-2025', 'tot', 'De laatste dag ligt vóór de eerste dag'],
      ['periode=eigen&van=1-1-2020&tot=1-3-2026', 'tot', 'hoogstens 6 jaar'],
      ['periode=eigen&van=1-1-2027&tot=2-1-2027', 'van', 'nog niet begonnen'],
      ['periode=maand&jaar=2026&maand=12', 'maand', 'nog niet begonnen'],
      ['periode=maand&jaar=2026&maand=13', 'maand', 'Kies een maand'],
      ['periode=jaar&jaar=1999', 'jaar', 'vanaf 2020'],
      ['periode=week', 'periode', 'Kies een soort periode'],
      ['periode=maand&team=999999', 'team', 'Kies een wijkteam uit de lijst'],
      ['periode=maand&wachttijd=ooit', 'wachttijd', 'vanaf wanneer'],
      ['periode=maand&dagen=uren', 'dagen', 'kalenderdagen of werkdagen'],
    ];
    for (const [query, field, message] of cases) {
      const res = await beleid.get(`/medewerker/cijfers?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.body, query).toContain('id="error-summary"');
      expect(res.body, query).toMatch(new RegExp(`id="${field}-error"[^>]*>[\\s\\S]*?${message}`));
      expect(res.body, query).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
      // The export of the same bad choice is the page with the messages, not a file.
      const file = await beleid.get(`/medewerker/cijfers/export.csv?${query}`);
      expect(file.statusCode, query).toBe(400);
      expect(file.headers['content-type']).toContain('text/html');
    }
    const typed = await beleid.get('/medewerker/cijfers?periode=eigen&van=31-02-2025&tot=15 maart 2025');
    expect(typed.body).toContain('value="31-02-2025"');
    expect(typed.body).toContain('value="15 maart 2025"');
    const after = await t.app.db.selectFrom('audit_event').select('id').where('action', 'like', 'figures_%').execute();
    expect(after.length).toBe(before.length);
  });

  it('writes every view and export in the audit trail: who, which team, which period, which format', async () => {
    await beleid.get(`/medewerker/cijfers?periode=kwartaal&jaar=2026&kwartaal=3&team=${other}`);
    for (const format of ['csv', 'xlsx', 'json'])
      expect(
        (await beleid.get(`/medewerker/cijfers/export.${format}?periode=jaar&jaar=2025&team=alle`)).statusCode,
      ).toBe(200);
    const rows = await t.app.db
      .selectFrom('audit_event')
      .select(['action', 'team_id', 'detail', 'at'])
      .where('actor_staff_id', '=', beleidId)
      .where('action', 'like', 'figures_%')
      .orderBy('id')
      .execute();
    expect(rows.at(-4)).toMatchObject({
      action: 'figures_viewed',
      team_id: other,
      detail: { from: at('2026-07-01').toISOString(), to: at('2026-10-01').toISOString(), team: other },
      at: NOW,
    });
    expect(rows.slice(-3).map((r) => [r.action, r.team_id, r.detail.format, r.detail.team])).toEqual([
      ['figures_exported', null, 'csv', 'all'],
      ['figures_exported', null, 'xlsx', 'all'],
      ['figures_exported', null, 'json', 'all'],
    ]);
  });

  it('names an export file by team and period, as an attachment of its type', async () => {
    const res = await beleid.get(`/medewerker/cijfers/export.xlsx?periode=maand&jaar=2026&maand=10&team=${other}`);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="cijfers-team-${other}-2026-10-01-2026-10-31.xlsx"`,
    );
    expect((await beleid.get('/medewerker/cijfers/export.pdf')).statusCode).toBe(404);
  });

  it("starts with the municipality's own definition of waiting time (WAITING_TIME_FROM, WAITING_TIME_DAYS)", async () => {
    const own = await createTestApp({ now: () => NOW, config: { waitingTime: { from: 'contact', days: 'working' } } });
    try {
      const c = await loggedIn(own.app, (await makeLogin(own.app, null, 'beleid')).email);
      const page = await c.get('/medewerker/cijfers');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('vanaf het eerste contact, in werkdagen');
      expect(page.body).toContain('<option value="contact" selected>');
      expect(page.body).toContain('<option value="werk" selected>');
      expect(page.body).toContain('wachttijd=contact&amp;dagen=werk');
      // The page can still switch, and says so.
      const other = await c.get('/medewerker/cijfers?wachttijd=aanmelding&dagen=kalender');
      expect(other.body).toContain('vanaf de aanmelding, in kalenderdagen');
    } finally {
      await own.close();
    }
    // The default without the setting: from the sign-up, in calendar days.
    expect((await beleid.get('/medewerker/cijfers')).body).toContain('vanaf de aanmelding, in kalenderdagen');
  });
});
