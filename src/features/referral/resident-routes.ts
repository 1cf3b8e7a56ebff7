// Steps 3 and 4 of a referral: about the resident (the postcode finds the team, as in the
// resident flow) and the question with the same safety questions residents get; and the danger
// page, where nothing is stored.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { displayPostcode } from '../../domain/postcode.js';
import { teamForPostcode } from '../../core/teams.js';
import { formBody, type Form } from '../../core/forms.js';
import { languages } from '../../core/intake.js';
import { loadReferralDraft, saveReferralDraft, type ReferralDraft } from './draft.js';
import type { Errors, ReferralFlow, Values } from './pages.js';
import { questionSchema, residentSchema } from './schemas.js';

/** Step 3: about the resident. The postcode finds the team, as in the resident flow. */
export function residentRoutes(app: FastifyInstance, { steps, render, publicPost }: ReferralFlow) {
  const URL = '/verwijzen/inwoner';
  const residentPage = (reply: FastifyReply, d: ReferralDraft, values: Values, errors: Errors, status = 200) =>
    render(reply, 'resident', d, URL, { values, errors, languages }, status);

  app.get(URL, { preValidation: steps.guard(URL) }, async (req, reply) => {
    const d = steps.draft(req);
    return residentPage(
      reply,
      d,
      {
        name: d.name ?? '',
        phone: d.phone ?? '',
        email: d.email ?? '',
        postcode: d.postcode ? displayPostcode(d.postcode) : '',
        houseNumber: d.houseNumber ?? '',
        street: d.street ?? '',
        city: d.city ?? '',
        language: d.language ?? 'nl',
        interpreter: d.interpreter ? 'yes' : '',
        dateOfBirth: d.dateOfBirth ?? '',
      },
      {},
    );
  });

  const schemaFor = () => residentSchema(app.now());
  const invalid = formBody(schemaFor, (req, reply, input, errors) =>
    residentPage(reply, steps.draft(req), input, errors, 400),
  );
  app.post<Form<ReturnType<typeof schemaFor>>>(
    URL,
    { config: publicPost, preValidation: [steps.guard(URL), invalid] },
    async (req, reply) => {
      const d = steps.draft(req);
      const v = req.body;
      const team = await teamForPostcode(app.db, v.postcode);
      // A new postcode may mean another team: a time chosen before is forgotten.
      const moved = (team?.id ?? null) !== (d.teamId ?? null);
      const saved = await saveReferralDraft(app, req, {
        name: v.name,
        phone: v.phone,
        email: v.email,
        postcode: v.postcode,
        houseNumber: v.houseNumber,
        street: v.street,
        city: v.city,
        language: v.language,
        interpreter: v.interpreter,
        dateOfBirth: v.dateOfBirth,
        teamId: team?.id ?? null,
        outOfArea: !team,
        ...(moved ? { slot: undefined } : {}),
      });
      return reply.redirect(steps.forward(saved, URL), 303);
    },
  );
}

/** Step 4: the question as the referrer sees it, and the same safety questions as residents get; the danger page. */
export function questionRoutes(app: FastifyInstance, { steps, render, ownTeam, publicPost }: ReferralFlow) {
  const URL = '/verwijzen/vraag';
  async function questionPage(reply: FastifyReply, d: ReferralDraft, values: Values, errors: Errors, status = 200) {
    const data = {
      values,
      errors,
      team: await ownTeam(d),
      outOfArea: d.outOfArea === true,
      postcode: d.postcode ? displayPostcode(d.postcode) : '',
    };
    return render(reply, 'question', d, URL, data, status);
  }

  app.get(URL, { preValidation: steps.guard(URL) }, async (req, reply) => {
    const d = steps.draft(req);
    const yn = (b: boolean | undefined) => (b === undefined ? '' : b ? 'yes' : 'no');
    return questionPage(
      reply,
      d,
      { question: d.question ?? '', done: d.done ?? '', dangerNow: yn(d.dangerNow), urgent24h: yn(d.urgent24h) },
      {},
    );
  });

  const invalid = formBody(questionSchema, (req, reply, input, errors) =>
    questionPage(reply, steps.draft(req), input, errors, 400),
  );
  app.post<Form<typeof questionSchema>>(
    URL,
    { config: publicPost, preValidation: [steps.guard(URL), invalid] },
    async (req, reply) => {
      const v = req.body;
      const saved = await saveReferralDraft(app, req, {
        question: v.question,
        done: v.done,
        dangerNow: v.dangerNow === 'yes',
        urgent24h: v.urgent24h === 'yes',
      });
      // Danger now: the wizard's detour to the 112 page.
      return reply.redirect(steps.forward(saved, URL), 303);
    },
  );

  // Danger now: no sign-up through the website; 112 and Veilig Thuis. Nothing is stored.
  app.get('/verwijzen/gevaar', async (req, reply) => {
    const d = (await loadReferralDraft(app, req))?.data;
    return reply.viewAsync('referral/danger', { team: d ? await ownTeam(d) : null });
  });
}
