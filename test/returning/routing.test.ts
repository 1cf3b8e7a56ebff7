// A returning resident gets the coach they know: only that coach's times, else the duo
// partner's, else the team's, said plainly; the known coach (or, when they left, the partner)
// leads the new request and is told, without the question. Real database, fixed clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { Client } from '../helpers/app.js';
import { daysBetween } from '../../src/features/returning/service.js';
import {
  at,
  block,
  comeBack,
  knownResident,
  mailsTo,
  NEW_QUESTION,
  NOW,
  offeredTimes,
  OLD_QUESTION,
  slot,
  type Known,
} from './world.js';

const D8 = '2026-12-08';
const D9 = '2026-12-09';
const D10 = '2026-12-10';

describe('routing a returning resident', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t.close());

  const noDanger = { question: NEW_QUESTION, dangerNow: 'no', urgent24h: 'no' };
  const details = {
    name: 'Anna de Vries',
    email: '',
    phone: '06 99999999',
    street: 'Steenstraat',
    city: 'Arnhem',
    language: 'nl',
    dateOfBirth: '',
    companion: '',
    consent: 'yes',
  };

  /** From the question to the confirmation, booking the first offered time. */
  async function bookFirst(c: Client, k: Known, blockId: number, day: string) {
    let res = await c.submit('/aanmelden/moment', { slot: slot(blockId, day, '09:00'), mode: 'home' });
    expect(res.statusCode, res.body.slice(0, 3000)).toBe(303);
    res = await c.get('/aanmelden/gegevens');
    // The details are filled in from what we know, and can be changed.
    expect(res.body).toContain('value="Anna de Vries"');
    expect(res.body).toContain(`value="${k.email}"`);
    expect(res.body).toContain('value="17-05-1984"');
    res = await c.submit('/aanmelden/gegevens', { ...details, email: k.email });
    expect(res.statusCode, res.body.slice(0, 3000)).toBe(303);
    res = await c.submit('/aanmelden/controleren', {}, '/aanmelden/controleren');
    expect(res.statusCode, res.body.slice(0, 3000)).toBe(303);
    expect(res.headers.location).toBe('/aanmelden/bevestiging');
    return (
      t.app.db
        .selectFrom('request')
        .selectAll()
        .where('resident_id', '=', k.residentId)
        // The newest request: the one this sign-up stored (its question is stored encrypted).
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow()
    );
  }

  async function expectTold(to: string, requestId: number, count = 1) {
    const notices = (await mailsTo(t.app, to)).filter((m) => m.subject.startsWith('Een inwoner die u kent'));
    expect(notices).toHaveLength(count);
    const appt = await t.app.db
      .selectFrom('appointment')
      .select('id')
      .where('request_id', '=', requestId)
      .executeTakeFirst();
    const link = appt ? `/medewerker/afspraken/${appt.id}` : '/medewerker/wachtrij';
    for (const m of notices) {
      expect(m.body_text).toContain(link);
      expect(m.body_text).not.toContain(NEW_QUESTION);
      expect(m.body_text).not.toContain(OLD_QUESTION);
      expect(m.body_text).not.toContain('Anna');
    }
  }

  it("offers exactly the known coach's times, and the request starts with them as lead", async () => {
    const k = await knownResident(t.app);
    const withFatima = await block(t.app, k.teamId, D8, [k.fatima.id, k.jeroen.id]);
    await block(t.app, k.teamId, D9, [k.sanne.id, k.karim.id]);
    await block(t.app, k.teamId, D10, [k.jeroen.id, k.lotte.id]);
    const residentsBefore = (await t.app.db.selectFrom('resident').select('id').execute()).length;
    const c = await comeBack(t.app, k);
    let res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('U krijgt weer een gesprek met Fatima.');
    res = await c.submit('/aanmelden/vraag', noDanger);
    expect(res.headers.location).toBe('/aanmelden/moment');
    res = await c.get('/aanmelden/moment');
    expect(offeredTimes(res.body)).toEqual([`${D8} 09:00`, `${D8} 10:30`]);
    expect(res.body).toContain('Hieronder staan de vrije momenten van Fatima.');
    // Another duo's time is refused, even when posted by hand.
    const other = await t.app.db
      .selectFrom('block')
      .select('id')
      .where('team_id', '=', k.teamId)
      .where('starts_at', '=', at(`${D9}T09:00`))
      .executeTakeFirstOrThrow();
    res = await c.submit('/aanmelden/moment', { slot: slot(other.id, D9, '09:00'), mode: 'home' });
    expect(res.statusCode).toBe(400);

    const r = await bookFirst(c, k, withFatima, D8);
    expect(r).toMatchObject({
      lead_coach_id: k.fatima.id,
      returning_resident: true,
      previous_request_id: k.oldRequestId,
      status: 'scheduled',
      team_id: k.teamId,
      days_since_closure: 54,
      about: 'self',
    });
    // The known resident is updated with what was typed; no new resident row.
    expect((await t.app.db.selectFrom('resident').select('id').execute()).length).toBe(residentsBefore);
    const resident = await t.app.db
      .selectFrom('resident')
      .selectAll()
      .where('id', '=', k.residentId)
      .executeTakeFirstOrThrow();
    expect(resident).toMatchObject({ phone: '06 99999999', date_of_birth: '1984-05-17', lead_coach_id: k.fatima.id });
    await expectTold(k.fatima.email, r.id);
    expect(
      (await mailsTo(t.app, k.jeroen.email)).filter((m) => m.subject.startsWith('Een inwoner die u kent')),
    ).toHaveLength(0);
    const audit = await t.app.db
      .selectFrom('audit_event')
      .select('detail')
      .where('action', '=', 'returning_request')
      .where('subject_id', '=', r.id)
      .executeTakeFirstOrThrow();
    expect(audit.detail).toMatchObject({ knownCoachId: k.fatima.id, leadCoachId: k.fatima.id });
  });

  it('falls back to the duo partner when the known coach is absent, and still tells the known coach', async () => {
    const k = await knownResident(t.app);
    await t.app.db
      .insertInto('absence')
      .values({
        staff_id: k.fatima.id,
        starts_at: at('2026-11-20T00:00'),
        ends_at: at('2027-01-31T00:00'),
        kind: 'sick',
      })
      .execute();
    await block(t.app, k.teamId, D9, [k.sanne.id, k.karim.id]);
    const withJeroen = await block(t.app, k.teamId, D10, [k.jeroen.id, k.lotte.id]);
    const c = await comeBack(t.app, k);
    let res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('Fatima is er de komende weken niet.');
    expect(res.body).toContain('U krijgt een gesprek met Jeroen. Jeroen werkt samen met Fatima.');
    expect(res.body).toContain('Fatima hoort van uw nieuwe vraag.');
    await c.submit('/aanmelden/vraag', noDanger);
    res = await c.get('/aanmelden/moment');
    expect(offeredTimes(res.body)).toEqual([`${D10} 09:00`, `${D10} 10:30`]);
    const r = await bookFirst(c, k, withJeroen, D10);
    expect(r.lead_coach_id).toBe(k.fatima.id);
    await expectTold(k.fatima.email, r.id);
  });

  it('falls back to the team when the known coach is absent and the partner has no time', async () => {
    const k = await knownResident(t.app);
    await t.app.db
      .insertInto('absence')
      .values({
        staff_id: k.fatima.id,
        starts_at: at('2026-11-20T00:00'),
        ends_at: at('2027-01-31T00:00'),
        kind: 'leave',
      })
      .execute();
    const team = await block(t.app, k.teamId, D9, [k.sanne.id, k.karim.id]);
    const c = await comeBack(t.app, k);
    let res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('Fatima is er de komende weken niet.');
    expect(res.body).toContain('Ook Jeroen, die samenwerkt met de wijkcoach die u kent, kan de komende weken niet.');
    expect(res.body).toContain('U krijgt een gesprek met een andere wijkcoach van');
    await c.submit('/aanmelden/vraag', noDanger);
    res = await c.get('/aanmelden/moment');
    expect(offeredTimes(res.body)).toEqual([`${D9} 09:00`, `${D9} 10:30`]);
    const r = await bookFirst(c, k, team, D9);
    expect(r.lead_coach_id).toBe(k.fatima.id);
    await expectTold(k.fatima.email, r.id);
  });

  it('falls back to the partner when the known coach has left, who then leads and is told', async () => {
    const k = await knownResident(t.app);
    await t.app.db.updateTable('staff_user').set({ active: false }).where('id', '=', k.fatima.id).execute();
    await block(t.app, k.teamId, D9, [k.sanne.id, k.karim.id]);
    const withJeroen = await block(t.app, k.teamId, D10, [k.jeroen.id, k.lotte.id]);
    const c = await comeBack(t.app, k);
    let res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('Fatima werkt niet meer bij');
    expect(res.body).toContain('U krijgt een gesprek met Jeroen.');
    expect(res.body).not.toContain('Fatima hoort van uw nieuwe vraag.');
    await c.submit('/aanmelden/vraag', noDanger);
    res = await c.get('/aanmelden/moment');
    expect(offeredTimes(res.body)).toEqual([`${D10} 09:00`, `${D10} 10:30`]);
    const r = await bookFirst(c, k, withJeroen, D10);
    expect(r.lead_coach_id).toBe(k.jeroen.id);
    await expectTold(k.jeroen.email, r.id);
    expect(await mailsTo(t.app, k.fatima.email)).toHaveLength(0);
  });

  it('falls back to the partner when the known coach has no free time', async () => {
    const k = await knownResident(t.app);
    // Fatima's only block ahead is fully booked.
    const full = await block(t.app, k.teamId, D8, [k.fatima.id, k.sanne.id]);
    const other = await t.app.db
      .insertInto('resident')
      .values({ name: 'Bezet', phone: '0612121212' })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const time of ['09:00', '10:30']) {
      const q = await t.app.db
        .insertInto('request')
        .values({
          resident_id: other.id,
          team_id: k.teamId,
          channel: 'phone',
          question: 'x',
          status: 'scheduled',
          submitted_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.app.db
        .insertInto('appointment')
        .values({
          request_id: q.id,
          block_id: full,
          starts_at: at(`${D8}T${time}`),
          ends_at: at(`${D8}T${time === '09:00' ? '10:00' : '11:30'}`),
          manage_token_hash: `h-${full}-${time}`,
        })
        .execute();
    }
    await block(t.app, k.teamId, D10, [k.jeroen.id, k.lotte.id]);
    const c = await comeBack(t.app, k);
    const res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('Fatima heeft de komende weken geen tijd vrij.');
    expect(res.body).toContain('U krijgt een gesprek met Jeroen.');
    await c.submit('/aanmelden/vraag', noDanger);
    expect(offeredTimes((await c.get('/aanmelden/moment')).body)).toEqual([`${D10} 09:00`, `${D10} 10:30`]);
  });

  it('leaves out the times of a short absence of the known coach', async () => {
    const k = await knownResident(t.app);
    await block(t.app, k.teamId, D8, [k.fatima.id, k.jeroen.id]);
    await block(t.app, k.teamId, D10, [k.fatima.id, k.lotte.id]);
    await t.app.db
      .insertInto('absence')
      .values({ staff_id: k.fatima.id, starts_at: at(`${D8}T00:00`), ends_at: at(`${D9}T00:00`), kind: 'other' })
      .execute();
    const c = await comeBack(t.app, k);
    await c.submit('/aanmelden/vraag', noDanger);
    expect(offeredTimes((await c.get('/aanmelden/moment')).body)).toEqual([`${D10} 09:00`, `${D10} 10:30`]);
  });

  it('routes an urgent question to a call-back, with the known coach as lead and told', async () => {
    const k = await knownResident(t.app);
    await block(t.app, k.teamId, D8, [k.fatima.id, k.jeroen.id]);
    const c = await comeBack(t.app, k);
    let res = await c.submit('/aanmelden/vraag', { ...noDanger, urgent24h: 'yes' });
    expect(res.headers.location).toBe('/aanmelden/terugbellen');
    res = await c.submit('/aanmelden/terugbellen', { name: 'Anna de Vries', phone: '06 12345678' });
    expect(res.statusCode).toBe(303);
    const r = await t.app.db
      .selectFrom('request')
      .selectAll()
      .where('resident_id', '=', k.residentId)
      // The newest request: the one this sign-up stored (its question is stored encrypted).
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(r).toMatchObject({
      status: 'callback',
      urgent_24h: true,
      lead_coach_id: k.fatima.id,
      returning_resident: true,
      days_since_closure: 54,
    });
    // The details we knew stay (the call-back form asks only name and phone).
    const resident = await t.app.db
      .selectFrom('resident')
      .selectAll()
      .where('id', '=', k.residentId)
      .executeTakeFirstOrThrow();
    expect(resident).toMatchObject({ email: k.email, street: 'Steenstraat' });
    await expectTold(k.fatima.email, r.id);
  });

  it('marks a return before closure without days, and names the team when no coach is known', async () => {
    const k = await knownResident(t.app, { requestLead: false, residentLead: false, closed: false });
    // No lead anywhere: the coaches of the last held conversation are known.
    await t.app.db
      .updateTable('appointment')
      .set({ solo_coach_id: k.jeroen.id })
      .where('request_id', '=', k.oldRequestId)
      .execute();
    const withJeroen = await block(t.app, k.teamId, D10, [k.jeroen.id, k.lotte.id]);
    const c = await comeBack(t.app, k);
    expect((await c.get('/aanmelden/vraag')).body).toContain('U krijgt weer een gesprek met Jeroen.');
    await c.submit('/aanmelden/vraag', noDanger);
    const r = await bookFirst(c, k, withJeroen, D10);
    expect(r).toMatchObject({
      lead_coach_id: k.jeroen.id,
      returning_resident: true,
      previous_request_id: k.oldRequestId,
      days_since_closure: null,
    });

    // A resident whose earlier conversation nobody held: the whole team, and the team is told.
    const u = await knownResident(t.app, { requestLead: false, residentLead: false });
    await t.app.db
      .updateTable('appointment')
      .set({ status: 'no_show', outcome: 'no_show', result: null })
      .where('request_id', '=', u.oldRequestId)
      .execute();
    const teamBlock = await block(t.app, u.teamId, D9, [u.sanne.id, u.karim.id]);
    const c2 = await comeBack(t.app, u);
    expect((await c2.get('/aanmelden/vraag')).body).toContain(
      'We kunnen niet zien met welke wijkcoach u de vorige keer sprak.',
    );
    await c2.submit('/aanmelden/vraag', noDanger);
    expect(offeredTimes((await c2.get('/aanmelden/moment')).body)).toEqual([`${D9} 09:00`, `${D9} 10:30`]);
    const r2 = await bookFirst(c2, u, teamBlock, D9);
    expect(r2.lead_coach_id).toBeNull();
    const teamMail = (await mailsTo(t.app, u.teamEmail)).filter((m) => m.subject.startsWith('Een inwoner die eerder'));
    expect(teamMail).toHaveLength(1);
    expect(teamMail[0]!.body_text).not.toContain(NEW_QUESTION);
  });

  it('counts the days since closure in Amsterdam calendar days', () => {
    expect(daysBetween(at('2026-10-01T15:00'), NOW)).toBe(54);
    expect(daysBetween(at('2026-11-23T23:30'), at('2026-11-24T00:30'))).toBe(1);
    // Across the end of summer time (25 October 2026) a day is still a day.
    expect(daysBetween(at('2026-10-24T12:00'), at('2026-10-26T12:00'))).toBe(2);
  });
});
