// The calendar attachment of an appointment mail (iCalendar, RFC 5545), built with ical-generator.
// It is a scheduling message by RFC 5546 (iTIP): METHOD:REQUEST for a booked or moved appointment,
// METHOD:CANCEL when it is cancelled, always with the team as ORGANIZER and the reader as ATTENDEE,
// the same UID for every message about one appointment and the stored SEQUENCE (raised by the
// database on every change), so the reader's calendar replaces or removes the entry.
// Times are written as local Amsterdam wall-clock times with TZID=Europe/Amsterdam, because that is
// what the resident was told ("dinsdag 8 december, 10:00"); the VTIMEZONE below tells the client
// how to turn them into instants, so the entry stays right on the days the clocks change.
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { ZONE } from '../../domain/time.js';

export interface AppointmentIcsInput {
  /** Stable per appointment (e.g. "appointment-42@keukentafel"): a client updates the entry with this UID. */
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  location: string | null;
  url: string;
  /** REQUEST adds or updates the entry (booked, moved); CANCEL removes it. */
  method: 'REQUEST' | 'CANCEL';
  /** The appointment's stored counter (appointment.sequence): higher on every change. */
  sequence: number;
  organizerName: string;
  organizerEmail: string;
  /** Who the file is sent to (the mail's recipient). */
  attendee: { name: string; email: string };
  /** When the file is made (DTSTAMP): the app's clock, never the machine's. */
  stamp: Date;
}

// Europe/Amsterdam since 1996: CET (+01:00) in winter, CEST (+02:00) from the last Sunday of March
// 02:00 to the last Sunday of October 03:00 (EU rules). Written with RRULEs, as Thunderbird and
// Outlook do, so it holds for every future year without a timezone database or extra package.
// DTSTART 1970 is the conventional anchor: 1970-03-29 and 1970-10-25 were the last Sundays.
const AMSTERDAM_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Amsterdam',
  'X-LIC-LOCATION:Europe/Amsterdam',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/**
 * ical-generator calls this once per TZID used in the calendar; we only ever use Amsterdam.
 * Exported for the coaches' agenda feed (features/agenda/feed.ts), which builds a calendar of
 * many events with the same VTIMEZONE.
 */
export function vtimezone(tzid: string): string | null {
  if (tzid !== ZONE) throw new Error(`No VTIMEZONE known for ${tzid}`);
  return AMSTERDAM_VTIMEZONE;
}

export function appointmentIcs(input: AppointmentIcsInput): string {
  const method = input.method;
  const calendar = ical({
    prodId: { company: 'keukentafel', product: 'afspraken', language: 'NL' },
    method: ICalCalendarMethod[method],
    // name: null on purpose: with a calendar-wide zone name ical-generator writes DTSTAMP as a
    // floating local time (RFC 5545 wants UTC) and adds the non-standard X-WR-TIMEZONE. The zone
    // is set per event instead; the generator still emits the VTIMEZONE for it.
    timezone: { name: null, generator: vtimezone },
  });
  calendar.createEvent({
    // Same appointment → same UID, so a rescheduled time replaces the entry instead of adding one.
    id: input.uid,
    stamp: DateTime.fromJSDate(input.stamp).toUTC(),
    sequence: input.sequence,
    // Luxon values, not plain Dates: for a Date ical-generator uses the *process* time zone to
    // write a TZID time; a luxon DateTime is converted to the given zone explicitly.
    start: DateTime.fromJSDate(input.start).setZone(ZONE),
    end: DateTime.fromJSDate(input.end).setZone(ZONE),
    timezone: ZONE,
    summary: input.summary,
    description: input.description,
    location: input.location,
    url: input.url,
    organizer: { name: input.organizerName, email: input.organizerEmail },
    attendees: [
      {
        name: input.attendee.name,
        email: input.attendee.email,
        role: ICalAttendeeRole.REQ,
        status: method === 'CANCEL' ? null : ICalAttendeeStatus.ACCEPTED,
        rsvp: false,
      },
    ],
    status: method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
