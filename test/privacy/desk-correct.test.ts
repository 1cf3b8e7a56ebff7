// Art. 16 at the privacy desk: each bad field gets its message next to it with every typed value
// kept and nothing saved; a good correction is saved in one go, the keyed hashes follow, and the
// audit log says which fields changed (never their values).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { emailHash, phoneHash } from '../../src/core/pseudonym.js';
import { deskWorld, NOW, type DeskWorld } from './desk-world.js';

const GOOD = {
  name: 'Anna van Zwanenburg',
  email: 'anna.nieuw@voorbeeld.nl',
  phone: '06 1111 2233',
  street: 'Lindelaan',
  houseNumber: '12',
  postcode: '6811 AB',
  city: 'Arnhem',
  dateOfBirth: '14-03-1979',
  reason: 'art16_request',
};

describe('privacy desk: correct (art. 16)', () => {
  let t: TestApp;
  let w: DeskWorld;
  let desk: Client;
  let url: string;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    w = await deskWorld(t.app);
    desk = await loggedIn(t.app, (await makeLogin(t.app, null, 'privacy')).email);
    url = `/medewerker/privacy/personen/${w.anna.residentId}/corrigeren`;
  });
  afterAll(async () => t.close());

  const resident = () =>
    t.app.db.selectFrom('resident').selectAll().where('id', '=', w.anna.residentId).executeTakeFirstOrThrow();
  const corrections = () =>
    t.app.db.selectFrom('audit_event').selectAll().where('action', '=', 'privacy_corrected').execute();

  it('shows the form filled with the stored details', async () => {
    const res = await desk.get(url);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="Anna Zwanenburg"');
    expect(res.body).toContain('value="14-03-1979"');
    expect(res.body).toContain('value="6811 AB"');
  });

  const bad: [string, Record<string, string>, string, string][] = [
    ['name', { name: '  ' }, 'name', 'Vul de naam in.'],
    ['name', { name: 'x'.repeat(201) }, 'name', 'De naam is te lang.'],
    ['email', { email: 'anna@' }, 'email', 'Vul een e-mailadres in zoals naam@voorbeeld.nl, of laat het leeg.'],
    ['phone', { phone: '12345' }, 'phone', 'Vul een telefoonnummer in'],
    ['postcode', { postcode: '68 11' }, 'postcode', 'Vul een postcode in met 4 cijfers en 2 letters'],
    ['houseNumber', { houseNumber: 'geen' }, 'houseNumber', 'Vul een huisnummer in'],
    ['dateOfBirth', { dateOfBirth: '31-02-1980' }, 'dateOfBirth', 'Vul een geboortedatum in die kan kloppen'],
    ['dateOfBirth', { dateOfBirth: '01-01-2027' }, 'dateOfBirth', 'Vul een geboortedatum in die kan kloppen'],
    ['reason', { reason: '' }, 'reason', 'Kies een reden.'],
    ['reason', { reason: 'zomaar' }, 'reason', 'Kies een reden.'],
  ];
  for (const [label, change, field, message] of bad) {
    it(`refuses a bad ${label} with the message next to the field, keeps what was typed, saves nothing`, async () => {
      const before = await resident();
      const auditBefore = (await corrections()).length;
      const typed = { ...GOOD, ...change };
      const res = await desk.submit(url, typed);
      expect(res.statusCode).toBe(400);
      const html = res.body.replace(/&#39;/g, "'");
      expect(html).toMatch(new RegExp(`id="${field}-error"[^>]*>.*${message.replace(/[.()]/g, '\\$&')}`));
      expect(html).toContain('id="error-summary"');
      // What was typed in the other fields is still there.
      for (const k of ['name', 'email', 'phone', 'postcode', 'houseNumber', 'dateOfBirth'] as const)
        expect(html, k).toContain(
          `name="${k}" type="${k === 'email' ? 'email' : k === 'phone' ? 'tel' : 'text'}" value="${typed[k]}"`,
        );
      if (field !== 'reason')
        expect(html).toContain('id="reason-art16_request" name="reason" value="art16_request" checked');
      expect(await resident()).toEqual(before);
      expect((await corrections()).length).toBe(auditBefore);
    });
  }

  it('saves a good correction in one go, keeps the keyed hashes in step and audits the field names only', async () => {
    const res = await desk.submit(url, GOOD);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/medewerker/privacy/personen/${w.anna.residentId}?klaar=gecorrigeerd`);
    const r = await resident();
    expect(r).toMatchObject({
      name: 'Anna van Zwanenburg',
      email: 'anna.nieuw@voorbeeld.nl',
      phone: '06 1111 2233',
      postcode: '6811AB',
      house_number: '12',
      date_of_birth: '1979-03-14',
    });
    expect(r.email_hash).toBe(emailHash('anna.nieuw@voorbeeld.nl'));
    expect(r.phone_hash).toBe(phoneHash('06 1111 2233'));
    const [entry, ...more] = await corrections();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ subject_type: 'resident', subject_id: w.anna.residentId });
    expect(entry!.detail).toEqual({ fields: ['name', 'email'], reason: 'art16_request' });
    expect(JSON.stringify(entry)).not.toMatch(/Zwanenburg|anna\.nieuw/);
    const page = await desk.get(res.headers.location as string);
    expect(page.body).toContain('De gegevens zijn verbeterd.');
    expect(page.body).toContain('Anna van Zwanenburg');
  });

  it('empties optional fields on request, and saves nothing when nothing changed', async () => {
    const res = await desk.submit(url, { ...GOOD, phone: '', dateOfBirth: '' });
    expect(res.statusCode).toBe(303);
    const r = await resident();
    expect([r.phone, r.phone_hash, r.date_of_birth]).toEqual([null, null, null]);
    expect((await corrections()).at(-1)!.detail).toEqual({ fields: ['phone', 'dateOfBirth'], reason: 'art16_request' });
    const again = await desk.submit(url, { ...GOOD, phone: '', dateOfBirth: '' });
    expect(again.headers.location).toContain('klaar=ongewijzigd');
    expect(await corrections()).toHaveLength(2);
  });

  it('does not touch the other resident of the same team and coach', async () => {
    const bram = await t.app.db
      .selectFrom('resident')
      .selectAll()
      .where('id', '=', w.bram.residentId)
      .executeTakeFirstOrThrow();
    expect(bram).toMatchObject({ name: w.bram.name, email: w.bram.email, phone: w.bram.phone });
  });
});
