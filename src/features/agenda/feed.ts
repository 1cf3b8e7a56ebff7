// The coach's personal calendar feed (iCalendar) for Outlook or Google: one event per
// appointment, with time, mode, address and a link to the appointment page. Never the question
// text and never the resident's phone or e-mail: a subscribed calendar leaves our control.
// Times are written in Europe/Amsterdam with the same VTIMEZONE as the appointment mails.
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { ZONE } from '../../domain/time.js';
import { vtimezone } from '../../core/mail/ics.js';
import { translator } from '../../core/i18n.js';
import { placeOf } from '../../core/mail/place.js';
import type { FeedAppointment } from './repository.js';

export interface FeedInput {
  staffName: string;
  publicUrl: string;
  now: Date;
  appointments: FeedAppointment[];
}

/** The entry's LOCATION: the one rule for the place of an appointment (a 3-gesprek: the practice). */
export function feedAddress(a: FeedAppointment): string | null {
  return placeOf(a).address;
}

export function agendaFeed(input: FeedInput): string {
  const t = translator('nl');
  const host = new URL(input.publicUrl).hostname;
  const calendar = ical({
    prodId: { company: 'keukentafel', product: 'agenda', language: 'NL' },
    method: ICalCalendarMethod.PUBLISH,
    name: t('agenda.feed.calendarName', { name: input.staffName }),
    // Ask subscribing clients to refresh hourly (REFRESH-INTERVAL / X-PUBLISHED-TTL).
    ttl: 60 * 60,
    // See mail/ics.ts: no calendar-wide zone name, the zone is set per event.
    timezone: { name: null, generator: vtimezone },
  });
  for (const a of input.appointments) {
    const link = `${input.publicUrl}/medewerker/afspraken/${a.id}`;
    const place = placeOf(a);
    const mode = t(`agenda.modes.${place.kind}`);
    const address = place.address;
    const description = [
      `${t('agenda.feed.mode')}: ${mode}`,
      ...(address ? [`${t('agenda.feed.address')}: ${address}`] : []),
      ...(a.solo_coach_id !== null ? [t('agenda.feed.solo')] : []),
      '',
      `${t('agenda.feed.link')}: ${link}`,
    ].join('\n');
    calendar.createEvent({
      id: `agenda-appointment-${a.id}@${host}`,
      stamp: input.now,
      // The stored counter the database raises on every change, so a client takes the newer entry.
      sequence: a.sequence,
      start: DateTime.fromJSDate(a.starts_at).setZone(ZONE),
      end: DateTime.fromJSDate(a.ends_at).setZone(ZONE),
      timezone: ZONE,
      summary: t('agenda.feed.summary', { mode }),
      description,
      location: address,
      url: link,
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
