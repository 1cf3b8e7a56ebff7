// /medewerker/namens: staff book for a resident who phones or walks in.
//   GET  /medewerker/namens              step 1 (front office): which team; then the form
//   POST /medewerker/namens              books with book(): same rules as the public flow
//   GET  /medewerker/namens/bevestiging  what to tell the resident (time, coaches, manage link)
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Team } from '../../db/schema.js';
import { requireStaff, type StaffSession } from '../../plugins/auth.js';
import { isKtError, ktError } from '../../errors.js';
import { displayPostcode, normalizePostcode } from '../../domain/postcode.js';
import { slotKey, type Slot } from '../../domain/slots.js';
import { abouts, languages, modes, topics } from '../../core/intake.js';
import { teamById } from '../../core/teams.js';
import { auditCaseViewed } from '../../core/audit.js';
import { loadAppointmentByToken } from '../../core/managed-appointment.js';
import { CALLBACK_SLOT, channels, fieldNames, formKey, parseOnBehalf, type Values } from './schemas.js';
import { bookOnBehalf, offeredTimes, resolveTeam } from './service.js';
import { allTeams } from './repository.js';
import { bookForRequest, valuesOf, waitingRequest, type WaitingRequest } from './from-request.js';
import { textField, type PostedForm } from '../../core/posted-form.js';

const ROLES = { roles: ['coach', 'teamlead', 'frontoffice'] as const };

declare module '@fastify/secure-session' {
  interface SessionData {
    onBehalf: { requestId: number; token: string | null; teamId: number; urgent: boolean; repeated: boolean };
  }
}

function formValues(pick: (name: string) => string, topics: string[]): Values {
  return {
    ...(Object.fromEntries(fieldNames.map((n) => [n, pick(n)])) as Record<(typeof fieldNames)[number], string>),
    topics,
  };
}

function emptyValues(postcode = ''): Values {
  return { ...formValues(() => '', []), postcode, language: 'nl', mode: 'home', about: 'self' };
}

export default async function onBehalfRoutes(app: FastifyInstance) {
  startRoute(app);
  bookRoute(app);
  confirmationRoute(app);
}

interface FormPage {
  team: Team | null;
  values: Values;
  errors: Record<string, string>;
  key: string;
  status?: number;
  /** The nearest free times, after the chosen one turned out not to be free. */
  taken?: readonly Slot[];
  pick?: Record<string, string>;
  posted?: boolean;
  /** The waiting request (a call-back) this booking is for; absent: a new sign-up. */
  request?: WaitingRequest | null;
}

const viewOf = (actorStaffId: number, requestId: number, teamId: number, page: string, app: FastifyInstance) => ({
  actorStaffId,
  requestId,
  teamId,
  page,
  at: app.now(),
});

async function formPage(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, p: FormPage) {
  const staff = requireStaff(req);
  const slots = p.team ? await offeredTimes(app.db, p.team, app.now()) : [];
  // Filled in from a stored request: its content is shown (NEN 7513).
  if (p.request) await auditCaseViewed(app.db, viewOf(staff.id, p.request.id, p.request.team_id, 'on-behalf', app));
  return reply.code(p.status ?? 200).viewAsync('on-behalf/form', {
    me: staff,
    team: p.team,
    teams: staff.role === 'frontoffice' ? await allTeams(app.db) : [],
    pick: p.pick ?? { team: p.team ? String(p.team.id) : '', postcode: p.values.postcode },
    values: p.values,
    errors: p.errors,
    key: p.key,
    slots,
    first: slots[0] ?? null,
    taken: p.taken ?? null,
    posted: p.posted ?? false,
    request: p.request ?? null,
    slotKey,
    callbackSlot: CALLBACK_SLOT,
    channels,
    topics,
    abouts,
    modes,
    languages,
  });
}

/** GET /medewerker/namens: the front office first picks the team (or a postcode); then the form. */
function startRoute(app: FastifyInstance) {
  app.get('/medewerker/namens', { config: { access: ROLES } }, async (req, reply) => {
    const staff = requireStaff(req);
    const q = req.query as Record<string, string | undefined>;
    if (q.verzoek !== undefined) return requestForm(app, req, reply, q.verzoek);
    const rawPostcode = (q.postcode ?? '').trim();
    const postcode = rawPostcode ? normalizePostcode(rawPostcode) : null;
    const errors: Record<string, string> = {};
    if (staff.role === 'frontoffice' && rawPostcode && !postcode)
      errors.pickPostcode = 'onbehalf.errors.postcodeFormat';
    const team = errors.pickPostcode ? null : await resolveTeam(app.db, staff, q.team ?? '', postcode);
    if (staff.role === 'frontoffice' && postcode && !q.team && !team)
      errors.pickPostcode = 'onbehalf.errors.postcodeNoTeam';
    const values = emptyValues(postcode ? displayPostcode(postcode) : '');
    return formPage(app, req, reply, {
      team,
      values,
      errors,
      key: randomUUID(),
      status: Object.keys(errors).length ? 400 : 200,
      pick: { team: q.team ?? '', postcode: rawPostcode },
    });
  });
}

/** POST /medewerker/namens: books; a time no longer free shows the form again with the nearest ones. */
function bookRoute(app: FastifyInstance) {
  app.post('/medewerker/namens', { config: { access: ROLES, lists: ['topics'] } }, async (req, reply) => {
    const staff = requireStaff(req);
    const body = req.body as PostedForm;
    const values = formValues((n) => textField(body, n), ([] as string[]).concat(body.topics ?? []));
    const key = formKey(body.key) ?? randomUUID();
    const parsed = parseOnBehalf(values, app.now());
    const request =
      body.requestId === undefined ? null : await requestOf(app, staff, textField(body, 'requestId'), true);
    const team = request
      ? await teamById(app.db, request.team_id)
      : await resolveTeam(app.db, staff, textField(body, 'teamId'), normalizePostcode(values.postcode));
    const errors: Record<string, string> = team ? {} : { teamId: 'onbehalf.errors.team' };
    // A waiting request is booked with a time: putting it on the call-back list again is no booking.
    if (request && parsed.ok && !parsed.data.slot) errors.slot = 'onbehalf.errors.slotForRequest';
    if (!parsed.ok || !team || Object.keys(errors).length) {
      const all = { ...errors, ...(parsed.ok ? {} : parsed.errors) };
      return formPage(app, req, reply, { team, values, errors: all, key, status: 400, posted: true, request });
    }
    try {
      const input = { staff, team, data: parsed.data, key, now: app.now(), secret: app.config.sessionSecret };
      const result = request
        ? await bookForRequest(app.db, { ...input, request, mail: app.mailContext() })
        : await bookOnBehalf(app.db, { ...input, mail: app.mailContext() });
      app.metrics.booked(result, parsed.data.channel);
      app.mail.kick();
      req.session.set('onBehalf', {
        requestId: result.requestId,
        token: result.manageToken,
        teamId: team.id,
        urgent: parsed.data.urgent,
        repeated: result.repeated,
      });
      return reply.redirect('/medewerker/namens/bevestiging', 303);
    } catch (err) {
      if (!isKtError(err, 'KT_SLOT_TAKEN')) throw err;
      return formPage(app, req, reply, {
        team,
        values: { ...values, slot: '' },
        errors: { slot: 'onbehalf.errors.slotTaken' },
        key,
        status: 409,
        taken: err.details.alternatives,
        posted: true,
        request,
      });
    }
  });
}

/** GET /medewerker/namens/bevestiging: what to tell the resident (time, coaches, manage link). */
function confirmationRoute(app: FastifyInstance) {
  app.get('/medewerker/namens/bevestiging', { config: { access: ROLES } }, async (req, reply) => {
    const done = req.session.get('onBehalf');
    if (!done) return reply.redirect('/medewerker/namens', 303);
    const appointment = done.token ? await loadAppointmentByToken(app.db, done.token) : null;
    if (appointment)
      await auditCaseViewed(app.db, viewOf(requireStaff(req).id, done.requestId, done.teamId, 'on-behalf-done', app));
    return reply.viewAsync('on-behalf/confirmation', {
      done,
      appointment,
      team: await teamById(app.db, done.teamId),
      manageUrl: done.token ? `${app.config.publicUrl}/afspraak/${done.token}` : null,
    });
  });
}

/** The waiting request named by the queue's link or the form; 404 when unknown or of another team. */
async function requestOf(
  app: FastifyInstance,
  staff: StaffSession,
  raw: string,
  repeat = false,
): Promise<WaitingRequest> {
  if (!/^\d{1,9}$/.test(raw)) throw ktError('KT_NOT_FOUND', 'bad request id');
  return waitingRequest(app.db, staff, Number(raw), repeat);
}

/** GET /medewerker/namens?verzoek=:id: the form for a waiting request, filled in with what it holds. */
async function requestForm(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, raw: string) {
  const request = await requestOf(app, requireStaff(req), raw);
  const team = await teamById(app.db, request.team_id);
  return formPage(app, req, reply, {
    team,
    values: valuesOf(request, emptyValues()),
    errors: {},
    key: randomUUID(),
    request,
  });
}
