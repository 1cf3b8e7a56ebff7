// Steps 3 and 4 of a referral: about the resident (the postcode finds the team, as in the
// resident flow) and the question with the same safety questions residents get; and the danger
// page, where nothing is stored.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { displayPostcode } from '../../domain/postcode.js';
import { teamById, teamForPostcode } from '../../core/teams.js';
import { fieldErrors } from '../../core/forms.js';
import { languages } from '../../core/intake.js';
import { loadReferralDraft, saveReferralDraft, type ReferralDraft } from './draft.js';
import { draftFor, publicPost, render, type Errors, type Values } from './pages.js';
import { pick, questionSchema, residentSchema } from './schemas.js';
import { nextAfter } from './steps.js';

/** Step 3: about the resident. The postcode finds the team, as in the resident flow. */
export function residentRoutes(app: FastifyInstance) {
  const residentFields = [
    'name',
    'phone',
    'email',
    'postcode',
    'houseNumber',
    'street',
    'city',
    'language',
    'interpreter',
    'dateOfBirth',
  ] as const;
  const residentPage = (reply: FastifyReply, values: Values, errors: Errors, status = 200) =>
    render(reply, 'resident', 3, { values, errors, languages }, status);

  app.get('/verwijzen/inwoner', async (req, reply) => {
    const d = await draftFor(app, req, reply, 2);
    if (!d) return reply;
    return residentPage(
      reply,
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

  app.post('/verwijzen/inwoner', publicPost(app), async (req, reply) => {
    const d = await draftFor(app, req, reply, 2);
    if (!d) return reply;
    const values = pick(req.body, residentFields);
    const parsed = residentSchema(app.now()).safeParse(values);
    if (!parsed.success) return residentPage(reply, values, fieldErrors(parsed.error), 400);
    const v = parsed.data;
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
    return reply.redirect(nextAfter(saved, 2), 303);
  });
}

/** Step 4: the question as the referrer sees it, and the same safety questions as residents get; the danger page. */
export function questionRoutes(app: FastifyInstance) {
  const questionFields = ['question', 'done', 'dangerNow', 'urgent24h'] as const;
  async function questionPage(reply: FastifyReply, d: ReferralDraft, values: Values, errors: Errors, status = 200) {
    const team = d.teamId ? await teamById(app.db, d.teamId) : null;
    return render(
      reply,
      'question',
      4,
      {
        values,
        errors,
        team,
        outOfArea: d.outOfArea === true,
        postcode: d.postcode ? displayPostcode(d.postcode) : '',
      },
      status,
    );
  }

  app.get('/verwijzen/vraag', async (req, reply) => {
    const d = await draftFor(app, req, reply, 3);
    if (!d) return reply;
    const yn = (b: boolean | undefined) => (b === undefined ? '' : b ? 'yes' : 'no');
    return questionPage(
      reply,
      d,
      { question: d.question ?? '', done: d.done ?? '', dangerNow: yn(d.dangerNow), urgent24h: yn(d.urgent24h) },
      {},
    );
  });

  app.post('/verwijzen/vraag', publicPost(app), async (req, reply) => {
    const d = await draftFor(app, req, reply, 3);
    if (!d) return reply;
    const values = pick(req.body, questionFields);
    const parsed = questionSchema.safeParse(values);
    if (!parsed.success) return questionPage(reply, d, values, fieldErrors(parsed.error), 400);
    const v = parsed.data;
    const saved = await saveReferralDraft(app, req, {
      question: v.question,
      done: v.done,
      dangerNow: v.dangerNow === 'yes',
      urgent24h: v.urgent24h === 'yes',
    });
    if (saved.dangerNow) return reply.redirect('/verwijzen/gevaar', 303);
    return reply.redirect(nextAfter(saved, 3), 303);
  });

  // Danger now: no sign-up through the website; 112 and Veilig Thuis. Nothing is stored.
  app.get('/verwijzen/gevaar', async (req, reply) => {
    const d = (await loadReferralDraft(app, req))?.data;
    const team = d?.teamId ? await teamById(app.db, d.teamId) : null;
    return reply.viewAsync('referral/danger', { team });
  });
}
