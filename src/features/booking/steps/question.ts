// Step 2 of the sign-up: the question and the safety questions; danger now leads to 112 and Veilig Thuis.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { displayPostcode } from '../../../domain/postcode.js';
import { loadDraft, saveDraft, type Draft } from '../../../core/signup-draft.js';
import { questionSchema, topics, abouts } from '../../../core/intake.js';
import { fieldErrors } from '../../../core/forms.js';
import { str, type Body, type SignupFlow } from '../flow.js';

export function questionStep(app: FastifyInstance, flow: SignupFlow): void {
  const { publicPost, requireDraft, ownTeam, returningRoute } = flow;
  // Step 2: the question and the safety questions.
  const questionPage = async (
    reply: FastifyReply,
    d: Draft,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.code(status).viewAsync('booking/question', {
      team: await ownTeam(d),
      outOfArea: d.outOfArea,
      postcode: d.postcode ? displayPostcode(d.postcode) : '',
      values,
      errors,
      topics,
      abouts,
      returning: d.returningResidentId ? { route: await returningRoute(d), name: d.name ?? '' } : null,
    });

  app.get('/aanmelden/vraag', async (req, reply) => {
    const d = await requireDraft(req, reply, (x) => Boolean(x.postcode));
    if (!d) return reply;
    return questionPage(
      reply,
      d,
      {
        question: d.question ?? '',
        topics: d.topics ?? [],
        about: d.about ?? 'self',
        dangerNow: d.dangerNow === undefined ? '' : d.dangerNow ? 'yes' : 'no',
        urgent24h: d.urgent24h === undefined ? '' : d.urgent24h ? 'yes' : 'no',
      },
      {},
    );
  });

  app.post('/aanmelden/vraag', { config: { ...publicPost.config, lists: ['topics'] } }, async (req, reply) => {
    const d = await requireDraft(req, reply, (x) => Boolean(x.postcode));
    if (!d) return reply;
    const body = req.body as Body;
    // A returning resident is asked only the new question and the safety questions.
    const about = str(body, 'about') || (d.returningResidentId ? (d.about ?? 'self') : '');
    const input = {
      question: str(body, 'question'),
      topics: body.topics,
      about,
      dangerNow: str(body, 'dangerNow'),
      urgent24h: str(body, 'urgent24h'),
    };
    const parsed = questionSchema.safeParse(input);
    if (!parsed.success) {
      const kept = {
        ...input,
        topics: Array.isArray(input.topics) ? input.topics : input.topics ? [input.topics] : [],
      };
      return questionPage(reply, d, kept, fieldErrors(parsed.error), 400);
    }
    const v = parsed.data;
    await saveDraft(app, req, {
      question: v.question,
      topics: v.topics,
      about: v.about,
      dangerNow: v.dangerNow === 'yes',
      urgent24h: v.urgent24h === 'yes',
    });
    if (v.dangerNow === 'yes') return reply.redirect('/aanmelden/gevaar', 303);
    if (v.urgent24h === 'yes') return reply.redirect('/aanmelden/terugbellen', 303);
    return reply.redirect(d.outOfArea ? '/aanmelden/gegevens' : '/aanmelden/moment', 303);
  });

  app.get('/aanmelden/gevaar', async (req, reply) => {
    const d = (await loadDraft(app, req))?.data;
    return reply.viewAsync('booking/danger', { team: d ? await ownTeam(d) : null });
  });
}
