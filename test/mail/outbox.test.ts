// The outbox end to end: rows written with enqueueMail, sent by the app's real mail worker over
// SMTP to a real receiver on loopback, against the real database. No mocks; time is the app's
// injectable clock.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import type { AddressObject, ParsedMail } from 'mailparser';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import { enqueueMail } from '../../src/core/mail/outbox.js';
import { appointmentIcs } from '../../src/core/mail/ics.js';

let receiver: SmtpReceiver;
let t: TestApp;
// A fixed clock: a new message is due at once (next_attempt_at starts at -infinity).
const START = new Date('2026-11-24T09:00:00Z');
let clock = START;
const resetClock = () => (clock = START);

beforeAll(async () => {
  receiver = await startSmtpReceiver();
  t = await createTestApp({ config: { smtpUrl: receiver.url }, now: () => clock });
});

afterAll(async () => {
  await t?.close();
  await receiver?.stop();
});

beforeEach(() => {
  resetClock();
  receiver.messages.splice(0);
});

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
}

async function outboxRow(id: number) {
  return t.app.db.selectFrom('outbox_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

const appointment = {
  uid: 'appointment-42@keukentafel.test',
  summary: 'Keukentafelgesprek',
  description: 'Gesprek met het wijkteam; neem uw vragen mee.',
  location: 'Dorpsstraat 1, Utrecht',
  url: 'https://keukentafel.test/afspraak/42',
  organizerName: 'Wijkteam Noord',
  organizerEmail: 'noord@keukentafel.test',
  stamp: new Date('2026-11-20T08:00:00Z'),
  method: 'REQUEST' as const,
  sequence: 0,
  attendee: { name: 'Sanne Bewoner', email: 'bewoner@example.nl' },
};

function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT in calendar');
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

function icsAttachment(mail: ParsedMail): string {
  expect(mail.attachments).toHaveLength(1);
  const att = mail.attachments[0]!;
  expect(att.contentType).toBe('text/calendar');
  expect(att.filename).toBe('afspraak.ics');
  return att.content.toString('utf8');
}

describe('outbox over SMTP', () => {
  it('sends enqueued messages on flush and marks them sent', async () => {
    const a = await enqueueMail(t.app.db, { to: 'bewoner@example.nl', subject: 'Uw afspraak', text: 'Tot dinsdag.' });
    const b = await enqueueMail(t.app.db, {
      to: 'verwijzer@example.nl',
      subject: 'Aanmelding ontvangen',
      text: 'Dank u wel.',
      html: '<p>Dank u wel.</p>',
    });

    expect(await t.app.mail.flush()).toBe(2);
    const mails = await receiver.waitFor(2);
    const bySubject = new Map(mails.map((m) => [m.subject, m]));
    expect(addresses(bySubject.get('Uw afspraak')?.to)).toEqual(['bewoner@example.nl']);
    expect(bySubject.get('Uw afspraak')?.text?.trim()).toBe('Tot dinsdag.');
    expect(addresses(bySubject.get('Aanmelding ontvangen')?.to)).toEqual(['verwijzer@example.nl']);
    expect(bySubject.get('Aanmelding ontvangen')?.html).toContain('<p>Dank u wel.</p>');

    for (const id of [a, b]) {
      const row = await outboxRow(id);
      expect(row.status).toBe('sent');
      expect(row.attempts).toBe(1);
      expect(row.sent_at?.getTime()).toBe(clock.getTime());
    }
    // Nothing left: a second flush sends nothing again.
    expect(await t.app.mail.flush()).toBe(0);
  });

  // Local Amsterdam times and the instants they are; the last two cross the clock change itself.
  const cases = [
    {
      name: 'a normal winter day',
      start: '2026-12-08T09:00:00Z',
      end: '2026-12-08T10:00:00Z',
      local: ['20261208T100000', '20261208T110000'],
    },
    {
      name: 'the day summer time ends (2026-10-25)',
      start: '2026-10-25T09:00:00Z',
      end: '2026-10-25T10:00:00Z',
      local: ['20261025T100000', '20261025T110000'],
    },
    {
      name: 'the day summer time starts (2027-03-28)',
      start: '2027-03-28T08:00:00Z',
      end: '2027-03-28T09:00:00Z',
      local: ['20270328T100000', '20270328T110000'],
    },
    {
      name: 'across the change to winter time (01:30 CEST → 03:30 CET)',
      start: '2026-10-24T23:30:00Z',
      end: '2026-10-25T02:30:00Z',
      local: ['20261025T013000', '20261025T033000'],
    },
    {
      name: 'across the change to summer time (01:30 CET → 03:30 CEST)',
      start: '2027-03-28T00:30:00Z',
      end: '2027-03-28T01:30:00Z',
      local: ['20270328T013000', '20270328T033000'],
    },
  ];

  it.each(cases)('delivers a calendar attachment that resolves to the right instants on $name', async (c) => {
    const ics = appointmentIcs({ ...appointment, start: new Date(c.start), end: new Date(c.end) });
    await enqueueMail(t.app.db, {
      to: 'bewoner@example.nl',
      subject: `Afspraak ${c.start}`,
      text: 'Zie bijlage.',
      ics,
    });
    expect(await t.app.mail.flush()).toBe(1);
    const [mail] = await receiver.waitFor(1);

    const text = icsAttachment(mail!);
    expect(text).toContain(`DTSTART;TZID=Europe/Amsterdam:${c.local[0]}`);
    expect(text).toContain(`DTEND;TZID=Europe/Amsterdam:${c.local[1]}`);

    // ical.js resolves the TZID with the VTIMEZONE inside this very file (nothing registered
    // globally), as a mail client does.
    const { calendar, event } = parseIcs(text);
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Amsterdam');
    expect(ICAL.TimezoneService.has('Europe/Amsterdam')).toBe(false);
    expect(event.component.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Amsterdam');
    expect(event.startDate.zone?.tzid).toBe('Europe/Amsterdam');
    expect(event.endDate.zone?.tzid).toBe('Europe/Amsterdam');
    expect(event.startDate.toJSDate().toISOString()).toBe(new Date(c.start).toISOString());
    expect(event.endDate.toJSDate().toISOString()).toBe(new Date(c.end).toISOString());
    expect(event.uid).toBe(appointment.uid);
    expect(event.summary).toBe(appointment.summary);
    // Stamped with the portal's clock, in UTC, never the machine's.
    expect(text).toMatch(/^DTSTAMP:20261120T080000Z\r$/m);
  });

  it('keeps the UID of an appointment across versions, and marks a cancellation', () => {
    const first = appointmentIcs({
      ...appointment,
      start: new Date('2026-12-08T09:00:00Z'),
      end: new Date('2026-12-08T10:00:00Z'),
    });
    const moved = appointmentIcs({
      ...appointment,
      start: new Date('2026-12-10T13:00:00Z'),
      end: new Date('2026-12-10T14:00:00Z'),
      method: 'REQUEST',
      sequence: 1,
    });
    const cancelled = appointmentIcs({
      ...appointment,
      start: new Date('2026-12-10T13:00:00Z'),
      end: new Date('2026-12-10T14:00:00Z'),
      method: 'CANCEL',
      sequence: 2,
    });

    const uidLine = (ics: string) => /^UID:.*$/m.exec(ics)?.[0];
    expect(uidLine(first)).toBe(`UID:${appointment.uid}`);
    expect(uidLine(moved)).toBe(uidLine(first));
    expect(uidLine(cancelled)).toBe(uidLine(first));

    const m = parseIcs(moved);
    expect(m.calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(m.event.sequence).toBe(1);
    expect(m.vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const c = parseIcs(cancelled);
    expect(c.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(c.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(c.event.sequence).toBe(2);
    expect(cancelled).toMatch(/^STATUS:CANCELLED\r$/m);
  });

  it('keeps a message while SMTP is down and sends it once SMTP is back', async () => {
    const port = receiver.port;
    await receiver.stop();

    const id = await enqueueMail(t.app.db, {
      to: 'bewoner@example.nl',
      subject: 'Herinnering',
      text: 'Morgen om 10:00.',
    });
    expect(await t.app.mail.flush()).toBe(0);
    const failed = await outboxRow(id);
    // The server was down, not the message wrong: it stays due, no attempt is used up, and the
    // reason is kept for whoever looks.
    expect(failed.status).toBe('pending');
    expect(failed.attempts).toBe(0);
    expect(failed.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(failed.next_attempt_at.getTime()).toBe(clock.getTime());

    // Trying again while SMTP is still down changes nothing.
    expect(await t.app.mail.flush()).toBe(0);
    const waiting = await outboxRow(id);
    expect(waiting.status).toBe('pending');
    expect(waiting.attempts).toBe(0);
    expect(receiver.messages).toHaveLength(0);

    // SMTP comes back on the same address; once the backoff has passed the message goes out.
    receiver = await startSmtpReceiver(port);
    clock = new Date(clock.getTime() + 1000);
    expect(await t.app.mail.flush()).toBe(1);
    const [mail] = await receiver.waitFor(1);
    expect(mail!.subject).toBe('Herinnering');
    expect(addresses(mail!.to)).toEqual(['bewoner@example.nl']);
    expect(mail!.text?.trim()).toBe('Morgen om 10:00.');

    const sent = await outboxRow(id);
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBe(1);
    expect(sent.last_error).toBeNull();
    expect(sent.sent_at?.getTime()).toBe(clock.getTime());
  });
});
