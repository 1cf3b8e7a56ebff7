// The last referral steps:
//   /verwijzen/vervolg       book a time now, or let the team call the resident to plan
//   /verwijzen/moment        a free time in the team's calendar, the place, a 3-gesprek
//   /verwijzen/controleren   check and send (one transaction stores and mails)
//   /verwijzen/bevestiging   what was arranged; never the resident's manage link (confirmation-routes.ts)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isKtError } from '../../errors.js';
import { distinctTimes, nearest, parseSlotKey, slotKey, type Slot } from '../../domain/slots.js';
import { displayPostcode } from '../../domain/postcode.js';
import { teamFreeSlots } from '../../core/availability.js';
import { blockById, coachesOfBlock } from '../../core/blocks.js';
import { existingBooking } from '../../core/booking.js';
import { loadReferralDraft, markReferralStored, saveReferralDraft, type ReferralDraft } from './draft.js';
import { hasStatusToken } from './repository.js';
import { momentSchema, nextSchema, places, type Place } from './schemas.js';
import { statusTokenFor, submitReferral } from './service.js';
import { isCallback } from './steps.js';
import { referralFlow, type ReferralFlow as Flow, type Values } from './pages.js';
import { confirmationRoute } from './confirmation-routes.js';

declare module '@fastify/secure-session' {
  interface SessionData {
    referralDraft: string;
    /** The referral just stored: its request and the referrer's status link (if any). */
    referred: { requestId: number; appointmentId: number | null; statusToken: string | null };
  }
}

export default async function nextRoutes(app: FastifyInstance) {
  // Its own plugin scope, so its own wizard instance (the guard and draft() of one route match).
  const flow = referralFlow(app);
  nextStepRoutes(app, flow);
  momentRoutes(app, flow);
  checkRoutes(app, flow);
  confirmationRoute(app);
}

/** Step 5: book now, or let the team call. */
function nextStepRoutes(app: FastifyInstance, { form, ownTeam, formPage }: Flow) {
  const URL = '/verwijzen/vervolg';
  form(URL, {
    schema: nextSchema,
    page: formPage('next', URL, async (d) => ({ team: await ownTeam(d) })),
    values: (d) => ({ next: d.next ?? '' }),
    store: (req) => saveReferralDraft(app, req, { next: req.body.next }),
  });
}

/** Step 6: a time, the place, and whether the referrer joins (3-gesprek). */
function momentRoutes(app: FastifyInstance, { form, steps, ownTeam, formPage }: Flow) {
  const URL = '/verwijzen/moment';
  const momentPage = formPage('moment', URL, async (d) => {
    const team = await ownTeam(d);
    const slots = team ? distinctTimes(await teamFreeSlots(app.db, team, app.now())) : [];
    return { team, slots, first: slots[0] ?? null, slotKey, places, organisation: d.organisation };
  });

  form(URL, {
    schema: momentSchema,
    page: momentPage,
    values: (d) => ({
      slot: d.slot ?? '',
      place: d.place ?? 'home',
      threeWay: d.threeWay ? 'yes' : '',
      location: d.location ?? '',
    }),
    save: async (req, reply) => {
      const d = steps.draft(req);
      const v = req.body;
      const team = await ownTeam(d);
      const chosen = parseSlotKey(v.slot);
      const free = chosen && team ? await teamFreeSlots(app.db, team, app.now()) : [];
      const offered =
        chosen && free.some((s) => s.blockId === chosen.blockId && s.start.getTime() === chosen.start.getTime());
      if (!offered) return momentPage(reply, d, v, { slot: 'referral.errors.slotGone' }, 400);
      const saved = await saveReferralDraft(app, req, {
        slot: v.slot,
        place: v.place as Place,
        threeWay: v.place === 'referrer' || v.threeWay === 'yes',
        location: v.place === 'referrer' ? v.location : undefined,
      });
      return reply.redirect(steps.forward(saved, URL), 303);
    },
  });
}

/** Step 7: check and send. */
const CHECK = '/verwijzen/controleren';
/** After "just taken", the referrer may pick one of the nearest times on this same page. */
const checkSchema = z.object({ slot: z.string() });

function checkRoutes(app: FastifyInstance, flow: Flow) {
  const { form, steps, ownTeam } = flow;

  form(CHECK, {
    schema: checkSchema,
    // The one field cannot be wrong (an unknown time is ignored): the page is never shown again for it.
    page: (reply, d, _values, _errors, status) => checkPage(app, flow, reply, d, {}, status),
    values: () => ({}),
    before: [(req, reply) => alreadyStored(app, req, reply)],
    save: async (req, reply) => {
      const d = steps.draft(req);
      const alternative = req.body.slot;
      if (alternative && parseSlotKey(alternative) && !isCallback(d)) d.slot = alternative;
      const team = await ownTeam(d);
      const chosen = !isCallback(d) && d.slot ? parseSlotKey(d.slot) : null;
      try {
        const result = await submitReferral(app.db, {
          d,
          team,
          slot: chosen,
          locale: req.locale,
          now: app.now(),
          secret: app.config.sessionSecret,
          mail: app.mailContext(),
        });
        app.metrics.booked(result, 'referrer');
        app.mail.kick();
        req.session.set('referred', {
          requestId: result.requestId,
          appointmentId: result.appointmentId,
          statusToken: result.statusToken,
        });
        await markReferralStored(app, req, result.requestId);
        return reply.redirect('/verwijzen/bevestiging', 303);
      } catch (err) {
        if (!isKtError(err, 'KT_SLOT_TAKEN', 'KT_SLOT_UNAVAILABLE')) throw err;
        if (alternative) await saveReferralDraft(app, req, { slot: alternative });
        const free: readonly Slot[] =
          err.code === 'KT_SLOT_TAKEN'
            ? err.details.alternatives
            : team
              ? nearest(distinctTimes(await teamFreeSlots(app.db, team, app.now())), chosen?.start ?? app.now(), 3)
              : [];
        return checkPage(app, flow, reply, d, { taken: free }, 409);
      }
    },
  });
}

async function checkPage(
  app: FastifyInstance,
  { ownTeam, render }: Flow,
  reply: FastifyReply,
  d: ReferralDraft,
  extra: Values = {},
  status = 200,
) {
  const team = await ownTeam(d);
  const chosen = !isCallback(d) && d.slot ? parseSlotKey(d.slot) : null;
  const block = chosen ? await blockById(app.db, chosen.blockId) : null;
  const coaches = chosen ? await coachesOfBlock(app.db, chosen.blockId) : [];
  const chosenEnd = chosen && block ? new Date(chosen.start.getTime() + block.slot_minutes * 60_000) : null;
  return render(
    reply,
    'check',
    d,
    CHECK,
    {
      d,
      team,
      chosen,
      chosenEnd,
      coaches,
      callback: isCallback(d),
      slotKey,
      postcode: d.postcode ? displayPostcode(d.postcode) : '',
      ...extra,
    },
    status,
  );
}

/** A repeated submit of a stored referral (a hook before the guard): its confirmation again. */
async function alreadyStored(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
  const loaded = await loadReferralDraft(app, req);
  if (!loaded?.data.bookedRequestId) return;
  const found = await existingBooking(app.db, app.config.sessionSecret, loaded.data.key);
  if (!found) return;
  const token = (await hasStatusToken(app.db, found.requestId))
    ? statusTokenFor(app.config.sessionSecret, loaded.data.key)
    : null;
  req.session.set('referred', { requestId: found.requestId, appointmentId: found.appointmentId, statusToken: token });
  return reply.redirect('/verwijzen/bevestiging', 303);
}
