// What every step page of the referral flow uses: the wizard (the draft, when the steps before
// are done), the page with its step counter and back link, the team, and the rate limit of the
// public form posts.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Team } from '../../db/schema.js';
import { draftWizard } from '../../core/wizard.js';
import { teamById } from '../../core/teams.js';
import { referralDrafts, type ReferralDraft } from './draft.js';
import { referralSteps } from './steps.js';

export type Values = Record<string, unknown>;
export type Errors = Record<string, string>;

export function referralFlow(app: FastifyInstance) {
  const steps = draftWizard(app, referralSteps, referralDrafts);
  /** A step's page (views/referral/<view>.eta) with the step counter and back link. */
  const render = (reply: FastifyReply, view: string, d: ReferralDraft, url: string, data: Values, status = 200) =>
    reply.code(status).viewAsync(`referral/${view}`, { ...steps.view(d, url), ...data });
  const ownTeam = async (d: ReferralDraft): Promise<Team | null> => (d.teamId ? teamById(app.db, d.teamId) : null);
  // Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute), as in the resident flow.
  const publicPost = { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } };
  return { steps, render, ownTeam, publicPost };
}

export type ReferralFlow = ReturnType<typeof referralFlow>;
