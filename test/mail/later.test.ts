// The booking's mails are written by the worker just before sending (src/core/mail/later.ts):
// the booking's transaction stores the facts, the worker renders and sends them over real SMTP,
// and once a mail is out its manage token is gone from the database. No mocks.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp.js';
import { book } from '../../src/core/booking.js';
import type { Team } from '../../src/db/schema.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = new Date('2026-11-24T09:00:00Z');
const QUESTION = 'Schulden en een brief van de woningbouw';

let receiver: SmtpReceiver;
let t: TestApp;
let team: Team;
let blockId: number;
let laterBlockId: number;

beforeAll(async () => {
  receiver = await startSmtpReceiver();
  t = await createTestApp({ config: { smtpUrl: receiver.url }, now: () => NOW });
  team = await makeTeam(t.app.db, { from: '6811AA', to: '6811ZZ' });
  const a = await makeStaff(t.app.db, team.id, { name: 'Fatima El Amrani', email: 'fatima.later@example.nl' });
  const b = await makeStaff(t.app.db, team.id, { name: 'Jeroen Bakker', email: 'jeroen.later@example.nl' });
  blockId = await makeBlock(t.app.db, {
    teamId: team.id,
    start: at('2026-12-08T09:00'),
    end: at('2026-12-08T12:00'),
    coachIds: [a.id, b.id],
  });
  laterBlockId = await makeBlock(t.app.db, {
    teamId: team.id,
    start: at('2026-12-09T09:00'),
    end: at('2026-12-09T12:00'),
    coachIds: [a.id, b.id],
  });
});

afterAll(async () => {
  await t?.close();
  await receiver?.stop();
});

async function bookOne(start: Date, email: string, block = blockId) {
  return book(t.app.db, {
    team,
    resident: {
      name: 'Anna de Vries',
      email,
      phone: null,
      postcode: '6811AB',
      houseNumber: '12a',
      street: 'Steenstraat',
      city: 'Arnhem',
      dateOfBirth: null,
      language: 'nl',
      interpreter: false,
      mailLocale: 'nl',
    },
    request: {
      teamId: team.id,
      channel: 'online',
      question: QUESTION,
      topics: ['money'],
      about: 'self',
      dangerNow: false,
      urgent24h: false,
      companion: null,
      consentAt: NOW,
      idempotencyKey: randomUUID(),
    },
    slot: { blockId: block, start, mode: 'home' },
    now: NOW,
    secret: t.app.config.sessionSecret,
    mail: t.app.mailContext(),
  });
}

/** The recipients' addresses of a received mail, as one text. */
const toOf = (m: ParsedMail) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).map((a) => a.text).join(', ');

const rowsFor = (appointmentId: number) =>
  t.app.db
    .selectFrom('outbox_message')
    .select(['id', 'to_address', 'subject', 'body_text', 'ics', 'kind', 'payload', 'status'])
    .where(sql<boolean>`(payload -> 'view' ->> 'id')::int = ${appointmentId}`)
    .orderBy('id')
    .execute();

describe('mails rendered just before sending', () => {
  it('stores facts in the booking, sends the mail as it was when queued, then forgets the token', async () => {
    const booked = await bookOne(at('2026-12-08T10:30'), 'anna.later@example.nl');
    const token = booked.manageToken!;
    const queued = await rowsFor(booked.appointmentId!);
    // The resident first, then the coaches by name; a subject now, the body later.
    expect(queued.map((m) => m.to_address)).toEqual([
      'anna.later@example.nl',
      'fatima.later@example.nl',
      'jeroen.later@example.nl',
    ]);
    expect(queued[0]!.subject).toBe('Uw afspraak met het wijkteam: dinsdag 8 december 2026, 10:30–11:30');
    for (const m of queued) {
      expect(m).toMatchObject({ kind: 'appointment', body_text: null, ics: null, status: 'pending' });
      expect(JSON.stringify(m.payload)).not.toContain(QUESTION);
    }
    expect(queued[0]!.payload).toMatchObject({ role: 'resident', token });
    // A coach's payload holds no address and no token.
    expect(JSON.stringify(queued[1]!.payload)).not.toContain('Steenstraat');
    expect(JSON.stringify(queued[1]!.payload)).not.toContain(token);

    // The appointment moves before the worker runs: the "booked" mail still says what was booked.
    await t.app.db
      .updateTable('appointment')
      .set({ starts_at: at('2026-12-08T09:00'), ends_at: at('2026-12-08T10:00') })
      .where('id', '=', booked.appointmentId!)
      .execute();

    receiver.messages.splice(0);
    await t.app.mail.flush();
    const resident = receiver.messages.find((m) => toOf(m).includes('anna.later@example.nl'))!;
    expect(resident.subject).toBe(queued[0]!.subject);
    expect(resident.text).toContain('dinsdag 8 december 2026, 10:30–11:30');
    expect(resident.text).toContain(`${t.app.config.publicUrl}/afspraak/${token}`);
    expect(resident.text).not.toContain(QUESTION);
    const ics = resident.attachments[0]!.content.toString('utf8');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!);
    expect(event.startDate.toJSDate().toISOString()).toBe(at('2026-12-08T10:30').toISOString());
    expect(event.uid).toBe(`appointment-${booked.appointmentId}@${new URL(t.app.config.publicUrl).hostname}`);
    const coaches = receiver.messages.filter((m) => toOf(m).includes('.later@example.nl') && m !== resident);
    expect(coaches.map((m) => m.subject)).toEqual([
      'Nieuwe afspraak in uw blok: dinsdag 8 december 2026, 10:30–11:30',
      'Nieuwe afspraak in uw blok: dinsdag 8 december 2026, 10:30–11:30',
    ]);
    for (const m of coaches) {
      expect(m.text).toContain(`/medewerker/afspraken/${booked.appointmentId}`);
      expect(m.text).not.toContain('Steenstraat');
    }

    // Sent: no row of any table holds the plain token any more.
    const sent = await rowsFor(booked.appointmentId!);
    expect(sent.map((m) => m.status)).toEqual(['sent', 'sent', 'sent']);
    expect(sent[0]!.payload).not.toHaveProperty('token');
    const tables = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(t.app.db);
    for (const { name } of tables.rows) {
      const { rows } = await sql<{ row: string }>`select x::text as row from ${sql.table(name)} x`.execute(t.app.db);
      expect(rows.filter((r) => r.row.includes(token)).length, name).toBe(0);
    }
  });

  it('a payload the worker cannot read counts as a failed attempt of that message only', async () => {
    const booked = await bookOne(at('2026-12-09T10:30'), 'bram.later@example.nl', laterBlockId);
    const [first] = await rowsFor(booked.appointmentId!);
    await t.app.db
      .updateTable('outbox_message')
      .set({ payload: JSON.stringify({ role: 'resident', mail: 'booked' }) })
      .where('id', '=', first!.id)
      .execute();
    receiver.messages.splice(0);
    await t.app.mail.flush();
    const after = await t.app.db
      .selectFrom('outbox_message')
      .select(['status', 'attempts', 'last_error'])
      .where('id', '=', first!.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: 'pending', attempts: 1 });
    expect(after.last_error).not.toBeNull();
    // The coaches' mails went out all the same.
    expect(receiver.messages.map((m) => m.subject)).toEqual([
      'Nieuwe afspraak in uw blok: woensdag 9 december 2026, 10:30–11:30',
      'Nieuwe afspraak in uw blok: woensdag 9 december 2026, 10:30–11:30',
    ]);
  });
});
