// What every step page of the referral flow uses: the wizard (the draft, when the steps before
// are done), the page with its step counter and back link, the team, the rate limit of the
// public form posts, and a step with a form (its two routes).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Team } from '../../db/schema.js';
import { draftWizard } from '../../core/wizard.js';
import { formStep, type FormStep, type StepPage } from '../../core/forms.js';
import { teamById } from '../../core/teams.js';
import { referralDrafts, type ReferralDraft } from './draft.js';
import { referralSteps } from './steps.js';

export type Values = Record<string, unknown>;

export function referralFlow(app: FastifyInstance) {
  const steps = draftWizard(app, referralSteps, referralDrafts);
  /** A step's page (views/referral/<view>.eta) with the step counter and back link. */
  const render = (reply: FastifyReply, view: string, d: ReferralDraft, url: string, data: Values, status = 200) =>
    reply.code(status).viewAsync(`referral/${view}`, { ...steps.view(d, url), ...data });
  const ownTeam = async (d: ReferralDraft): Promise<Team | null> => (d.teamId ? teamById(app.db, d.teamId) : null);
  // Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute), as in the resident flow.
  const publicPost = { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } };
  /** A step with a form: its page, guarded, rate limited, shown again when the post does not fit. */
  const form = <S extends z.ZodTypeAny>(url: string, step: FormStep<ReferralDraft, S>) =>
    formStep(app, url, { ...steps, publicPost, keepStale: true }, step);
  /** A step's form page: its view with the values, the errors and what `extra` adds for the draft. */
  const formPage =
    (view: string, url: string, extra: (d: ReferralDraft) => Values | Promise<Values>): StepPage<ReferralDraft> =>
    async (reply, d, values, errors, status = 200) =>
      render(reply, view, d, url, { values, errors, ...(await extra(d)) }, status);
  return { steps, render, ownTeam, publicPost, form, formPage };
}

export type ReferralFlow = ReturnType<typeof referralFlow>;
