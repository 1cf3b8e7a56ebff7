// The resident's sign-up flow: one page per step, each working without JavaScript.
//   /aanmelden            where do you live (postcode, house number) -> team
//   /aanmelden/vraag      your question + safety questions
//   /aanmelden/gevaar     danger now: 112 and Veilig Thuis, no booking
//   /aanmelden/terugbellen  urgent (or no free time): call-back request
//   /aanmelden/moment     choose a free time and how to meet
//   /aanmelden/gegevens   your details
//   /aanmelden/controleren  check and confirm (one transaction books)
//   /aanmelden/bevestiging  confirmation
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Team } from '../../db/schema.js';
import { distinctTimes, nearest, parseSlotKey, slotKey, type Slot } from '../../domain/slots.js';
import { displayPostcode } from '../../domain/postcode.js';
import { isWeekend, local } from '../../domain/time.js';
import { teamFreeSlots } from '../../core/availability.js';
import { loadDraft, markDraftBooked, saveDraft, type Draft } from '../../core/signup-draft.js';
import { audit } from '../../core/audit.js';
import { blockById, coachesOfBlock } from '../../core/blocks.js';
import { neighbourTeams, teamById, teamForPostcode } from '../../core/teams.js';
import {
  callbackSchema,
  detailsSchema,
  languages,
  modes,
  momentSchema,
  parseBirthDate,
  questionSchema,
  topics,
  abouts,
  whereSchema,
} from '../../core/intake.js';
import { fieldErrors } from '../../core/forms.js';
import { book, existingBooking } from '../../core/booking.js';
import { SlotTakenError, SlotUnavailableError } from '../../core/booking-rule.js';
import { loadAppointmentByToken } from '../../core/managed-appointment.js';
import { returningBooking, routeFor } from '../returning/service.js';
import { publicScope } from '../../plugins/access.js';

type Body = Record<string, string | string[] | undefined>;

function str(body: Body, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

export default async function bookingRoutes(app: FastifyInstance) {
  // Every page here is for residents, referrers and anyone else: no login.
  publicScope(app);
  // Rate limit per IP on every public form post (PUBLIC_POST_LIMIT a minute).
  const publicPost = { config: { rateLimit: { max: app.config.publicPostLimit, timeWindow: '1 minute' } } };
  const mailCtx = () => app.mailContext();

  async function requireDraft(
    req: FastifyRequest,
    reply: FastifyReply,
    need: (d: Draft) => boolean,
  ): Promise<Draft | null> {
    const d = await loadDraft(app, req);
    if (!d || !need(d.data)) {
      await reply.redirect('/aanmelden', 303);
      return null;
    }
    return d.data;
  }

  /** Steps after the question: never reachable when the safety answers say danger or urgent. */
  async function requireBookable(
    req: FastifyRequest,
    reply: FastifyReply,
    need: (d: Draft) => boolean,
  ): Promise<Draft | null> {
    const d = await requireDraft(req, reply, (x) => x.dangerNow === true || x.urgent24h === true || need(x));
    if (!d) return null;
    if (d.dangerNow) {
      await reply.redirect('/aanmelden/gevaar', 303);
      return null;
    }
    if (d.urgent24h) {
      await reply.redirect('/aanmelden/terugbellen', 303);
      return null;
    }
    return d;
  }

  async function ownTeam(d: Draft): Promise<Team | null> {
    return d.teamId ? teamById(app.db, d.teamId) : null;
  }

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

  // Step 2: the question and the safety questions.
  /** A returning resident's draft (src/features/returning): which coach they get, and why. */
  async function returningRoute(d: Draft) {
    const team = d.returningResidentId ? await ownTeam(d) : null;
    return team ? { team, ...(await routeFor(app.db, team, d, app.now())) } : null;
  }

  const questionPage = async (
    reply: FastifyReply,
    d: Draft,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.code(status).viewAsync('booking/question', {
      team: await ownTeam(d),
      outOfArea: d.outOfArea,
      postcode: d.postcode ? displayPostcode(d.postcode) : '',
      values,
      errors,
      topics,
      abouts,
      returning: d.returningResidentId ? { route: await returningRoute(d), name: d.name ?? '' } : null,
    });

  app.get('/aanmelden/vraag', async (req, reply) => {
    const d = await requireDraft(req, reply, (x) => Boolean(x.postcode));
    if (!d) return reply;
    return questionPage(
      reply,
      d,
      {
        question: d.question ?? '',
        topics: d.topics ?? [],
        about: d.about ?? 'self',
        dangerNow: d.dangerNow === undefined ? '' : d.dangerNow ? 'yes' : 'no',
        urgent24h: d.urgent24h === undefined ? '' : d.urgent24h ? 'yes' : 'no',
      },
      {},
    );
  });

  app.post('/aanmelden/vraag', { config: { ...publicPost.config, lists: ['topics'] } }, async (req, reply) => {
    const d = await requireDraft(req, reply, (x) => Boolean(x.postcode));
    if (!d) return reply;
    const body = req.body as Body;
    // A returning resident is asked only the new question and the safety questions.
    const about = str(body, 'about') || (d.returningResidentId ? (d.about ?? 'self') : '');
    const input = {
      question: str(body, 'question'),
      topics: body.topics,
      about,
      dangerNow: str(body, 'dangerNow'),
      urgent24h: str(body, 'urgent24h'),
    };
    const parsed = questionSchema.safeParse(input);
    if (!parsed.success) {
      const kept = {
        ...input,
        topics: Array.isArray(input.topics) ? input.topics : input.topics ? [input.topics] : [],
      };
      return questionPage(reply, d, kept, fieldErrors(parsed.error), 400);
    }
    const v = parsed.data;
    await saveDraft(app, req, {
      question: v.question,
      topics: v.topics,
      about: v.about,
      dangerNow: v.dangerNow === 'yes',
      urgent24h: v.urgent24h === 'yes',
    });
    if (v.dangerNow === 'yes') return reply.redirect('/aanmelden/gevaar', 303);
    if (v.urgent24h === 'yes') return reply.redirect('/aanmelden/terugbellen', 303);
    return reply.redirect(d.outOfArea ? '/aanmelden/gegevens' : '/aanmelden/moment', 303);
  });

  app.get('/aanmelden/gevaar', async (req, reply) => {
    const d = (await loadDraft(app, req))?.data;
    return reply.viewAsync('booking/danger', { team: d ? await ownTeam(d) : null });
  });

  // Urgent within 24 hours, or no free time anywhere: the team calls back. No calendar.
  const callbackPage = async (
    reply: FastifyReply,
    d: Draft,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply
      .code(status)
      .viewAsync('booking/callback', { team: await ownTeam(d), urgent: d.urgent24h === true, values, errors });

  app.get('/aanmelden/terugbellen', async (req, reply) => {
    const d = await requireDraft(req, reply, (x) => Boolean(x.question));
    if (!d) return reply;
    return callbackPage(reply, d, { name: d.name ?? '', phone: d.phone ?? '' }, {});
  });

  /** A repeated submit of an already stored sign-up: show its confirmation again. */
  async function alreadyBooked(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const loaded = await loadDraft(app, req);
    if (!loaded?.data.bookedRequestId) return false;
    const found = await existingBooking(app.db, app.config.sessionSecret, loaded.data.key);
    if (!found) return false;
    const previous = req.session.get('booked');
    req.session.set('booked', {
      ...(previous?.requestId === found.requestId ? previous : {}),
      requestId: found.requestId,
      token: found.manageToken,
    });
    await reply.redirect('/aanmelden/bevestiging', 303);
    return true;
  }

  app.post('/aanmelden/terugbellen', publicPost, async (req, reply) => {
    if (await alreadyBooked(req, reply)) return reply;
    const d = await requireDraft(req, reply, (x) => Boolean(x.question));
    if (!d) return reply;
    const body = req.body as Body;
    const values = { name: str(body, 'name'), phone: str(body, 'phone') };
    const parsed = callbackSchema.safeParse(values);
    if (!parsed.success) return callbackPage(reply, d, values, fieldErrors(parsed.error), 400);
    const team = await ownTeam(d);
    const result = await book(app.db, {
      team,
      resident: d.returningResidentId
        ? {
            name: parsed.data.name,
            email: d.email || null,
            phone: parsed.data.phone,
            postcode: d.postcode ?? null,
            houseNumber: d.houseNumber ?? null,
            street: d.street || null,
            city: d.city || null,
            dateOfBirth: null,
            language: d.language ?? 'nl',
            interpreter: d.interpreter === true,
            mailLocale: req.locale,
          }
        : {
            name: parsed.data.name,
            email: null,
            phone: parsed.data.phone,
            postcode: d.postcode ?? null,
            houseNumber: d.houseNumber ?? null,
            street: null,
            city: null,
            dateOfBirth: null,
            language: 'nl',
            interpreter: false,
            mailLocale: req.locale,
          },
      request: {
        teamId: team?.id ?? null,
        channel: 'online',
        question: d.question!,
        topics: d.topics ?? [],
        about: d.about ?? 'self',
        dangerNow: false,
        urgent24h: d.urgent24h === true,
        companion: null,
        consentAt: app.now(),
        idempotencyKey: d.key,
      },
      slot: null,
      status: 'callback',
      now: app.now(),
      secret: app.config.sessionSecret,
      mail: mailCtx(),
      ...(await returningBooking(app.db, d, team?.id ?? null, app.now(), app.config.publicUrl)),
    });
    app.mail.kick();
    req.session.set('booked', {
      requestId: result.requestId,
      token: null,
      callback: true,
      urgent: d.urgent24h === true,
      teamId: team?.id ?? null,
    });
    await markDraftBooked(app, req, result.requestId);
    return reply.redirect('/aanmelden/bevestiging', 303);
  });

  // Step 3: choose a moment.
  async function momentData(d: Draft) {
    const team = await ownTeam(d);
    if (!team) return null;
    // A returning resident: only the known coach's times, else the duo partner's, else the team's.
    const returning = await returningRoute(d);
    if (returning && returning.slots.length > 0)
      return { team, ownTeam: team, slots: returning.slots, full: false, returning };
    const own = distinctTimes(await teamFreeSlots(app.db, team, app.now()));
    if (own.length > 0) return { team, ownTeam: team, slots: own, full: false, returning };
    // The waiting-list alarm: no free time in the horizon. Offer a neighbour's calendar.
    for (const n of await neighbourTeams(app.db, team.id)) {
      const theirs = distinctTimes(await teamFreeSlots(app.db, n, app.now()));
      if (theirs.length > 0) return { team: n, ownTeam: team, slots: theirs, full: true, returning };
    }
    return { team, ownTeam: team, slots: [] as Slot[], full: true, returning };
  }

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

  // Step 4: your details.
  const detailsPage = async (
    reply: FastifyReply,
    d: Draft,
    values: Record<string, string>,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.code(status).viewAsync('booking/details', {
      needsAddress: d.mode === 'home',
      outOfArea: d.outOfArea,
      values,
      errors,
      languages,
    });

  app.get('/aanmelden/gegevens', async (req, reply) => {
    const d = await requireBookable(
      req,
      reply,
      (x) => Boolean(x.question) && (Boolean(x.slot) || x.outOfArea === true),
    );
    if (!d) return reply;
    return detailsPage(
      reply,
      d,
      {
        name: d.name ?? '',
        email: d.email ?? '',
        phone: d.phone ?? '',
        street: d.street ?? '',
        city: d.city ?? '',
        language: d.language ?? 'nl',
        interpreter: d.interpreter ? 'yes' : '',
        dateOfBirth: d.dateOfBirth ?? '',
        companion: d.companion ?? '',
        consent: d.consent ? 'yes' : '',
        houseNumber: d.houseNumber ?? '',
      },
      {},
    );
  });

  app.post('/aanmelden/gegevens', publicPost, async (req, reply) => {
    const d = await requireBookable(
      req,
      reply,
      (x) => Boolean(x.question) && (Boolean(x.slot) || x.outOfArea === true),
    );
    if (!d) return reply;
    const body = req.body as Body;
    const names = [
      'name',
      'email',
      'phone',
      'street',
      'city',
      'language',
      'interpreter',
      'dateOfBirth',
      'companion',
      'consent',
    ] as const;
    const values = Object.fromEntries(names.map((n) => [n, str(body, n)])) as Record<(typeof names)[number], string>;
    const parsed = detailsSchema(d.mode === 'home', app.now()).safeParse(values);
    if (!parsed.success)
      return detailsPage(reply, d, { ...values, houseNumber: d.houseNumber ?? '' }, fieldErrors(parsed.error), 400);
    const v = parsed.data;
    await saveDraft(app, req, {
      name: v.name,
      email: v.email,
      phone: v.phone,
      street: v.street,
      city: v.city,
      language: v.language,
      interpreter: v.interpreter,
      dateOfBirth: v.dateOfBirth,
      companion: v.companion,
      consent: true,
    });
    return reply.redirect('/aanmelden/controleren', 303);
  });

  // Step 5: check and confirm.
  async function checkPage(
    req: FastifyRequest,
    reply: FastifyReply,
    d: Draft,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const chosen = d.slot ? parseSlotKey(d.slot) : null;
    const team = d.slotTeamId ? await teamById(app.db, d.slotTeamId) : await ownTeam(d);
    const coaches = chosen ? await coachesOfBlock(app.db, chosen.blockId) : [];
    const block = chosen ? await blockById(app.db, chosen.blockId) : null;
    const chosenEnd = chosen && block ? new Date(chosen.start.getTime() + block.slot_minutes * 60_000) : null;
    return reply.code(status).viewAsync('booking/check', {
      d,
      team,
      chosen,
      chosenEnd,
      coaches,
      slotKey,
      postcode: d.postcode ? displayPostcode(d.postcode) : '',
      ...extra,
    });
  }

  const ready = (x: Draft) => Boolean(x.question) && x.consent === true && (Boolean(x.slot) || x.outOfArea === true);

  app.get('/aanmelden/controleren', async (req, reply) => {
    const d = await requireBookable(req, reply, ready);
    if (!d) return reply;
    return checkPage(req, reply, d);
  });

  app.post('/aanmelden/controleren', publicPost, async (req, reply) => {
    if (await alreadyBooked(req, reply)) return reply;
    const d = await requireBookable(req, reply, ready);
    if (!d) return reply;
    const body = req.body as Body;
    // After "just taken", the resident picks one of the alternatives on this same page.
    const alternative = str(body, 'slot');
    if (alternative && parseSlotKey(alternative)) d.slot = alternative;
    const chosen = d.slot ? parseSlotKey(d.slot) : null;
    const team = d.slotTeamId ? await teamById(app.db, d.slotTeamId) : await ownTeam(d);
    try {
      const result = await book(app.db, {
        team,
        resident: {
          name: d.name!,
          email: d.email || null,
          phone: d.phone || null,
          postcode: d.postcode ?? null,
          houseNumber: d.houseNumber ?? null,
          street: d.street || null,
          city: d.city || null,
          dateOfBirth: d.dateOfBirth ? parseBirthDate(d.dateOfBirth) : null,
          language: d.language ?? 'nl',
          interpreter: d.interpreter === true,
          mailLocale: req.locale,
        },
        request: {
          teamId: team?.id ?? null,
          channel: 'online',
          question: d.question!,
          topics: d.topics ?? [],
          about: d.about ?? 'self',
          dangerNow: false,
          urgent24h: false,
          companion: d.companion || null,
          consentAt: app.now(),
          idempotencyKey: d.key,
        },
        slot:
          chosen && team && !d.outOfArea
            ? { blockId: chosen.blockId, start: chosen.start, mode: d.mode ?? 'home' }
            : null,
        now: app.now(),
        secret: app.config.sessionSecret,
        mail: mailCtx(),
        ...(await returningBooking(app.db, d, team?.id ?? null, app.now(), app.config.publicUrl)),
      });
      app.metrics.booked(result, 'online');
      app.mail.kick();
      req.session.set('booked', { requestId: result.requestId, token: result.manageToken });
      await markDraftBooked(app, req, result.requestId);
      return reply.redirect('/aanmelden/bevestiging', 303);
    } catch (err) {
      if (err instanceof SlotTakenError) {
        await saveDraft(app, req, { slot: alternative || d.slot });
        // A returning resident's alternatives come from the same coach's times.
        const alternatives = d.returningResidentId
          ? nearest((await momentData(d))?.slots ?? [], chosen?.start ?? app.now(), 3)
          : err.alternatives;
        return checkPage(req, reply, d, { taken: alternatives }, 409);
      }
      if (err instanceof SlotUnavailableError) {
        const free = d.returningResidentId
          ? ((await momentData(d))?.slots ?? [])
          : team
            ? distinctTimes(await teamFreeSlots(app.db, team, app.now()))
            : [];
        const target = chosen?.start ?? app.now();
        return checkPage(req, reply, d, { taken: nearest(free, target, 3) }, 409);
      }
      throw err;
    }
  });

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
