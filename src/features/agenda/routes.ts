// /medewerker/agenda (my week), /medewerker/agenda/koppeling (my secret feed URL) and the feed
// itself at /agenda/<token>.ics: public, no session, secret by its 256-bit token.
import type { FastifyInstance } from 'fastify';
import { CASE_ROLES, requireStaff } from '../../plugins/auth.js';
import { ktError } from '../../errors.js';
import { local } from '../../domain/time.js';
import { hasIcalToken } from './repository.js';
import { auditCasesListed } from '../../core/audit.js';
import { feedForToken, parseWeek, rotateFeedToken, weekView } from './service.js';

declare module '@fastify/secure-session' {
  interface SessionData {
    /** A new feed token, shown once on the next page view and then forgotten. */
    icalToken: string;
  }
}

const access = { access: { roles: CASE_ROLES } };

export default async function agendaRoutes(app: FastifyInstance) {
  app.get('/medewerker/agenda', { config: access }, async (req, reply) => {
    const staff = requireStaff(req);
    const q = req.query as Record<string, unknown>;
    const asked = typeof q.week === 'string' ? q.week : '';
    const parsed = asked ? parseWeek(asked) : null;
    const monday = parsed ?? local(app.now()).startOf('week');
    const view = await weekView(app.db, staff.id, app.now(), monday);
    const badWeek = asked !== '' && parsed === null;
    // The residents' names of every appointment shown (NEN 7513).
    const shown = new Set(view.days.flatMap((d) => d.blocks.flatMap((b) => b.slots.map((x) => x.appointment?.id))));
    for (const a of view.today) shown.add(a.id);
    const subjects = [...shown]
      .filter((id): id is number => id !== undefined)
      .map((id) => ({ type: 'appointment' as const, id, teamId: staff.teamId }));
    await auditCasesListed(app.db, { actorStaffId: staff.id, subjects, page: 'agenda', at: app.now() });
    return reply.code(badWeek ? 400 : 200).viewAsync('agenda/week', { view, me: staff, badWeek });
  });

  app.get('/medewerker/agenda/koppeling', { config: access }, async (req, reply) => {
    const staff = requireStaff(req);
    const fresh = req.session.get('icalToken');
    if (fresh) req.session.set('icalToken', undefined);
    const active = await hasIcalToken(app.db, staff.id);
    return reply.viewAsync('agenda/link', {
      active,
      feedUrl: fresh ? `${app.config.publicUrl}/agenda/${fresh}.ics` : null,
    });
  });

  app.post('/medewerker/agenda/koppeling', { config: access }, async (req, reply) => {
    const staff = requireStaff(req);
    const token = await rotateFeedToken(app.db, staff);
    // Post/redirect/get: the URL travels once in the encrypted session cookie, never in a URL.
    req.session.set('icalToken', token);
    return reply.redirect('/medewerker/agenda/koppeling', 303);
  });

  // Public: the secret token in the URL is the key (calendar apps cannot log in).
  app.get<{ Params: { token: string } }>('/agenda/:token.ics', { config: { access: 'public' } }, async (req, reply) => {
    const ics = await feedForToken(app.db, req.params.token, app.now(), app.config.publicUrl);
    if (ics === null) throw ktError('KT_NOT_FOUND', 'unknown feed token');
    reply.header('cache-control', 'private, no-store');
    reply.header('x-robots-tag', 'noindex');
    return reply.type('text/calendar; charset=utf-8').send(ics);
  });
}
