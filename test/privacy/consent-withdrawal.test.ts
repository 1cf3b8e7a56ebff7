// A resident withdraws their consent to feedback to the referrer on their manage page: a plain
// form with CSRF, after which consent_feedback is false, the moment is in the audit log (without
// personal data), the referrer's status link stops working (410 "no longer works", not the 404 of a
// mistyped link, and without saying why) and no status mail reaches the
// referrer (a real SMTP receiver), while a referral that kept its consent still gets its mail.
// A repeated post changes nothing; another appointment's link cannot withdraw this consent.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import { issueManageLink } from '../../src/core/managed-appointment.js';
import { at, clean, makeWorld, NOW, QUESTION, referAndBook, residentAnna, type World } from '../referral/world.js';

const REFERRER = 'sara.jansen@delinde.nl';
const BRAM = {
  name: 'Bram Kuipers',
  email: 'bram.kuipers@example.nl',
  phone: '06 87654321',
  street: 'Rijnkade',
  houseNumber: '3',
  dateOfBirth: '02-02-1970',
};

describe('withdrawing consent to feedback on the manage page', () => {
  let t: TestApp;
  let receiver: SmtpReceiver;
  let clock = NOW;
  let w: World;

  beforeAll(async () => {
    receiver = await startSmtpReceiver();
    t = await createTestApp({ config: { smtpUrl: receiver.url }, now: () => clock });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.stop();
  });
  beforeEach(async () => {
    clock = NOW;
    await clean(t.app);
    await t.app.db.deleteFrom('manage_link').execute();
    await t.app.db.deleteFrom('team_area').execute();
    w = await makeWorld(t.app);
    receiver.messages.length = 0;
  });

  /** A referral with feedback consent booked at `time` on 8 December: its manage link and status link. */
  async function referral(time: string, resident: Record<string, string> = {}) {
    const c = new Client(t.app);
    const done = await referAndBook(c, w.slot(time), {}, { resident });
    expect(done.headers.location).toBe('/verwijzen/bevestiging');
    const status = /href="(\/verwijzen\/status\/[A-Za-z0-9_-]{43})"/.exec(
      (await c.get('/verwijzen/bevestiging')).body,
    )![1]!;
    const appt = await t.app.db
      .selectFrom('appointment')
      .select(['id', 'request_id'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const token = await t.app.db.transaction().execute((trx) => issueManageLink(trx, appt.id, clock));
    return { manage: `/afspraak/${token}`, status, appointmentId: appt.id, requestId: appt.request_id };
  }

  async function consentOf(requestId: number) {
    return t.app.db
      .selectFrom('request')
      .select(['consent_feedback', 'referrer_token_hash', 'referrer_feedback_at'])
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
  }

  async function withdrawals() {
    return t.app.db.selectFrom('audit_event').selectAll().where('action', '=', 'consent_withdrawn').execute();
  }

  const withdraw = (c: Client, manage: string) => c.submit(manage, {}, `${manage}/toestemming-intrekken`);

  it('shows the consent, withdraws it with one button, confirms it and audits it without personal data', async () => {
    const r = await referral('09:00');
    const c = new Client(t.app);
    const page = await c.get(r.manage);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Wat hoort de verwijzer?');
    expect(page.body).toContain('U gaf toestemming dat Huisartsenpraktijk De Linde van ons hoort hoe het gaat.');
    expect(page.body).toContain(`action="${r.manage}/toestemming-intrekken"`);
    expect(page.body).toContain('>Toestemming intrekken</button>');
    expect((await new Client(t.app).get(r.status)).statusCode).toBe(200);

    const res = await withdraw(c, r.manage);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${r.manage}?klaar=toestemming`);
    const after = await c.get(String(res.headers.location));
    expect(after.body).toContain(
      'Uw toestemming is ingetrokken. De verwijzer hoort niets meer van ons over uw aanmelding.',
    );
    expect(after.body).toContain(
      'U hebt uw toestemming ingetrokken op dinsdag 24 november 2026. Huisartsenpraktijk De Linde hoort niets meer',
    );
    expect(after.body).not.toContain('>Toestemming intrekken</button>');
    // The appointment stands.
    expect(after.body).toContain('>Verzetten</a>');

    // The status link's hash stays, so the referrer is told the link ended.
    expect(await consentOf(r.requestId)).toEqual({
      consent_feedback: false,
      referrer_token_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      referrer_feedback_at: null,
    });
    const [event, ...more] = await withdrawals();
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      action: 'consent_withdrawn',
      subject_type: 'request',
      subject_id: r.requestId,
      team_id: w.teamId,
      actor_staff_id: null,
      at: NOW,
    });
    expect(event!.detail).toEqual({ by: 'resident', consent: 'feedback' });
    const stored = JSON.stringify(event);
    for (const personal of [residentAnna.name, residentAnna.email, residentAnna.phone, QUESTION, REFERRER, r.manage]) {
      expect(stored).not.toContain(personal);
    }
    // The referrer's status link no longer works: a 410 that does not say why, and no status.
    const gone = await new Client(t.app).get(r.status);
    expect(gone.statusCode).toBe(410);
    expect(gone.body).toContain('<h1 class="utrecht-heading-1">Deze link werkt niet meer</h1>');
    expect(gone.body).toContain(
      'U kunt de stand van deze aanmelding niet meer bekijken. Heeft u vragen? Bel dan het wijkteam.',
    );
    for (const why of ['toestemming', 'ingetrokken', 'te oud', 'Ontvangen', 'Afspraak gepland'])
      expect(gone.body).not.toContain(why);
    const goneEn = await new Client(t.app).get(`${r.status}?lang=en`);
    expect(goneEn.statusCode).toBe(410);
    expect(goneEn.body).toContain('You can no longer see the status of this referral.');
    // A link nobody was given is still a page that does not exist.
    expect((await new Client(t.app).get(`/verwijzen/status/${'B'.repeat(43)}`)).statusCode).toBe(404);

    // In English too.
    const en = await c.get(`${r.manage}?lang=en`);
    expect(en.body).toContain('You withdrew your consent on Tuesday 24 November 2026.');
  });

  it('needs the CSRF token: without it, or with another one, nothing changes', async () => {
    const r = await referral('09:00');
    const c = new Client(t.app);
    await c.get(r.manage);
    const none = await c.post(`${r.manage}/toestemming-intrekken`, {});
    expect(none.statusCode).toBe(403);
    const other = new Client(t.app);
    const foreign = csrfFrom((await other.get(r.manage)).body);
    const wrong = await c.post(`${r.manage}/toestemming-intrekken`, { _csrf: foreign });
    expect(wrong.statusCode).toBe(403);
    expect((await consentOf(r.requestId)).consent_feedback).toBe(true);
    expect(await withdrawals()).toEqual([]);
    expect((await new Client(t.app).get(r.status)).statusCode).toBe(200);
  });

  it('changes nothing on a second post (a double click, or the form sent again)', async () => {
    const r = await referral('09:00');
    const c = new Client(t.app);
    const page = await c.get(r.manage);
    const token = csrfFrom(page.body);
    const first = await c.post(`${r.manage}/toestemming-intrekken`, { _csrf: token });
    clock = at('2026-11-25T08:00');
    const second = await c.post(`${r.manage}/toestemming-intrekken`, { _csrf: token });
    expect([first.statusCode, second.statusCode]).toEqual([303, 303]);
    const events = await withdrawals();
    expect(events).toHaveLength(1);
    expect(events[0]!.at).toEqual(NOW);
    expect((await c.get(r.manage)).body).toContain('ingetrokken op dinsdag 24 november 2026');
  });

  it('sends the referrer no status mail afterwards, while a referral that kept its consent gets one', async () => {
    const withdrawn = await referral('09:00');
    const kept = await referral('10:30', BRAM);
    expect(await withdraw(new Client(t.app), withdrawn.manage)).toMatchObject({ statusCode: 303 });

    clock = at('2026-12-08T11:45');
    const coach = await loggedIn(t.app, (await makeLogin(t.app, w.teamId, 'coach')).email);
    for (const id of [withdrawn.appointmentId, kept.appointmentId]) {
      const res = await coach.submit(
        `/medewerker/afspraken/${id}`,
        { outcome: 'held', result: 'plan_made' },
        `/medewerker/afspraken/${id}/uitkomst`,
      );
      expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    }
    // Closing the withdrawn one would also report ('closed'): still nothing.
    const close = await coach.submit(`/medewerker/aanvragen/${withdrawn.requestId}/sluiten`, { closeNote: 'Klaar' });
    expect(close.statusCode).toBe(303);

    await t.app.mail.flush();
    const feedback = receiver.messages.filter(
      (m: ParsedMail) =>
        m.to && !Array.isArray(m.to) && m.to.text === REFERRER && m.subject?.startsWith('Terugkoppeling'),
    );
    expect(feedback).toHaveLength(1);
    expect(feedback[0]!.text).toContain(BRAM.name);
    expect(feedback[0]!.text).not.toContain(residentAnna.name);
    expect((await consentOf(withdrawn.requestId)).referrer_feedback_at).toBeNull();
    expect((await consentOf(kept.requestId)).referrer_feedback_at).toEqual(at('2026-12-08T11:45'));
    expect((await new Client(t.app).get(withdrawn.status)).statusCode).toBe(410);
    expect((await new Client(t.app).get(kept.status)).statusCode).toBe(200);
  });

  it("cannot be withdrawn through another appointment's link, an unknown link or a link that is over", async () => {
    const anna = await referral('09:00');
    const bram = await referral('10:30', BRAM);
    // Bram withdraws with his own link: only his request changes.
    expect((await withdraw(new Client(t.app), bram.manage)).statusCode).toBe(303);
    expect((await consentOf(anna.requestId)).consent_feedback).toBe(true);
    expect((await consentOf(bram.requestId)).consent_feedback).toBe(false);
    const events = await withdrawals();
    expect(events.map((e) => e.subject_id)).toEqual([bram.requestId]);

    // A link nobody has: 404, with a valid session and CSRF token.
    const c = new Client(t.app);
    const token = csrfFrom((await c.get(anna.manage)).body);
    const unknown = await c.post(`/afspraak/${'A'.repeat(43)}/toestemming-intrekken`, { _csrf: token });
    expect(unknown.statusCode).toBe(404);
    // Once the appointment is over the link no longer works.
    clock = at('2026-12-08T12:00');
    const over = await c.post(`${anna.manage}/toestemming-intrekken`, { _csrf: token });
    expect(over.statusCode).toBe(410);
    expect((await consentOf(anna.requestId)).consent_feedback).toBe(true);
    expect(await withdrawals()).toHaveLength(1);
  });

  it('says nothing about a referrer when there was no consent to feedback', async () => {
    const c = new Client(t.app);
    const done = await referAndBook(c, w.slot('09:00'), {}, { consent: { feedback: 'no' } });
    expect(done.headers.location).toBe('/verwijzen/bevestiging');
    const appt = await t.app.db.selectFrom('appointment').select('id').executeTakeFirstOrThrow();
    const token = await t.app.db.transaction().execute((trx) => issueManageLink(trx, appt.id, clock));
    const page = await c.get(`/afspraak/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Wat hoort de verwijzer?');
    expect(page.body).not.toContain('toestemming-intrekken');
  });
});
