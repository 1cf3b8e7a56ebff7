// Step 1 of the sign-up: where do you live (postcode, house number) -> team.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { displayPostcode } from '../../../domain/postcode.js';
import { loadDraft, saveDraft, type Draft } from '../../../core/signup-draft.js';
import { teamForPostcode } from '../../../core/teams.js';
import { whereSchema } from '../../../core/intake.js';
import { formBody, postedInput, returnMarkerOf, staleForm, type Form } from '../../../core/forms.js';
import type { SignupFlow } from '../flow.js';

const URL = '/aanmelden';

export function whereStep(app: FastifyInstance, flow: SignupFlow): void {
  const { publicPost, steps } = flow;
  const wherePage = (
    reply: FastifyReply,
    d: Draft,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) => {
    // `?verlopen=1`: the session's earlier answers were lost (the wizard sent the resident here).
    const lostSession = (reply.request.query as Record<string, unknown>).verlopen === '1';
    return reply.code(status).viewAsync('booking/where', {
      ...flow.view(reply, d, URL),
      values,
      errors,
      lostSession,
      kept: Boolean(d.question || d.consent),
    });
  };

  app.get(URL, { preValidation: steps.guard(URL) }, async (req, reply) => {
    const d = steps.draft(req);
    return wherePage(
      reply,
      d,
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
        formBody(whereSchema, (req, reply, input, errors) =>
          wherePage(reply, steps.draft(req), input as Record<string, string>, errors, 400),
        ),
      ],
      // A stale form: shown again as typed, with a new token; nothing saved.
      errorHandler: staleForm(async (req, reply) => {
        const d = (await loadDraft(app, req))?.data ?? { key: '' };
        return wherePage(reply, d, postedInput(req, whereSchema) as Record<string, string>, {}, 403);
      }),
    },
    async (req, reply) => {
      const team = await teamForPostcode(app.db, req.body.postcode);
      const before = steps.draft(req);
      // The chosen time stays only while the address stays with the same team.
      const sameTeam = before.postcode !== undefined && (before.teamId ?? null) === (team?.id ?? null);
      const saved = await saveDraft(app, req, {
        postcode: req.body.postcode,
        houseNumber: req.body.houseNumber,
        teamId: team?.id ?? null,
        outOfArea: !team,
        ...(sameTeam ? {} : { slot: undefined, slotTeamId: undefined, noCapacityLogged: undefined }),
      });
      const to = steps.forward(saved, URL, returnMarkerOf(req));
      // A time must be chosen again because the address moved to another team: the page says why.
      const why =
        !sameTeam && before.postcode !== undefined && to.startsWith('/aanmelden/moment?') ? '&reden=team' : '';
      return reply.redirect(`${to}${why}`, 303);
    },
  );
}
