// Step 2 of the sign-up: the question and the safety questions; danger now leads to 112 and Veilig Thuis.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { displayPostcode } from '../../../domain/postcode.js';
import { loadDraft, saveDraft, type Draft } from '../../../core/signup-draft.js';
import { questionSchema, topics, abouts, safetyAnswers, safetyValues } from '../../../core/intake.js';
import type { StepPage } from '../../../core/forms.js';
import type { SignupFlow } from '../flow.js';

const URL = '/aanmelden/vraag';

export function questionStep(app: FastifyInstance, flow: SignupFlow): void {
  const { form, ownTeam, returningRoute } = flow;
  const questionPage: StepPage<Draft> = async (reply, d, values, errors, status = 200) =>
    reply.code(status).viewAsync('booking/question', {
      ...flow.view(reply, d, URL),
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
    const d = flow.steps.draft(req);
    if (!d.returningResidentId) return questionSchema;
    const known = d.about ?? 'self';
    return questionSchema.extend({ about: z.preprocess((v) => v || known, questionSchema.shape.about) });
  };

  form(URL, {
    schema: schemaFor,
    page: questionPage,
    values: (d) => ({
      question: d.question ?? '',
      topics: d.topics ?? [],
      about: d.about ?? 'self',
      ...safetyValues(d),
    }),
    config: { lists: ['topics'] },
    store: async (req) => {
      const v = req.body;
      return saveDraft(app, req, { question: v.question, topics: v.topics, about: v.about, ...safetyAnswers(v) });
    },
  });

  app.get('/aanmelden/gevaar', async (req, reply) => {
    const d = (await loadDraft(app, req))?.data;
    return reply.viewAsync('booking/danger', { team: d ? await ownTeam(d) : null });
  });
}
