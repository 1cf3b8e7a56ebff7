// A calendar app fetching a coach's feed (/agenda/<token>.ics) receives each resident's home
// address, so every fetch is in the audit log as the coach seeing those cases (NEN 7513): one
// 'case_listed' entry per request, page 'feed'. An unknown token writes nothing. The privacy
// desk lists the fetches under "who viewed this data", one line per day with how often.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client, createTestApp, TEST_NOW, type TestApp } from '../helpers/app.js';
import { auditEventsSince, lastAuditId } from '../helpers/audit.js';
import { onServer } from '../helpers/db.js';
import { makeRequest, newTokenHash } from '../helpers/fixtures.js';
import { teamWorld, type Ids } from '../helpers/route-world.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { hashToken, newToken } from '../../src/domain/tokens.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();

describe(`the calendar feed in the audit log (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestApp;
  let a: Ids;
  let b: Ids;
  let token: string;
  let secondRequestId: number;
  let clock = TEST_NOW;

  const lastId = () => lastAuditId(t.app.db);
  const eventsSince = (after: number) => auditEventsSince(t.app.db, after);
  /** A new feed link for coach A, as the agenda page makes one: the old link stops working. */
  const newFeedLink = async () => {
    const link = newToken();
    await t.app.db
      .updateTable('staff_user')
      .set({ ical_token_hash: hashToken(link) })
      .where('id', '=', a.coachId!)
      .execute();
    return link;
  };

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
    a = await teamWorld(t.app, 'Noord', '6811');
    b = await teamWorld(t.app, 'Zuid', '6812');
    // A second appointment of coach A, for another resident, later in the same block.
    const second = await makeRequest(t.app.db, a.teamId!);
    await t.app.db
      .insertInto('appointment')
      .values({
        request_id: second.id,
        block_id: a.blockId!,
        starts_at: at('2026-12-08T10:00'),
        ends_at: at('2026-12-08T11:00'),
        manage_token_hash: newTokenHash(),
      })
      .execute();
    secondRequestId = second.id;
    token = await newFeedLink();
  });
  afterAll(async () => t?.close());

  it('writes one case_listed entry per appointment shown, for the owner, with the request and team', async () => {
    const from = await lastId();
    const res = await new Client(t.app).get(`/agenda/${token}.ics`);
    expect(res.statusCode).toBe(200);
    expect(res.body.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    const events = await eventsSince(from);
    expect(
      events.map((e) => [e.action, e.actor_staff_id, e.subject_type, e.subject_id, e.team_id, e.detail, e.at]),
    ).toEqual([
      ['case_listed', a.coachId, 'request', a.requestId, a.teamId, { page: 'feed' }, TEST_NOW],
      ['case_listed', a.coachId, 'request', secondRequestId, a.teamId, { page: 'feed' }, TEST_NOW],
    ]);
    // Another team's appointment was not in the feed, so not in the log.
    expect(events.some((e) => e.subject_id === b.requestId)).toBe(false);
  });

  it('writes the entries again on every fetch (a calendar app asks every hour)', async () => {
    clock = new Date(TEST_NOW.getTime() + 3600_000);
    const from = await lastId();
    expect((await new Client(t.app).get(`/agenda/${token}.ics`)).statusCode).toBe(200);
    expect(await eventsSince(from)).toHaveLength(2);
  });

  it('writes nothing for an unknown or a malformed token, nor for the old one after a new link', async () => {
    const from = await lastId();
    const anon = new Client(t.app);
    expect((await anon.get(`/agenda/${newToken()}.ics`)).statusCode).toBe(404);
    expect((await anon.get('/agenda/kort.ics')).statusCode).toBe(404);
    expect((await anon.get(`/agenda/${'a'.repeat(43)}.ics`)).statusCode).toBe(404);
    // A new link made on the agenda page stops the old one.
    const old = token;
    token = await newFeedLink();
    expect((await anon.get(`/agenda/${old}.ics`)).statusCode).toBe(404);
    expect(await eventsSince(from)).toEqual([]);
  });

  it("shows the fetches on the privacy desk's person page, under who viewed this data, one line a day", async () => {
    // Two fetches on 24 November (above), one the next morning.
    clock = new Date(TEST_NOW.getTime() + 24 * 3600_000);
    expect((await new Client(t.app).get(`/agenda/${token}.ics`)).statusCode).toBe(200);
    const u = await makeLogin(t.app, null, 'privacy', 'Fenna Gegevens');
    const desk = await loggedIn(t.app, u.email);
    const res = await desk.get(`/medewerker/privacy/personen/${a.residentId}`);
    expect(res.statusCode).toBe(200);
    const coach = await t.app.db
      .selectFrom('staff_user')
      .select('name')
      .where('id', '=', a.coachId!)
      .executeTakeFirstOrThrow();
    const views = /<h2[^>]*id="views"[^>]*>([^<]*)<\/h2>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(res.body);
    expect(views?.[1]).toContain('3 keer');
    const rows = [...views![2]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
      m[1]!
        .replace(/<[^>]+>/g, '|')
        .split('|')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    const feed = 'de agenda-app van de medewerker (agenda koppelen)';
    const who = `${coach.name} (wijkcoach)`;
    expect(rows).toEqual([
      ['dinsdag 24 november 2026, 10:00–11:00', who, 'zag de aanmelding in een lijst (2 keer)', feed],
      ['woensdag 25 november 2026, 10:00', who, 'zag de aanmelding in een lijst', feed],
    ]);
  });
});
