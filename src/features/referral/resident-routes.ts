// Steps 3 and 4 of a referral: about the resident (the postcode finds the team, as in the
// resident flow) and the question with the same safety questions residents get; and the danger
// page, where nothing is stored.
import type { FastifyInstance } from 'fastify';
import { displayPostcode } from '../../domain/postcode.js';
import { teamForPostcode } from '../../core/teams.js';
import { languages, safetyAnswers, safetyValues } from '../../core/intake.js';
import { residentFormValues } from '../../core/booking-rows.js';
import { loadReferralDraft, saveReferralDraft } from './draft.js';
import type { ReferralFlow } from './pages.js';
import { questionSchema, residentSchema } from './schemas.js';

/** Step 3: about the resident. The postcode finds the team, as in the resident flow. */
export function residentRoutes(app: FastifyInstance, { steps, formPage, form }: ReferralFlow) {
  const URL = '/verwijzen/inwoner';
  form(URL, {
    schema: () => residentSchema(app.now()),
    page: formPage('resident', URL, () => ({ languages })),
    values: (d) => ({
      ...residentFormValues(d),
      postcode: d.postcode ? displayPostcode(d.postcode) : '',
    }),
    store: async (req) => {
      const d = steps.draft(req);
      const v = req.body;
      const team = await teamForPostcode(app.db, v.postcode);
      // A new postcode may mean another team: a time chosen before is forgotten.
      const moved = (team?.id ?? null) !== (d.teamId ?? null);
      return saveReferralDraft(app, req, {
        ...v,
        teamId: team?.id ?? null,
        outOfArea: !team,
        ...(moved ? { slot: undefined } : {}),
      });
    },
  });
}

/** Step 4: the question as the referrer sees it, and the same safety questions as residents get; the danger page. */
export function questionRoutes(app: FastifyInstance, { formPage, ownTeam, form }: ReferralFlow) {
  const URL = '/verwijzen/vraag';
  form(URL, {
    schema: questionSchema,
    page: formPage('question', URL, async (d) => ({
      team: await ownTeam(d),
      outOfArea: d.outOfArea === true,
      postcode: d.postcode ? displayPostcode(d.postcode) : '',
    })),
    values: (d) => ({
      question: d.question ?? '',
      done: d.done ?? '',
      ...safetyValues(d),
    }),
    store: async (req) => {
      const v = req.body;
      // Danger now: the wizard's detour to the 112 page.
      return saveReferralDraft(app, req, { question: v.question, done: v.done, ...safetyAnswers(v) });
    },
  });

  // Danger now: no sign-up through the website; 112 and Veilig Thuis. Nothing is stored.
  app.get('/verwijzen/gevaar', async (req, reply) => {
    const d = (await loadReferralDraft(app, req))?.data;
    return reply.viewAsync('referral/danger', { team: d ? await ownTeam(d) : null });
  });
}
