// The resident's manage link: /afspraak/<token>. View, reschedule, cancel. The link stops
// working once the appointment is over.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../errors.js';
import { distinctTimes, parseSlotKey, slotKey } from '../../domain/slots.js';
import { teamFreeSlots } from '../../core/availability.js';
import { teamById } from '../../core/teams.js';
import { modes } from '../../core/intake.js';
import { SlotTakenError, SlotUnavailableError } from '../../core/booking-rule.js';
import { loadAppointmentByToken, type ManagedAppointment } from '../../core/managed-appointment.js';
import { cancel, reschedule } from './service.js';
import type { AppointmentMode } from '../../db/schema.js';
import { publicScope } from '../../plugins/access.js';

type Params = { token: string };
type Body = Record<string, string | string[] | undefined>;
const REASON_MAX = 1000;

export default async function manageRoutes(app: FastifyInstance) {
  // Every page here is for residents, referrers and anyone else: no login.
  publicScope(app);
  // Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute).
  const publicPost = { config: { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } } };
  const mailCtx = () => app.mailContext();

  async function load(
    req: FastifyRequest<{ Params: Params }>,
    opts: { mustBeBooked?: boolean } = {},
  ): Promise<ManagedAppointment> {
    const a = await loadAppointmentByToken(app.db, req.params.token);
    if (!a) throw new DomainError('not_found', 'unknown manage token');
    if (a.ends_at <= app.now()) throw new DomainError('gone', 'appointment is over');
    if (opts.mustBeBooked && a.status !== 'booked') throw new DomainError('gone', 'appointment is not active');
    return a;
  }

  app.get<{ Params: Params }>('/afspraak/:token', async (req, reply) => {
    const a = await load(req);
    const done = (req.query as Record<string, string>).klaar;
    return reply.viewAsync('manage/show', {
      a,
      token: req.params.token,
      done: ['verzet', 'geannuleerd'].includes(done ?? '') ? done : null,
    });
  });

  async function reschedulePage(
    reply: FastifyReply,
    a: ManagedAppointment,
    token: string,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
    taken: ReturnType<typeof distinctTimes> | null = null,
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
      modes,
      taken,
    });
  }

  app.get<{ Params: Params }>('/afspraak/:token/verzetten', async (req, reply) => {
    const a = await load(req, { mustBeBooked: true });
    return reschedulePage(reply, a, req.params.token, { slot: '', mode: a.mode }, {});
  });

  app.post<{ Params: Params }>('/afspraak/:token/verzetten', publicPost, async (req, reply) => {
    const a = await load(req, { mustBeBooked: true });
    const body = req.body as Body;
    const values = {
      slot: typeof body.slot === 'string' ? body.slot : '',
      mode: typeof body.mode === 'string' ? body.mode : a.mode,
    };
    const target = parseSlotKey(values.slot);
    const mode = (modes as readonly string[]).includes(values.mode) ? (values.mode as AppointmentMode) : null;
    if (!target || !mode) {
      return reschedulePage(
        reply,
        a,
        req.params.token,
        values,
        { ...(target ? {} : { slot: 'booking.errors.slotEmpty' }), ...(mode ? {} : { mode: 'booking.errors.mode' }) },
        400,
      );
    }
    const team = (await teamById(app.db, a.team_id))!;
    let moved: boolean;
    try {
      moved = await reschedule(
        app.db,
        a,
        team,
        { ...target, mode },
        { now: app.now(), mail: mailCtx(), token: req.params.token },
      );
    } catch (err) {
      if (err instanceof SlotTakenError)
        return reschedulePage(
          reply,
          a,
          req.params.token,
          values,
          { slot: 'booking.errors.slotTaken' },
          409,
          err.alternatives,
        );
      if (err instanceof SlotUnavailableError)
        return reschedulePage(reply, a, req.params.token, values, { slot: 'booking.errors.slotGone' }, 409);
      throw err;
    }
    // A repeated post of the same move changed nothing: count it once.
    if (moved) app.metrics.rescheduled('resident');
    app.mail.kick();
    return reply.redirect(`/afspraak/${req.params.token}?klaar=verzet`, 303);
  });

  app.get<{ Params: Params }>('/afspraak/:token/annuleren', async (req, reply) => {
    const a = await load(req, { mustBeBooked: true });
    return reply.viewAsync('manage/cancel', { a, token: req.params.token, values: { reason: '' }, errors: {} });
  });

  app.post<{ Params: Params }>('/afspraak/:token/annuleren', publicPost, async (req, reply) => {
    const a = await load(req, { mustBeBooked: true });
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
    if (await cancel(app.db, a, reason || null, { now: app.now(), mail: mailCtx() })) app.metrics.cancelled('resident');
    app.mail.kick();
    return reply.redirect(`/afspraak/${req.params.token}?klaar=geannuleerd`, 303);
  });
}
