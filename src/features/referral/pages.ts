// What every step page of the referral flow uses: the draft (when the steps before are done),
// the page with its step counter, and the rate limit of the public form posts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadReferralDraft, type ReferralDraft } from './draft.js';
import { redirectFor, TOTAL_STEPS } from './steps.js';

export type Values = Record<string, unknown>;
export type Errors = Record<string, string>;

/**
 * The draft, if every step before `index` is done (step 0 always: an empty draft to start);
 * otherwise redirects to the first step not done and returns null.
 */
export async function draftFor(
  app: FastifyInstance,
  req: FastifyRequest,
  reply: FastifyReply,
  index: number,
): Promise<ReferralDraft | null> {
  const d = (await loadReferralDraft(app, req))?.data ?? null;
  const live = d && !d.bookedRequestId ? d : null;
  const to = index === 0 ? null : redirectFor(live, index);
  if (to) {
    await reply.redirect(to, 303);
    return null;
  }
  return live ?? ({ key: '' } as ReferralDraft);
}

/** A step's page (views/referral/<view>.eta) with the step counter. */
export function render(reply: FastifyReply, view: string, step: number, data: Values, status = 200) {
  return reply.code(status).viewAsync(`referral/${view}`, { step, totalSteps: TOTAL_STEPS, ...data });
}

/** Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute), as in the resident flow. */
export function publicPost(app: FastifyInstance) {
  return { config: { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } } };
}
