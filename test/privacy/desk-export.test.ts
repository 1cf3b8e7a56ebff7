// Art. 15 at the privacy desk: the export (a printable page and a JSON file) holds every row about
// the person and nothing about anyone else, not even of a resident of the same team and coach; it
// lists who viewed their case; every look at the desk is in the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { deskWorld, NOW, type DeskWorld, type Person } from './desk-world.js';

/** The values that identify a person (anywhere in a text, in any case). */
const identifying = (p: Person) => [
  p.name,
  p.email,
  p.phone,
  p.street,
  p.city === 'Arnhem' ? '' : p.city,
  p.dateOfBirth,
  p.question,
  p.referrerName,
  p.referrerEmail,
  p.mailSubject,
];
const missing = (text: string, needles: string[]) =>
  needles.filter((n) => n && !text.toLowerCase().includes(n.toLowerCase()));
const present = (text: string, needles: string[]) =>
  needles.filter((n) => n && text.toLowerCase().includes(n.toLowerCase()));

describe('privacy desk: export (art. 15)', () => {
  let t: TestApp;
  let w: DeskWorld;
  let desk: Client;
  let deskId: number;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    w = await deskWorld(t.app);
    const u = await makeLogin(t.app, null, 'privacy', 'Fenna Gegevens');
    deskId = u.id;
    desk = await loggedIn(t.app, u.email);
  });
  afterAll(async () => t.close());

  it('gives every row about the person as a JSON file, and nothing about anyone else', async () => {
    const res = await desk.get(`/medewerker/privacy/personen/${w.anna.residentId}/inzage.json`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="inzage-\d+-2026-11-24\.json"$/);
    const doc = JSON.parse(res.body);
    expect(doc.resident.id).toBe(w.anna.residentId);
    expect(doc.requests.map((q: { id: number }) => q.id)).toEqual([w.anna.requestId]);
    expect(doc.requests[0].question).toBe(w.anna.question);
    expect(doc.appointments.map((a: { id: number }) => a.id)).toEqual([w.anna.appointmentId]);
    expect(doc.referrers.map((f: { id: number }) => f.id)).toEqual([w.anna.referrerId]);
    expect(doc.consents).toHaveLength(1);
    expect(doc.consents[0].feedback_to_referrer).toBe(true);
    expect(doc.mails.map((m: { subject: string }) => m.subject)).toEqual([w.anna.mailSubject]);
    // Who viewed the case, with name and role.
    const viewed = doc.audit.find((e: { action: string }) => e.action === 'case_viewed');
    expect(viewed).toMatchObject({ staff_name: 'Coach Wilma Wijk', staff_role: 'coach', subject_id: w.anna.requestId });
    expect(doc.audit.some((e: { action: string }) => e.action === 'appointment_moved')).toBe(true);
    // Everything of hers is in it; nothing of Bram's, who has the same team and coach.
    expect(missing(res.body, identifying(w.anna))).toEqual([]);
    expect(present(res.body, identifying(w.bram))).toEqual([]);
    // Every audit entry in it is about one of her records.
    const hers: Record<string, number> = {
      resident: w.anna.residentId,
      request: w.anna.requestId,
      appointment: w.anna.appointmentId,
    };
    for (const e of doc.audit as { subject_type: string; subject_id: number }[])
      expect(e.subject_id, e.subject_type).toBe(hers[e.subject_type]);
    // No secrets: no token hashes, no mail bodies.
    expect(res.body).not.toMatch(/token_hash|idempotency_key|email_hash|phone_hash|body_text|Tot dan/i);
  });

  it('shows the same as a printable page, with who viewed the case, and nothing of anyone else', async () => {
    const res = await desk.get(`/medewerker/privacy/personen/${w.anna.residentId}/inzage`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Inzage in uw gegevens');
    const html = res.body.replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    expect(
      missing(
        html,
        identifying(w.anna).filter((v) => v !== w.anna.dateOfBirth),
      ),
    ).toEqual([]);
    expect(html).toContain('14-03-1979');
    expect(html).toContain('6811 AB Arnhem');
    expect(present(html, identifying(w.bram))).toEqual([]);
    expect(html).toContain('Coach Wilma Wijk (wijkcoach)');
    expect(html).toContain('bekeek de aanmelding');
  });

  it("writes every look and every export to the audit log, with the person's number and no personal data", async () => {
    await desk.get(`/medewerker/privacy/personen/${w.anna.residentId}`);
    const rows = await t.app.db
      .selectFrom('audit_event')
      .selectAll()
      .where('actor_staff_id', '=', deskId)
      .where('action', 'like', 'privacy_%')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.action, r.subject_type, r.subject_id, r.detail])).toEqual([
      ['privacy_export', 'resident', w.anna.residentId, { format: 'json' }],
      ['privacy_export', 'resident', w.anna.residentId, { format: 'page' }],
      ['privacy_viewed', 'resident', w.anna.residentId, {}],
    ]);
    // The next export lists those looks too.
    const doc = JSON.parse((await desk.get(`/medewerker/privacy/personen/${w.anna.residentId}/inzage.json`)).body);
    expect(
      doc.audit
        .filter((e: { action: string }) => e.action.startsWith('privacy_'))
        .map((e: { staff_name: string }) => e.staff_name),
    ).toEqual(['Fenna Gegevens', 'Fenna Gegevens', 'Fenna Gegevens']);
  });

  it('shows every desk page in English too', async () => {
    const id = w.anna.residentId;
    const pages: [string, string][] = [
      [`/medewerker/privacy?lang=en`, 'Privacy desk'],
      [`/medewerker/privacy/personen/${id}?lang=en`, `Data of person no. ${id}`],
      [`/medewerker/privacy/personen/${id}/inzage?lang=en`, 'Access to your data'],
      [`/medewerker/privacy/personen/${id}/corrigeren?lang=en`, 'Correct the data'],
      [`/medewerker/privacy/personen/${id}/wissen?lang=en`, 'A sign-up is still open'],
      [`/medewerker/privacy/logboek?lang=en&inwoner=${id}`, 'Audit log'],
    ];
    for (const [url, text] of pages) {
      const res = await desk.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain(text);
      expect(res.body, url).toContain('<html lang="en"');
    }
  });

  it('answers 404 for a person that does not exist or a malformed number', async () => {
    for (const url of [
      '/medewerker/privacy/personen/999999',
      '/medewerker/privacy/personen/abc/inzage',
      '/medewerker/privacy/personen/0/inzage.json',
    ]) {
      expect((await desk.get(url)).statusCode, url).toBe(404);
    }
  });
});
