// Step 5 of the sign-up: check and confirm (one transaction books), then the confirmation.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Team } from '../../../db/schema.js';
import { isKtError, type KtError } from '../../../errors.js';
import { distinctTimes, nearest, parseSlotKey, slotKey, type Slot } from '../../../domain/slots.js';
import { displayPostcode } from '../../../domain/postcode.js';
import { isWeekend, local } from '../../../domain/time.js';
import { teamFreeSlots } from '../../../core/availability.js';
import { markDraftBooked, saveDraft, type Draft } from '../../../core/signup-draft.js';
import { blockById, coachesOfBlock } from '../../../core/blocks.js';
import { teamById } from '../../../core/teams.js';
import { residentFromDraft } from '../../../core/booking-rows.js';
import { book, type BookInput } from '../../../core/booking.js';
import { loadAppointmentByToken } from '../../../core/managed-appointment.js';
import { returningBooking } from '../../returning/service.js';
import type { SignupFlow } from '../flow.js';
import { EXISTING_URL, existingFor, existingRoute } from './existing.js';

const URL = '/aanmelden/controleren';
/** After "just taken", the resident may pick one of the alternatives on this same page. */
const checkSchema = z.object({ slot: z.string() });

export function checkStep(app: FastifyInstance, flow: SignupFlow): void {
  const { form, steps, alreadyBooked, mailCtx } = flow;

  form(URL, {
    schema: checkSchema,
    // The one field cannot be wrong (an unknown time is ignored): the page is never shown again for it.
    page: (reply, d, _values, _errors, status) => checkPage(app, flow, reply, d, {}, status),
    values: () => ({}),
    before: [alreadyBooked],
    save: async (req, reply) => {
      const d = steps.draft(req);
      const alternative = req.body.slot;
      if (alternative && parseSlotKey(alternative)) d.slot = alternative;
      const chosen = d.slot ? parseSlotKey(d.slot) : null;
      const team = await slotTeam(app, flow, d);
      try {
        const result = await book(app.db, {
          ...bookingOf(app, flow, req, d, team, chosen),
          mail: mailCtx(),
          ...(await returningBooking(app.db, d, team?.id ?? null, app.now(), app.config.publicUrl)),
        });
        app.metrics.booked(result, 'online');
        app.mail.kick();
        req.session.set('booked', { requestId: result.requestId, token: result.manageToken });
        await markDraftBooked(app, req, result.requestId);
        return reply.redirect('/aanmelden/bevestiging', 303);
      } catch (err) {
        if (!isKtError(err, 'KT_SLOT_TAKEN', 'KT_SLOT_UNAVAILABLE')) throw err;
        if (err.code === 'KT_SLOT_TAKEN') await saveDraft(app, req, { slot: alternative || d.slot });
        const taken = await nearestFree(app, flow, d, team, chosen?.start ?? app.now(), err);
        return checkPage(app, flow, reply, d, { taken }, 409);
      }
    },
  });

  existingRoute(app, flow);
  confirmationRoute(app);
}

/** The team of the chosen time: a neighbour's when the resident took a time there. */
async function slotTeam(app: FastifyInstance, flow: SignupFlow, d: Draft): Promise<Team | null> {
  return d.slotTeamId ? teamById(app.db, d.slotTeamId) : flow.ownTeam(d);
}

async function checkPage(
  app: FastifyInstance,
  flow: SignupFlow,
  reply: FastifyReply,
  d: Draft,
  extra: Record<string, unknown> = {},
  status = 200,
) {
  const chosen = d.slot ? parseSlotKey(d.slot) : null;
  const team = await slotTeam(app, flow, d);
  const coaches = chosen ? await coachesOfBlock(app.db, chosen.blockId) : [];
  const block = chosen ? await blockById(app.db, chosen.blockId) : null;
  const chosenEnd = chosen && block ? new Date(chosen.start.getTime() + block.slot_minutes * 60_000) : null;
  return reply.code(status).viewAsync('booking/check', {
    ...flow.steps.view(d, URL),
    d,
    team,
    chosen,
    chosenEnd,
    coaches,
    slotKey,
    postcode: d.postcode ? displayPostcode(d.postcode) : '',
    existing: await existingFor(app, d),
    existingUrl: EXISTING_URL,
    ...extra,
  });
}

/** The booking the draft asks for (without the mail context and the returning resident's part). */
function bookingOf(
  app: FastifyInstance,
  flow: SignupFlow,
  req: FastifyRequest,
  d: Draft,
  team: Team | null,
  chosen: { blockId: number; start: Date } | null,
): Omit<BookInput, 'mail'> {
  return {
    team,
    resident: residentFromDraft(d, req.locale),
    request: flow.request(d, team, { urgent24h: false, companion: d.companion || null }),
    slot:
      chosen && team && !d.outOfArea ? { blockId: chosen.blockId, start: chosen.start, mode: d.mode ?? 'home' } : null,
    now: app.now(),
    secret: app.config.sessionSecret,
  };
}

/**
 * The nearest free times after the chosen one was taken or is no longer bookable. A returning
 * resident's come from the same coach's times; otherwise a taken time's error holds them.
 */
async function nearestFree(
  app: FastifyInstance,
  flow: SignupFlow,
  d: Draft,
  team: Team | null,
  target: Date,
  err: KtError<'KT_SLOT_TAKEN' | 'KT_SLOT_UNAVAILABLE'>,
): Promise<readonly Slot[]> {
  if (d.returningResidentId) return nearest((await flow.momentData(d))?.slots ?? [], target, 3);
  if (err.code === 'KT_SLOT_TAKEN') return err.details.alternatives;
  return team ? nearest(distinctTimes(await teamFreeSlots(app.db, team, app.now())), target, 3) : [];
}

function confirmationRoute(app: FastifyInstance) {
  app.get('/aanmelden/bevestiging', async (req, reply) => {
    const booked = req.session.get('booked') as
      | { requestId: number; token: string | null; callback?: boolean; urgent?: boolean; teamId?: number | null }
      | undefined;
    if (!booked) return reply.redirect('/aanmelden', 303);
    const appointment = booked.token ? await loadAppointmentByToken(app.db, booked.token) : null;
    const team = appointment
      ? await teamById(app.db, appointment.team_id)
      : booked.teamId
        ? await teamById(app.db, booked.teamId)
        : null;
    // An urgent call-back is promised for today on a working day before 16:00; otherwise the
    // page says when (the next working morning) and points to 112 and Veilig Thuis.
    const nowLocal = local(app.now());
    const callbackToday = !isWeekend(nowLocal) && nowLocal.hour < 16;
    return reply.viewAsync('booking/confirmation', {
      appointment,
      token: booked.token,
      callback: booked.callback === true,
      urgent: booked.urgent === true,
      callbackToday,
      team,
    });
  });
}
