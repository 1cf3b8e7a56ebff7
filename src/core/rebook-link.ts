// The link in the resident's "cancelled" mail: a new sign-up with the question and details of
// the cancelled appointment filled in, so the resident does not start over. Nothing is stored:
// the link names the appointment and carries an HMAC of its id with the portal's secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

const mac = (secret: string, id: number) =>
  createHmac('sha256', secret).update(`rebook:${id}`).digest('base64url').slice(0, 32);

/** The path of the rebooking page of a cancelled appointment. */
export function rebookPath(secret: string, appointmentId: number): string {
  return `/aanmelden/nieuw/${appointmentId}.${mac(secret, appointmentId)}`;
}

/** The appointment a rebooking link names, when the link is genuine; else null. */
export function rebookAppointmentId(secret: string, ref: string): number | null {
  const m = /^(\d{1,9})\.([A-Za-z0-9_-]{32})$/.exec(ref);
  if (!m) return null;
  const id = Number(m[1]);
  const want = Buffer.from(mac(secret, id));
  const got = Buffer.from(m[2]!);
  return want.length === got.length && timingSafeEqual(want, got) ? id : null;
}
