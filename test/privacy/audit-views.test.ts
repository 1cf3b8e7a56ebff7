// Who saw which case (NEN 7513): every staff page that shows one case's content writes
// 'case_viewed' about the request, every list that names residents writes 'case_listed' per
// subject shown; a refused page writes nothing; no entry holds anything about the resident.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_NOW, type TestApp } from '../helpers/app.js';
import { auditEventsSince, lastAuditId } from '../helpers/audit.js';
import { onServer } from '../helpers/db.js';
import { makeRequest } from '../helpers/fixtures.js';
import { teamWorld, type Ids } from '../helpers/route-world.js';
import { loggedIn } from '../helpers/staff.js';
import type { Client } from '../helpers/app.js';
import { verifyAuditChain } from '../../src/core/audit-chain.js';

describe(`case views in the audit log (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestApp;
  let a: Ids;
  let b: Ids;
  let coach: Client;
  let otherCoach: Client;
  let waitingId: number;

  const emailOf = async (id: number) =>
    (await t.app.db.selectFrom('staff_user').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email;
  const eventsSince = (after: number) => auditEventsSince(t.app.db, after);
  const lastId = () => lastAuditId(t.app.db);

  beforeAll(async () => {
    t = await createTestApp();
    a = await teamWorld(t.app, 'Noord', '6811');
    b = await teamWorld(t.app, 'Zuid', '6812');
    // A call-back request of team A without an appointment: it waits in the queue.
    const waiting = await makeRequest(t.app.db, a.teamId!);
    await t.app.db.updateTable('request').set({ status: 'callback' }).where('id', '=', waiting.id).execute();
    waitingId = waiting.id;
    coach = await loggedIn(t.app, await emailOf(a.coachId!));
    otherCoach = await loggedIn(t.app, await emailOf(b.coachId!));
  });
  afterAll(async () => t?.close());

  it('writes case_viewed with the viewer, the request, the team and the app clock for the appointment page', async () => {
    const from = await lastId();
    const res = await coach.get(`/medewerker/afspraken/${a.appointmentId}`);
    expect(res.statusCode).toBe(200);
    const events = (await eventsSince(from)).filter((e) => e.action === 'case_viewed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor_staff_id: a.coachId,
      subject_type: 'request',
      subject_id: a.requestId,
      team_id: a.teamId,
      at: TEST_NOW,
      detail: { page: 'appointment' },
    });
  });

  it("also lists the resident's earlier requests of the team that the appointment page shows", async () => {
    const earlier = await makeRequest(t.app.db, a.teamId!);
    await t.app.db
      .updateTable('request')
      .set({ resident_id: a.residentId!, submitted_at: new Date('2026-01-05T09:00:00Z') })
      .where('id', '=', earlier.id)
      .execute();
    const from = await lastId();
    expect((await coach.get(`/medewerker/afspraken/${a.appointmentId}`)).statusCode).toBe(200);
    expect((await eventsSince(from)).map((e) => [e.action, e.subject_type, e.subject_id, e.detail])).toEqual([
      ['case_viewed', 'request', a.requestId, { page: 'appointment' }],
      ['case_listed', 'request', earlier.id, { page: 'appointment' }],
    ]);
  });

  it('writes nothing for a case of another team (404)', async () => {
    const from = await lastId();
    expect((await otherCoach.get(`/medewerker/afspraken/${a.appointmentId}`)).statusCode).toBe(404);
    expect((await otherCoach.get(`/medewerker/aanvragen/${a.requestId}/sluiten`)).statusCode).toBe(404);
    expect(await eventsSince(from)).toEqual([]);
  });

  it('writes case_viewed for the close page and the on-behalf form filled in from a request', async () => {
    const from = await lastId();
    expect((await coach.get(`/medewerker/aanvragen/${a.requestId}/sluiten`)).statusCode).toBe(200);
    expect((await coach.get(`/medewerker/namens?verzoek=${waitingId}`)).statusCode).toBe(200);
    const events = await eventsSince(from);
    expect(events.map((e) => [e.action, e.subject_type, e.subject_id, e.actor_staff_id, e.detail])).toEqual([
      ['case_viewed', 'request', a.requestId, a.coachId, { page: 'close' }],
      ['case_viewed', 'request', waitingId, a.coachId, { page: 'on-behalf' }],
    ]);
  });

  it('writes case_listed for every request in the queue and every appointment in the agenda', async () => {
    let from = await lastId();
    expect((await coach.get('/medewerker/wachtrij')).statusCode).toBe(200);
    const queue = await eventsSince(from);
    expect(queue.every((e) => e.action === 'case_listed' && e.actor_staff_id === a.coachId)).toBe(true);
    expect(queue.map((e) => [e.subject_type, e.subject_id, e.team_id, e.detail])).toContainEqual([
      'request',
      waitingId,
      a.teamId,
      { page: 'queue' },
    ]);
    // Only the own team's requests were shown, so only those are listed.
    const teamOf = await t.app.db
      .selectFrom('request')
      .select(['id', 'team_id'])
      .where(
        'id',
        'in',
        queue.map((e) => e.subject_id!),
      )
      .execute();
    expect(teamOf.every((r) => r.team_id === a.teamId)).toBe(true);

    from = await lastId();
    expect((await coach.get('/medewerker/agenda?week=2026-W50')).statusCode).toBe(200);
    expect((await eventsSince(from)).map((e) => [e.action, e.subject_type, e.subject_id, e.detail])).toEqual([
      ['case_listed', 'appointment', a.appointmentId, { page: 'agenda' }],
    ]);
  });

  it("writes case_listed for the appointments a block's cancel page and an absence page name", async () => {
    let from = await lastId();
    expect((await coach.get(`/medewerker/blokken/${a.blockId}/annuleren`)).statusCode).toBe(200);
    expect((await eventsSince(from)).map((e) => [e.action, e.subject_type, e.subject_id, e.detail])).toEqual([
      ['case_listed', 'appointment', a.appointmentId, { page: 'block-cancel' }],
    ]);
    const absence = await t.app.db
      .insertInto('absence')
      .values({
        staff_id: a.coachId!,
        starts_at: new Date('2026-12-07T23:00:00Z'),
        ends_at: new Date('2026-12-08T23:00:00Z'),
        kind: 'sick',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    from = await lastId();
    expect((await coach.get(`/medewerker/afwezigheid/${absence.id}`)).statusCode).toBe(200);
    expect((await eventsSince(from)).map((e) => [e.action, e.subject_type, e.subject_id, e.actor_staff_id])).toEqual([
      ['case_listed', 'appointment', a.appointmentId, a.coachId],
    ]);
  });

  it('keeps the resident out of every entry, and the chain whole', async () => {
    const residents = await t.app.db.selectFrom('resident').select(['name', 'email']).execute();
    const needles = residents.flatMap((r) => [r.name, r.email]).filter((x): x is string => Boolean(x));
    const rows = await t.app.db.selectFrom('audit_event').selectAll().execute();
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) for (const n of needles) expect(JSON.stringify(row)).not.toContain(n);
    expect(await verifyAuditChain(t.app.db)).toMatchObject({ ok: true, checked: rows.length });
  });
});
