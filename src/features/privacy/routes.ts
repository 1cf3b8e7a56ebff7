// The privacy desk (/medewerker/privacy), for the privacy role only: the FG's desk that handles a
// resident's rights under the AVG for every team. Every page is itself in the audit log.
//   GET  /medewerker/privacy                                   find a person (email, phone, name)
//   GET  /medewerker/privacy/personen/:residentId              everything about them
//   GET  /medewerker/privacy/personen/:residentId/inzage       the same, printable (art. 15)
//   GET  /medewerker/privacy/personen/:residentId/inzage.json  the same as a file (art. 15)
//   GET|POST .../corrigeren, .../wissen                        correct (art. 16), erase (art. 17)
//   GET  /medewerker/privacy/logboek(.csv)                     the audit log, filtered (changes.ts, log-routes.ts)
import type { FastifyInstance } from 'fastify';
import { localDate } from '../../domain/time.js';
import { displayPostcode } from '../../domain/postcode.js';
import { searchResidents, SEARCH_LIMIT } from './repository.js';
import { searchOf } from './schemas.js';
import { auditDesk, erasure } from './service.js';
import { actorOf, desk, download, personOf, type PersonParams } from './context.js';
import { consentsOf, dossierJson, isView, shownEntries } from './export.js';
import changeRoutes from './changes.js';
import logRoutes from './log-routes.js';

/** The person's page data: their rows, the consents, who viewed their case, and whether they were erased. */
async function personPage(app: FastifyInstance, residentId: string) {
  const d = await personOf(app, residentId);
  return {
    d,
    consents: consentsOf(d),
    views: shownEntries(d.audit.filter(isView)),
    auditShown: shownEntries(d.audit),
    erased: await erasure(app.db, d.resident.id),
    dob: (iso: string | null) => (iso ? iso.split('-').reverse().join('-') : ''),
    postcode: (pc: string | null) => (pc ? displayPostcode(pc) : ''),
  };
}

export default async function privacyRoutes(app: FastifyInstance) {
  app.get('/medewerker/privacy', desk, async (req, reply) => {
    const { values, search, errors } = searchOf(req.query);
    if (!search)
      return reply
        .code(Object.keys(errors).length ? 400 : 200)
        .viewAsync('privacy/search', { values, errors, found: null });
    const rows = await searchResidents(app.db, search);
    await auditDesk(app.db, 'privacy_searched', actorOf(app, req), null, { by: search.kind, found: rows.length });
    return reply.viewAsync('privacy/search', {
      values,
      errors,
      found: rows.slice(0, SEARCH_LIMIT),
      more: rows.length > SEARCH_LIMIT,
    });
  });

  app.get<PersonParams>('/medewerker/privacy/personen/:residentId', desk, async (req, reply) => {
    const page = await personPage(app, req.params.residentId);
    await auditDesk(app.db, 'privacy_viewed', actorOf(app, req), page.d.resident.id);
    const q = req.query as Record<string, string>;
    return reply.viewAsync('privacy/person', { ...page, done: q.klaar ?? '' });
  });

  app.get<PersonParams>('/medewerker/privacy/personen/:residentId/inzage', desk, async (req, reply) => {
    const page = await personPage(app, req.params.residentId);
    await auditDesk(app.db, 'privacy_export', actorOf(app, req), page.d.resident.id, { format: 'page' });
    return reply.viewAsync('privacy/export', { ...page, now: app.now() });
  });

  app.get<PersonParams>('/medewerker/privacy/personen/:residentId/inzage.json', desk, async (req, reply) => {
    const d = await personOf(app, req.params.residentId);
    const actor = actorOf(app, req);
    await auditDesk(app.db, 'privacy_export', actor, d.resident.id, { format: 'json' });
    return download(
      reply,
      `inzage-${d.resident.id}-${localDate(actor.now)}.json`,
      dossierJson(d, actor.now, app.config.municipality.name),
    );
  });

  changeRoutes(app);
  logRoutes(app);
}
