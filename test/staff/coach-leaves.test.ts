// A coach who leaves: the moment an admin deactivates them (or moves them to another team), their
// blocks are no longer offered; the admin is led to the absence choices for their future blocks
// (mails to residents and coaches); residents whose fixed coach left appear in the team's queue
// until a team member picks a new one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../helpers/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { teamFreeSlots } from '../../src/core/availability.js';
import { at, mailsTo, makeWorld, NOW, send, type World } from './blocks-world.js';
import { block, comeBack, knownResident } from '../returning/world.js';
import { leadsLeft } from '../../src/features/queue/lead.js';
import { lockSlot } from '../../src/core/booking-rule.js';
import { isKtError } from '../../src/errors.js';

describe('a coach who leaves', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const a = await makeLogin(t.app, null, 'admin');
    admin = await loggedIn(t.app, a.email);
  });
  afterAll(async () => t.close());

  const staffRow = (id: number) =>
    t.app.db.selectFrom('staff_user').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** Posts the account form with the person's values, changed by `change`. */
  async function saveAccount(id: number, change: Record<string, string>) {
    const u = await staffRow(id);
    return send(admin, `/medewerker/beheer/medewerkers/${id}`, {
      name: u.name,
      email: u.email,
      role: u.role,
      teamId: String(u.team_id ?? ''),
      expertise: '',
      active: u.active ? 'yes' : '',
      ...change,
    });
  }

  /** Fatima and Jeroen's duo on 1 and 2 December, Sanne and Mohamed's on 1 December. */
  async function leavingWorld() {
    const w = await makeWorld(t.app);
    const b1 = await w.block([w.fatima, w.jeroen], '2026-12-01T09:00', '2026-12-01T12:00');
    const b2 = await w.block([w.fatima, w.jeroen], '2026-12-02T09:00', '2026-12-02T12:00');
    const other = await w.block([w.sanne, w.mohamed], '2026-12-01T13:00', '2026-12-01T16:00');
    const a1 = await w.book(b1, '2026-12-01T09:00');
    const a2 = await w.book(b2, '2026-12-02T10:00');
    return { w, b1, b2, other, a1, a2 };
  }

  const blockIdsOffered = async (w: World) =>
    new Set((await teamFreeSlots(t.app.db, w.team, NOW)).map((s) => s.blockId));

  it('stops offering the coach’s blocks the moment they are deactivated, before anyone handles them', async () => {
    const s = await leavingWorld();
    // Read (and kept in memory) before the change.
    expect([...(await blockIdsOffered(s.w))].sort()).toEqual([s.b1, s.b2, s.other].sort());
    const res = await saveAccount(s.w.fatima.id, { active: '' });
    expect(res.statusCode).toBe(303);
    expect((await blockIdsOffered(s.w)).has(s.b1)).toBe(false);
    expect((await blockIdsOffered(s.w)).has(s.b2)).toBe(false);
    expect((await blockIdsOffered(s.w)).has(s.other)).toBe(true);
    // The front office's calendar reads the same free times.
    expect(
      (await t.app.db.selectFrom('block').select('status').where('id', '=', s.b1).executeTakeFirstOrThrow()).status,
    ).toBe('active');
  });

  it('a page opened before the coach left cannot book their time any more', async () => {
    const s = await leavingWorld();
    const offered = (await teamFreeSlots(t.app.db, s.w.team, NOW)).find((x) => x.blockId === s.b2)!;
    const start = offered.start;
    const tryLock = () =>
      t.app.db
        .transaction()
        .execute((trx) => lockSlot(trx, { teamId: s.w.team.id, blockId: s.b2, start, now: NOW, window: 'from-now' }));
    await expect(tryLock()).resolves.toMatchObject({ blockId: s.b2 });
    expect((await saveAccount(s.w.fatima.id, { active: '' })).statusCode).toBe(303);
    await expect(tryLock()).rejects.toSatisfy((e) => isKtError(e, 'KT_SLOT_UNAVAILABLE'));
  });

  it('a coach moved to another team is no longer offered in the old team either', async () => {
    const s = await leavingWorld();
    const elsewhere = await makeWorld(t.app);
    expect((await blockIdsOffered(s.w)).has(s.b1)).toBe(true);
    const res = await saveAccount(s.w.jeroen.id, { teamId: String(elsewhere.team.id) });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toMatch(/^\/medewerker\/afwezigheid\/vertrek\/\d+$/);
    expect((await blockIdsOffered(s.w)).has(s.b1)).toBe(false);
  });

  it('leads the admin to the choices for the coach’s future blocks; moving and cancelling mail residents and coaches', async () => {
    const s = await leavingWorld();
    const res = await saveAccount(s.w.fatima.id, { active: '' });
    expect(res.statusCode).toBe(303);
    const url = String(res.headers.location);
    expect(url).toMatch(/^\/medewerker\/afwezigheid\/vertrek\/\d+$/);
    const absence = await t.app.db
      .selectFrom('absence')
      .selectAll()
      .where('staff_id', '=', s.w.fatima.id)
      .executeTakeFirstOrThrow();
    expect(absence.starts_at.toISOString()).toBe(NOW.toISOString());

    // Away and back: the account's page links to the blocks still to handle.
    const account = await admin.get(`/medewerker/beheer/medewerkers/${s.w.fatima.id}`);
    expect(account.body).toContain(`href="${url}"`);
    const page = await admin.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Vertrek van Fatima El Amrani');
    expect(page.body).toContain(`name="action_${s.b1}"`);
    expect(page.body).toContain(`name="action_${s.b2}"`);
    // Admins run the system, not the cases: no resident names on their page.
    const resident = await t.app.db
      .selectFrom('resident')
      .innerJoin('request', 'request.resident_id', 'resident.id')
      .select('resident.name')
      .where('request.id', '=', s.a1.requestId)
      .executeTakeFirstOrThrow();
    expect(page.body).not.toContain(resident.name);

    // Bad input: no choice for one block. Message at the field, choices kept, nothing saved.
    const bad = await send(admin, url, {
      [`action_${s.b1}`]: 'move',
      [`target_${s.a1.id}`]: `${s.other}_${at('2026-12-01T13:00').toISOString()}`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain(`id="action_${s.b2}-error"`);
    expect(bad.body).toMatch(new RegExp(`id="action_${s.b1}-move" name="action_${s.b1}" value="move" checked`));
    expect(
      (await t.app.db.selectFrom('appointment').select('block_id').where('id', '=', s.a1.id).executeTakeFirstOrThrow())
        .block_id,
    ).toBe(s.b1);

    const ok = await send(admin, url, {
      [`action_${s.b1}`]: 'move',
      [`target_${s.a1.id}`]: `${s.other}_${at('2026-12-01T13:00').toISOString()}`,
      [`action_${s.b2}`]: 'cancel',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`${url}?klaar=1`);
    const a1 = await t.app.db.selectFrom('appointment').selectAll().where('id', '=', s.a1.id).executeTakeFirstOrThrow();
    expect(a1).toMatchObject({ block_id: s.other, status: 'booked' });
    const a2 = await t.app.db.selectFrom('appointment').selectAll().where('id', '=', s.a2.id).executeTakeFirstOrThrow();
    expect(a2.status).toBe('cancelled');
    const blocks = await s.w.blocks();
    expect(blocks.filter((b) => [s.b1, s.b2].includes(b.id)).map((b) => b.status)).toEqual(['cancelled', 'cancelled']);
    expect((await mailsTo(t.app, s.a1.email)).length).toBeGreaterThan(0);
    expect((await mailsTo(t.app, s.a2.email)).length).toBeGreaterThan(0);
    expect((await mailsTo(t.app, s.w.jeroen.email)).length).toBeGreaterThan(0);
    expect((await admin.get(url)).body).toContain('Er staan geen blokken meer.');
    expect((await admin.get(`/medewerker/beheer/medewerkers/${s.w.fatima.id}`)).body).not.toContain(`href="${url}"`);
  });

  it('the team lead may handle the blocks too; a team lead of another team gets 404', async () => {
    const s = await leavingWorld();
    const res = await saveAccount(s.w.fatima.id, { active: '' });
    const url = String(res.headers.location);
    const lead = await s.w.as(s.w.lead);
    const page = await lead.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`name="action_${s.b1}"`);
    const stranger = await makeWorld(t.app);
    expect((await (await stranger.as(stranger.lead)).get(url)).statusCode).toBe(404);
    // The team's absence list names it a departure from today, without an end years ahead.
    const list = await lead.get('/medewerker/afwezigheid');
    expect(list.body).toContain('uit het team');
    expect(list.body).toMatch(/vanaf \w+ 24 nov/);
    expect(list.body).not.toMatch(/20[34]\d/);
    const ok = await send(lead, url, {
      [`action_${s.b1}`]: 'replace',
      [`replacement_${s.b1}`]: String(s.w.sanne.id),
      [`action_${s.b2}`]: 'solo',
    });
    expect(ok.statusCode).toBe(303);
    const rows = await s.w.coachRows(s.b1);
    expect(
      rows
        .filter((r) => r.active)
        .map((r) => r.coach_id)
        .sort(),
    ).toEqual([s.w.jeroen.id, s.w.sanne.id].sort());
    // The block goes on with coaches who are all in the team: offered again.
    expect((await blockIdsOffered(s.w)).has(s.b1)).toBe(true);
    expect((await mailsTo(t.app, s.a1.email)).length).toBeGreaterThan(0);
  });

  it('deactivating a coach without future blocks just saves', async () => {
    const w = await makeWorld(t.app);
    const res = await saveAccount(w.mohamed.id, { active: '' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/medewerker/beheer/medewerkers/${w.mohamed.id}?klaar=1`);
  });

  it('residents whose fixed coach left get a task in the team queue until a new coach is chosen', async () => {
    const s = await leavingWorld();
    const req = await t.app.db
      .selectFrom('request')
      .select(['id', 'resident_id'])
      .where('id', '=', s.a1.requestId)
      .executeTakeFirstOrThrow();
    await t.app.db
      .updateTable('resident')
      .set({ lead_coach_id: s.w.fatima.id })
      .where('id', '=', req.resident_id)
      .execute();
    const resident = await t.app.db
      .selectFrom('resident')
      .select('name')
      .where('id', '=', req.resident_id)
      .executeTakeFirstOrThrow();
    const jeroen = await s.w.as(s.w.jeroen);
    expect((await jeroen.get('/medewerker/wachtrij')).body).not.toContain(`lead-task-${req.id}`);

    await saveAccount(s.w.fatima.id, { active: '' });
    const queue = await jeroen.get('/medewerker/wachtrij');
    expect(queue.body).toContain(`id="lead-task-${req.id}"`);
    expect(queue.body).toContain(`Kies een nieuwe vaste coach voor ${resident.name}`);

    // Bad input: empty, and a coach of another team. Message at the field, choice kept, nothing saved.
    const action = `/medewerker/aanvragen/${req.id}/vaste-coach`;
    const empty = await jeroen.submit('/medewerker/wachtrij', { coachId: '' }, action);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain(`id="lead-${req.id}-error"`);
    expect(empty.body).toContain('Kies een nieuwe vaste coach.');
    const stranger = await makeWorld(t.app);
    const wrong = await jeroen.submit('/medewerker/wachtrij', { coachId: String(stranger.sanne.id) }, action);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Kies een wijkcoach uit uw team.');
    const lead = (id: number) =>
      t.app.db.selectFrom('resident').select('lead_coach_id').where('id', '=', id).executeTakeFirstOrThrow();
    expect((await lead(req.resident_id)).lead_coach_id).toBe(s.w.fatima.id);

    // Another team's member cannot reach it.
    const other = await stranger.as(stranger.sanne);
    expect(
      (await other.submit('/medewerker/wachtrij', { coachId: String(stranger.sanne.id) }, action)).statusCode,
    ).toBe(404);

    const ok = await jeroen.submit('/medewerker/wachtrij', { coachId: String(s.w.sanne.id) }, action);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/medewerker/wachtrij?klaar=vaste-coach');
    expect((await lead(req.resident_id)).lead_coach_id).toBe(s.w.sanne.id);
    expect(
      (await t.app.db.selectFrom('request').select('lead_coach_id').where('id', '=', req.id).executeTakeFirstOrThrow())
        .lead_coach_id,
    ).toBe(s.w.sanne.id);
    expect((await jeroen.get('/medewerker/wachtrij')).body).not.toContain(`lead-task-${req.id}`);
  });

  it('a returning resident whose coach was deactivated is told so and offered the partner; the team gets the task', async () => {
    const k = await knownResident(t.app);
    await block(t.app, k.teamId, '2026-12-10', [k.jeroen.id, k.lotte.id]);
    expect((await leadsLeft(t.app.db, k.teamId)).map((x) => x.resident_id)).not.toContain(k.residentId);
    const res = await saveAccount(k.fatima.id, { active: '' });
    expect(res.statusCode).toBe(303);
    expect((await leadsLeft(t.app.db, k.teamId)).map((x) => x.resident_id)).toContain(k.residentId);
    const c = await comeBack(t.app, k);
    const page = await c.get('/aanmelden/vraag');
    expect(page.body).toContain('Fatima werkt niet meer bij');
    expect(page.body).toContain('U krijgt een gesprek met Jeroen.');
  });
});
