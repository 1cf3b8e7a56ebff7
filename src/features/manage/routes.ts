// The resident's manage link: /afspraak/<token>. View, reschedule, cancel. The link stops
// working once the appointment is over.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isKtError, ktError } from '../../errors.js';
import { distinctTimes, parseSlotKey, slotKey, type Slot } from '../../domain/slots.js';
import { teamFreeSlots } from '../../core/availability.js';
import { teamById } from '../../core/teams.js';
import { modes } from '../../core/intake.js';
import { loadAppointmentByToken, type ManagedAppointment } from '../../core/managed-appointment.js';
import { cancel, reschedule, type PlaceChoice } from './service.js';
import { publicScope } from '../../plugins/access.js';
import { consentRoutes } from './consent-routes.js';
import { feedbackConsentOf } from './consent-service.js';

type Params = { token: string };
type Choice = PlaceChoice;
type Body = Record<string, string | string[] | undefined>;
const REASON_MAX = 1000;

/** Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute). */
const publicPost = (app: FastifyInstance) => ({
  config: { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } },
});

export default async function manageRoutes(app: FastifyInstance) {
  // Every page here is for residents, referrers and anyone else: no login.
  publicScope(app);
  app.get<{ Params: Params }>('/afspraak/:token', async (req, reply) => {
    const a = await load(app, req);
    const done = (req.query as Record<string, string>).klaar;
    return reply.viewAsync('manage/show', {
      a,
      token: req.params.token,
      done: ['verzet', 'geannuleerd', 'toestemming'].includes(done ?? '') ? done : null,
      consent: await feedbackConsentOf(app.db, a.request_id),
    });
  });
  rescheduleRoutes(app);
  cancelRoutes(app);
  consentRoutes(app, (req) => load(app, req));
}

/**
 * The ways of meeting the resident may choose. A 3-gesprek keeps its referrer's place on offer
 * (the address stays stored while another way is chosen, so it can be chosen again).
 */
function choicesOf(a: ManagedAppointment): readonly Choice[] {
  return a.referrer_location ? ['referrer', ...modes] : modes;
}

/** The place of the appointment now, as the form names it. */
function currentChoice(a: ManagedAppointment): Choice {
  return a.place.kind === 'referrer' ? 'referrer' : a.mode;
}

/** The appointment of the link: 404 when unknown, 410 when over (or, for changes, not booked). */
async function load(
  app: FastifyInstance,
  req: FastifyRequest<{ Params: Params }>,
  opts: { mustBeBooked?: boolean } = {},
): Promise<ManagedAppointment> {
  const a = await loadAppointmentByToken(app.db, req.params.token);
  if (!a) throw ktError('KT_NOT_FOUND', 'unknown manage token');
  if (a.ends_at <= app.now()) throw ktError('KT_GONE', 'appointment is over');
  if (opts.mustBeBooked && a.status !== 'booked') throw ktError('KT_GONE', 'appointment is not active');
  return a;
}

/** /afspraak/<token>/verzetten: another free time (and way of meeting). */
function rescheduleRoutes(app: FastifyInstance) {
  async function reschedulePage(
    reply: FastifyReply,
    a: ManagedAppointment,
    token: string,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
    taken: readonly Slot[] | null = null,
  ) {
    const team = (await teamById(app.db, a.team_id))!;
    const slots = distinctTimes(await teamFreeSlots(app.db, team, app.now()));
    return reply.code(status).viewAsync('manage/reschedule', {
      a,
      token,
      slots,
      first: slots[0] ?? null,
      slotKey,
      values,
      errors,
      modes: choicesOf(a),
      taken,
    });
  }

  app.get<{ Params: Params }>('/afspraak/:token/verzetten', async (req, reply) => {
    const a = await load(app, req, { mustBeBooked: true });
    return reschedulePage(reply, a, req.params.token, { slot: '', mode: currentChoice(a) }, {});
  });

  app.post<{ Params: Params }>('/afspraak/:token/verzetten', publicPost(app), async (req, reply) => {
    const a = await load(app, req, { mustBeBooked: true });
    const body = req.body as Body;
    const values = {
      slot: typeof body.slot === 'string' ? body.slot : '',
      mode: typeof body.mode === 'string' ? body.mode : currentChoice(a),
    };
    const target = parseSlotKey(values.slot);
    const mode = (choicesOf(a) as readonly string[]).includes(values.mode) ? (values.mode as Choice) : null;
    if (!target || !mode) {
      const errors = {
        ...(target ? {} : { slot: 'booking.errors.slotEmpty' }),
        ...(mode ? {} : { mode: 'booking.errors.mode' }),
      };
      return reschedulePage(reply, a, req.params.token, values, errors, 400);
    }
    const team = (await teamById(app.db, a.team_id))!;
    let moved: boolean;
    try {
      const ctx = { now: app.now(), mail: app.mailContext(), token: req.params.token };
      moved = await reschedule(app.db, a, team, { ...target, mode }, ctx);
    } catch (err) {
      const token = req.params.token;
      if (isKtError(err, 'KT_SLOT_TAKEN'))
        return reschedulePage(
          reply,
          a,
          token,
          values,
          { slot: 'booking.errors.slotTaken' },
          409,
          err.details.alternatives,
        );
      if (isKtError(err, 'KT_SLOT_UNAVAILABLE'))
        return reschedulePage(reply, a, token, values, { slot: 'booking.errors.slotGone' }, 409);
      throw err;
    }
    // A repeated post of the same move changed nothing: count it once.
    if (moved) app.metrics.rescheduled('resident');
    app.mail.kick();
    return reply.redirect(`/afspraak/${req.params.token}?klaar=verzet`, 303);
  });
}

/** /afspraak/<token>/annuleren: cancel, with a reason if the resident wants to give one. */
function cancelRoutes(app: FastifyInstance) {
  app.get<{ Params: Params }>('/afspraak/:token/annuleren', async (req, reply) => {
    const a = await load(app, req, { mustBeBooked: true });
    return reply.viewAsync('manage/cancel', { a, token: req.params.token, values: { reason: '' }, errors: {} });
  });

  app.post<{ Params: Params }>('/afspraak/:token/annuleren', publicPost(app), async (req, reply) => {
    const a = await load(app, req, { mustBeBooked: true });
    const body = req.body as Body;
    const reason = (typeof body.reason === 'string' ? body.reason : '').trim();
    if (reason.length > REASON_MAX) {
      return reply.code(400).viewAsync('manage/cancel', {
        a,
        token: req.params.token,
        values: { reason },
        errors: { reason: 'manage.errors.reasonTooLong' },
      });
    }
    const ctx = { now: app.now(), mail: app.mailContext() };
    if (await cancel(app.db, a, reason || null, ctx)) app.metrics.cancelled('resident');
    app.mail.kick();
    return reply.redirect(`/afspraak/${req.params.token}?klaar=geannuleerd`, 303);
  });
}
