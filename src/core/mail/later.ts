// Mails written just before sending. The booking's transaction stores what to send: an outbox
// row with a `kind` and a small `payload` (the appointment's facts as they were when the mail was
// queued, the recipient, and for the resident the plain manage token of the link), and the worker
// renders it here, with the same functions that write every other appointment mail. A mail queued
// before a move still describes the time it was about. Once sent, the token leaves the payload.
import { z } from 'zod';
import { type MailContext } from './appointment-view.js';
import { coachMailOf } from './coach-mails.js';
import { residentMailOf } from './resident-mails.js';

/** The kind of a row whose body is rendered later; its payload is a LaterAppointmentMail. */
export const APPOINTMENT_MAIL = 'appointment';

/** The payload keys that hold a secret: removed once the mail is sent. */
export const SECRET_KEYS = ['token'] as const;

const when = { id: z.number(), starts_at: z.coerce.date(), ends_at: z.coerce.date() };
const place = {
  mode: z.enum(['home', 'office', 'phone', 'video']),
  office_address: z.string(),
  referrer_location: z.string().nullable(),
};

const residentPayload = z.object({
  mail: z.literal('booked'),
  role: z.literal('resident'),
  token: z.string().nullable().optional(),
  view: z.object({
    ...when,
    ...place,
    street: z.string().nullable(),
    house_number: z.string().nullable(),
    postcode: z.string().nullable(),
    city: z.string().nullable(),
    referrer_joins: z.boolean(),
    sequence: z.number(),
    name: z.string(),
    email: z.string().nullable(),
    mail_locale: z.enum(['nl', 'en']),
    team_name: z.string(),
    team_phone: z.string(),
    team_email: z.string(),
    referrer_name: z.string().nullable(),
    referrer_organisation: z.string().nullable(),
    coaches: z.array(z.object({ name: z.string() })),
  }),
});

const coachPayload = z.object({
  mail: z.literal('booked'),
  role: z.literal('coach'),
  coach: z.object({ name: z.string(), email: z.string() }),
  view: z.object({ ...when, ...place }),
});

const appointmentPayload = z.discriminatedUnion('role', [residentPayload, coachPayload]);

/** A row as the worker reads it: a rendered body, or a kind and payload to render now. */
export interface StoredMail {
  id: number;
  to_address: string;
  subject: string;
  body_text: string | null;
  body_html: string | null;
  ics: string | null;
  kind: string | null;
  payload: Record<string, unknown> | null;
}

export interface RenderedMail {
  to_address: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  ics: string | null;
}

/**
 * The message as it goes out: the stored body when the row has one, else the body (and .ics)
 * written now from the payload. Throws for a payload it cannot read (the message's own fault).
 */
export function renderStored(msg: StoredMail, ctx: MailContext): RenderedMail {
  if (msg.body_text !== null)
    return {
      to_address: msg.to_address,
      subject: msg.subject,
      body_text: msg.body_text,
      body_html: msg.body_html,
      ics: msg.ics,
    };
  if (msg.kind !== APPOINTMENT_MAIL) throw new Error(`outbox ${msg.id}: unknown kind ${String(msg.kind)}`);
  const p = appointmentPayload.parse(msg.payload);
  // The subject was written when the mail was queued: the rendered one says the same.
  if (p.role === 'resident') {
    const mail = residentMailOf(p.view, ctx, p.mail, p.token ?? null);
    if (!mail) throw new Error(`outbox ${msg.id}: no address in the payload`);
    return {
      to_address: msg.to_address,
      subject: msg.subject,
      body_text: mail.text,
      body_html: null,
      ics: mail.ics ?? null,
    };
  }
  const mail = coachMailOf(p.view, p.coach, ctx, p.mail);
  return { to_address: msg.to_address, subject: msg.subject, body_text: mail.text, body_html: null, ics: null };
}
