// The resident withdraws their consent to feedback to the referrer (AVG art. 7 lid 3) from the
// manage page. From then on the referrer hears nothing more: the status mail checks
// consent_feedback (features/referral/feedback.ts), and the status link stops working
// (features/referral/service.ts referralStatus answers 'gone' for it: the referrer reads that the
// link no longer works, not that it never existed). The link's hash is kept for that; anonymising
// clears it. The moment is kept in the audit log ('consent_withdrawn'), not in the request.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Db } from '../../core/db.js';
import { audit } from '../../core/audit.js';

export const CONSENT_WITHDRAWN = 'consent_withdrawn';

/** What the manage page says about feedback to the referrer, or null when there is no referrer. */
export interface FeedbackConsent {
  /** The referrer's organisation, named on the page. */
  organisation: string;
  /** The resident still agrees to feedback. */
  given: boolean;
  /** When the resident withdrew it through the manage page, if they did. */
  withdrawnAt: Date | null;
}

export async function feedbackConsentOf(db: Db, requestId: number): Promise<FeedbackConsent | null> {
  const row = await db
    .selectFrom('request')
    .innerJoin('referrer', 'referrer.id', 'request.referrer_id')
    .select(['request.consent_feedback', 'referrer.organisation'])
    .where('request.id', '=', requestId)
    .executeTakeFirst();
  if (!row) return null;
  const withdrawn = await db
    .selectFrom('audit_event')
    .select('at')
    .where('action', '=', CONSENT_WITHDRAWN)
    .where('subject_type', '=', 'request')
    .where('subject_id', '=', requestId)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  // Never asked for and never withdrawn: nothing to say.
  if (!row.consent_feedback && !withdrawn) return null;
  return { organisation: row.organisation, given: row.consent_feedback, withdrawnAt: withdrawn?.at ?? null };
}

/**
 * Withdraws the consent of the request behind the manage link. False when it was already
 * withdrawn (a repeated post): nothing changes and nothing is audited again.
 */
export async function withdrawFeedbackConsent(
  db: Kysely<Database>,
  a: { request_id: number; team_id: number },
  now: Date,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('request')
      .set({ consent_feedback: false })
      .where('id', '=', a.request_id)
      .where('consent_feedback', '=', true)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) return false;
    await audit(trx, {
      action: CONSENT_WITHDRAWN,
      subjectType: 'request',
      subjectId: a.request_id,
      teamId: a.team_id,
      detail: { by: 'resident', consent: 'feedback' },
      at: now,
    });
    return true;
  });
}
