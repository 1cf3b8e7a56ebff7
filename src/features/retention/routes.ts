// The retention terms, for administrators: a form with the four terms (each within its limits)
// and, below it, the dry run: what the next run of the retention job would touch, per category
// and per team, without names.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../db/schema.js';
import { requireStaff } from '../../plugins/auth.js';
import { textField, type PostedForm } from '../../core/posted-form.js';
import { parseRetention, RETENTION_FIELDS, saveRetention } from '../../core/retention-settings.js';
import { RETENTION_LIMITS, type RetentionTerms } from '../../domain/retention.js';
import { previewRetention } from './service.js';

const PATH = '/medewerker/beheer/bewaartermijnen';
const adminOnly = { config: { access: { roles: ['admin'] as Role[] } } };

type Values = Record<keyof RetentionTerms, string>;

const valuesOf = (t: RetentionTerms): Values =>
  Object.fromEntries(RETENTION_FIELDS.map((f) => [f, String(t[f])])) as Values;

async function page(
  reply: FastifyReply,
  values: Values | null,
  errors: Record<string, string>,
  status: number,
  saved = false,
) {
  const preview = await previewRetention(reply.server.db, reply.server.now());
  const errorParams = Object.fromEntries(RETENTION_FIELDS.map((f) => [f, RETENTION_LIMITS[f]]));
  return reply.code(status).viewAsync('retention/index', {
    values: values ?? valuesOf(preview.terms),
    errors,
    errorParams,
    fields: RETENTION_FIELDS,
    limits: RETENTION_LIMITS,
    preview,
    saved,
  });
}

export default async function retentionRoutes(app: FastifyInstance) {
  app.get(PATH, adminOnly, async (req, reply) =>
    page(reply, null, {}, 200, (req.query as Record<string, string>).klaar === '1'),
  );
  app.post(PATH, adminOnly, async (req: FastifyRequest, reply) => {
    const body = req.body as PostedForm;
    const values = Object.fromEntries(RETENTION_FIELDS.map((f) => [f, textField(body, f)])) as Values;
    const parsed = parseRetention(values);
    if (!parsed.ok) {
      const errors = Object.fromEntries(Object.entries(parsed.errors).map(([f, e]) => [f, `retention.errors.${e}`]));
      return page(reply, values, errors, 400);
    }
    const by = { staffId: requireStaff(req).id, now: app.now() };
    await app.db.transaction().execute((trx) => saveRetention(trx, parsed.terms, by));
    return reply.redirect(`${PATH}?klaar=1`, 303);
  });
}
