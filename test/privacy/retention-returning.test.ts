// The same coach after anonymisation: a resident whose closed request was anonymised by the
// retention job (only the keyed hash of their address and the postcode's four figures are left)
// comes back via /opnieuw with the same address: the link is mailed, the new sign-up asks for
// their details again, is linked to the previous request and is offered the same coach; their
// old row holds their new details. Another address finds nobody. Real pages, fixed clocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { ANONYMISED_NAME } from '../../src/core/anonymise.js';
import { runRetention } from '../../src/features/retention/service.js';
import { at, block, comeBack, knownResident, linkFor, NEW_QUESTION, offeredTimes, slot } from '../returning/world.js';

const LATER = at('2027-11-02T10:00');
const DAY = '2027-11-09';

describe('a returning resident after anonymisation', () => {
  let t: TestApp;
  let clock = at('2026-11-24T10:00');

  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
  });
  afterAll(async () => t.close());

  it('is offered the same coach and linked to the anonymised request', async () => {
    const db = t.app.db;
    const k = await knownResident(t.app);
    clock = LATER;
    const done = await runRetention(db, LATER, { dryRun: false });
    expect(done.closedRequestsAnonymised).toBe(1);
    const old = await db.selectFrom('resident').selectAll().where('id', '=', k.residentId).executeTakeFirstOrThrow();
    expect(old).toMatchObject({
      name: ANONYMISED_NAME,
      email: null,
      phone: null,
      street: null,
      postcode: k.postcode.slice(0, 4),
    });
    expect(old.email_hash).toMatch(/^[0-9a-f]{64}$/);

    const b = await block(t.app, k.teamId, DAY, [k.fatima.id, k.jeroen.id]);
    const c = await comeBack(t.app, k);
    const mail = await db
      .selectFrom('outbox_message')
      .select('body_text')
      .where('to_address', '=', k.email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail.body_text).toContain('Beste inwoner,');
    expect(mail.body_text).not.toContain(ANONYMISED_NAME);

    // The details are gone: the sign-up starts at the address.
    let res = await c.get('/aanmelden/vraag');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/aanmelden(\?|$)/);
    res = await c.submit('/aanmelden', { postcode: k.postcode, houseNumber: '12a' });
    expect(res.statusCode, res.body.slice(0, 1000)).toBe(303);
    res = await c.get('/aanmelden/vraag');
    expect(res.body).toContain('Fatima is uw vaste wijkcoach. U krijgt weer een gesprek met Fatima.');
    res = await c.submit('/aanmelden/vraag', { question: NEW_QUESTION, dangerNow: 'no', urgent24h: 'no' });
    expect(res.headers.location).toBe('/aanmelden/moment');
    res = await c.get('/aanmelden/moment');
    expect(offeredTimes(res.body)).toEqual([`${DAY} 09:00`, `${DAY} 10:30`]);
    res = await c.submit('/aanmelden/moment', { slot: slot(b, DAY, '09:00'), mode: 'home' });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    res = await c.get('/aanmelden/gegevens');
    // Nothing of the old details is filled in.
    expect(res.body).not.toContain(ANONYMISED_NAME);
    res = await c.submit('/aanmelden/gegevens', {
      name: 'Anna de Vries',
      email: k.email,
      phone: '',
      street: 'Nieuwstraat',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      consent: 'yes',
    });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    res = await c.submit('/aanmelden/controleren', {}, '/aanmelden/controleren');
    expect(res.headers.location).toBe('/aanmelden/bevestiging');

    const r = await db
      .selectFrom('request')
      .selectAll()
      .where('resident_id', '=', k.residentId)
      .where('id', '!=', k.oldRequestId)
      .executeTakeFirstOrThrow();
    expect(r).toMatchObject({
      returning_resident: true,
      previous_request_id: k.oldRequestId,
      lead_coach_id: k.fatima.id,
      team_id: k.teamId,
      anonymised_at: null,
    });
    const again = await db.selectFrom('resident').selectAll().where('id', '=', k.residentId).executeTakeFirstOrThrow();
    expect(again).toMatchObject({ name: 'Anna de Vries', email: k.email, street: 'Nieuwstraat', anonymised_at: null });
    expect(again.email_hash).toBe(old.email_hash);
    // The old request stays anonymised.
    const before = await db
      .selectFrom('request')
      .selectAll()
      .where('id', '=', k.oldRequestId)
      .executeTakeFirstOrThrow();
    expect(before.question).toBe(ANONYMISED_NAME);
  });

  it('finds nobody for another address, or the same address with another postcode', async () => {
    const db = t.app.db;
    const k = await knownResident(t.app);
    clock = LATER;
    await runRetention(db, LATER, { dryRun: false });
    const links = async () =>
      db.selectFrom('return_link').select('resident_id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await comeBackFails(t, 'iemand.anders@example.nl', k.postcode);
    expect((await links()).resident_id).toBeNull();
    await comeBackFails(t, k.email, '1234AB');
    expect((await links()).resident_id).toBeNull();
  });
});

/** Asks for a link with these details: the answer is the same, the mail has no link. */
async function comeBackFails(t: TestApp, email: string, postcode: string) {
  const { Client } = await import('../helpers/app.js');
  const c = new Client(t.app);
  const res = await c.submit('/opnieuw', { email, postcode });
  expect(res.statusCode).toBe(303);
  await expect(linkFor(t.app, email)).rejects.toThrow(/no link/);
}
