// Step 1 of the sign-up: where do you live (postcode, house number) -> team.
import type { FastifyInstance } from 'fastify';
import { displayPostcode } from '../../../domain/postcode.js';
import { loadDraft, saveDraft } from '../../../core/signup-draft.js';
import { teamForPostcode } from '../../../core/teams.js';
import { whereSchema } from '../../../core/intake.js';
import { fieldErrors } from '../../../core/forms.js';
import { str, type Body, type SignupFlow } from '../flow.js';

export function whereStep(app: FastifyInstance, flow: SignupFlow): void {
  const { publicPost } = flow;
  // Step 1: where do you live.
  app.get('/aanmelden', async (req, reply) => {
    const d = (await loadDraft(app, req))?.data;
    return reply.viewAsync('booking/where', {
      values: { postcode: d?.postcode ? displayPostcode(d.postcode) : '', houseNumber: d?.houseNumber ?? '' },
      errors: {},
    });
  });

  app.post('/aanmelden', publicPost, async (req, reply) => {
    const body = req.body as Body;
    const parsed = whereSchema.safeParse({ postcode: str(body, 'postcode'), houseNumber: str(body, 'houseNumber') });
    if (!parsed.success) {
      return reply.code(400).viewAsync('booking/where', {
        values: { postcode: str(body, 'postcode'), houseNumber: str(body, 'houseNumber') },
        errors: fieldErrors(parsed.error),
      });
    }
    const team = await teamForPostcode(app.db, parsed.data.postcode);
    await saveDraft(app, req, {
      postcode: parsed.data.postcode,
      houseNumber: parsed.data.houseNumber,
      teamId: team?.id ?? null,
      outOfArea: !team,
      slot: undefined,
      slotTeamId: undefined,
    });
    return reply.redirect('/aanmelden/vraag', 303);
  });
}
