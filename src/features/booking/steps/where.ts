// Step 1 of the sign-up: where do you live (postcode, house number) -> team.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { displayPostcode } from '../../../domain/postcode.js';
import { saveDraft } from '../../../core/signup-draft.js';
import { teamForPostcode } from '../../../core/teams.js';
import { whereSchema } from '../../../core/intake.js';
import { formBody, type Form } from '../../../core/forms.js';
import type { SignupFlow } from '../flow.js';

const URL = '/aanmelden';

export function whereStep(app: FastifyInstance, flow: SignupFlow): void {
  const { publicPost, steps } = flow;
  const wherePage = (
    reply: FastifyReply,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) => reply.code(status).viewAsync('booking/where', { ...steps.view({ key: '' }, URL), values, errors });

  app.get(URL, { preValidation: steps.guard(URL) }, async (req, reply) => {
    const d = steps.draft(req);
    return wherePage(
      reply,
      { postcode: d.postcode ? displayPostcode(d.postcode) : '', houseNumber: d.houseNumber ?? '' },
      {},
    );
  });

  app.post<Form<typeof whereSchema>>(
    URL,
    {
      config: publicPost,
      preValidation: [
        steps.guard(URL),
        formBody(whereSchema, (_req, reply, input, errors) =>
          wherePage(reply, input as Record<string, string>, errors, 400),
        ),
      ],
    },
    async (req, reply) => {
      const team = await teamForPostcode(app.db, req.body.postcode);
      const saved = await saveDraft(app, req, {
        postcode: req.body.postcode,
        houseNumber: req.body.houseNumber,
        teamId: team?.id ?? null,
        outOfArea: !team,
        slot: undefined,
        slotTeamId: undefined,
      });
      return reply.redirect(steps.forward(saved, URL), 303);
    },
  );
}
