// Art. 17 at the privacy desk: refused while a legal duty keeps the data (an open request; a
// safety case closed less than the retention term ago), and said why; otherwise the person's
// identifying data is gone from every table (audit log included), the other resident of the same
// team and coach is untouched, and the erasure is in the audit log with its reason only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { scanTables } from '../helpers/scan-tables.js';
import { decryptText } from '../../src/core/secret-text.js';
import { at, deskWorld, NOW, type DeskWorld, type Person } from './desk-world.js';

const needles = (p: Person) => [p.name, p.email, p.phone, p.street, p.dateOfBirth, p.question];

describe('privacy desk: erase (art. 17)', () => {
  let t: TestApp;
  let w: DeskWorld;
  let desk: Client;
  let url: string;

  beforeAll(async () => {
    t = await createTestApp({
      now: () => NOW,
      beforeReady: (app) => app.addHook('onError', async (_q, _r, err) => console.log('ERR', err)),
    });
    w = await deskWorld(t.app);
    desk = await loggedIn(t.app, (await makeLogin(t.app, null, 'privacy')).email);
    url = `/medewerker/privacy/personen/${w.anna.residentId}/wissen`;
  });
  afterAll(async () => t.close());

  /** Every row of Bram's, as text: must stay exactly as it was. */
  const bramRows = async () => {
    const r = await sql<{ row: unknown }>`
      select to_jsonb(x) as row from resident x where id = ${w.bram.residentId}
      union all select to_jsonb(x) from request x where resident_id = ${w.bram.residentId}
      union all select to_jsonb(x) from appointment x where id = ${w.bram.appointmentId}
      union all select to_jsonb(x) from referrer x where id = ${w.bram.referrerId}
      union all select to_jsonb(x) from outbox_message x where to_address in (${w.bram.email}, ${w.bram.referrerEmail})`.execute(
      t.app.db,
    );
    return JSON.stringify(r.rows);
  };
  const erased = () => t.app.db.selectFrom('audit_event').selectAll().where('action', '=', 'privacy_erased').execute();
  const anna = () =>
    t.app.db.selectFrom('resident').selectAll().where('id', '=', w.anna.residentId).executeTakeFirstOrThrow();

  it('refuses while a request is open, says so plainly, and erases nothing', async () => {
    const page = await desk.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      `Er loopt nog een aanmelding (nr. ${w.anna.requestId}). Het team moet die eerst afsluiten.`,
    );
    // No form to erase with while the duty holds.
    expect(page.body).not.toContain('name="confirm"');
    const res = await desk.post(url, { _csrf: csrf(page.body), reason: 'art17_request', confirm: 'yes' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Wissen kan nu niet');
    expect(res.body).toContain('Het team moet die eerst afsluiten.');
    expect((await anna()).name).toBe(w.anna.name);
    expect(await erased()).toEqual([]);
  });

  it('refuses a safety case closed less than the retention term ago (meldcode), with the date', async () => {
    await t.app.db
      .updateTable('request')
      .set({ status: 'closed', closed_at: at('2026-11-20T12:00'), safety_flag: true })
      .where('id', '=', w.anna.requestId)
      .execute();
    const page = await desk.get(url);
    expect(page.body).toContain('meldcode');
    expect(page.body).toContain('tot zaterdag 20 november 2027');
    const res = await desk.post(url, { _csrf: csrf(page.body), reason: 'art17_request', confirm: 'yes' });
    expect(res.statusCode).toBe(409);
    expect((await anna()).name).toBe(w.anna.name);
    // Withdrawn rather than closed: the term counts from the sign-up.
    await t.app.db
      .updateTable('request')
      .set({ status: 'cancelled', closed_at: null })
      .where('id', '=', w.anna.requestId)
      .execute();
    expect((await desk.get(url)).body).toContain('tot dinsdag 2 november 2027');
  });

  it('asks for a reason and a confirmation, next to the fields, keeping the choice made', async () => {
    await t.app.db
      .updateTable('request')
      .set({ status: 'closed', submitted_at: at('2025-09-01T12:00'), closed_at: at('2025-10-01T12:00') })
      .where('id', '=', w.anna.requestId)
      .execute();
    const none = await desk.submit(url, {});
    expect(none.statusCode).toBe(400);
    expect(none.body).toMatch(/id="reason-error"[^>]*>.*Kies een reden\./);
    expect(none.body).toMatch(/id="confirm-error"[^>]*>.*Zet een vinkje/);
    const noConfirm = await desk.submit(url, { reason: 'consent_withdrawn' });
    expect(noConfirm.statusCode).toBe(400);
    expect(noConfirm.body).toContain('value="consent_withdrawn" checked');
    expect(noConfirm.body).not.toContain('id="reason-error"');
    const odd = await desk.submit(url, { reason: 'zomaar', confirm: 'yes' });
    expect(odd.statusCode).toBe(400);
    expect(odd.body).toContain('id="confirm" name="confirm" value="yes" checked');
    expect((await anna()).name).toBe(w.anna.name);
    expect(await erased()).toEqual([]);
  });

  it('erases every trace of the person in every table, and nothing of the other resident', async () => {
    const before = await scanTables(t.app.db, needles(w.anna));
    // Before: her details are there (the question only encrypted, so not as plain text).
    expect(new Set(before.map((f) => f.needle))).toEqual(
      new Set(
        needles(w.anna)
          .filter((n) => n !== w.anna.question)
          .map((n) => n.toLowerCase()),
      ),
    );
    const bramBefore = await bramRows();
    const res = await desk.submit(url, { reason: 'art17_request', confirm: 'yes' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/medewerker/privacy/personen/${w.anna.residentId}?klaar=gewist`);
    expect(await scanTables(t.app.db, needles(w.anna))).toEqual([]);
    const q = await t.app.db
      .selectFrom('request')
      .select(['question', 'anonymised_at'])
      .where('id', '=', w.anna.requestId)
      .executeTakeFirstOrThrow();
    expect(q.anonymised_at).toEqual(NOW);
    expect(decryptText(t.app.config.questionKeys, q.question)).not.toContain(w.anna.question);
    expect(await bramRows()).toBe(bramBefore);
    expect(await scanTables(t.app.db, needles(w.bram))).not.toEqual([]);
    const [entry, ...more] = await erased();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      subject_type: 'resident',
      subject_id: w.anna.residentId,
      detail: { reason: 'art17_request' },
    });
  });

  it('says on the person page that the data was erased, and offers no correction', async () => {
    const page = await desk.get(`/medewerker/privacy/personen/${w.anna.residentId}?klaar=gewist`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('De gegevens van deze persoon zijn gewist op dinsdag 24 november 2026.');
    expect(page.body).not.toContain('/corrigeren"');
    expect(page.body).not.toContain(w.anna.name);
    const form = await desk.get(`/medewerker/privacy/personen/${w.anna.residentId}/corrigeren`);
    expect(form.statusCode).toBe(303);
  });
});

function csrf(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
}
