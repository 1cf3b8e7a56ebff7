// The rules of a referral. One transaction (the booking's) writes the resident, the request,
// the referrer, the consent as the referrer stated it, the appointment (a 3-gesprek when the
// referrer joins) and every mail. The referrer's status link is derived from the sign-up's
// random key, so a repeated submit shows the same link; only its hash is stored, and only when
// the resident agreed to feedback.
import { createHmac } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { DateTime } from 'luxon';
import type { AppointmentMode, Database, Team } from '../../db/schema.js';
import { hashToken } from '../../domain/tokens.js';
import { local, ZONE } from '../../domain/time.js';
import { audit } from '../../core/audit.js';
import { book, type BookingResult, type ResidentInput } from '../../core/booking.js';
import { residentFromDraft } from '../../core/booking-rows.js';
import type { MailContext } from '../../core/mail/appointment-view.js';
import type { ReferralDraft } from './draft.js';
import { hasStatusToken, insertReferrer, markThreeWay, recordReferral, requestByStatusToken } from './repository.js';
import { threeWayOfRequest, type ThreeWay } from './three-way.js';
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
  const consent = consentOf(input);
  const result = await book(db, {
    team: input.team,
    resident: referredResident(d),
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
    within: (trx, ids) => recordReferrer(trx, input, ids, consent),
  });
  return {
    ...result,
    statusToken: result.repeated ? await repeatedToken(db, input.secret, d.key, result.requestId) : consent.statusToken,
  };
}

/** The consent as the referrer stated it, and what follows from it. */
interface Consent {
  withConsent: boolean;
  /** The resident agreed that the referrer hears how it went (then the referrer gets a status link). */
  feedback: boolean;
  statusToken: string | null;
  /** The day consent was given, as typed. */
  consentDay: Date | null;
  /** The referrer joins the conversation (3-gesprek). */
  threeWay: boolean;
}

function consentOf({ d, secret }: ReferralInput): Consent {
  const withConsent = d.consent === 'yes';
  const feedback = withConsent && d.feedback === true;
  return {
    withConsent,
    feedback,
    statusToken: feedback ? statusTokenFor(secret, d.key) : null,
    consentDay:
      withConsent && d.consentDate
        ? DateTime.fromISO(parseDate(d.consentDate)!, { zone: ZONE }).startOf('day').toJSDate()
        : null,
    threeWay: d.place === 'referrer' || d.threeWay === true,
  };
}

/** The resident as the referrer typed them. */
function referredResident(d: ReferralDraft): ResidentInput {
  // The resident's mail follows the resident's language, not the referrer's screen.
  return residentFromDraft(d, d.language === 'en' ? 'en' : 'nl');
}

/**
 * The referral's part of the booking's transaction, once the request (and appointment) are
 * written: the referrer, the consent, the 3-gesprek, the audit event and the referrer's mails.
 */
async function recordReferrer(
  trx: Transaction<Database>,
  { d, now, team, locale, mail }: ReferralInput,
  ids: { requestId: number; appointmentId: number | null },
  c: Consent,
): Promise<void> {
  const referrerId = await insertReferrer(trx, {
    kind: d.kind!,
    schoolRole: d.kind === 'school' ? ((d.schoolRole as 'ib' | 'teacher' | 'care_coordinator') ?? null) : null,
    organisation: d.organisation!,
    name: d.referrerName!,
    phone: d.referrerPhone!,
    email: d.referrerEmail!,
    agbCode: d.agbCode || null,
    mailLocale: locale,
  });
  await recordReferral(trx, ids.requestId, {
    referrerId,
    consentForm: c.withConsent ? d.consentForm! : 'none_veilig_thuis',
    consentAt: c.consentDay,
    consentFeedback: c.feedback,
    noConsentReason: c.withConsent ? null : d.noConsentReason!,
    consentProcessingAt: c.withConsent ? now : null,
    statusTokenHash: c.statusToken ? hashToken(c.statusToken) : null,
    done: d.done || null,
  });
  if (ids.appointmentId && c.threeWay)
    await markThreeWay(trx, ids.appointmentId, d.place === 'referrer' ? d.location! : null);
  await audit(trx, {
    action: 'referral_created',
    subjectType: 'request',
    subjectId: ids.requestId,
    teamId: team?.id ?? null,
    detail: {
      kind: d.kind,
      consentForm: c.withConsent ? d.consentForm : 'none_veilig_thuis',
      feedback: c.feedback,
      next: ids.appointmentId ? 'book' : 'callback',
      threeWay: Boolean(ids.appointmentId) && c.threeWay,
    },
  });
  await referralMails(trx, mail, {
    requestId: ids.requestId,
    appointmentId: ids.appointmentId,
    statusToken: c.statusToken,
  });
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
 * the grace period or the resident withdrew their consent to feedback, or null for an unknown
 * link (an anonymised request's link is unknown: anonymising clears its hash).
 */
export async function referralStatus(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<{ status: ReferralStatus; submittedAt: Date; threeWay: ThreeWay | null } | 'gone' | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const r = await requestByStatusToken(db, hashToken(token));
  if (!r) return null;
  // The resident withdrew their consent to feedback: the link ends, without saying why.
  if (!r.consent_feedback) return 'gone';
  const closed = r.status === 'closed' || r.status === 'cancelled';
  if (closed && r.closed_at && local(now) >= local(r.closed_at).plus({ days: STATUS_GRACE_DAYS })) return 'gone';
  const status: ReferralStatus = closed
    ? 'closed'
    : r.status === 'held' || r.has_held
      ? 'held'
      : r.has_booked
        ? 'scheduled'
        : 'received';
  return { status, submittedAt: r.submitted_at, threeWay: await threeWayOfRequest(db, r.id) };
}
