// Step 2 of the sign-up: the question and the safety questions; danger now leads to 112 and Veilig Thuis.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { displayPostcode } from '../../../domain/postcode.js';
import { loadDraft, saveDraft, type Draft } from '../../../core/signup-draft.js';
import { questionSchema, topics, abouts } from '../../../core/intake.js';
import { formBody, type Form } from '../../../core/forms.js';
import type { SignupFlow } from '../flow.js';

const URL = '/aanmelden/vraag';
const yn = (b: boolean | undefined) => (b === undefined ? '' : b ? 'yes' : 'no');

export function questionStep(app: FastifyInstance, flow: SignupFlow): void {
  const { publicPost, steps, ownTeam, returningRoute } = flow;
  const questionPage = async (
    reply: FastifyReply,
    d: Draft,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.code(status).viewAsync('booking/question', {
      ...steps.view(d, URL),
      team: await ownTeam(d),
      outOfArea: d.outOfArea,
      postcode: d.postcode ? displayPostcode(d.postcode) : '',
      values,
      errors,
      topics,
      abouts,
      returning: d.returningResidentId ? { route: await returningRoute(d), name: d.name ?? '' } : null,
    });

  // A returning resident is asked only the new question and the safety questions.
  const schemaFor = (req: FastifyRequest) => {
    const d = steps.draft(req);
    if (!d.returningResidentId) return questionSchema;
    const known = d.about ?? 'self';
    return questionSchema.extend({ about: z.preprocess((v) => v || known, questionSchema.shape.about) });
  };

  app.get(URL, { preValidation: steps.guard(URL) }, async (req, reply) => {
    const d = steps.draft(req);
    const values = {
      question: d.question ?? '',
      topics: d.topics ?? [],
      about: d.about ?? 'self',
      dangerNow: yn(d.dangerNow),
      urgent24h: yn(d.urgent24h),
    };
    return questionPage(reply, d, values, {});
  });

  app.post<Form<ReturnType<typeof schemaFor>>>(
    URL,
    {
      config: { ...publicPost, lists: ['topics'] },
      preValidation: [
        steps.guard(URL),
        formBody(schemaFor, (req, reply, input, errors) => questionPage(reply, steps.draft(req), input, errors, 400)),
      ],
    },
    async (req, reply) => {
      const v = req.body;
      const saved = await saveDraft(app, req, {
        question: v.question,
        topics: v.topics,
        about: v.about,
        dangerNow: v.dangerNow === 'yes',
        urgent24h: v.urgent24h === 'yes',
      });
      return reply.redirect(steps.forward(saved, URL), 303);
    },
  );

  app.get('/aanmelden/gevaar', async (req, reply) => {
    const d = (await loadDraft(app, req))?.data;
    return reply.viewAsync('booking/danger', { team: d ? await ownTeam(d) : null });
  });
}
