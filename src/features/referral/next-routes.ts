// The last referral steps:
//   /verwijzen/vervolg       book a time now, or let the team call the resident to plan
//   /verwijzen/moment        a free time in the team's calendar, the place, a 3-gesprek
//   /verwijzen/controleren   check and send (one transaction stores and mails)
//   /verwijzen/bevestiging   what was arranged; never the resident's manage link (confirmation-routes.ts)
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Team } from '../../db/schema.js';
import { isKtError } from '../../errors.js';
import { distinctTimes, nearest, parseSlotKey, slotKey, type Slot } from '../../domain/slots.js';
import { displayPostcode } from '../../domain/postcode.js';
import { teamFreeSlots } from '../../core/availability.js';
import { blockById, coachesOfBlock } from '../../core/blocks.js';
import { teamById } from '../../core/teams.js';
import { fieldErrors } from '../../core/forms.js';
import { existingBooking } from '../../core/booking.js';
import { loadReferralDraft, markReferralStored, saveReferralDraft, type ReferralDraft } from './draft.js';
import { hasStatusToken } from './repository.js';
import { momentSchema, nextSchema, pick, places, type Place } from './schemas.js';
import { statusTokenFor, submitReferral } from './service.js';
import { backFrom, isCallback, nextAfter, redirectFor, TOTAL_STEPS } from './steps.js';
import { confirmationRoute } from './confirmation-routes.js';

type Values = Record<string, unknown>;
type Errors = Record<string, string>;

declare module '@fastify/secure-session' {
  interface SessionData {
    referralDraft: string;
    /** The referral just stored: its request and the referrer's status link (if any). */
    referred: { requestId: number; appointmentId: number | null; statusToken: string | null };
  }
}

export default async function nextRoutes(app: FastifyInstance) {
  const flow = referralFlow(app);
  nextStepRoutes(app, flow);
  momentRoutes(app, flow);
  checkRoutes(app, flow);
  confirmationRoute(app);
}

/** What the last steps share: the draft guard, the team, the page with its step counter. */
function referralFlow(app: FastifyInstance) {
  const publicPost = { config: { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } } };

  async function draftFor(req: FastifyRequest, reply: FastifyReply, index: number): Promise<ReferralDraft | null> {
    const d = (await loadReferralDraft(app, req))?.data ?? null;
    const live = d && !d.bookedRequestId ? d : null;
    const to = redirectFor(live, index);
    if (to) {
      await reply.redirect(to, 303);
      return null;
    }
    return live;
  }

  const ownTeam = async (d: ReferralDraft): Promise<Team | null> => (d.teamId ? teamById(app.db, d.teamId) : null);
  const render = (reply: FastifyReply, view: string, step: number, data: Values, status = 200) =>
    reply.code(status).viewAsync(`referral/${view}`, { step, totalSteps: TOTAL_STEPS, ...data });
  return { publicPost, draftFor, ownTeam, render };
}

type Flow = ReturnType<typeof referralFlow>;

/** Step 5: book now, or let the team call. */
function nextStepRoutes(app: FastifyInstance, { publicPost, draftFor, ownTeam, render }: Flow) {
  const nextPage = async (reply: FastifyReply, d: ReferralDraft, values: Values, errors: Errors, status = 200) =>
    render(reply, 'next', 5, { values, errors, team: await ownTeam(d) }, status);

  app.get('/verwijzen/vervolg', async (req, reply) => {
    const d = await draftFor(req, reply, 4);
    if (!d) return reply;
    if (d.urgent24h || d.outOfArea) return reply.redirect('/verwijzen/controleren', 303);
    return nextPage(reply, d, { next: d.next ?? '' }, {});
  });

  app.post('/verwijzen/vervolg', publicPost, async (req, reply) => {
    const d = await draftFor(req, reply, 4);
    if (!d) return reply;
    const values = pick(req.body, ['next']);
    const parsed = nextSchema.safeParse(values);
    if (!parsed.success) return nextPage(reply, d, values, fieldErrors(parsed.error), 400);
    const saved = await saveReferralDraft(app, req, { next: parsed.data.next });
    return reply.redirect(nextAfter(saved, 4), 303);
  });
}

/** Step 6: a time, the place, and whether the referrer joins (3-gesprek). */
function momentRoutes(app: FastifyInstance, { publicPost, draftFor, ownTeam, render }: Flow) {
  async function momentPage(reply: FastifyReply, d: ReferralDraft, values: Values, errors: Errors, status = 200) {
    const team = await ownTeam(d);
    const slots = team ? distinctTimes(await teamFreeSlots(app.db, team, app.now())) : [];
    return render(
      reply,
      'moment',
      6,
      { values, errors, team, slots, first: slots[0] ?? null, slotKey, places, organisation: d.organisation },
      status,
    );
  }

  app.get('/verwijzen/moment', async (req, reply) => {
    const d = await draftFor(req, reply, 5);
    if (!d) return reply;
    if (isCallback(d)) return reply.redirect('/verwijzen/controleren', 303);
    return momentPage(
      reply,
      d,
      { slot: d.slot ?? '', place: d.place ?? 'home', threeWay: d.threeWay ? 'yes' : '', location: d.location ?? '' },
      {},
    );
  });

  app.post('/verwijzen/moment', publicPost, async (req, reply) => {
    const d = await draftFor(req, reply, 5);
    if (!d) return reply;
    if (isCallback(d)) return reply.redirect('/verwijzen/controleren', 303);
    const values = pick(req.body, ['slot', 'place', 'threeWay', 'location']);
    const parsed = momentSchema.safeParse(values);
    const team = await ownTeam(d);
    const chosen = parsed.success ? parseSlotKey(parsed.data.slot) : null;
    const free = chosen && team ? await teamFreeSlots(app.db, team, app.now()) : [];
    const offered =
      chosen && free.some((s) => s.blockId === chosen.blockId && s.start.getTime() === chosen.start.getTime());
    if (!parsed.success || !offered) {
      const errors = parsed.success ? { slot: 'referral.errors.slotGone' } : fieldErrors(parsed.error);
      return momentPage(reply, d, values, errors, 400);
    }
    const v = parsed.data;
    await saveReferralDraft(app, req, {
      slot: v.slot,
      place: v.place as Place,
      threeWay: v.place === 'referrer' || v.threeWay === 'yes',
      location: v.place === 'referrer' ? v.location : undefined,
    });
    return reply.redirect('/verwijzen/controleren', 303);
  });
}

/** Step 7: check and send. */
function checkRoutes(app: FastifyInstance, flow: Flow) {
  const { publicPost, draftFor, ownTeam } = flow;

  app.get('/verwijzen/controleren', async (req, reply) => {
    const d = await draftFor(req, reply, 6);
    if (!d) return reply;
    return checkPage(app, flow, reply, d);
  });

  app.post('/verwijzen/controleren', publicPost, async (req, reply) => {
    if (await alreadyStored(app, req, reply)) return reply;
    const d = await draftFor(req, reply, 6);
    if (!d) return reply;
    // After "just taken", the referrer picks one of the nearest times on this same page.
    const alternative = pick(req.body, ['slot']).slot!;
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
    7,
    {
      d,
      team,
      chosen,
      chosenEnd,
      coaches,
      callback: isCallback(d),
      back: backFrom(d, 6),
      slotKey,
      postcode: d.postcode ? displayPostcode(d.postcode) : '',
      ...extra,
    },
    status,
  );
}

/** A repeated submit of a stored referral: its confirmation again. */
async function alreadyStored(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const loaded = await loadReferralDraft(app, req);
  if (!loaded?.data.bookedRequestId) return false;
  const found = await existingBooking(app.db, app.config.sessionSecret, loaded.data.key);
  if (!found) return false;
  const token = (await hasStatusToken(app.db, found.requestId))
    ? statusTokenFor(app.config.sessionSecret, loaded.data.key)
    : null;
  req.session.set('referred', { requestId: found.requestId, appointmentId: found.appointmentId, statusToken: token });
  await reply.redirect('/verwijzen/bevestiging', 303);
  return true;
}
