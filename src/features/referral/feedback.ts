// The one status mail a referrer gets after the first conversation: held, resident not
// reached, or closed. Only when the resident agreed to feedback, at most once per request, and
// never with content (no question, no outcome details, no notes). Called inside the
// transaction that records the outcome or closes the request.
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { translator, type Locale } from '../../core/i18n.js';
import { enqueueMail } from '../../core/mail/outbox.js';
import { mailText } from '../../core/mail/render.js';
import { contactFor } from './repository.js';
import { contactData, referralsInContext } from './mails.js';

export type FeedbackKind = 'held' | 'not_reached' | 'closed';

/**
 * What an appointment outcome tells the referrer. 'cancelled' (the conversation did not take
 * place) says nothing yet: the team plans again, or closes the request, which then reports.
 */
export function feedbackForOutcome(outcome: 'held' | 'no_show' | 'cancelled'): FeedbackKind | null {
  return outcome === 'held' ? 'held' : outcome === 'no_show' ? 'not_reached' : null;
}

/** Queues the status mail if this request should still get one; true when it did. */
export async function queueReferrerFeedback(
  trx: Transaction<Database>,
  requestId: number,
  kind: FeedbackKind | null,
  now: Date,
): Promise<boolean> {
  if (!kind) return false;
  const r = await referralsInContext(trx)
    .where('request.id', '=', requestId)
    .where('request.consent_feedback', '=', true)
    .where('request.referrer_feedback_at', 'is', null)
    .executeTakeFirst();
  if (!r?.referrer_email) return false;
  // Guarded by the state it expects: two coaches registering at once send one mail.
  const done = await trx
    .updateTable('request')
    .set({ referrer_feedback_at: now, referrer_feedback_kind: kind })
    .where('id', '=', requestId)
    .where('referrer_feedback_at', 'is', null)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) return false;
  const locale = r.mail_locale as Locale;
  const t = translator(locale);
  const team = r.team_name ?? '';
  const contact = r.team_id ? await contactFor(trx, r.team_id, r.organisation) : null;
  await enqueueMail(trx, {
    to: r.referrer_email,
    subject: t('referral.mail.feedback.subject', { team }),
    text: mailText('referral/feedback', locale, {
      kind,
      name: r.referrer_name,
      resident: r.resident_name,
      submittedAt: r.submitted_at,
      team,
      contact: contactData({ name: r.team_name, phone: r.team_phone }, contact, team),
    }),
  });
  return true;
}
