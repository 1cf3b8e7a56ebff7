// The calendar files of the appointment mails as RFC 5546 (iTIP) asks: METHOD REQUEST for a booked
// or moved appointment and CANCEL when it is off, each with the team as ORGANIZER, the reader as
// ATTENDEE, DTSTAMP, UID and SEQUENCE; a cancel keeps the UID and has a higher SEQUENCE. Parsed
// with ical.js, as a mail client reads them.
import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { appointmentIcs, type AppointmentIcsInput } from '../../src/core/mail/ics.js';
import { placeLocation, placeOf } from '../../src/core/mail/place.js';

const base: AppointmentIcsInput = {
  uid: 'appointment-7-referrer@keukentafel.test',
  start: new Date('2026-12-08T09:30:00Z'),
  end: new Date('2026-12-08T10:30:00Z'),
  summary: '3-gesprek met Wijkteam Centrum',
  description: 'Wie: Fatima & Jeroen',
  location: 'Huisartsenpraktijk De Linde, Kerkstraat 1, Arnhem',
  url: 'https://keukentafel.test',
  method: 'REQUEST',
  sequence: 2,
  organizerName: 'Wijkteam Centrum',
  organizerEmail: 'centrum@keukentafel.test',
  attendee: { name: 'Dr. Sara Jansen', email: 'sara.jansen@delinde.nl' },
  stamp: new Date('2026-11-24T09:00:00Z'),
};

function read(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

describe('calendar files by RFC 5546', () => {
  it('asks to add or update with REQUEST: organizer, attendee, stamp, UID and SEQUENCE', () => {
    const { calendar, vevent, event } = read(appointmentIcs(base));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe(base.uid);
    expect(event.sequence).toBe(2);
    expect(event.location).toBe(base.location);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(vevent.getFirstPropertyValue('dtstamp')?.toString()).toBe('2026-11-24T09:00:00Z');
    const organizer = vevent.getFirstProperty('organizer')!;
    expect(String(organizer.getFirstValue()).toLowerCase()).toBe('mailto:centrum@keukentafel.test');
    expect(organizer.getParameter('cn')).toBe('Wijkteam Centrum');
    const attendees = vevent.getAllProperties('attendee');
    expect(attendees).toHaveLength(1);
    expect(String(attendees[0]!.getFirstValue()).toLowerCase()).toBe('mailto:sara.jansen@delinde.nl');
    expect(attendees[0]!.getParameter('cn')).toBe('Dr. Sara Jansen');
    expect(attendees[0]!.getParameter('partstat')).toBe('ACCEPTED');
    expect(attendees[0]!.getParameter('rsvp')).toBe('FALSE');
  });

  it('removes the entry with CANCEL: the same UID, a higher SEQUENCE, still organizer and attendee', () => {
    const booked = read(appointmentIcs(base));
    const cancelled = read(appointmentIcs({ ...base, method: 'CANCEL', sequence: 3 }));
    expect(cancelled.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancelled.event.uid).toBe(booked.event.uid);
    expect(cancelled.event.sequence).toBeGreaterThan(booked.event.sequence);
    expect(cancelled.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(String(cancelled.vevent.getFirstPropertyValue('organizer')).toLowerCase()).toBe(
      'mailto:centrum@keukentafel.test',
    );
    expect(cancelled.vevent.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase())).toEqual([
      'mailto:sara.jansen@delinde.nl',
    ]);
  });

  it('takes the place from the one rule: the practice for a 3-gesprek there, else the address to go to', () => {
    const resident = { street: 'Steenstraat', house_number: '12a', postcode: '6811 AB', city: 'Arnhem' };
    const office = { office_address: 'Kantoorstraat 5, Arnhem' };
    const practice = 'Huisartsenpraktijk De Linde, Kerkstraat 1, Arnhem';
    expect(placeOf({ mode: 'office', ...resident, ...office, referrer_location: practice })).toEqual({
      kind: 'referrer',
      address: practice,
    });
    expect(placeOf({ mode: 'office', ...resident, ...office, referrer_location: null })).toEqual({
      kind: 'office',
      address: 'Kantoorstraat 5, Arnhem',
    });
    // A 3-gesprek moved to the resident's home keeps the practice stored, but takes place at home.
    expect(placeOf({ mode: 'home', ...resident, ...office, referrer_location: practice })).toEqual({
      kind: 'home',
      address: 'Steenstraat 12a, 6811 AB Arnhem',
    });
    expect(placeLocation({ mode: 'phone', ...resident, ...office, referrer_location: practice })).toBeNull();
    expect(placeLocation({ mode: 'video', ...resident, ...office })).toBeNull();
  });
});
