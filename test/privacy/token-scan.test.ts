// No secret link and no question in clear, after a full walk through the real routes: a resident
// books, opens the manage link and moves the appointment; a referrer refers a resident (status
// link), who cancels through the link in their mail (a rebooking link comes back); a resident who
// was helped before asks for a return link and uses it; an admin invites a coach, a coach asks for
// a new password, another one is locked out (an unlock link), a coach makes a calendar feed link. Every mail goes out to a real SMTP
// receiver. Then every row of every table is read: none holds a token any mail (or page) carried,
// nor the question's text. Undo the encryption (core/question-key.ts) or the redaction of sent
// bodies (core/mail/outbox-redact.ts) and this fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { onServer } from '../helpers/db.js';
import { makeBlock } from '../helpers/fixtures.js';
import { scanTables } from '../helpers/scan-tables.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import { loggedIn, makeLogin, PASSWORD } from '../helpers/staff.js';
import { at, makeWorld, NOW, QUESTION as REFERRAL_QUESTION, referAndBook, type World } from '../referral/world.js';
import { knownResident } from '../returning/world.js';
import { login } from '../../src/features/staff-auth/login.js';
import { MAX_FAILURES } from '../../src/features/staff-auth/throttle.js';

const QUESTION = 'Mijn geheime vraag over schulden 7731';

/** Links that open something without logging in: path, then the secret segment. */
const SECRET_LINK =
  /\/(afspraak|opnieuw|verwijzen\/status|aanmelden\/nieuw|medewerker\/wachtwoord|medewerker\/ontgrendelen)\/([A-Za-z0-9._~%-]+)/g;
const FEED_LINK = /\/agenda\/([A-Za-z0-9_-]+)\.ics/g;

/** Every text of a received mail: plain, html, and each calendar file's properties (read with ical.js). */
function textsOf(m: ParsedMail): string[] {
  const out = [m.text ?? '', typeof m.html === 'string' ? m.html : ''];
  for (const a of m.attachments) {
    const body = a.content.toString('utf8');
    // A calendar file folds long lines: its links are read whole from the parsed properties.
    if (!/calendar/.test(a.contentType)) {
      out.push(body);
      continue;
    }
    const cal = new ICAL.Component(ICAL.parse(body));
    for (const ev of cal.getAllSubcomponents('vevent')) {
      for (const p of ev.getAllProperties()) out.push(String(p.getFirstValue()));
    }
  }
  return out;
}

/** The secret segments of every link in the texts, by kind of link. */
function secretsIn(texts: string[]): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const add = (kind: string, secret: string) => {
    const s = secret.replace(/\.+$/, '');
    if (!found.has(kind)) found.set(kind, new Set());
    found.get(kind)!.add(s);
  };
  for (const text of texts) {
    for (const m of text.matchAll(SECRET_LINK)) add(m[1]!, m[2]!);
    for (const m of text.matchAll(FEED_LINK)) add('agenda', m[1]!);
  }
  return found;
}

describe(`no secret link and no question in clear after a full walk (${onServer ? 'server' : 'embedded'} database)`, () => {
  let receiver: SmtpReceiver;
  let t: TestApp;
  let w: World;
  const clock = NOW;

  beforeAll(async () => {
    receiver = await startSmtpReceiver();
    t = await createTestApp({ now: () => clock, config: { smtpUrl: receiver.url } });
    w = await makeWorld(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.stop();
  });

  /** Sends everything in the outbox to the receiver. */
  const send = async () => {
    await t.app.mail.flush();
    const left = await t.app.db.selectFrom('outbox_message').select('id').where('status', '!=', 'sent').execute();
    expect(left).toEqual([]);
  };
  const receivedSecrets = () => secretsIn(receiver.messages.flatMap(textsOf));

  async function residentBooks(): Promise<{ token: string; appointmentId: number }> {
    const blockId = await makeBlock(t.app.db, {
      teamId: w.teamId,
      start: at('2026-12-09T09:00'),
      end: at('2026-12-09T17:00'),
      coachIds: w.coachIds,
    });
    const slot = (time: string) => `${blockId}_${at(`2026-12-09T${time}`).toISOString()}`;
    const c = new Client(t.app);
    expect((await c.submit('/aanmelden', { postcode: '6812 AB', houseNumber: '3' })).headers.location).toBe(
      '/aanmelden/vraag',
    );
    const q = { question: QUESTION, topics: ['money'], about: 'self', dangerNow: 'no', urgent24h: 'no' };
    expect((await c.submit('/aanmelden/vraag', q)).headers.location).toBe('/aanmelden/moment');
    expect((await c.submit('/aanmelden/moment', { slot: slot('09:00'), mode: 'home' })).headers.location).toBe(
      '/aanmelden/gegevens',
    );
    const details = {
      name: 'Bram Geheim',
      email: 'bram.geheim@example.nl',
      phone: '',
      street: 'Rijnkade',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      consent: 'yes',
    };
    expect((await c.submit('/aanmelden/gegevens', details)).headers.location).toBe('/aanmelden/controleren');
    expect((await c.submit('/aanmelden/controleren', {})).headers.location).toBe('/aanmelden/bevestiging');
    const token = /href="\/afspraak\/([A-Za-z0-9_-]{43})"/.exec((await c.get('/aanmelden/bevestiging')).body)![1]!;
    // The manage link opens the appointment; the resident moves it.
    expect((await c.get(`/afspraak/${token}`)).statusCode).toBe(200);
    const page = await c.get(`/afspraak/${token}/verzetten`);
    const moved = await c.post(`/afspraak/${token}/verzetten`, {
      _csrf: csrfFrom(page.body),
      slot: slot('13:30'),
      mode: 'home',
    });
    expect(moved.headers.location).toBe(`/afspraak/${token}?klaar=verzet`);
    const appt = await t.app.db
      .selectFrom('appointment')
      .select('id')
      .where('status', '=', 'booked')
      .where('block_id', '=', blockId)
      .executeTakeFirstOrThrow();
    return { token, appointmentId: appt.id };
  }

  async function referrerRefers(): Promise<string> {
    const c = new Client(t.app);
    const res = await referAndBook(c, w.slot('10:30'));
    expect(res.headers.location).toBe('/verwijzen/bevestiging');
    const status = /href="\/verwijzen\/status\/([A-Za-z0-9_-]{43})"/.exec((await c.get('/verwijzen/bevestiging')).body);
    expect((await c.get(`/verwijzen/status/${status![1]!}`)).statusCode).toBe(200);
    return status![1]!;
  }

  /** The referred resident cancels through the manage link of their mail: a rebooking link comes back. */
  async function referredResidentCancels(token: string): Promise<void> {
    const c = new Client(t.app);
    const page = await c.get(`/afspraak/${token}/annuleren`);
    expect(page.statusCode).toBe(200);
    const res = await c.post(`/afspraak/${token}/annuleren`, { _csrf: csrfFrom(page.body), reason: '' });
    expect(res.statusCode).toBe(303);
  }

  async function staffLinks(): Promise<{ feed: string }> {
    const admin = await makeLogin(t.app, null, 'admin');
    const adminClient = await loggedIn(t.app, admin.email);
    const invited = await adminClient.submit('/medewerker/beheer/medewerkers/nieuw', {
      name: 'Noor Visser',
      email: 'noor.visser@example.nl',
      role: 'coach',
      teamId: String(w.teamId),
      expertise: '',
    });
    expect(invited.statusCode).toBe(303);
    const coach = await makeLogin(t.app, w.teamId, 'coach', 'Karin Koster');
    const reset = await new Client(t.app).submit('/medewerker/wachtwoord-vergeten', { email: coach.email });
    expect(reset.statusCode).toBe(200);
    // Five wrong passwords lock the account; the right one then mails an unlock link.
    const locked = await makeLogin(t.app, w.teamId, 'coach', 'Lars Slot');
    const url = t.app.config.publicUrl;
    for (let i = 0; i < MAX_FAILURES; i++) await login(t.app.db, locked.email, `fout ${i}`, clock, url);
    expect(await login(t.app.db, locked.email, PASSWORD, clock, url)).toMatchObject({ reason: 'locked' });
    const coachClient = await loggedIn(t.app, coach.email);
    expect((await coachClient.submit('/medewerker/agenda/koppeling', {})).statusCode).toBe(303);
    const shown = (await coachClient.get('/medewerker/agenda/koppeling')).body;
    const feed = /\/agenda\/([A-Za-z0-9_-]{43})\.ics/.exec(shown)![1]!;
    expect((await new Client(t.app).get(`/agenda/${feed}.ics`)).statusCode).toBe(200);
    return { feed };
  }

  it('walks every path that makes a secret link, sends every mail, and finds no token and no question in any table', async () => {
    const booked = await residentBooks();
    const statusToken = await referrerRefers();
    await send();
    // The referred resident's manage link came by mail only.
    const annaMail = receiver.messages.find(
      (m) => m.subject?.startsWith('Uw afspraak') && /anna@/.test(m.to ? JSON.stringify(m.to) : ''),
    );
    const annaToken = [...(secretsIn(annaMail ? textsOf(annaMail) : []).get('afspraak') ?? [])][0];
    expect(annaToken, 'the referred resident got a manage link').toBeDefined();
    await referredResidentCancels(annaToken!);

    const known = await knownResident(t.app);
    const c = new Client(t.app);
    expect((await c.submit('/opnieuw', { email: known.email, postcode: known.postcode })).statusCode).toBe(303);
    const { feed } = await staffLinks();
    await send();
    const returnToken = [...(receivedSecrets().get('opnieuw') ?? [])][0];
    expect(returnToken, 'the return link was mailed').toBeDefined();
    expect((await c.submit(`/opnieuw/${returnToken!}`, {})).headers.location).toBe('/aanmelden/vraag');

    // The staff page still shows the question: stored encrypted, read in clear.
    const coach = await makeLogin(t.app, w.teamId, 'coach', 'Eva Staal');
    const staffPage = await (await loggedIn(t.app, coach.email)).get(`/medewerker/afspraken/${booked.appointmentId}`);
    expect(staffPage.statusCode).toBe(200);
    expect(staffPage.body).toContain(QUESTION);
    await send();

    // Every kind of secret link went out, and the tokens the pages showed are among them.
    const secrets = receivedSecrets();
    const kinds = [
      'afspraak',
      'verwijzen/status',
      'opnieuw',
      'aanmelden/nieuw',
      'medewerker/wachtwoord',
      'medewerker/ontgrendelen',
    ];
    for (const kind of kinds) {
      expect(secrets.get(kind)?.size, `a ${kind} link was mailed`).toBeGreaterThan(0);
    }
    expect(secrets.get('afspraak')).toContain(booked.token);
    expect(secrets.get('verwijzen/status')).toContain(statusToken);
    expect(secrets.get('medewerker/wachtwoord')!.size).toBe(2); // the invitation and the reset
    const tokens = [...secrets.values()].flatMap((s) => [...s]);
    tokens.push(feed);
    for (const token of tokens) expect(token.length).toBeGreaterThanOrEqual(32);

    const questionParts = [QUESTION, 'Mijn geheime vraag', 'geheime vraag over schulden', REFERRAL_QUESTION];
    const found = await scanTables(t.app.db, [...tokens, ...questionParts]);
    expect(found).toEqual([]);

    // The scan finds what is there: the hashes of the tokens are (and a needle of a hash is found).
    const hash = (await t.app.db.selectFrom('appointment').select('manage_token_hash').executeTakeFirstOrThrow())
      .manage_token_hash;
    expect((await scanTables(t.app.db, [hash])).map((f) => f.table)).toContain('appointment');
    // A sent mail still says what it was about, with the link's secret part replaced.
    const moved = await t.app.db
      .selectFrom('outbox_message')
      .select(['body_text', 'ics'])
      .where('to_address', '=', 'bram.geheim@example.nl')
      .where('subject', 'like', 'Uw afspraak is verzet%')
      .executeTakeFirstOrThrow();
    expect(moved.body_text).toContain('/afspraak/[link verwijderd]');
    expect(moved.ics).toContain('/afspraak/[link verwijderd]');
  });
});
