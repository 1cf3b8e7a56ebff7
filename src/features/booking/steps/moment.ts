// Step 3 of the sign-up: choose a free time and how to meet.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseSlotKey, slotKey, type Slot } from '../../../domain/slots.js';
import { saveDraft, type Draft } from '../../../core/signup-draft.js';
import { audit } from '../../../core/audit.js';
import { modes, momentSchema } from '../../../core/intake.js';
import { fieldErrors } from '../../../core/forms.js';
import { str, type Body, type SignupFlow } from '../flow.js';

export function momentStep(app: FastifyInstance, flow: SignupFlow): void {
  const { publicPost, requireBookable, momentData } = flow;
  // Step 3: choose a moment.
  async function momentPage(
    req: FastifyRequest,
    reply: FastifyReply,
    d: Draft,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
    taken?: Slot[],
  ) {
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
    const view = { ...data, first: data.slots[0] ?? null, slotKey, values, errors, modes, taken: taken ?? null };
    // The plain calendar page (most of the portal's traffic) is the same for everyone who sees
    // the same free times: kept for as long as that list of times is.
    if (
      status === 200 &&
      !taken &&
      Object.keys(errors).length === 0 &&
      !data.returning &&
      Object.isFrozen(data.slots)
    ) {
      return reply.viewKept(
        data.slots,
        `${data.team.id}|${data.ownTeam.id}|${data.full}|${values.slot}|${values.mode}`,
        'booking/moment',
        view,
      );
    }
    return reply.code(status).viewAsync('booking/moment', view);
  }

  app.get('/aanmelden/moment', async (req, reply) => {
    const d = await requireBookable(req, reply, (x) => Boolean(x.question) && !x.outOfArea);
    if (!d) return reply;
    return momentPage(req, reply, d, { slot: d.slot ?? '', mode: d.mode ?? 'home' }, {});
  });

  app.post('/aanmelden/moment', publicPost, async (req, reply) => {
    const d = await requireBookable(req, reply, (x) => Boolean(x.question) && !x.outOfArea);
    if (!d) return reply;
    const body = req.body as Body;
    const values = { slot: str(body, 'slot'), mode: str(body, 'mode') || 'home' };
    const parsed = momentSchema.safeParse(values);
    const data = await momentData(d);
    const chosen = parsed.success ? parseSlotKey(parsed.data.slot) : null;
    const offered =
      chosen && data?.slots.some((s) => s.blockId === chosen.blockId && s.start.getTime() === chosen.start.getTime());
    if (!parsed.success || !offered) {
      const errors = parsed.success ? { slot: 'booking.errors.slotGone' } : fieldErrors(parsed.error);
      return momentPage(req, reply, d, values, errors, 400);
    }
    await saveDraft(app, req, { slot: parsed.data.slot, mode: parsed.data.mode, slotTeamId: data!.team.id });
    return reply.redirect('/aanmelden/gegevens', 303);
  });
}
