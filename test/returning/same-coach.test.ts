// The same coach without staff work: a resident whose conversation is booked but not yet held
// comes back via /opnieuw and is offered that duo's coach, told why; a cancelled conversation
// names nobody; one person's history spread over several resident rows (same email address and
// postcode) counts as one. Real database, fixed clock, the real pages through app.inject().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { newTokenHash } from '../helpers/fixtures.js';
import {
  at,
  block,
  comeBack,
  knownResident,
  mailsTo,
  NEW_QUESTION,
  NOW,
  offeredTimes,
  slot,
  type Known,
} from './world.js';

const D3 = '2026-12-03';
const D8 = '2026-12-08';

/** A resident row with one request and (optionally) one appointment in a block of `coachIds`. */
async function history(
  app: FastifyInstance,
  k: Known,
  o: {
    name: string;
    email: string;
    postcode?: string;
    requestStatus: 'scheduled' | 'closed' | 'cancelled' | 'held';
    submitted: string;
    appointment?: { day: string; status: 'booked' | 'held' | 'cancelled' | 'no_show'; coachIds: number[] };
  },
) {
  const resident = await app.db
    .insertInto('resident')
    .values({
      name: o.name,
      email: o.email,
      postcode: o.postcode ?? k.postcode,
      house_number: '3',
      street: 'Rijnkade',
      city: 'Arnhem',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const request = await app.db
    .insertInto('request')
    .values({
      resident_id: resident.id,
      team_id: k.teamId,
      channel: 'online',
      question: `Vraag van ${o.submitted}`,
      status: o.requestStatus,
      submitted_at: at(o.submitted),
      closed_at: o.requestStatus === 'closed' || o.requestStatus === 'cancelled' ? at(o.submitted) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (o.appointment) {
    const b = await block(app, k.teamId, o.appointment.day, o.appointment.coachIds);
    await app.db
      .insertInto('appointment')
      .values({
        request_id: request.id,
        block_id: b,
        starts_at: at(`${o.appointment.day}T09:00`),
        ends_at: at(`${o.appointment.day}T10:00`),
        manage_token_hash: newTokenHash(),
        status: o.appointment.status,
        cancelled_at: o.appointment.status === 'cancelled' ? at(o.submitted) : null,
      })
      .execute();
  }
  return { residentId: resident.id, requestId: request.id };
}

describe('the same coach without staff work', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t.close());

  const details = (email: string, name: string) => ({
    name,
    email,
    phone: '',
    street: 'Rijnkade',
    city: 'Arnhem',
    language: 'nl',
    dateOfBirth: '',
    companion: '',
    consent: 'yes',
  });

  /** From the question to the confirmation with `slotKey`; returns the new request. */
  async function bookNew(c: Client, slotKey: string, email: string, name: string) {
    let res = await c.submit('/aanmelden/moment', { slot: slotKey, mode: 'home' });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    res = await c.submit('/aanmelden/gegevens', details(email, name));
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    res = await c.submit('/aanmelden/controleren', {}, '/aanmelden/controleren');
    expect(res.headers.location).toBe('/aanmelden/bevestiging');
    return (
      t.app.db
        .selectFrom('request')
        .selectAll()
        // The newest request: the one this sign-up stored (its question is stored encrypted).
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow()
    );
  }

  const noDanger = { question: NEW_QUESTION, dangerNow: 'no', urgent24h: 'no' };

  it('routes a resident with a booked, not yet held conversation to that coach, and says why', async () => {
    const k = await knownResident(t.app);
    const email = 'bram.jansen@example.nl';
    // Long ago a held conversation with Lotte & Fatima; now a booked one with Karim & Sanne on 3 December;
    // a later cancelled one with Jeroen & Lotte names nobody. No lead coach anywhere.
    await history(t.app, k, {
      name: 'Bram Jansen',
      email,
      requestStatus: 'closed',
      submitted: '2026-03-02T09:00',
      appointment: { day: '2026-03-10', status: 'held', coachIds: [k.lotte.id, k.fatima.id] },
    });
    const booked = await history(t.app, k, {
      name: 'Bram Jansen',
      email,
      requestStatus: 'scheduled',
      submitted: '2026-11-20T09:00',
      appointment: { day: D3, status: 'booked', coachIds: [k.karim.id, k.sanne.id] },
    });
    const cancelled = await history(t.app, k, {
      name: 'Bram Jansen',
      email,
      requestStatus: 'cancelled',
      submitted: '2026-11-21T09:00',
      appointment: { day: '2026-12-04', status: 'cancelled', coachIds: [k.jeroen.id, k.lotte.id] },
    });
    const c = await comeBack(t.app, { ...k, email });
    let res = await c.get('/aanmelden/vraag');
    expect(res.body).not.toContain('We kunnen niet zien met welke wijkcoach');
    expect(res.body).toContain(
      'U heeft al een afspraak met Karim. Voor uw nieuwe vraag krijgt u ook een gesprek met Karim.',
    );
    res = await c.submit('/aanmelden/vraag', noDanger);
    expect(res.headers.location).toBe('/aanmelden/moment');
    res = await c.get('/aanmelden/moment');
    // Karim's free time: the other half of the block of 3 December.
    expect(offeredTimes(res.body)).toEqual([`${D3} 10:30`]);
    expect(res.body).toContain('Hieronder staan de vrije momenten van Karim.');
    const b3 = await t.app.db
      .selectFrom('appointment')
      .select('block_id')
      .where('request_id', '=', booked.requestId)
      .executeTakeFirstOrThrow();
    const r = await bookNew(c, slot(b3.block_id, D3, '10:30'), email, 'Bram Jansen');
    expect(r).toMatchObject({
      lead_coach_id: k.karim.id,
      returning_resident: true,
      // The request before this one: the newest of all rows of the person, the cancelled one.
      previous_request_id: cancelled.requestId,
      days_since_closure: null,
      team_id: k.teamId,
    });
    // Karim is told, with no staff action in between; nobody set a lead by hand.
    expect((await mailsTo(t.app, k.karim.email)).map((m) => m.subject)).toContain(
      'Een inwoner die u kent heeft een nieuwe vraag',
    );
    const used = await t.app.db
      .selectFrom('audit_event')
      .select('detail')
      .where('action', '=', 'return_link_used')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(used.detail).toMatchObject({ knownCoachId: k.karim.id, knownWhy: 'upcoming', partnerCoachId: k.sanne.id });
  });

  it('names nobody for a resident whose only conversation was cancelled', async () => {
    const k = await knownResident(t.app);
    const email = 'cas.cancel@example.nl';
    await history(t.app, k, {
      name: 'Cas de Wit',
      email,
      requestStatus: 'cancelled',
      submitted: '2026-11-10T09:00',
      appointment: { day: '2026-11-16', status: 'cancelled', coachIds: [k.fatima.id, k.jeroen.id] },
    });
    const c = await comeBack(t.app, { ...k, email });
    const res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('We kunnen niet zien met welke wijkcoach u de vorige keer sprak.');
  });

  it('counts every resident row of one email address and postcode as one person', async () => {
    const k = await knownResident(t.app);
    // Row A: the conversation held in September with Jeroen & Lotte (email typed with capitals
    // and a space). Row B: the newest sign-up, cancelled. Row C: the same address in another
    // postcode, with a more recent held conversation: another person (or another home).
    await history(t.app, k, {
      name: 'Dewi Pranoto',
      email: ' Dewi.Pranoto@Example.nl',
      requestStatus: 'closed',
      submitted: '2026-09-01T09:00',
      appointment: { day: '2026-09-16', status: 'held', coachIds: [k.jeroen.id, k.lotte.id] },
    });
    const rowB = await history(t.app, k, {
      name: 'Dewi Pranoto',
      email: 'dewi.pranoto@example.nl',
      requestStatus: 'cancelled',
      submitted: '2026-11-01T09:00',
      appointment: { day: '2026-11-09', status: 'cancelled', coachIds: [k.sanne.id, k.karim.id] },
    });
    await history(t.app, k, {
      name: 'Dewi Pranoto',
      email: 'dewi.pranoto@example.nl',
      postcode: '9999ZZ',
      requestStatus: 'closed',
      submitted: '2026-10-01T09:00',
      appointment: { day: '2026-10-12', status: 'held', coachIds: [k.fatima.id, k.sanne.id] },
    });
    const withJeroen = await block(t.app, k.teamId, D8, [k.jeroen.id, k.lotte.id]);
    const c = await comeBack(t.app, { ...k, email: 'dewi.pranoto@example.nl' });
    let res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('U sprak de vorige keer met Jeroen. U krijgt weer een gesprek met Jeroen.');
    res = await c.submit('/aanmelden/vraag', noDanger);
    expect(res.headers.location).toBe('/aanmelden/moment');
    res = await c.get('/aanmelden/moment');
    expect(offeredTimes(res.body)).toEqual([`${D8} 09:00`, `${D8} 10:30`]);
    const r = await bookNew(c, slot(withJeroen, D8, '09:00'), 'dewi.pranoto@example.nl', 'Dewi Pranoto');
    // The new request is on the row of the newest sign-up, led by Jeroen.
    expect(r).toMatchObject({ resident_id: rowB.residentId, lead_coach_id: k.jeroen.id, returning_resident: true });
  });

  it('says the lead coach is the fixed coach when the request has one', async () => {
    const k = await knownResident(t.app);
    await block(t.app, k.teamId, D8, [k.fatima.id, k.jeroen.id]);
    const c = await comeBack(t.app, k);
    const res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('Fatima is uw vaste wijkcoach. U krijgt weer een gesprek met Fatima.');
  });
});
