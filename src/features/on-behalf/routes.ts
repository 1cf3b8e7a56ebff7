// /medewerker/namens: staff book for a resident who phones or walks in.
//   GET  /medewerker/namens              step 1 (front office): which team; then the form
//   POST /medewerker/namens              books with book(): same rules as the public flow
//   GET  /medewerker/namens/bevestiging  what to tell the resident (time, coaches, manage link)
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Team } from '../../db/schema.js';
import { requireStaff } from '../../plugins/auth.js';
import { isKtError } from '../../errors.js';
import { displayPostcode, normalizePostcode } from '../../domain/postcode.js';
import { slotKey, type Slot } from '../../domain/slots.js';
import { abouts, languages, modes, topics } from '../../core/intake.js';
import { teamById } from '../../core/teams.js';
import { loadAppointmentByToken } from '../../core/managed-appointment.js';
import { CALLBACK_SLOT, channels, fieldNames, formKey, parseOnBehalf, type Values } from './schemas.js';
import { bookOnBehalf, offeredTimes, resolveTeam } from './service.js';
import { allTeams } from './repository.js';
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
}

async function formPage(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, p: FormPage) {
  const staff = requireStaff(req);
  const slots = p.team ? await offeredTimes(app.db, p.team, app.now()) : [];
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
    const team = await resolveTeam(app.db, staff, textField(body, 'teamId'), normalizePostcode(values.postcode));
    const errors: Record<string, string> = team ? {} : { teamId: 'onbehalf.errors.team' };
    if (!parsed.ok || !team) {
      const all = { ...errors, ...(parsed.ok ? {} : parsed.errors) };
      return formPage(app, req, reply, { team, values, errors: all, key, status: 400, posted: true });
    }
    try {
      const result = await bookOnBehalf(app.db, {
        staff,
        team,
        data: parsed.data,
        key,
        now: app.now(),
        secret: app.config.sessionSecret,
        mail: app.mailContext(),
      });
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
    return reply.viewAsync('on-behalf/confirmation', {
      done,
      appointment,
      team: await teamById(app.db, done.teamId),
      manageUrl: done.token ? `${app.config.publicUrl}/afspraak/${done.token}` : null,
    });
  });
}
