// A 3-gesprek at the practice, end to end on the real database: every mail, page, agenda and
// calendar feed names the practice; the resident moves and cancels it with their own link and
// the referrer hears of each change with an updated calendar file (RFC 5546: same UID, higher
// SEQUENCE, METHOD REQUEST or CANCEL, ORGANIZER the team, ATTENDEE the reader), which ical.js reads.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { loggedIn, passwordHash } from '../helpers/staff.js';
import { residentAppointmentMail } from '../../src/core/mail/resident-mails.js';
import { myFeedAppointments } from '../../src/features/agenda/repository.js';
import { agendaFeed } from '../../src/features/agenda/feed.js';
import { aboutHuisarts, at, clean, makeWorld, NOW, outbox, QUESTION, referAndBook, type World } from './world.js';

const PRACTICE = 'Huisartsenpraktijk De Linde, Lindestraat 4, Arnhem';
const REFERRER = aboutHuisarts.referrerEmail;
const RESIDENT = 'anna@example.nl';

function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  const event = new ICAL.Event(vevent);
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    location: event.location,
    status: vevent.getFirstPropertyValue('status'),
    // A calendar address is case-insensitive in its scheme ("MAILTO:" or "mailto:").
    organizer: String(vevent.getFirstPropertyValue('organizer')).replace(/^mailto:/i, 'mailto:'),
    attendees: vevent
      .getAllProperties('attendee')
      .map((p) => String(p.getFirstValue()).replace(/^mailto:/i, 'mailto:')),
    start: event.startDate.toJSDate().toISOString(),
  };
}

describe('a 3-gesprek at the practice', () => {
  let t: TestApp;
  let w: World;
  let teamEmail: string;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t.close());

  beforeEach(async () => {
    await clean(t.app);
    await t.app.db.deleteFrom('team_area').execute();
    w = await makeWorld(t.app);
    teamEmail = (await t.app.db.selectFrom('team').select('email').where('id', '=', w.teamId).executeTakeFirstOrThrow())
      .email;
  });

  /** A referral that books a 3-gesprek at 10:30; the resident's manage path and the appointment id. */
  async function book() {
    const res = await referAndBook(new Client(t.app), w.slot('10:30'), { place: 'referrer', location: PRACTICE });
    expect(res.statusCode, res.body.slice(0, 800)).toBe(303);
    const mails = await outbox(t.app);
    const manage = /\/afspraak\/[A-Za-z0-9_-]{43}/.exec(mails.find((m) => m.to_address === RESIDENT)!.body_text!)![0];
    const { id } = await t.app.db.selectFrom('appointment').select('id').executeTakeFirstOrThrow();
    return { manage, id, mails };
  }

  const since = async (id: number) => (await outbox(t.app)).filter((m) => m.id > id);
  const lastId = async () => (await outbox(t.app)).at(-1)!.id;

  it('names the practice in every mail, page, agenda and feed, never the office', async () => {
    const { id, manage, mails } = await book();
    const where = `Bij de verwijzer: ${PRACTICE}`;

    // The referrer's and the resident's calendar files: REQUEST, team organises, reader attends.
    const referrerIcs = parseIcs(mails.find((m) => m.to_address === REFERRER)!.ics!);
    // The first files carry the stored counter as it stood when they were written.
    const stored = (
      await t.app.db.selectFrom('appointment').select('sequence').where('id', '=', id).executeTakeFirstOrThrow()
    ).sequence;
    expect(referrerIcs).toMatchObject({ method: 'REQUEST', location: PRACTICE, status: 'CONFIRMED', sequence: stored });
    expect(referrerIcs.uid).toMatch(new RegExp(`^appointment-${id}-referrer@`));
    expect(referrerIcs.organizer).toBe(`mailto:${teamEmail}`);
    expect(referrerIcs.attendees).toEqual([`mailto:${REFERRER}`]);
    const residentIcs = parseIcs(mails.find((m) => m.to_address === RESIDENT)!.ics!);
    expect(residentIcs).toMatchObject({ method: 'REQUEST', location: PRACTICE, sequence: stored });
    expect(residentIcs.uid).toMatch(new RegExp(`^appointment-${id}@`));
    expect(residentIcs.organizer).toBe(`mailto:${teamEmail}`);
    expect(residentIcs.attendees).toEqual([`mailto:${RESIDENT}`]);

    // Both coaches' mails.
    const coachEmails = await t.app.db.selectFrom('staff_user').select('email').where('id', 'in', w.coachIds).execute();
    for (const { email } of coachEmails) {
      const m = mails.find((x) => x.to_address === email)!;
      expect(m.body_text).toContain(where);
      expect(m.body_text).not.toContain('op kantoor');
      expect(m.body_text).not.toContain(QUESTION);
    }

    // The coach's agenda week, the appointment page and the calendar feed.
    await t.app.db
      .updateTable('staff_user')
      .set({ password_hash: await passwordHash() })
      .where('id', '=', w.coachIds[0]!)
      .execute();
    const coach = await loggedIn(t.app, coachEmails.find((c) => c.email.startsWith('fatima'))!.email);
    const week = await coach.get('/medewerker/agenda?week=2026-W50');
    expect(week.statusCode).toBe(200);
    expect(week.body).toContain(where);
    expect(week.body).not.toContain('op kantoor');
    const page = await coach.get(`/medewerker/afspraken/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(where);
    expect(page.body).not.toMatch(/op kantoor: Huisartsenpraktijk/i);
    const feed = agendaFeed({
      staffName: 'Fatima El Amrani',
      publicUrl: 'https://keukentafel.test',
      now: NOW,
      appointments: await myFeedAppointments(t.app.db, w.coachIds[0]!, at('2026-12-01T00:00'), at('2026-12-31T00:00')),
    });
    const entry = parseIcs(feed);
    expect(entry.location).toBe(PRACTICE);
    expect(feed).toContain('bij de verwijzer');
    expect(entry.sequence).toBe(stored);

    // The resident's own page.
    const shown = await new Client(t.app).get(manage);
    expect(shown.body).toContain(where);
  });

  it('mails the referrer an updated calendar file when the resident moves it, then cancels it', async () => {
    const { id, manage, mails } = await book();
    const firstReferrer = parseIcs(mails.find((m) => m.to_address === REFERRER)!.ics!);
    const firstResident = parseIcs(mails.find((m) => m.to_address === RESIDENT)!.ics!);
    const resident = new Client(t.app);

    // The form offers the practice, chosen already.
    const form = await resident.get(`${manage}/verzetten`);
    expect(form.body).toMatch(/<input type="radio" id="mode-referrer" name="mode" value="referrer" checked>/);
    expect(form.body).toContain(`Bij de verwijzer: ${PRACTICE}`);
    const before = await lastId();
    const moved = await resident.submit(`${manage}/verzetten`, { slot: w.slot('09:00'), mode: 'referrer' });
    expect(moved.statusCode, moved.body.slice(0, 800)).toBe(303);
    const row = await t.app.db
      .selectFrom('appointment')
      .select(['mode', 'referrer_location', 'sequence'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ mode: 'office', referrer_location: PRACTICE });
    expect(row.sequence).toBeGreaterThan(firstReferrer.sequence);

    const after = await since(before);
    const toReferrer = after.filter((m) => m.to_address === REFERRER);
    expect(toReferrer).toHaveLength(1);
    expect(toReferrer[0]!.subject).toBe('3-gesprek verzet: dinsdag 8 december 2026, 09:00–10:00');
    expect(toReferrer[0]!.body_text).toContain(`bij de verwijzer: ${PRACTICE}`);
    expect(toReferrer[0]!.body_text).not.toContain('/afspraak/');
    expect(toReferrer[0]!.body_text).not.toContain(QUESTION);
    const movedIcs = parseIcs(toReferrer[0]!.ics!);
    expect(movedIcs).toMatchObject({ method: 'REQUEST', uid: firstReferrer.uid, location: PRACTICE });
    expect(movedIcs.sequence).toBeGreaterThan(firstReferrer.sequence);
    expect(movedIcs.start).toBe(at('2026-12-08T09:00').toISOString());
    expect(movedIcs.attendees).toEqual([`mailto:${REFERRER}`]);
    expect(movedIcs.organizer).toBe(`mailto:${teamEmail}`);
    const residentMoved = parseIcs(after.find((m) => m.to_address === RESIDENT)!.ics!);
    expect(residentMoved).toMatchObject({ method: 'REQUEST', uid: firstResident.uid });
    expect(residentMoved.sequence).toBeGreaterThan(firstResident.sequence);

    // The referrer's status page follows.
    const confirmation = await loggedOutStatus(mails);
    let status = await new Client(t.app).get(confirmation);
    expect(status.body).toContain('dinsdag 8 december 2026, 09:00–10:00');
    expect(status.body).toContain(`Bij de verwijzer: ${PRACTICE}`);

    // Cancelled: CANCEL with the same UID and a higher SEQUENCE.
    const beforeCancel = await lastId();
    const cancelled = await resident.submit(`${manage}/annuleren`, { reason: '' });
    expect(cancelled.statusCode).toBe(303);
    const cancelMails = await since(beforeCancel);
    const referrerCancel = cancelMails.filter((m) => m.to_address === REFERRER);
    expect(referrerCancel).toHaveLength(1);
    expect(referrerCancel[0]!.subject).toContain('3-gesprek afgezegd');
    const cancelIcs = parseIcs(referrerCancel[0]!.ics!);
    expect(cancelIcs).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', uid: firstReferrer.uid });
    expect(cancelIcs.sequence).toBeGreaterThan(movedIcs.sequence);
    expect(cancelIcs.organizer).toBe(`mailto:${teamEmail}`);
    expect(cancelIcs.attendees).toEqual([`mailto:${REFERRER}`]);
    const residentCancel = parseIcs(cancelMails.find((m) => m.to_address === RESIDENT)!.ics!);
    expect(residentCancel).toMatchObject({ method: 'CANCEL', uid: firstResident.uid });
    expect(residentCancel.sequence).toBeGreaterThan(residentMoved.sequence);
    status = await new Client(t.app).get(confirmation);
    expect(status.body).toContain('Het 3-gesprek gaat niet door.');
  });

  /** The status link from the referrer's first mail. */
  async function loggedOutStatus(mails: { to_address: string; body_text: string | null }[]) {
    return /\/verwijzen\/status\/[A-Za-z0-9_-]{43}/.exec(mails.find((m) => m.to_address === REFERRER)!.body_text!)![0];
  }

  it('keeps the practice on offer after a move home, and drops it only for the team office', async () => {
    const { id, manage } = await book();
    const resident = new Client(t.app);
    expect((await resident.submit(`${manage}/verzetten`, { slot: w.slot('09:00'), mode: 'home' })).statusCode).toBe(
      303,
    );
    const home = await t.app.db
      .selectFrom('appointment')
      .select(['mode', 'referrer_location'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(home).toEqual({ mode: 'home', referrer_location: PRACTICE });
    const form = await resident.get(`${manage}/verzetten`);
    expect(form.body).toMatch(/value="referrer">/);
    expect(form.body).toMatch(/value="home" checked>/);
    expect((await resident.submit(`${manage}/verzetten`, { slot: w.slot('10:30'), mode: 'office' })).statusCode).toBe(
      303,
    );
    const office = await t.app.db
      .selectFrom('appointment')
      .select(['mode', 'referrer_location'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(office).toEqual({ mode: 'office', referrer_location: null });
    expect((await resident.get(manage)).body).toContain('Op kantoor van het wijkteam');
  });

  it('refuses a bad reschedule with the message at the field, keeps the choice and changes nothing', async () => {
    const { id, manage } = await book();
    const resident = new Client(t.app);
    const before = await lastId();
    const rowBefore = await t.app.db
      .selectFrom('appointment')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

    const noSlot = await resident.submit(`${manage}/verzetten`, { slot: '', mode: 'referrer' });
    expect(noSlot.statusCode).toBe(400);
    expect(noSlot.body).toContain('id="slot-error"');
    expect(noSlot.body).toMatch(/value="referrer" checked>/);

    const badMode = await resident.submit(`${manage}/verzetten`, { slot: w.slot('09:00'), mode: 'garden' });
    expect(badMode.statusCode).toBe(400);
    expect(badMode.body).toContain('id="mode-error"');
    expect(badMode.body).toContain(`value="${w.slot('09:00')}" checked`);

    expect(await t.app.db.selectFrom('appointment').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(
      rowBefore,
    );
    expect(await since(before)).toEqual([]);
  });

  it('does not offer the referrer place for an appointment without one', async () => {
    const res = await referAndBook(new Client(t.app), w.slot('09:00'), { place: 'home', threeWay: 'yes' });
    expect(res.statusCode).toBe(303);
    const manage = /\/afspraak\/[A-Za-z0-9_-]{43}/.exec(
      (await outbox(t.app)).find((m) => m.to_address === RESIDENT)!.body_text!,
    )![0];
    const resident = new Client(t.app);
    expect((await resident.get(`${manage}/verzetten`)).body).not.toContain('value="referrer"');
    const refused = await resident.submit(`${manage}/verzetten`, { slot: w.slot('10:30'), mode: 'referrer' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('id="mode-error"');
  });

  it('raises the stored SEQUENCE on every change a calendar shows, and only then', async () => {
    const { id } = await book();
    const seq = async () =>
      (await t.app.db.selectFrom('appointment').select('sequence').where('id', '=', id).executeTakeFirstOrThrow())
        .sequence;
    const base = await seq();
    await t.app.db.updateTable('appointment').set({ call_note: 'Gebeld' }).where('id', '=', id).execute();
    expect(await seq()).toBe(base);
    await t.app.db.updateTable('appointment').set({ solo_coach_id: w.coachIds[0]! }).where('id', '=', id).execute();
    expect(await seq()).toBe(base + 1);
    await t.app.db.updateTable('appointment').set({ referrer_location: 'Kerkstraat 1' }).where('id', '=', id).execute();
    expect(await seq()).toBe(base + 2);
    await t.app.db.updateTable('appointment').set({ mode: 'home' }).where('id', '=', id).execute();
    expect(await seq()).toBe(base + 3);
    // The coaches of the block change: a coach leaves the block.
    await t.app.db
      .deleteFrom('block_coach')
      .where('block_id', '=', w.blockId)
      .where('coach_id', '=', w.coachIds[1]!)
      .execute();
    expect(await seq()).toBe(base + 4);
  });

  it('gives a moved mail a working manage link, also when the team moved it', async () => {
    const { id, manage } = await book();
    const before = await lastId();
    await t.app.db
      .transaction()
      .execute((trx) => residentAppointmentMail(trx, t.app.mailContext(), id, 'rescheduled', null));
    const mail = (await since(before)).find((m) => m.to_address === RESIDENT)!;
    const link = /\/afspraak\/[A-Za-z0-9_-]{43}/.exec(mail.body_text!)?.[0];
    expect(link).toBeDefined();
    const page = await new Client(t.app).get(link!);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('dinsdag 8 december 2026, 10:30–11:30');
    // The link of the first mail keeps working beside the new one.
    expect(link).not.toBe(manage);
    expect((await new Client(t.app).get(manage)).statusCode).toBe(200);
    // The referrer who joins hears of it too.
    expect((await since(before)).map((m) => m.to_address)).toContain(REFERRER);
  });

  it('lets staff keep, leave and refuse the practice on the appointment page', async () => {
    const { id } = await book();
    await t.app.db
      .updateTable('staff_user')
      .set({ password_hash: await passwordHash() })
      .where('id', '=', w.coachIds[0]!)
      .execute();
    const email = (
      await t.app.db.selectFrom('staff_user').select('email').where('id', '=', w.coachIds[0]!).executeTakeFirstOrThrow()
    ).email;
    const coach = await loggedIn(t.app, email);
    const path = `/medewerker/afspraken/${id}`;
    // The form offers the practice, chosen already.
    expect((await coach.get(path)).body).toMatch(/<option value="referrer" selected/);
    const place = async () =>
      t.app.db
        .selectFrom('appointment')
        .select(['mode', 'referrer_location'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    // The team's office: the practice is no longer the place, resident and referrer are told.
    const before = await lastId();
    const res = await coach.submit(path, { mode: 'office', solo: '' }, `${path}/vorm`);
    expect(res.statusCode).toBe(303);
    expect(await place()).toEqual({ mode: 'office', referrer_location: null });
    const told = await since(before);
    expect(told.map((m) => m.to_address)).toEqual(expect.arrayContaining([RESIDENT, REFERRER]));
    expect(told.find((m) => m.to_address === RESIDENT)!.body_text).not.toContain(PRACTICE);

    // Without a practice any more, choosing it is refused at the field and changes nothing.
    const bad = await coach.submit(path, { mode: 'referrer', solo: '' }, `${path}/vorm`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="mode-error"');
    expect(await place()).toEqual({ mode: 'office', referrer_location: null });
  });
});
