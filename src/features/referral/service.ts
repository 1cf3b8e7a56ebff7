// The rules of a referral. One transaction (the booking's) writes the resident, the request,
// the referrer, the consent as the referrer stated it, the appointment (a 3-gesprek when the
// referrer joins) and every mail. The referrer's status link is derived from the sign-up's
// random key, so a repeated submit shows the same link; only its hash is stored, and only when
// the resident agreed to feedback.
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { AppointmentMode, Database, Team } from '../../db/schema.js';
import { hashToken } from '../../domain/tokens.js';
import { local, ZONE } from '../../domain/time.js';
import { audit } from '../../core/audit.js';
import { parseBirthDate } from '../../core/intake.js';
import { book, type BookingResult } from '../../core/booking.js';
import type { MailContext } from '../../core/mail/appointment-view.js';
import type { ReferralDraft } from './draft.js';
import { hasStatusToken, insertReferrer, markThreeWay, recordReferral, requestByStatusToken } from './repository.js';
import { referralMails, STATUS_GRACE_DAYS } from './mails.js';
import { parseDate } from './schemas.js';

export { STATUS_GRACE_DAYS };

export function statusTokenFor(secret: string, idempotencyKey: string): string {
  return createHmac('sha256', secret).update(`referrer-status:${idempotencyKey}`).digest('base64url');
}

export interface ReferralInput {
  d: ReferralDraft;
  team: Team | null;
  /** A chosen slot; null: the team calls the resident (or no team has the postcode yet). */
  slot: { blockId: number; start: Date } | null;
  locale: 'nl' | 'en';
  now: Date;
  secret: string;
  mail: MailContext;
}

export interface ReferralResult extends BookingResult {
  statusToken: string | null;
}

/** A 3-gesprek at the practice or school is stored as 'office' with the referrer's address. */
export function modeOf(place: ReferralDraft['place']): AppointmentMode {
  return place === 'referrer' || !place ? 'office' : place;
}

export async function submitReferral(db: Kysely<Database>, input: ReferralInput): Promise<ReferralResult> {
  const { d, now } = input;
  const withConsent = d.consent === 'yes';
  const feedback = withConsent && d.feedback === true;
  const statusToken = feedback ? statusTokenFor(input.secret, d.key) : null;
  const consentDay =
    withConsent && d.consentDate
      ? DateTime.fromISO(parseDate(d.consentDate)!, { zone: ZONE }).startOf('day').toJSDate()
      : null;
  const threeWay = d.place === 'referrer' || d.threeWay === true;
  const result = await book(db, {
    team: input.team,
    resident: {
      name: d.name!,
      email: d.email || null,
      phone: d.phone || null,
      postcode: d.postcode ?? null,
      houseNumber: d.houseNumber ?? null,
      street: d.street || null,
      city: d.city || null,
      dateOfBirth: d.dateOfBirth ? parseBirthDate(d.dateOfBirth) : null,
      language: d.language ?? 'nl',
      interpreter: d.interpreter === true,
      // The resident's mail follows the resident's language, not the referrer's screen.
      mailLocale: d.language === 'en' ? 'en' : 'nl',
    },
    request: {
      teamId: input.team?.id ?? null,
      channel: 'referrer',
      question: d.question!,
      topics: [],
      about: 'self',
      dangerNow: false,
      urgent24h: d.urgent24h === true,
      companion: null,
      consentAt: now,
      idempotencyKey: d.key,
    },
    slot:
      input.slot && input.team ? { blockId: input.slot.blockId, start: input.slot.start, mode: modeOf(d.place) } : null,
    status: 'callback',
    now,
    secret: input.secret,
    mail: input.mail,
    within: async (trx, ids) => {
      const referrerId = await insertReferrer(trx, {
        kind: d.kind!,
        schoolRole: d.kind === 'school' ? ((d.schoolRole as 'ib' | 'teacher' | 'care_coordinator') ?? null) : null,
        organisation: d.organisation!,
        name: d.referrerName!,
        phone: d.referrerPhone!,
        email: d.referrerEmail!,
        agbCode: d.agbCode || null,
        mailLocale: input.locale,
      });
      await recordReferral(trx, ids.requestId, {
        referrerId,
        consentForm: withConsent ? d.consentForm! : 'none_veilig_thuis',
        consentAt: consentDay,
        consentFeedback: feedback,
        noConsentReason: withConsent ? null : d.noConsentReason!,
        consentProcessingAt: withConsent ? now : null,
        statusTokenHash: statusToken ? hashToken(statusToken) : null,
        done: d.done || null,
      });
      if (ids.appointmentId && threeWay)
        await markThreeWay(trx, ids.appointmentId, d.place === 'referrer' ? d.location! : null);
      await audit(trx, {
        action: 'referral_created',
        subjectType: 'request',
        subjectId: ids.requestId,
        teamId: input.team?.id ?? null,
        detail: {
          kind: d.kind,
          consentForm: withConsent ? d.consentForm : 'none_veilig_thuis',
          feedback,
          next: ids.appointmentId ? 'book' : 'callback',
          threeWay: Boolean(ids.appointmentId) && threeWay,
        },
      });
      await referralMails(trx, input.mail, { requestId: ids.requestId, appointmentId: ids.appointmentId, statusToken });
    },
  });
  return {
    ...result,
    statusToken: result.repeated ? await repeatedToken(db, input.secret, d.key, result.requestId) : statusToken,
  };
}

async function repeatedToken(
  db: Kysely<Database>,
  secret: string,
  key: string,
  requestId: number,
): Promise<string | null> {
  return (await hasStatusToken(db, requestId)) ? statusTokenFor(secret, key) : null;
}

export type ReferralStatus = 'received' | 'scheduled' | 'held' | 'closed';

/**
 * The state a referrer may see, or 'gone' once the request has been closed for longer than
 * the grace period, or null for an unknown link.
 */
export async function referralStatus(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<{ status: ReferralStatus; submittedAt: Date } | 'gone' | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const r = await requestByStatusToken(db, hashToken(token));
  if (!r) return null;
  const closed = r.status === 'closed' || r.status === 'cancelled';
  if (closed && r.closed_at && local(now) >= local(r.closed_at).plus({ days: STATUS_GRACE_DAYS })) return 'gone';
  const status: ReferralStatus = closed
    ? 'closed'
    : r.status === 'held' || r.has_held
      ? 'held'
      : r.has_booked
        ? 'scheduled'
        : 'received';
  return { status, submittedAt: r.submitted_at };
}
