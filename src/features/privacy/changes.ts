// Correcting (art. 16) and erasing (art. 17) a person's data at the privacy desk. A form that
// does not fit comes back with the messages next to the fields and what was typed; nothing is
// written until all of it fits.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldErrors, type FieldErrors } from '../../core/forms.js';
import { textField, type PostedForm } from '../../core/posted-form.js';
import { deletePurgedMailFiles, mailDirOf } from '../../core/mail/mail-files.js';
import { displayPostcode } from '../../domain/postcode.js';
import { CORRECT_REASONS, ERASE_REASONS, correctSchema, eraseSchema } from './schemas.js';
import { auditDesk, correct, erase, erasureDuties, type Dossier, type EraseRefusal } from './service.js';
import { actorOf, desk, personOf, type PersonParams } from './context.js';

const CORRECT_INPUT = ['name', 'email', 'phone', 'street', 'houseNumber', 'postcode', 'city', 'dateOfBirth', 'reason'];

const personUrl = (id: number, done?: string) => `/medewerker/privacy/personen/${id}${done ? `?klaar=${done}` : ''}`;

/** The form filled from the stored details (a date of birth as people type it: 31-12-1980). */
function storedValues(d: Dossier): Record<string, string> {
  const r = d.resident;
  return {
    name: r.name,
    email: r.email ?? '',
    phone: r.phone ?? '',
    street: r.street ?? '',
    houseNumber: r.house_number ?? '',
    postcode: r.postcode ? displayPostcode(r.postcode) : '',
    city: r.city ?? '',
    dateOfBirth: r.date_of_birth ? r.date_of_birth.split('-').reverse().join('-') : '',
    reason: '',
  };
}

function correctPage(
  reply: FastifyReply,
  d: Dossier,
  values: Record<string, string>,
  errors: FieldErrors,
  status = 200,
) {
  return reply.code(status).viewAsync('privacy/correct', { d, values, errors, reasons: CORRECT_REASONS });
}

function erasePage(
  reply: FastifyReply,
  d: Dossier,
  duties: EraseRefusal[],
  values: Record<string, string>,
  errors: FieldErrors,
  status = 200,
) {
  return reply.code(status).viewAsync('privacy/erase', { d, duties, values, errors, reasons: ERASE_REASONS });
}

const typed = (req: FastifyRequest, fields: string[]) => {
  const body = (req.body ?? {}) as PostedForm;
  return Object.fromEntries(fields.map((f) => [f, textField(body, f)]));
};

export default function changeRoutes(app: FastifyInstance) {
  const base = '/medewerker/privacy/personen/:residentId';

  app.get<PersonParams>(`${base}/corrigeren`, desk, async (req, reply) => {
    const d = await personOf(app, req.params.residentId);
    if (d.resident.anonymised_at) return reply.redirect(personUrl(d.resident.id), 303);
    await auditDesk(app.db, 'privacy_viewed', actorOf(app, req), d.resident.id, { page: 'correct' });
    return correctPage(reply, d, storedValues(d), {});
  });

  app.post<PersonParams>(`${base}/corrigeren`, desk, async (req, reply) => {
    const d = await personOf(app, req.params.residentId);
    if (d.resident.anonymised_at) return reply.redirect(personUrl(d.resident.id), 303);
    const actor = actorOf(app, req);
    const values = typed(req, CORRECT_INPUT);
    const parsed = correctSchema(actor.now).safeParse(values);
    if (!parsed.success) return correctPage(reply, d, values, fieldErrors(parsed.error), 400);
    const changed = await correct(app.db, d.resident.id, parsed.data, actor);
    return reply.redirect(personUrl(d.resident.id, changed.length ? 'gecorrigeerd' : 'ongewijzigd'), 303);
  });

  app.get<PersonParams>(`${base}/wissen`, desk, async (req, reply) => {
    const d = await personOf(app, req.params.residentId);
    const actor = actorOf(app, req);
    await auditDesk(app.db, 'privacy_viewed', actor, d.resident.id, { page: 'erase' });
    const duties = await erasureDuties(app.db, d.resident.id, actor.now);
    return erasePage(reply, d, duties, { reason: '', confirm: '' }, {});
  });

  app.post<PersonParams>(`${base}/wissen`, desk, async (req, reply) => {
    const d = await personOf(app, req.params.residentId);
    const actor = actorOf(app, req);
    const values = typed(req, ['reason', 'confirm']);
    const parsed = eraseSchema.safeParse(values);
    if (!parsed.success) {
      const duties = await erasureDuties(app.db, d.resident.id, actor.now);
      return erasePage(reply, d, duties, values, fieldErrors(parsed.error), 400);
    }
    const result = await erase(app.db, d.resident.id, parsed.data.reason, actor);
    if (!result.ok) return erasePage(reply, d, result.duties, values, { form: 'privacy.desk.erase.refused' }, 409);
    // The mail files of the mails it purged (after the commit). Should that fail, the erasure
    // stands and the next retention run deletes them.
    await deletePurgedMailFiles(app.db, mailDirOf(app.config.dataDir)).catch((err: unknown) =>
      req.log.warn({ code: (err as { code?: unknown }).code }, 'mail files not deleted after an erasure'),
    );
    return reply.redirect(personUrl(d.resident.id, 'gewist'), 303);
  });
}
