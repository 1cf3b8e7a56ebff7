// The resident's manage link /afspraak/<token>: view, reschedule, cancel, unknown and expired
// links, how the token is kept, and the mails it causes, up to a real SMTP receiver.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import ICAL from 'ical.js';
import { sql } from 'kysely';
import type { ParsedMail } from 'mailparser';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';
import { onServer } from '../helpers/db.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import { renderOutbox } from '../helpers/outbox.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');
const key = (blockId: number, local: string) => `${blockId}_${at(local).toISOString()}`;
const QUESTION = 'Ik heb schulden en slaap slecht';

function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT in calendar');
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

async function setup(t: TestApp, area: string, day: string, hours = { from: '09:00', to: '17:00' }) {
  const team = await makeTeam(t.app.db, { name: `Wijkteam ${area}`, from: `${area}AA`, to: `${area}ZZ` });
  const fatima = await makeStaff(t.app.db, team.id, { name: 'Fatima El Amrani' });
  const jeroen = await makeStaff(t.app.db, team.id, { name: 'Jeroen Bakker' });
  // 09:00–17:00 with 60 + 30: slots at 09:00, 10:30, 12:00, 13:30 and 15:00.
  const blockId = await makeBlock(t.app.db, {
    teamId: team.id,
    start: at(`${day}T${hours.from}`),
    end: at(`${day}T${hours.to}`),
    coachIds: [fatima.id, jeroen.id],
  });
  return { team, blockId, coachEmails: [fatima.email, jeroen.email], postcode: `${area}AB` };
}

async function startSignup(c: Client, postcode: string) {
  let res = await c.submit('/aanmelden', { postcode, houseNumber: '12a' });
  expect(res.headers.location).toBe('/aanmelden/vraag');
  res = await c.submit('/aanmelden/vraag', {
    question: QUESTION,
    topics: ['money'],
    about: 'self',
    dangerNow: 'no',
    urgent24h: 'no',
  });
  expect(res.headers.location).toBe('/aanmelden/moment');
}

/** The free times a new resident of `postcode` is offered right now. */
async function offeredTimes(t: TestApp, postcode: string): Promise<string> {
  const c = new Client(t.app);
  await startSignup(c, postcode);
  const page = await c.get('/aanmelden/moment');
  expect(page.statusCode).toBe(200);
  return page.body;
}

/** Books through the whole flow; returns the manage token from the confirmation page. */
async function book(t: TestApp, c: Client, p: { postcode: string; slot: string; email: string }): Promise<string> {
  await startSignup(c, p.postcode);
  let res = await c.submit('/aanmelden/moment', { slot: p.slot, mode: 'home' });
  expect(res.headers.location).toBe('/aanmelden/gegevens');
  res = await c.submit('/aanmelden/gegevens', {
    name: 'Anna de Vries',
    email: p.email,
    phone: '',
    street: 'Steenstraat',
    city: 'Arnhem',
    language: 'nl',
    dateOfBirth: '',
    companion: '',
    consent: 'yes',
  });
  expect(res.headers.location).toBe('/aanmelden/controleren');
  res = await c.submit('/aanmelden/controleren', {});
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/aanmelden/bevestiging');
  const conf = await c.get('/aanmelden/bevestiging');
  const m = /href="\/afspraak\/([^"]+)"/.exec(conf.body);
  if (!m) throw new Error('no manage link on the confirmation page');
  return m[1]!;
}

async function appointmentOf(t: TestApp, email: string) {
  return t.app.db
    .selectFrom('appointment')
    .innerJoin('request', 'request.id', 'appointment.request_id')
    .innerJoin('resident', 'resident.id', 'request.resident_id')
    .selectAll('appointment')
    .select(['request.status as request_status', 'request.closed_at'])
    .where('resident.email', '=', email)
    .execute();
}

async function mailsTo(t: TestApp, addresses: string[], afterId = 0) {
  await renderOutbox(t.app);
  return t.app.db
    .selectFrom('outbox_message')
    .selectAll()
    .where('to_address', 'in', addresses)
    .where('id', '>', afterId)
    .orderBy('id')
    .execute();
}

describe(`the manage link (${onServer ? 'server' : 'embedded'} database)`, () => {
  let t: TestApp;
  let clock = NOW;
  beforeAll(async () => {
    t = await createTestApp({ now: () => clock });
  });
  afterAll(async () => t?.close());
  afterEach(() => {
    clock = NOW;
  });

  it("shows the time and the coaches' first names, privately", async () => {
    const s = await setup(t, '6821', '2026-12-08');
    const c = new Client(t.app);
    const token = await book(t, c, {
      postcode: s.postcode,
      slot: key(s.blockId, '2026-12-08T10:30'),
      email: 'bekijk@example.nl',
    });
    // Another browser (the link from the mail) sees the same, without any session.
    const res = await new Client(t.app).get(`/afspraak/${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(res.body).toContain('Fatima &amp; Jeroen');
    expect(res.body).toContain('Wijkteam 6821');
    expect(res.body).not.toContain('El Amrani');
    expect(res.body).not.toContain('Bakker');
    expect(res.body).toContain(`href="/afspraak/${token}/verzetten"`);
    expect(res.body).toContain(`href="/afspraak/${token}/annuleren"`);
    // The question is not on the manage page.
    expect(res.body).not.toContain(QUESTION);
  });

  it('reschedules: the old time is free again at once, and the resident gets a new .ics with the same UID', async () => {
    const s = await setup(t, '6822', '2026-12-08');
    const email = 'verzet@example.nl';
    const c = new Client(t.app);
    const token = await book(t, c, { postcode: s.postcode, slot: key(s.blockId, '2026-12-08T09:00'), email });
    const [before] = await appointmentOf(t, email);
    const [bookedMail] = await mailsTo(t, [email]);
    expect(bookedMail!.subject).toBe('Uw afspraak met het wijkteam: dinsdag 8 december 2026, 09:00–10:00');
    const originalUid = parseIcs(bookedMail!.ics!).event.uid;
    expect(originalUid).toMatch(new RegExp(`^appointment-${before!.id}@`));
    const lastMailId = (
      await t.app.db
        .selectFrom('outbox_message')
        .select(sql<number>`max(id)`.as('m'))
        .executeTakeFirstOrThrow()
    ).m;
    expect(await offeredTimes(t, s.postcode)).not.toContain(`value="${key(s.blockId, '2026-12-08T09:00')}"`);

    const page = await c.get(`/afspraak/${token}/verzetten`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('dinsdag 8 december 2026, 09:00–10:00');
    const target = key(s.blockId, '2026-12-08T13:30');
    expect(page.body).toContain(`value="${target}"`);
    const res = await c.post(`/afspraak/${token}/verzetten`, {
      _csrf: csrfFrom(page.body),
      slot: target,
      mode: 'home',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/afspraak/${token}?klaar=verzet`);

    const shown = await c.get(res.headers.location as string);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Uw afspraak is verzet');
    expect(shown.body).toContain('dinsdag 8 december 2026, 13:30–14:30');
    expect(shown.body).not.toContain('09:00–10:00');

    // The same appointment row moved: no second appointment, nothing cancelled.
    const after = await appointmentOf(t, email);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before!.id);
    expect(after[0]!.status).toBe('booked');
    expect(after[0]!.starts_at.toISOString()).toBe(at('2026-12-08T13:30').toISOString());
    expect(after[0]!.ends_at.toISOString()).toBe(at('2026-12-08T14:30').toISOString());
    // The old time is offered again, the new one no longer.
    const offered = await offeredTimes(t, s.postcode);
    expect(offered).toContain(`value="${key(s.blockId, '2026-12-08T09:00')}"`);
    expect(offered).not.toContain(`value="${target}"`);

    // Mail: "verzet" to the resident with the new time, the link and a new .ics with the same UID.
    const resident = await mailsTo(t, [email], lastMailId);
    expect(resident).toHaveLength(1);
    expect(resident[0]!.subject).toBe('Uw afspraak is verzet: dinsdag 8 december 2026, 13:30–14:30');
    expect(resident[0]!.body_text).toContain('Uw afspraak is verzet');
    expect(resident[0]!.body_text).toContain(`/afspraak/${token}`);
    const moved = parseIcs(resident[0]!.ics!);
    expect(moved.event.uid).toBe(originalUid);
    expect(moved.event.startDate.toJSDate().toISOString()).toBe(at('2026-12-08T13:30').toISOString());
    expect(moved.event.endDate.toJSDate().toISOString()).toBe(at('2026-12-08T14:30').toISOString());
    expect(moved.event.sequence).toBeGreaterThan(parseIcs(bookedMail!.ics!).event.sequence);
    const coaches = await mailsTo(t, s.coachEmails, lastMailId);
    expect(coaches.map((m) => m.to_address).sort()).toEqual([...s.coachEmails].sort());
    for (const m of coaches) {
      expect(m.subject).toBe('Afspraak verzet: dinsdag 8 december 2026, 13:30–14:30');
      expect(m.body_text).not.toContain(QUESTION);
      expect(m.body_text).not.toContain(token);
    }
    const audits = await t.app.db
      .selectFrom('audit_event')
      .select('action')
      .where('subject_type', '=', 'appointment')
      .where('subject_id', '=', before!.id)
      .execute();
    expect(audits.map((a) => a.action)).toEqual(['appointment_rescheduled']);
  });

  it('refuses to move onto a taken time and changes nothing', async () => {
    const s = await setup(t, '6823', '2026-12-09');
    const c = new Client(t.app);
    const token = await book(t, c, {
      postcode: s.postcode,
      slot: key(s.blockId, '2026-12-09T09:00'),
      email: 'blijft@example.nl',
    });
    await book(t, new Client(t.app), {
      postcode: s.postcode,
      slot: key(s.blockId, '2026-12-09T10:30'),
      email: 'bezet@example.nl',
    });
    const lastMailId = (
      await t.app.db
        .selectFrom('outbox_message')
        .select(sql<number>`max(id)`.as('m'))
        .executeTakeFirstOrThrow()
    ).m;
    const page = await c.get(`/afspraak/${token}/verzetten`);
    const res = await c.post(`/afspraak/${token}/verzetten`, {
      _csrf: csrfFrom(page.body),
      slot: key(s.blockId, '2026-12-09T10:30'),
      mode: 'home',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('net door iemand anders gekozen');
    const [appt] = await appointmentOf(t, 'blijft@example.nl');
    expect(appt!.starts_at.toISOString()).toBe(at('2026-12-09T09:00').toISOString());
    expect(appt!.status).toBe('booked');
    expect(await mailsTo(t, ['blijft@example.nl', 'bezet@example.nl', ...s.coachEmails], lastMailId)).toEqual([]);
    expect(await offeredTimes(t, s.postcode)).not.toContain(`value="${key(s.blockId, '2026-12-09T09:00')}"`);
  });

  it('cancels with a reason: stored, mails to the resident and both coaches, and the page says so', async () => {
    const s = await setup(t, '6824', '2026-12-10');
    const email = 'afzeggen@example.nl';
    const c = new Client(t.app);
    const token = await book(t, c, { postcode: s.postcode, slot: key(s.blockId, '2026-12-10T10:30'), email });
    const [booked] = await appointmentOf(t, email);
    const originalUid = parseIcs((await mailsTo(t, [email]))[0]!.ics!).event.uid;
    const lastMailId = (
      await t.app.db
        .selectFrom('outbox_message')
        .select(sql<number>`max(id)`.as('m'))
        .executeTakeFirstOrThrow()
    ).m;

    const page = await c.get(`/afspraak/${token}/annuleren`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('donderdag 10 december 2026, 10:30–11:30');
    clock = at('2026-11-25T08:15');
    const res = await c.post(`/afspraak/${token}/annuleren`, { _csrf: csrfFrom(page.body), reason: '  Ik ben ziek  ' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/afspraak/${token}?klaar=geannuleerd`);

    const [appt] = await appointmentOf(t, email);
    expect(appt).toMatchObject({
      id: booked!.id,
      status: 'cancelled',
      cancel_reason: 'Ik ben ziek',
      request_status: 'cancelled',
    });
    expect(appt!.cancelled_at?.toISOString()).toBe(at('2026-11-25T08:15').toISOString());
    expect(appt!.closed_at?.toISOString()).toBe(at('2026-11-25T08:15').toISOString());

    const mails = await mailsTo(t, [email, ...s.coachEmails], lastMailId);
    expect(mails.map((m) => m.to_address).sort()).toEqual([email, ...s.coachEmails].sort());
    const toResident = mails.find((m) => m.to_address === email)!;
    expect(toResident.subject).toBe('Uw afspraak is afgezegd');
    expect(toResident.body_text).toContain('donderdag 10 december 2026, 10:30–11:30');
    const cancelIcs = parseIcs(toResident.ics!);
    expect(cancelIcs.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancelIcs.event.uid).toBe(originalUid);
    for (const m of mails.filter((x) => x.to_address !== email)) {
      expect(m.subject).toBe('Afspraak afgezegd: donderdag 10 december 2026, 10:30–11:30');
      expect(m.body_text).not.toContain('Ik ben ziek');
    }

    const shown = await c.get(res.headers.location as string);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('Deze afspraak is afgezegd');
    expect(shown.body).toContain('<del>donderdag 10 december 2026, 10:30–11:30</del>');
    expect(shown.body).not.toContain(`/afspraak/${token}/verzetten`);
    // A cancelled appointment can no longer be moved or cancelled again.
    expect((await c.get(`/afspraak/${token}/verzetten`)).statusCode).toBe(410);
    expect((await c.get(`/afspraak/${token}/annuleren`)).statusCode).toBe(410);
    expect(
      (await c.post(`/afspraak/${token}/annuleren`, { _csrf: csrfFrom(page.body), reason: 'nog eens' })).statusCode,
    ).toBe(410);
    expect((await appointmentOf(t, email))[0]!.cancel_reason).toBe('Ik ben ziek');
    expect(await mailsTo(t, [email, ...s.coachEmails], mails.at(-1)!.id)).toEqual([]);
    // The time is free again.
    expect(await offeredTimes(t, s.postcode)).toContain(`value="${key(s.blockId, '2026-12-10T10:30')}"`);
  });

  it('cancels without a reason (stored as null), and refuses a reason over 1000 characters', async () => {
    const s = await setup(t, '6825', '2026-12-10');
    const c = new Client(t.app);
    const token = await book(t, c, {
      postcode: s.postcode,
      slot: key(s.blockId, '2026-12-10T12:00'),
      email: 'zonderreden@example.nl',
    });
    const page = await c.get(`/afspraak/${token}/annuleren`);
    const tooLong = await c.post(`/afspraak/${token}/annuleren`, {
      _csrf: csrfFrom(page.body),
      reason: 'x'.repeat(1001),
    });
    expect(tooLong.statusCode).toBe(400);
    expect((await appointmentOf(t, 'zonderreden@example.nl'))[0]!.status).toBe('booked');
    const res = await c.post(`/afspraak/${token}/annuleren`, { _csrf: csrfFrom(page.body), reason: '   ' });
    expect(res.statusCode).toBe(303);
    expect((await appointmentOf(t, 'zonderreden@example.nl'))[0]).toMatchObject({
      status: 'cancelled',
      cancel_reason: null,
    });
  });

  it('answers 404 for an unknown or malformed token', async () => {
    const s = await setup(t, '6826', '2026-12-11');
    const token = await book(t, new Client(t.app), {
      postcode: s.postcode,
      slot: key(s.blockId, '2026-12-11T09:00'),
      email: 'onbekend@example.nl',
    });
    const c = new Client(t.app);
    const unknown = randomBytes(32).toString('base64url');
    // One character changed: still unknown.
    const almost = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const tk of [unknown, almost, 'abc', 'x'.repeat(99), encodeURIComponent('../../etc/passwd')]) {
      for (const suffix of ['', '/verzetten', '/annuleren']) {
        const res = await c.get(`/afspraak/${tk}${suffix}`);
        expect(res.statusCode, `${tk}${suffix}`).toBe(404);
        expect(res.body).not.toContain('Fatima');
      }
    }
    expect((await c.get(`/afspraak/${token}`)).statusCode).toBe(200);
  });

  it('stops working once the appointment is over: 410 without details', async () => {
    const s = await setup(t, '6827', '2026-12-11');
    const c = new Client(t.app);
    const email = 'voorbij@example.nl';
    const token = await book(t, c, { postcode: s.postcode, slot: key(s.blockId, '2026-12-11T12:00'), email });
    const csrf = csrfFrom((await c.get(`/afspraak/${token}/annuleren`)).body);
    const [appt] = await appointmentOf(t, email);
    expect(appt!.ends_at.toISOString()).toBe(at('2026-12-11T13:00').toISOString());

    // During the conversation the link still works.
    clock = at('2026-12-11T12:59');
    expect((await c.get(`/afspraak/${token}`)).statusCode).toBe(200);

    for (const moment of ['2026-12-11T13:00', '2026-12-11T13:01', '2027-01-15T10:00']) {
      clock = at(moment);
      const res = await c.get(`/afspraak/${token}`);
      expect(res.statusCode, moment).toBe(410);
      expect(res.body).toContain('Deze link werkt niet meer');
      for (const detail of [
        '12:00',
        '13:00',
        'vrijdag 11 december',
        'Fatima',
        'Jeroen',
        'Wijkteam 6827',
        'Steenstraat',
        '/verzetten',
        '/annuleren',
      ]) {
        expect(res.body, detail).not.toContain(detail);
      }
      expect((await c.get(`/afspraak/${token}/verzetten`)).statusCode).toBe(410);
      expect((await c.get(`/afspraak/${token}/annuleren`)).statusCode).toBe(410);
    }
    const late = await c.post(`/afspraak/${token}/annuleren`, { _csrf: csrf, reason: 'te laat' });
    expect(late.statusCode).toBe(410);
    const [still] = await appointmentOf(t, email);
    expect(still).toMatchObject({ status: 'booked', cancel_reason: null });
  });

  it('uses a token of at least 128 bits and stores only its SHA-256 hash', async () => {
    const s = await setup(t, '6828', '2026-12-14');
    const c = new Client(t.app);
    const email = 'geheim@example.nl';
    const token = await book(t, c, { postcode: s.postcode, slot: key(s.blockId, '2026-12-14T09:00'), email });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    // Move it once, so the audit trail and the mails of a change are in the database too.
    const page = await c.get(`/afspraak/${token}/verzetten`);
    expect(
      (
        await c.post(`/afspraak/${token}/verzetten`, {
          _csrf: csrfFrom(page.body),
          slot: key(s.blockId, '2026-12-14T10:30'),
          mode: 'office',
        })
      ).statusCode,
    ).toBe(303);

    const [appt] = await appointmentOf(t, email);
    expect(appt!.manage_token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(appt!.manage_token_hash).not.toBe(token);
    expect(appt!.manage_token_hash).not.toContain(token);

    // Search every row of every table for the raw token. It may only be in the resident's mails
    // (the link is in them by design), never in the audit trail, drafts or anywhere else.
    const tables = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(t.app.db);
    const names = tables.rows.map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining(['appointment', 'audit_event', 'draft', 'outbox_message', 'request', 'resident']),
    );
    const holding: string[] = [];
    for (const name of names) {
      const { rows } = await sql<{ row: string }>`select x::text as row from ${sql.table(name)} x`.execute(t.app.db);
      if (rows.some((r) => r.row.includes(token))) holding.push(name);
    }
    // Finding it in the outbox shows the search itself works.
    expect(holding).toEqual(['outbox_message']);
    await renderOutbox(t.app);
    const withToken = await t.app.db
      .selectFrom('outbox_message')
      .select(['to_address'])
      .where('body_text', 'like', `%${token}%`)
      .execute();
    expect(withToken.map((m) => m.to_address)).toEqual([email, email]);
    const audit = await t.app.db
      .selectFrom('audit_event')
      .select(sql<string>`detail::text`.as('d'))
      .execute();
    expect(audit.length).toBeGreaterThan(0);
    for (const a of audit) expect(a.d).not.toContain(token);
    const drafts = await t.app.db
      .selectFrom('draft')
      .select(sql<string>`data::text`.as('d'))
      .execute();
    expect(drafts.length).toBeGreaterThan(0); // the offeredTimes() and other sign-ups left drafts behind
    for (const d of drafts) expect(d.d).not.toContain(token);
  });
});

describe(`booking mail over SMTP (${onServer ? 'server' : 'embedded'} database)`, () => {
  let receiver: SmtpReceiver;
  let t: TestApp;
  let clock = NOW;
  beforeAll(async () => {
    receiver = await startSmtpReceiver();
    t = await createTestApp({ now: () => clock, config: { smtpUrl: receiver.url } });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.stop();
  });

  const to = (m: ParsedMail) =>
    (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address));

  it('the confirmation arrives with an .ics that ical.js reads as the right UTC start', async () => {
    clock = NOW;
    receiver.messages.splice(0);
    const s = await setup(t, '6831', '2026-12-08');
    const email = 'smtp@example.nl';
    const token = await book(t, new Client(t.app), {
      postcode: s.postcode,
      slot: key(s.blockId, '2026-12-08T10:30'),
      email,
    });

    expect(await t.app.mail.flush()).toBe(3);
    const mails = await receiver.waitFor(3);
    const mine = mails.filter((m) => to(m).includes(email));
    expect(mine).toHaveLength(1);
    const mail = mine[0]!;
    expect(mail.subject).toBe('Uw afspraak met het wijkteam: dinsdag 8 december 2026, 10:30–11:30');
    expect(mail.text).toContain(`/afspraak/${token}`);
    expect(mail.attachments).toHaveLength(1);
    const att = mail.attachments[0]!;
    expect(att.filename).toBe('afspraak.ics');
    expect(att.contentType).toBe('text/calendar');
    const { calendar, event } = parseIcs(att.content.toString('utf8'));
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Amsterdam');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-08T09:30:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-08T10:30:00.000Z');
    expect(event.summary).toBe('Gesprek met Wijkteam 6831');

    const coachMails = mails.filter((m) => !to(m).includes(email));
    expect(coachMails.flatMap(to).sort()).toEqual([...s.coachEmails].sort());
    for (const m of coachMails) {
      expect(m.attachments).toHaveLength(0);
      expect(m.text).not.toContain(QUESTION);
      expect(m.text).not.toContain(token);
    }
    const pending = await t.app.db.selectFrom('outbox_message').select('id').where('status', '!=', 'sent').execute();
    expect(pending).toEqual([]);
  });

  it('on the day summer time starts, booked and moved mails carry the right instants and one UID', async () => {
    // A week before Sunday 28 March 2027, so that day is inside the booking horizon.
    clock = at('2027-03-22T10:00');
    receiver.messages.splice(0);
    const s = await setup(t, '6832', '2027-03-28', { from: '09:00', to: '12:00' });
    const email = 'zomertijd@example.nl';
    const c = new Client(t.app);
    const token = await book(t, c, { postcode: s.postcode, slot: key(s.blockId, '2027-03-28T10:30'), email });
    expect(await t.app.mail.flush()).toBe(3);
    const [booked] = (await receiver.waitFor(3)).filter((m) => to(m).includes(email));
    expect(booked!.subject).toBe('Uw afspraak met het wijkteam: zondag 28 maart 2027, 10:30–11:30');
    const first = parseIcs(booked!.attachments[0]!.content.toString('utf8')).event;
    expect(first.startDate.toJSDate().toISOString()).toBe('2027-03-28T08:30:00.000Z');

    const page = await c.get(`/afspraak/${token}/verzetten`);
    const res = await c.post(`/afspraak/${token}/verzetten`, {
      _csrf: csrfFrom(page.body),
      slot: key(s.blockId, '2027-03-28T09:00'),
      mode: 'home',
    });
    expect(res.statusCode).toBe(303);
    expect(await t.app.mail.flush()).toBe(3);
    const all = await receiver.waitFor(6);
    const moved = all.slice(3).filter((m) => to(m).includes(email));
    expect(moved).toHaveLength(1);
    expect(moved[0]!.subject).toBe('Uw afspraak is verzet: zondag 28 maart 2027, 09:00–10:00');
    const second = parseIcs(moved[0]!.attachments[0]!.content.toString('utf8')).event;
    expect(second.uid).toBe(first.uid);
    expect(second.startDate.toJSDate().toISOString()).toBe('2027-03-28T07:00:00.000Z');
    expect(second.endDate.toJSDate().toISOString()).toBe('2027-03-28T08:00:00.000Z');
  });
});
