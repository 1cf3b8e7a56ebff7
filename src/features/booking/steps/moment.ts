// Step 3 of the sign-up: choose a free time and how to meet.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseSlotKey, slotKey } from '../../../domain/slots.js';
import { saveDraft, type Draft } from '../../../core/signup-draft.js';
import { audit } from '../../../core/audit.js';
import { modes, momentSchema } from '../../../core/intake.js';
import {
  formBody,
  postedInput,
  returnMarkerOf,
  staleForm,
  type FieldErrors,
  type Form,
  type FormInput,
} from '../../../core/forms.js';
import type { SignupFlow } from '../flow.js';

const URL = '/aanmelden/moment';

export function momentStep(app: FastifyInstance, flow: SignupFlow): void {
  const { publicPost, steps, momentData } = flow;
  app.get(URL, { preValidation: steps.guard(URL) }, async (req, reply) => {
    const d = steps.draft(req);
    return momentPage(app, flow, req, reply, d, { slot: d.slot ?? '', mode: d.mode ?? 'home' }, {});
  });

  // No way of meeting chosen is a visit at home, as the form's first choice.
  const schema = momentSchema.extend({ mode: z.preprocess((v) => v || 'home', momentSchema.shape.mode) });
  const invalid = (req: FastifyRequest, reply: FastifyReply, input: FormInput, errors: FieldErrors) =>
    momentPage(
      app,
      flow,
      req,
      reply,
      steps.draft(req),
      { slot: String(input.slot), mode: String(input.mode) || 'home' },
      errors,
      400,
    );

  app.post<Form<typeof schema>>(
    URL,
    {
      config: publicPost,
      preValidation: [steps.guard(URL), formBody(schema, invalid)],
      // A stale form: the time and way of meeting shown again as chosen, with a new token; nothing saved.
      errorHandler: staleForm(async (req, reply) => {
        const r = await steps.resolve(req, URL);
        if (r.to !== null) return reply.redirect(r.to, 303);
        const input = postedInput(req, schema);
        return momentPage(
          app,
          flow,
          req,
          reply,
          r.d,
          { slot: String(input.slot), mode: String(input.mode) || 'home' },
          {},
          403,
        );
      }),
    },
    async (req, reply) => {
      const d = steps.draft(req);
      const data = await momentData(d);
      const chosen = parseSlotKey(req.body.slot);
      const offered =
        chosen && data?.slots.some((s) => s.blockId === chosen.blockId && s.start.getTime() === chosen.start.getTime());
      if (!offered) return invalid(req, reply, req.body, { slot: 'booking.errors.slotGone' });
      const saved = await saveDraft(app, req, { slot: req.body.slot, mode: req.body.mode, slotTeamId: data!.team.id });
      return reply.redirect(steps.forward(saved, URL, returnMarkerOf(req)), 303);
    },
  );
}

/** The calendar page: the free times of the own team (or a neighbour's when it is full). */
async function momentPage(
  app: FastifyInstance,
  flow: SignupFlow,
  req: FastifyRequest,
  reply: FastifyReply,
  d: Draft,
  values: Record<string, string>,
  errors: Record<string, string>,
  status = 200,
) {
  const { momentData } = flow;
  const data = await momentData(d);
  if (!data) return reply.redirect('/aanmelden/gegevens', 303);
  if (data.full && !d.noCapacityLogged) {
    // The alarm and the draft's note that it was raised are written together: a stop between
    // them would count this resident twice.
    await saveDraft(app, req, { noCapacityLogged: true }, (trx) =>
      audit(trx, {
        action: 'no_capacity',
        at: app.now(),
        teamId: data.ownTeam.id,
        detail: { offeredTeamId: data.team.id === data.ownTeam.id ? null : data.team.id },
      }),
    );
  }
  // `taken` is the check step's: never on this page.
  const view = {
    ...flow.view(reply, d, URL),
    redoText:
      (req.query as Record<string, unknown>).reden === 'team'
        ? req.t('booking.change.redoMoment', { team: data.ownTeam.name })
        : req.t('booking.change.redoMomentPlain'),
    ...data,
    first: data.slots[0] ?? null,
    slotKey,
    values,
    errors,
    modes,
    taken: null,
  };
  // The plain calendar page (most of the portal's traffic) is the same for everyone who sees
  // the same free times: kept for as long as that list of times is.
  if (status === 200 && Object.keys(errors).length === 0 && !data.returning && Object.isFrozen(data.slots)) {
    return reply.viewKept(
      data.slots,
      `${data.team.id}|${data.ownTeam.id}|${data.full}|${values.slot}|${values.mode}`,
      'booking/moment',
      view,
    );
  }
  return reply.code(status).viewAsync('booking/moment', view);
}
