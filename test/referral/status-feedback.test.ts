// What a referrer hears afterwards: the status page (status only, ends after closure plus the
// grace period) and the one feedback mail, sent through a real SMTP receiver, only with the
// resident's consent and never with content. The referrer never reaches the manage link.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import {
  at,
  clean,
  DONE,
  fillUntilNext,
  makeWorld,
  NOW,
  QUESTION,
  referAndBook,
  residentAnna,
  type World,
} from './world.js';

const REFERRER = 'sara.jansen@delinde.nl';

describe('status page and feedback to the referrer', () => {
  let t: TestApp;
  let receiver: SmtpReceiver;
  let clock = NOW;
  let w: World;

  beforeAll(async () => {
    receiver = await startSmtpReceiver();
    t = await createTestApp({ config: { smtpUrl: receiver.url }, now: () => clock });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    clock = NOW;
    await clean(t.app);
    await t.app.db.deleteFrom('team_area').execute();
    w = await makeWorld(t.app);
    receiver.messages.length = 0;
  });

  /** Books 09:00 on 8 December; returns the status link, the request and the appointment. */
  async function bookedReferral(consent: Record<string, string> = {}) {
    const c = new Client(t.app);
    expect((await referAndBook(c, w.slot('09:00'), {}, { consent })).headers.location).toBe('/verwijzen/bevestiging');
    const page = (await c.get('/verwijzen/bevestiging')).body;
    const status = /href="(\/verwijzen\/status\/[A-Za-z0-9_-]{43})"/.exec(page)?.[1] ?? null;
    const appt = await t.app.db
      .selectFrom('appointment')
      .select(['id', 'request_id'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return { c, status, appointmentId: appt.id, requestId: appt.request_id };
  }

  async function coach() {
    const user = await makeLogin(t.app, w.teamId, 'coach');
    return loggedIn(t.app, user.email);
  }

  async function outcome(appointmentId: number, fields: Record<string, string>) {
    const res = await (
      await coach()
    ).submit(`/medewerker/afspraken/${appointmentId}`, fields, `/medewerker/afspraken/${appointmentId}/uitkomst`);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
  }

  async function sent(): Promise<ParsedMail[]> {
    await t.app.mail.flush();
    return receiver.messages.slice();
  }
  const toReferrer = (mails: ParsedMail[]) =>
    mails.filter((m) => m.to && !Array.isArray(m.to) && m.to.text === REFERRER);
  const feedbackMails = (mails: ParsedMail[]) =>
    toReferrer(mails).filter((m) => m.subject?.startsWith('Terugkoppeling'));

  function expectStatusOnly(body: string, state: string) {
    expect(body).toContain(`Stand nu: <strong>${state}</strong>`);
    for (const secret of [
      'Anna',
      'de Vries',
      QUESTION,
      DONE,
      '06 12345678',
      'anna@example.nl',
      'Steenstraat',
      '6811',
      '09:00',
      '8 december',
      'Fatima',
      'Jeroen',
      '/afspraak/',
    ]) {
      expect(body, `"${secret}" on the status page`).not.toContain(secret);
    }
  }

  it('shows only the state, follows it to closed, and stops after the grace period', async () => {
    // A call-back first: received.
    const c = new Client(t.app);
    await fillUntilNext(c);
    await c.submit('/verwijzen/vervolg', { next: 'callback' });
    await c.submit('/verwijzen/controleren', {});
    const received = /href="(\/verwijzen\/status\/[A-Za-z0-9_-]{43})"/.exec(
      (await c.get('/verwijzen/bevestiging')).body,
    )![1]!;
    const page = await c.get(received);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expectStatusOnly(page.body, 'Ontvangen');
    expect(page.body).toContain('U meldde op dinsdag 24 november 2026 een inwoner aan');

    // Another referral, booked: scheduled, then held, then closed.
    const b = await bookedReferral();
    const visitor = new Client(t.app); // the link works in any browser, without a session
    expectStatusOnly((await visitor.get(b.status!)).body, 'Afspraak gepland');
    clock = at('2026-12-08T10:15');
    await outcome(b.appointmentId, { outcome: 'held', result: 'plan_made' });
    expectStatusOnly((await visitor.get(b.status!)).body, 'Gesprek geweest');
    const close = await (
      await coach()
    ).submit(
      `/medewerker/afspraken/${b.appointmentId}`,
      { closeNote: 'Plan loopt via schuldhulp', appointmentId: String(b.appointmentId) },
      `/medewerker/aanvragen/${b.requestId}/sluiten`,
    );
    expect(close.statusCode).toBe(303);
    expectStatusOnly((await visitor.get(b.status!)).body, 'Afgesloten');

    // Closure + 30 days: gone; a day before: still there.
    clock = at('2027-01-06T10:14');
    expect((await visitor.get(b.status!)).statusCode).toBe(200);
    clock = at('2027-01-07T10:15');
    const gone = await visitor.get(b.status!);
    expect(gone.statusCode).toBe(410);
    expect(gone.body).not.toContain('Afgesloten');
    // The same sentence as after a withdrawn consent: the link ended, not why.
    expect(gone.body).toContain(
      'U kunt de stand van deze aanmelding niet meer bekijken. Heeft u vragen? Bel dan het wijkteam.',
    );
    // The open call-back still works; unknown and malformed links do not exist.
    expect((await visitor.get(received)).statusCode).toBe(200);
    expect((await visitor.get(`/verwijzen/status/${'A'.repeat(43)}`)).statusCode).toBe(404);
    expect((await visitor.get('/verwijzen/status/kort')).statusCode).toBe(404);
  });

  it('mails the referrer once after the first conversation, with consent, without any content', async () => {
    const b = await bookedReferral();
    clock = at('2026-12-08T10:15');
    await outcome(b.appointmentId, { outcome: 'held', result: 'advice_only' });
    const mails = await sent();
    const [feedback, ...more] = feedbackMails(mails);
    expect(more).toEqual([]);
    expect(feedback!.subject).toBe('Terugkoppeling over uw aanmelding bij Wijkteam Centrum');
    expect(feedback!.text).toContain('Beste Dr. Sara Jansen,');
    expect(feedback!.text).toContain('U meldde op dinsdag 24 november 2026 Anna de Vries aan bij Wijkteam Centrum.');
    expect(feedback!.text).toContain('Het eerste gesprek met de inwoner is geweest.');
    for (const secret of [
      QUESTION,
      DONE,
      'advies',
      'Alleen advies',
      '/afspraak/',
      '/medewerker/',
      'Steenstraat',
      '06 12345678',
    ]) {
      expect(feedback!.text, `"${secret}" in the feedback mail`).not.toContain(secret);
    }
    expect(feedback!.attachments).toEqual([]);
    // Every mail the referrer ever got: no manage link, no question.
    const manageToken = /\/afspraak\/([A-Za-z0-9_-]{43})/.exec(
      mails.find((m) => m.to && !Array.isArray(m.to) && m.to.text === residentAnna.email)!.text!,
    )![1]!;
    expect(toReferrer(mails)).toHaveLength(2);
    for (const m of toReferrer(mails)) {
      expect(m.text).not.toContain(manageToken);
      expect(m.text).not.toContain('/afspraak/');
      expect(m.text).not.toContain(QUESTION);
    }
    // Closing afterwards sends nothing more.
    receiver.messages.length = 0;
    const close = await (await coach()).submit(`/medewerker/aanvragen/${b.requestId}/sluiten`, { closeNote: 'Klaar' });
    expect(close.statusCode).toBe(303);
    expect(feedbackMails(await sent())).toEqual([]);
    const r = await t.app.db
      .selectFrom('request')
      .select(['referrer_feedback_at', 'referrer_feedback_kind'])
      .where('id', '=', b.requestId)
      .executeTakeFirstOrThrow();
    expect(r).toEqual({ referrer_feedback_at: at('2026-12-08T10:15'), referrer_feedback_kind: 'held' });
  });

  it('says "not reached" after a no-show, and nothing for a conversation that did not take place until the request is closed', async () => {
    const b = await bookedReferral();
    clock = at('2026-12-08T10:15');
    await outcome(b.appointmentId, { outcome: 'no_show', result: '' });
    const [notReached] = feedbackMails(await sent());
    expect(notReached!.text).toContain('We hebben de inwoner nog niet kunnen spreken.');
    expect(notReached!.text).not.toContain(QUESTION);

    await clean(t.app);
    receiver.messages.length = 0;
    clock = NOW;
    const c = await bookedReferral();
    clock = at('2026-12-08T10:15');
    await outcome(c.appointmentId, { outcome: 'cancelled', result: '' });
    expect(feedbackMails(await sent())).toEqual([]);
    const close = await (
      await coach()
    ).submit(`/medewerker/aanvragen/${c.requestId}/sluiten`, { closeNote: 'Inwoner wil geen hulp meer' });
    expect(close.statusCode).toBe(303);
    const [closed] = feedbackMails(await sent());
    expect(closed!.text).toContain('De aanmelding is afgesloten.');
    expect(closed!.text).not.toContain('Inwoner wil geen hulp meer');
  });

  it('sends no feedback and gives no status link when the resident did not agree to feedback', async () => {
    const b = await bookedReferral({ feedback: 'no' });
    expect(b.status).toBeNull();
    const r = await t.app.db
      .selectFrom('request')
      .select(['consent_feedback', 'referrer_token_hash'])
      .where('id', '=', b.requestId)
      .executeTakeFirstOrThrow();
    expect(r).toEqual({ consent_feedback: false, referrer_token_hash: null });
    clock = at('2026-12-08T10:15');
    await outcome(b.appointmentId, { outcome: 'held', result: 'plan_made' });
    await (await coach()).submit(`/medewerker/aanvragen/${b.requestId}/sluiten`, { closeNote: 'Klaar' });
    const mails = await sent();
    expect(feedbackMails(mails)).toEqual([]);
    const [confirmation, ...rest] = toReferrer(mails);
    expect(rest).toEqual([]);
    expect(confirmation!.text).toContain('De inwoner wil geen terugkoppeling.');
    expect(confirmation!.text).not.toContain('/verwijzen/status/');
  });
});
